'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadPage, plain } = require('./page.js');
const { makeRaw, traceId, spanId } = require('./fixture.js');
const { shop } = require('./shop.js');

const page = loadPage('buildModel', 'criticalPath', 'selfTimeByService');

/** A one-trace model of spans [parent, start, duration, service]. */
const trace = (spans) =>
  page.buildModel(makeRaw({
    services: ['a', 'b', 'c'],
    traces: [{ id: traceId(1), spans: spans.map(([parent, start, duration, service = 0], k) => ({
      id: spanId(k + 1), parent, start, duration, service, name: 's' + k })) }],
  }));

const path = (m) => plain(page.criticalPath(m, 0).segments);

test("the shop's checkout waits on its charge, then on itself", () => {
  // GET /checkout 0–100: charge 10–60 (its db query 15–25), produce order 20–50.
  const m = page.buildModel(shop);
  assert.deepEqual(plain(page.criticalPath(m, 0).segments), [[0, 0, 10], [1, 10, 15], [3, 15, 25], [1, 25, 60], [0, 60, 100]]);
  const { onPath, pathTime } = page.criticalPath(m, 0);
  assert.deepEqual(plain(onPath), [1, 1, 0, 1], 'produce order overlaps the charge, which ended later');
  assert.deepEqual(plain(pathTime), [50, 40, 0, 10]);
});

test('sequential children are each on the path, gaps are the parent’s own', () => {
  assert.deepEqual(path(trace([[-1, 0, 100], [0, 10, 20], [0, 40, 30]])), [[0, 0, 10], [1, 10, 30], [0, 30, 40], [2, 40, 70], [0, 70, 100]]);
});

test('of overlapping children, the one that ends last, then what ended before it started', () => {
  // 1: 10–50, 2: 20–80, 3: 5–15 (ends before 2 starts).
  assert.deepEqual(path(trace([[-1, 0, 100], [0, 10, 40], [0, 20, 60], [0, 5, 10]])), [[0, 0, 5], [3, 5, 15], [0, 15, 20], [2, 20, 80], [0, 80, 100]]);
});

test('a child that outlives its parent counts up to the parent’s end; one starting after it, not at all', () => {
  assert.deepEqual(path(trace([[-1, 0, 100], [0, 60, 80], [0, 120, 10]])), [[0, 0, 60], [1, 60, 100]]);
});

test('children of no length, and a span its own parent, end the walk', () => {
  assert.deepEqual(path(trace([[-1, 0, 10], [0, 10, 0], [0, 5, 0]])), [[0, 0, 10]]);
  const m = trace([[-1, 0, 10], [1, 2, 3]]);
  m.parent[1] = 1;
  assert.deepEqual(plain(page.criticalPath(m, 0).segments), [[0, 0, 10]]);
});

test('of several roots, the one that ends last', () => {
  assert.deepEqual(path(trace([[-1, 0, 10], [-1, 5, 50]])), [[1, 5, 55]]);
});

test('a trace of 20,000 nested spans walks without deep recursion', () => {
  const spans = [[-1, 0, 40000]];
  for (let k = 1; k < 20000; k++) spans.push([k - 1, k, 40000 - 2 * k]);
  const { segments } = page.criticalPath(trace(spans), 0);
  assert.equal(segments.length, 2 * 20000 - 1);
});

test('self time: what a service ran with no child running, by service, largest first', () => {
  // a: 0–100 with children b 10–30 and b 20–60 (overlapping: 50 busy) → 50 own; b: 20 + 40; c: none.
  const m = trace([[-1, 0, 100, 0], [0, 10, 20, 1], [0, 20, 40, 1]]);
  assert.deepEqual(plain(page.selfTimeByService(m, 0)), [[1, 60], [0, 50]]);
  // A child outliving its parent is clipped to it.
  assert.deepEqual(plain(page.selfTimeByService(trace([[-1, 0, 10, 0], [0, 5, 100, 1]]), 0)), [[1, 100], [0, 5]]);
});
