'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadPage, plain } = require('./page.js');
const { shop, traceId, spanId } = require('./shop.js');

const page = loadPage('buildModel', 'filterQuery', 'filterTraces', 'tracesJoinedByLinks', 'linkGroups', 'topicTraffic');
const m = page.buildModel(shop);
const kept = (query, node = -1, direction = '') => {
  const keep = page.filterTraces(m, page.filterQuery(query), node, direction);
  return keep === null ? null : plain(keep).flatMap((k, t) => (k ? [t] : []));
};

test("the filter box's text is matched trimmed and in lower case", () => {
  assert.equal(page.filterQuery('  GET /Checkout \n'), 'get /checkout');
});

test('no text and no node keeps every trace, without a list', () => {
  assert.equal(kept(''), null);
  assert.equal(kept('   '), null);
});

test('text matches operations, services and attribute values, whatever their case', () => {
  assert.deepEqual(kept('charge'), [0]);
  assert.deepEqual(kept('ORDER'), [0, 1]);
  assert.deepEqual(kept('mailer'), [1]);
  assert.deepEqual(kept('ada@'), [1]);
  assert.deepEqual(kept('http.url'), [], 'attribute keys are not matched');
  assert.deepEqual(kept('no such thing'), []);
});

test('hexadecimal text matches trace and span ids', () => {
  assert.deepEqual(kept(traceId(0xb2)), [1]);
  assert.deepEqual(kept(spanId(0x31).slice(8)), [2]);
  assert.deepEqual(kept('0c3'), [2]);
});

test("a service keeps its traces; a topic those that send to or receive from it, or either", () => {
  assert.deepEqual(kept('', 2), [1]);
  assert.deepEqual(kept('', 4), [0, 1]);
  assert.deepEqual(kept('', 4, 'produce'), [0]);
  assert.deepEqual(kept('', 4, 'consume'), [1]);
  assert.deepEqual(kept('send', 4), [1], 'text and node together');
  assert.deepEqual(plain(page.topicTraffic(m, 4)), { produce: 1, consume: 1, all: 2 });
});

test("text matches the values of a link's attributes", () => {
  assert.deepEqual(kept('reconcile'), [2]);
  assert.deepEqual(kept('reason'), [], 'link attribute keys are not matched');
});

test('linked: keeps the traces joined by links to one, each way on its own', () => {
  // Traces 1 (the mailer) and 2 (the batch) link to the checkout's order (trace 0).
  assert.deepEqual(kept('linked:' + traceId(0xa1)), [0, 1, 2], 'the checkout and what it caused');
  assert.deepEqual(kept('linked:' + traceId(0xb2)), [0, 1], "the mailer and its cause, not the cause's other effect");
  assert.deepEqual(kept('LINKED:' + traceId(0xc3).toUpperCase()), [0, 2], 'in any case');
  assert.deepEqual(kept('linked:' + traceId(0xc3).slice(0, 31)), [0, 2], 'by the start of its id');
  assert.deepEqual(kept('linked:' + 'f'.repeat(32)), [], 'a trace the report does not hold keeps none');
  assert.deepEqual(kept('linked:'), []);
  assert.deepEqual(kept('linked:' + traceId(0xa1), 2), [1], 'with a node filter, both');
  assert.deepEqual(plain(page.tracesJoinedByLinks(m, 1)), [1, 1, 0]);
});

test('linking: keeps exactly the traces with a span linking to that span', () => {
  assert.deepEqual(kept('linking:' + spanId(0x13)), [1, 2], 'the order produced is consumed by the mailer and the batch');
  assert.deepEqual(kept('linking:' + spanId(0x14)), [0], 'the checkout links to its own db query');
  assert.deepEqual(kept('linking:' + spanId(0x31)), []);
});

test('link groups: by service and operation of the linking spans, failing traces first', () => {
  const linksTo = (span) => plain(m.linksByTarget.items.slice(m.linksByTarget.start[span], m.linksByTarget.start[span + 1]));
  const groups = plain(page.linkGroups(m, linksTo(2), 'source'));
  assert.deepEqual(groups.map((g) => [m.serviceName(g.service), m.str(g.name), g.links, g.traces, g.failing]),
    [['mailer', 'consume order', 1, 1, 0], ['batch', 'nightly', 1, 1, 0]]);
});
