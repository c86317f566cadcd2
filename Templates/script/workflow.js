// A workflow (traces joined by span links, grouped by root service and operation in the data,
// by Workflow in the Swift side) as the page draws it: which groups, in which column and row,
// and its wording. Pure functions: tested in Tests/HTMLReportTests/Script/workflow.test.js.

/** At most this many groups are drawn, the largest; the rest are one box. At most this many links between boxes, the heaviest. */
const WORKFLOW_LIMITS = { groups: 40, links: 120 };

/**
 * The groups and links of workflow `w` as drawn: all its groups when they are no more than
 * `limits.groups`; else group `current` (the selected trace's, -1 for none) and those the data
 * ranks first (`priority`: failing, then most linked, then largest), in the data's order, and
 * past them one group {rest: how many, traces, failing, errors, longest}. The links between the groups
 * drawn are summed ([cause, effect, links]), the heaviest `limits.links` of them kept, and
 * `hiddenLinks` says how many links between groups are not drawn. `at` gives each of the
 * workflow's groups the index of the group it is drawn in.
 */
function drawnWorkflow(w, current = -1, limits = WORKFLOW_LIMITS) {
  const count = w.groups.length;
  const keep = new Uint8Array(count);
  if (count <= limits.groups) keep.fill(1);
  else {
    let kept = 0;
    if (current >= 0 && current < count) keep[current] = ++kept;
    const byPriority = Array.from({ length: count }, (_, j) => j).sort((a, b) => w.groups[a].priority - w.groups[b].priority || a - b);
    for (const j of byPriority) if (kept < limits.groups && !keep[j]) keep[j] = ++kept;
  }
  const at = new Int32Array(count);
  const groups = [];
  const rest = [];
  w.groups.forEach((g, j) => {
    if (keep[j]) {
      at[j] = groups.length;
      groups.push(g);
    } else rest.push(j);
  });
  if (rest.length) {
    for (const j of rest) at[j] = groups.length;
    const members = rest.map((j) => w.groups[j]);
    groups.push({
      rest: rest.length,
      service: -1,
      name: 0,
      traces: members.flatMap((g) => g.traces),
      failing: members.reduce((sum, g) => sum + g.failing, 0),
      errors: members.reduce((sum, g) => sum + g.errors, 0),
      longest: members.reduce((most, g) => Math.max(most, g.longest), 0),
    });
  }
  const sums = new Map();
  for (const [cause, effect, n] of w.links) {
    const key = at[cause] * groups.length + at[effect];
    sums.set(key, (sums.get(key) || 0) + n);
  }
  let links = Array.from(sums, ([key, n]) => [Math.floor(key / groups.length), key % groups.length, n]);
  let hiddenLinks = 0;
  if (links.length > limits.links) {
    links.sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
    for (const link of links.slice(limits.links)) hiddenLinks += link[2];
    links = links.slice(0, limits.links);
  }
  links.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { groups, links, hiddenLinks, at };
}

/** Sizes in px: a box, the gaps between columns and between boxes, a lane a link takes through a column, the margin. */
const WORKFLOW_BOX = { width: 180, height: 56, gapX: 96, gapY: 12, lane: 12, pad: 10, labelGap: 13 };

/**
 * Where a workflow's groups and links are drawn, in layers as Graphviz's dot draws (each step
 * a pure function here): the links are made acyclic by a depth-first walk from the groups in
 * the order they started (`starts`: each group's first start), a link back to a group on the
 * walk's path (a batch's summary linking back to its items) being drawn reversed, arrow at
 * its start; each group goes one column right of the furthest group it is linked from; a link
 * that crosses columns takes a lane through each, so it never runs under a box; the order in
 * each column follows the mean height of its neighbours, down, up and down again.
 *
 * `links` are [cause, effect, n] between groups (n is not used). Returns {boxes: [{x, y}] by
 * group, edges: [{link, points: [[x, y], …], reversed, d, label}] for each link between two
 * groups (tail to head, the arrow at the head unless reversed; its SVG path and where its
 * label goes, labels in one gap at least a line apart), column (Int32Array by group), width,
 * height}.
 */
function workflowLayout(starts, links, sizes = WORKFLOW_BOX) {
  const n = starts.length;
  const order = Array.from({ length: n }, (_, g) => g).sort((a, b) => starts[a] - starts[b] || a - b);
  const rank = new Int32Array(n);
  order.forEach((g, k) => (rank[g] = k));

  // Acyclic: a depth-first walk, effects in the order they started; a link to a group on the path is reversed.
  const out = Array.from({ length: n }, () => []);
  links.forEach(([cause, effect], k) => {
    if (cause !== effect) out[cause].push(k);
  });
  for (const list of out) list.sort((a, b) => rank[links[a][1]] - rank[links[b][1]] || a - b);
  const reversed = new Uint8Array(links.length);
  const walk = new Uint8Array(n); // 0 not reached, 1 on the path, 2 done
  const finished = [];
  for (const root of order) {
    if (walk[root]) continue;
    walk[root] = 1;
    const stack = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const g = top[0];
      if (top[1] < out[g].length) {
        const k = out[g][top[1]++];
        const effect = links[k][1];
        if (walk[effect] === 1) reversed[k] = 1;
        else if (walk[effect] === 0) {
          walk[effect] = 1;
          stack.push([effect, 0]);
        }
      } else {
        walk[g] = 2;
        finished.push(g);
        stack.pop();
      }
    }
  }
  const ends = (k) => (reversed[k] ? [links[k][1], links[k][0]] : [links[k][0], links[k][1]]);

  // Columns: the longest path to each group, in topological order (the walk's, finished last first).
  const heads = Array.from({ length: n }, () => []);
  links.forEach((link, k) => {
    if (link[0] !== link[1]) heads[ends(k)[0]].push(k);
  });
  const column = new Int32Array(n);
  for (let f = finished.length - 1; f >= 0; f--) {
    const tail = finished[f];
    for (const k of heads[tail]) column[ends(k)[1]] = Math.max(column[ends(k)[1]], column[tail] + 1);
  }
  const columns = n ? Math.max(...column) + 1 : 0;

  // Items in columns: the groups, and a lane for each link in each column it crosses.
  const items = []; // {column, height, prev: [item], next: [item], y}
  const item = (c, height) => items.push({ column: c, height, prev: [], next: [], y: 0 }) - 1;
  const boxItem = order.map(() => -1);
  for (const g of order) boxItem[g] = item(column[g], sizes.height);
  const path = new Map(); // link → its items, tail to head
  links.forEach((link, k) => {
    if (link[0] === link[1]) return;
    const [tail, head] = ends(k);
    const chain = [boxItem[tail]];
    for (let c = column[tail] + 1; c < column[head]; c++) chain.push(item(c, sizes.lane));
    chain.push(boxItem[head]);
    for (let j = 1; j < chain.length; j++) {
      items[chain[j - 1]].next.push(chain[j]);
      items[chain[j]].prev.push(chain[j - 1]);
    }
    path.set(k, chain);
  });
  const inColumn = Array.from({ length: columns }, () => []);
  items.forEach((it, i) => inColumn[it.column].push(i));
  const columnHeight = inColumn.map((list) => list.reduce((sum, i) => sum + items[i].height, 0) + sizes.gapY * Math.max(0, list.length - 1));
  const height = Math.max(0, ...columnHeight);
  const stack = (c) => {
    let y = sizes.pad + (height - columnHeight[c]) / 2;
    for (const i of inColumn[c]) {
      items[i].y = y;
      y += items[i].height + sizes.gapY;
    }
  };
  const middle = (i) => items[i].y + items[i].height / 2;
  const mean = (list, fallback) => (list.length ? list.reduce((sum, i) => sum + middle(i), 0) / list.length : fallback);
  const sweep = (c, neighbours) => {
    const key = new Map(inColumn[c].map((i) => [i, mean(items[i][neighbours], middle(i))]));
    const before = new Map(inColumn[c].map((i, k) => [i, k]));
    inColumn[c].sort((a, b) => key.get(a) - key.get(b) || before.get(a) - before.get(b));
    stack(c);
  };
  for (let c = 0; c < columns; c++) stack(c);
  for (let c = 1; c < columns; c++) sweep(c, 'prev');
  for (let c = columns - 2; c >= 0; c--) sweep(c, 'next');
  for (let c = 1; c < columns; c++) sweep(c, 'prev');

  const left = (c) => sizes.pad + c * (sizes.width + sizes.gapX);
  const boxes = Array.from({ length: n }, (_, g) => ({ x: left(column[g]), y: items[boxItem[g]].y }));
  // Both ways between two groups: each link a little off the middle, so the two stay apart.
  const pairs = new Set(links.map(([cause, effect]) => cause + ' ' + effect));
  const edges = [];
  for (const [k, chain] of path) {
    const [cause, effect] = links[k];
    const shift = pairs.has(effect + ' ' + cause) ? (reversed[k] ? 9 : -9) : 0;
    const points = [[left(column[ends(k)[0]]) + sizes.width, middle(chain[0]) + shift]];
    for (const i of chain.slice(1, -1)) points.push([left(items[i].column), middle(i)], [left(items[i].column) + sizes.width, middle(i)]);
    points.push([left(column[ends(k)[1]]), middle(chain[chain.length - 1]) + shift]);
    edges.push({ link: k, points, reversed: reversed[k] === 1, ...workflowEdgePath(points, reversed[k] === 1) });
  }
  edges.sort((a, b) => a.link - b.link);
  // Labels in one gap between columns, at least a line apart.
  const byGap = new Map();
  for (const edge of edges) byGap.set(edge.label[0], (byGap.get(edge.label[0]) || []).concat([edge]));
  for (const list of byGap.values()) {
    list.sort((a, b) => a.label[1] - b.label[1] || a.link - b.link);
    for (let j = 1; j < list.length; j++) list[j].label[1] = Math.max(list[j].label[1], list[j - 1].label[1] + sizes.labelGap);
  }
  return {
    boxes, edges, column,
    width: 2 * sizes.pad + columns * sizes.width + Math.max(0, columns - 1) * sizes.gapX,
    height: height + 2 * sizes.pad,
  };
}

/**
 * An edge's points (from workflowLayout) as an SVG path: across a gap between columns a curve
 * that leaves and arrives level, through a column a straight line. Returns {d, label: [x, y]}:
 * the label goes in the middle of the gap next to the arrow.
 */
function workflowEdgePath(points, reversed) {
  let d = 'M' + points[0][0] + ',' + points[0][1];
  const gaps = [];
  for (let j = 1; j < points.length; j++) {
    const [x1, y1] = points[j - 1];
    const [x2, y2] = points[j];
    if (j % 2 === 1) {
      const bend = (x2 - x1) / 2;
      d += ' C' + (x1 + bend) + ',' + y1 + ' ' + (x2 - bend) + ',' + y2 + ' ' + x2 + ',' + y2;
      gaps.push([(x1 + x2) / 2, (y1 + y2) / 2]);
    } else d += ' L' + x2 + ',' + y2;
  }
  return { d, label: reversed ? gaps[0] : gaps[gaps.length - 1] };
}

/**
 * `33 traces in 5 groups · 8 services · 2 failing · 1.6 min from first span to last · longest
 * chain 3 links`; a workflow drawn a trace a box (`byTrace`) has no groups to count.
 */
function workflowSummaryText(w) {
  const traces = w.groups.reduce((sum, g) => sum + g.traces.length, 0);
  const parts = [plural(traces, 'trace', 'traces') + (w.byTrace ? '' : ' in ' + plural(w.groups.length, 'group', 'groups')),
    plural(w.services, 'service', 'services')];
  if (w.failing) parts.push(formatCount(w.failing) + ' failing');
  parts.push(formatDuration(w.duration) + ' from first span to last');
  parts.push('longest chain ' + plural(w.longestChain, 'link', 'links'));
  return parts.join(' · ');
}

/** A box's line under its root: a trace's duration and errors (`1.2 s · 3 errors`); a group's count (`10 traces · 1 failing`). */
function workflowGroupText(g) {
  if (g.traces.length === 1) return formatDuration(g.longest) + (g.errors ? ' · ' + plural(g.errors, 'error', 'errors') : '');
  return plural(g.traces.length, 'trace', 'traces') + (g.failing ? ' · ' + formatCount(g.failing) + ' failing' : '');
}
