'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadPage } = require('./page.js');

const page = loadPage('formatCount', 'formatDuration', 'formatOffset', 'formatPercent', 'plural', 'linkTiming', 'lagText',
  'axisLabels', 'droppedLinksText', 'formatClock', 'showTracesText');

test('counts are grouped in threes with commas', () => {
  const cases = [[0, '0'], [7, '7'], [999, '999'], [1000, '1,000'], [1204, '1,204'], [10000, '10,000'],
    [1234567, '1,234,567'], [-1234, '-1,234'], [12.6, '13']];
  for (const [n, text] of cases) assert.equal(page.formatCount(n), text, String(n));
  assert.equal(page.plural(1, 'link', 'links'), '1 link');
  assert.equal(page.plural(10000, 'link', 'links'), '10,000 links');
});

test('a button that lists traces says how many, one as one', () => {
  assert.equal(page.showTracesText(1), 'Show this trace in the list');
  assert.equal(page.showTracesText(1000), 'Show these 1,000 traces in the list');
});

test('durations read in the unit a person reads, with one decimal below ten', () => {
  const cases = [[0, '0 ns'], [999, '999 ns'], [1000, '1 µs'], [1049, '1 µs'], [1050, '1.1 µs'], [9949, '9.9 µs'],
    [9950, '10 µs'], [850000, '850 µs'], [3400000, '3.4 ms'], [120e6, '120 ms'], [1.2e9, '1.2 s'],
    [59499999999, '59 s'], [59.5e9, '60 s'], [60e9, '1 min'], [180e9, '3 min'], [3600e9, '1 h'], [93600e9, '1.1 d'],
    [864000e9, '10 d'], [-120000, '-120 µs']];
  for (const [ns, text] of cases) assert.equal(page.formatDuration(ns), text, String(ns));
  assert.equal(page.formatOffset(3400000), '+3.4 ms');
  assert.equal(page.formatOffset(-120000), '-120 µs');
  assert.equal(page.formatOffset(0), '+0 ns');
});

test('shares are percentages that never round a part above zero to 0%', () => {
  const cases = [[0, 10, '0%'], [1, 2000, '0.05%'], [1, 1e6, '0.01%'], [8, 1000, '0.8%'], [12, 100, '12%'], [1, 3, '33%'],
    [1, 1, '100%'], [5, 0, '100%']];
  for (const [part, whole, text] of cases) assert.equal(page.formatPercent(part, whole), text, part + '/' + whole);
});

test("a link's timing says after, while or before (clock skew)", () => {
  const cases = [
    [3200000000, 10, 'the linked span', 'started 3.2 s after the linked span ended'],
    [0, 10, 'the linked span', 'started 0 ns after the linked span ended'],
    [-10, 10, 'this span', 'started while this span ran'],
    [-1200000010, 10, 'the linked span', 'started 1.2 s before the linked span started (clock skew)'],
  ];
  for (const [lag, duration, linked, text] of cases) assert.equal(page.lagText(page.linkTiming(lag, duration), linked), text);
  assert.equal(page.linkTiming(-5, 10).relation, 'during');
});

test('axis labels that would read the same are written in whole units of the step', () => {
  assert.deepEqual(page.axisLabels([0, 1.25e9, 2.5e9]), ['0', '1.3 s', '2.5 s']);
  assert.deepEqual(page.axisLabels([1.2e9, 1.25e9, 1.3e9]), ['1,200 ms', '1,250 ms', '1,300 ms']);
  assert.deepEqual(page.axisLabels([]), []);
});

test('links dropped by the SDK are worded by their number and the links kept', () => {
  assert.equal(page.droppedLinksText(1, 0), '1 link was dropped by the SDK (droppedLinksCount): the linked span is not known');
  assert.equal(page.droppedLinksText(872, 3), '872 more links were dropped by the SDK (droppedLinksCount): the linked spans are not known');
});

test('clock times are UTC, with the date when asked', () => {
  const micros = Date.UTC(2025, 10, 20, 9, 0, 3, 776) * 1000 + 123;
  assert.equal(page.formatClock(micros, false), '09:00:03.776');
  assert.equal(page.formatClock(micros, true), '2025-11-20 09:00:03.776');
});
