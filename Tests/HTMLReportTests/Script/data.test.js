'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadPage, scriptFiles, plain } = require('./page.js');
const { shop, traceId, spanId } = require('./shop.js');

/** A list with `length` and `at(k)`, as an array. */
const items = (list) => Array.from({ length: list.length }, (_, k) => plain(list.at(k)));

const page = loadPage('absoluteParents', 'attributeOffsets', 'groupBy', 'groupItems', 'buildModel');

test('order.txt names every script file once, main.js last, and they load together', () => {
  const fs = require('node:fs');
  const { folder } = require('./page.js');
  const files = scriptFiles();
  assert.equal(new Set(files).size, files.length);
  assert.equal(files.at(-1), 'main.js');
  assert.deepEqual(fs.readdirSync(folder).filter((f) => f.endsWith('.js')).sort(), [...files].sort());
});

test('parents come from distances; attribute offsets from counts', () => {
  assert.deepEqual(Array.from(page.absoluteParents([0, 1, 2, 2])), [-1, 0, 0, 1]);
  assert.deepEqual(Array.from(page.attributeOffsets([0, 2, 1])), [0, 0, 4, 6]);
});

test('groupBy sorts items into buckets, in order, leaving out keys outside them', () => {
  const keys = [2, 0, 2, -1, 5];
  const group = page.groupBy(3, keys.length, (i) => keys[i]);
  assert.deepEqual(Array.from(group.start), [0, 1, 1, 3]);
  assert.deepEqual(Array.from(page.groupItems(group, 0)), [1]);
  assert.deepEqual(Array.from(page.groupItems(group, 1)), []);
  assert.deepEqual(Array.from(page.groupItems(group, 2)), [0, 2]);
});

test('the model reads ids, spans, attributes and links from the columns', () => {
  const m = page.buildModel(shop);
  assert.equal(m.traceCount, 3);
  assert.equal(m.spanCount, 7);
  assert.equal(m.traceId(1), traceId(0xb2));
  assert.equal(m.spanId(4), spanId(0x21));
  assert.deepEqual(Array.from(m.spanTrace), [0, 0, 0, 0, 1, 1, 2]);
  assert.deepEqual(Array.from(m.parent), [-1, 0, 0, 1, -1, 4, -1]);
  assert.deepEqual(items(m.spanAttributes(1)), [['http.url', 'https://pay.example/charge']]);
  assert.deepEqual(items(m.spanAttributes(0)), []);
  assert.deepEqual(items(m.pairs(shop.links[1][5])), [['reason', 'reconcile']]);
  assert.deepEqual(Array.from(page.groupItems(m.linksByTarget, 2)), [0, 1]);
  assert.deepEqual(Array.from(page.groupItems(m.linksBySource, 6)), [1, 2]);
  assert.equal(m.traceIndex(traceId(0xc3)), 2);
  assert.equal(m.traceIndex(traceId(0xdd)), -1);
  assert.equal(m.spanIndex(1, spanId(0x22)), 5);
  assert.equal(m.spanIndex(1, spanId(0x11)), -1);
  // Trace 1 starts 1,000 µs after trace 0; its root starts at 0, after span 2 ended at 50 ns.
  assert.equal(m.linkLag(4, 2), 1000 * 1000 - 50);
  assert.equal(m.nodeLabel(4), 'orders (kafka)');
  assert.equal(m.nodeLabel(2), 'mailer');
  assert.equal(m.isTopicNode(4), true);
  assert.equal(m.peerDirection(2), 'produce');
  assert.equal(m.peerDirection(4), 'consume');
  assert.equal(m.peerDirection(3), '');
});
