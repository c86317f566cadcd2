'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadPage, plain } = require('./page.js');
const { makeRaw, traceId, spanId } = require('./fixture.js');
const { shop } = require('./shop.js');

const page = loadPage('buildModel', 'spanDepths', 'layoutTrace', 'groupItems', 'timeTicks');

test('depths count from the root; a cycle ends where it closes', () => {
  const m = page.buildModel(shop);
  assert.deepEqual(plain(page.spanDepths(m.parent, 0, 4)), [0, 1, 1, 2]);
  assert.deepEqual(plain(page.spanDepths(m.parent, 4, 2)), [0, 1]);
  assert.deepEqual(plain(page.spanDepths(Int32Array.from([1, 0, -1]), 0, 3)), [1, 0, 0]);
});

test('a span goes on the first free row below its parent', () => {
  const L = page.layoutTrace(page.buildModel(shop), 0);
  // charge (10–60) on row 1, its db query (15–25) below it, produce order (20–50) below that.
  assert.deepEqual(plain(L.row), [0, 1, 3, 2]);
  assert.equal(L.rows, 4);
  assert.deepEqual(plain(page.groupItems(L.byRow, 1)), [1]);
});

test('in a large trace, no two spans of a row overlap and every span is below its parent', () => {
  let seed = 7;
  const random = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const spans = [{ id: spanId(1), start: 0, duration: 1e6, service: 0, name: 'root' }];
  for (let k = 1; k < 2000; k++) {
    const parent = random(k);
    const p = spans[parent];
    const start = p.start + random(Math.max(1, p.duration));
    spans.push({ id: spanId(k + 1), parent, start, duration: random(Math.max(1, p.start + p.duration - start)), service: 0, name: 's' });
  }
  const m = page.buildModel(makeRaw({ services: ['a'], traces: [{ id: traceId(1), spans }] }));
  const L = page.layoutTrace(m, 0);
  for (let k = 1; k < L.n; k++) assert.ok(L.row[k] > L.row[m.parent[k]], 'span ' + k + ' is below its parent');
  for (let r = 0; r < L.rows; r++) {
    const row = plain(page.groupItems(L.byRow, r));
    for (let j = 1; j < row.length; j++) {
      const [a, b] = [row[j - 1], row[j]];
      assert.ok(m.start[a] + m.duration[a] <= m.start[b], 'row ' + r + ': ' + a + ' ends before ' + b + ' starts');
    }
  }
});

test('axis ticks fall on a nice step about 110 pixels apart', () => {
  const ticks = plain(page.timeTicks([0, 1000], 1100));
  assert.deepEqual(ticks.map(([, v]) => v), [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  assert.ok(Math.abs(ticks[1][0] - 110) < 1e-9);
  assert.deepEqual(plain(page.timeTicks([150, 1150], 550)).map(([, v]) => v), [200, 400, 600, 800, 1000]);
  assert.ok(plain(page.timeTicks([0, 1e12], 1e6)).length <= 200, 'at most 200 ticks');
});
