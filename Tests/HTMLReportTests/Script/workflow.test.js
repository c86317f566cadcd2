'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadPage, plain } = require('./page.js');
const { shop, traceId } = require('./shop.js');

const page = loadPage('buildModel', 'filterQuery', 'filterTraces', 'drawnWorkflow', 'workflowLayout', 'workflowEdgePath',
  'workflowSummaryText', 'workflowGroupText', 'WORKFLOW_BOX');
const m = page.buildModel(shop);
const kept = (query) => plain(page.filterTraces(m, page.filterQuery(query), -1, '')).flatMap((k, t) => (k ? [t] : []));

/** A workflow of `sizes.length` groups (traces numbered from 0), each `sizes[j]` traces; links as given. */
function workflow(sizes, links, { failing = [], priority } = {}) {
  let next = 0;
  const groups = sizes.map((size, j) => ({
    service: j, name: 0, traces: Array.from({ length: size }, () => next++), failing: failing[j] || 0, errors: 2 * (failing[j] || 0),
    longest: 1000 * (j + 1),
    priority: priority ? priority[j] : j,
  }));
  return { spans: next, services: sizes.length, failing: failing.filter(Boolean).length, duration: 5e9, longestChain: 1, groups, links };
}

test("the model knows each trace's workflow and group there", () => {
  assert.deepEqual(plain(m.workflowOf), [0, 0, 0]);
  assert.deepEqual(plain(m.groupOf), [0, 1, 2]);
  assert.equal(m.serviceName(m.workflows[0].groups[2].service), 'batch');
  const alone = page.buildModel({ ...shop, workflows: undefined });
  assert.deepEqual(plain(alone.workflowOf), [-1, -1, -1], 'data without workflows: no trace is in one');
});

test('workflow: keeps the traces of one\'s workflow; group: those of its group there', () => {
  assert.deepEqual(kept('workflow:' + traceId(0xb2)), [0, 1, 2]);
  assert.deepEqual(kept('group:' + traceId(0xb2)), [1]);
  assert.deepEqual(kept('WORKFLOW:' + traceId(0xa1).slice(0, 12)), [0, 1, 2], 'in any case, by the start of the id');
  assert.deepEqual(kept('workflow:' + 'f'.repeat(32)), []);
  const alone = page.buildModel({ ...shop, workflows: [] });
  const keep = plain(page.filterTraces(alone, 'workflow:' + traceId(0xc3), -1, ''));
  assert.deepEqual(keep, [0, 0, 1], 'a trace in no workflow keeps itself');
});

test('the wording of a workflow and of its groups', () => {
  assert.equal(page.workflowSummaryText(m.workflows[0]), '3 traces · 4 services · 1 failing · 2 ms from first span to last · longest chain 1 link',
    'a trace a box: no groups to count');
  assert.equal(page.workflowGroupText(m.workflows[0].groups[0]), '100 ns · 1 error', "a trace's box: its duration and errors");
  const big = workflow([1000, 1], [[1, 0, 1000]], { failing: [6] });
  big.longestChain = 0;
  assert.equal(page.workflowSummaryText(big), '1,001 traces in 2 groups · 2 services · 1 failing · 5 s from first span to last · longest chain 0 links');
  assert.equal(page.workflowGroupText(big.groups[0]), '1,000 traces · 6 failing');
  assert.equal(page.workflowGroupText(big.groups[1]), '2 µs', 'a group of one trace: its duration');
});

test('a workflow of no more groups than the limit is drawn whole', () => {
  const w = workflow([3, 2, 1], [[0, 1, 4], [1, 2, 1], [2, 2, 1]]);
  const drawn = page.drawnWorkflow(w, 1);
  assert.equal(drawn.groups.length, 3);
  assert.deepEqual(plain(drawn.links), [[0, 1, 4], [1, 2, 1], [2, 2, 1]]);
  assert.deepEqual(plain(drawn.at), [0, 1, 2]);
  assert.equal(drawn.hiddenLinks, 0);
});

test('past the limit, the selected group and those ranked first are drawn, the rest one group', () => {
  // Six groups; the data ranks group 5 (a hub with one trace) first, then 4, 3…
  const w = workflow([5, 4, 3, 2, 2, 1], [[5, 0, 5], [5, 1, 4], [5, 2, 3], [5, 3, 2], [5, 4, 2], [0, 1, 1], [3, 4, 7]],
    { failing: [0, 0, 0, 1], priority: [5, 4, 3, 2, 1, 0] });
  const drawn = page.drawnWorkflow(w, 0, { groups: 3, links: 100 });
  // Kept: the selected group 0, then 5 and 4 by rank; drawn in the data's order, the rest last.
  assert.deepEqual(plain(drawn.groups.slice(0, 3).map((g) => g.traces.length)), [5, 2, 1]);
  assert.deepEqual(plain(drawn.at), [0, 3, 3, 3, 1, 2]);
  const rest = drawn.groups[3];
  assert.equal(rest.rest, 3);
  assert.deepEqual(plain(rest.traces), [5, 6, 7, 8, 9, 10, 11, 12, 13]);
  assert.equal(rest.failing, 1);
  assert.equal(rest.errors, 2);
  assert.equal(rest.longest, 4000);
  // Links re-pointed at the groups drawn and summed: 5→1, 5→2 and 5→3 are one link 2→3 of 9.
  assert.deepEqual(plain(drawn.links), [[0, 3, 1], [2, 0, 5], [2, 1, 2], [2, 3, 9], [3, 1, 7]]);
  const few = page.drawnWorkflow(w, 0, { groups: 3, links: 2 });
  assert.deepEqual(plain(few.links), [[2, 3, 9], [3, 1, 7]], 'the heaviest links');
  assert.equal(few.hiddenLinks, 8);
});

/** Whether two boxes (or a box and a lane's point) overlap. */
const overlaps = (a, b, box) => a.x < b.x + box.width && b.x < a.x + box.width && a.y < b.y + box.height && b.y < a.y + box.height;

test('groups go one column right of the furthest group linking to them, never under another box', () => {
  // The shop's checkout workflow: checkout (0, first) → retry (1) → consumers (2, 3, 4), and
  // checkout → each consumer straight: those links cross the retry's column.
  const starts = [0, 10, 20, 21, 22];
  const links = [[0, 1, 1], [0, 2, 9], [0, 3, 9], [0, 4, 9], [1, 2, 1], [1, 3, 1], [1, 4, 1], [1, 1, 1]];
  const layout = page.workflowLayout(starts, links);
  const box = page.WORKFLOW_BOX;
  assert.deepEqual(plain(layout.column), [0, 1, 2, 2, 2]);
  assert.equal(layout.edges.length, 7, 'a link within a group is no edge');
  for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) assert.ok(!overlaps(layout.boxes[a], layout.boxes[b], box), 'boxes ' + a + ' and ' + b);
  for (const edge of layout.edges) {
    const [cause, effect] = links[edge.link];
    assert.equal(edge.reversed, false);
    assert.deepEqual(plain(edge.points[0]), [layout.boxes[cause].x + box.width, layout.boxes[cause].y + box.height / 2]);
    assert.deepEqual(plain(edge.points.at(-1)), [layout.boxes[effect].x, layout.boxes[effect].y + box.height / 2]);
    // A link across a column runs through it in a lane that is clear of the box there.
    assert.equal(edge.points.length, 2 + 2 * (layout.column[effect] - layout.column[cause] - 1));
    for (const [x, y] of edge.points.slice(1, -1)) {
      assert.ok(y < layout.boxes[1].y - 1 || y > layout.boxes[1].y + box.height + 1, 'lane at ' + y + ' misses the retry box');
      assert.equal(x === layout.boxes[1].x || x === layout.boxes[1].x + box.width, true);
    }
    assert.ok(edge.d.startsWith('M' + edge.points[0][0] + ',' + edge.points[0][1] + ' C'));
  }
  assert.equal(layout.width, 2 * box.pad + 3 * box.width + 2 * box.gapX);
  assert.ok(layout.height >= 3 * box.height + 2 * box.gapY + 2 * box.pad);
});

test('a link that closes a cycle is drawn reversed and moves no group', () => {
  // A batch job (0) its items link to (0 → 1), and a summary of the job linking back to items (1 → 0).
  const layout = page.workflowLayout([0, 5], [[0, 1, 1000], [1, 0, 128]]);
  assert.deepEqual(plain(layout.column), [0, 1]);
  const [forward, back] = layout.edges;
  assert.equal(forward.reversed, false);
  assert.equal(back.reversed, true, 'drawn from the job to the items, its arrow at the job');
  assert.ok(back.points[0][0] < back.points[1][0]);
  assert.notEqual(forward.points[0][1], back.points[0][1], 'the two ways kept apart');
  // The order of starts decides which link is drawn backwards.
  const later = page.workflowLayout([5, 0], [[0, 1, 1000], [1, 0, 128]]);
  assert.deepEqual(plain(later.column), [1, 0]);
  assert.deepEqual(plain(later.edges.map((e) => e.reversed)), [true, false]);
});

test('groups in a column follow the mean height of the groups linking to them', () => {
  // Two sources (0 above 1), each with its own effect: the effects keep their sources' order
  // whatever order they started in.
  const layout = page.workflowLayout([0, 1, 3, 2], [[0, 2, 1], [1, 3, 1]]);
  assert.deepEqual(plain(layout.column), [0, 0, 1, 1]);
  assert.ok(layout.boxes[0].y < layout.boxes[1].y);
  assert.ok(layout.boxes[2].y < layout.boxes[3].y);
});

test('labels in one gap are at least a line apart; the label goes next to the arrow', () => {
  const layout = page.workflowLayout([0, 1, 2, 3], [[0, 1, 1], [0, 2, 1], [0, 3, 1]]);
  const ys = layout.edges.map((e) => e.label[1]).sort((a, b) => a - b);
  for (let k = 1; k < ys.length; k++) assert.ok(ys[k] - ys[k - 1] >= page.WORKFLOW_BOX.labelGap);
  const path = page.workflowEdgePath([[0, 0], [100, 40], [300, 40], [400, 80]], false);
  assert.equal(path.d, 'M0,0 C50,0 50,40 100,40 L300,40 C350,40 350,80 400,80');
  assert.deepEqual(plain(path.label), [350, 60]);
  assert.deepEqual(plain(page.workflowEdgePath([[0, 0], [100, 40], [300, 40], [400, 80]], true).label), [50, 20]);
});

test('no groups, no drawing', () => {
  const layout = page.workflowLayout([], []);
  assert.equal(layout.edges.length, 0);
  assert.equal(layout.width, 2 * page.WORKFLOW_BOX.pad);
});
