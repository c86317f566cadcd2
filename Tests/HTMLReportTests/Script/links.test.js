'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadPage, plain } = require('./page.js');
const { shop } = require('./shop.js');

const page = loadPage('buildModel', 'linkedTraces', 'rootRanks');
const m = page.buildModel(shop);

test("a trace's linked traces are counted both ways, its own spans and unresolved links apart", () => {
  const checkout = plain(page.linkedTraces(m, 0));
  assert.deepEqual(checkout.outTo, new Map(), 'its link to its own span is not another trace');
  assert.deepEqual(checkout.inFrom, new Map([[1, { span: 4, n: 1 }], [2, { span: 6, n: 1 }]]));
  assert.equal(checkout.missing, 0);
  const nightly = plain(page.linkedTraces(m, 2));
  assert.deepEqual(nightly.outTo, new Map([[0, { span: 2, n: 1 }]]));
  assert.equal(nightly.missing, 1);
  assert.equal(nightly.omitted, 0);
});

test('traces rank by root service, then operation', () => {
  assert.deepEqual(plain(page.rootRanks(m)), [1, 2, 0]);
});
