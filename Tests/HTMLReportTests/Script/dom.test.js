'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadPage, plain } = require('./page.js');

const page = loadPage('clipText', 'clip', 'moreText', 'longTextButtonText', 'concatLists', 'PAGE_SIZE', 'TEXT_LIMIT', 'LABEL_LIMIT');

test('text is cut at the limit, never inside a surrogate pair', () => {
  assert.deepEqual(plain(page.clipText('short', 10)), { shown: 'short', cut: 0 });
  assert.deepEqual(plain(page.clipText('0123456789', 10)), { shown: '0123456789', cut: 0 });
  assert.deepEqual(plain(page.clipText('0123456789abc', 10)), { shown: '0123456789', cut: 3 });
  // '😀' is two UTF-16 units: a cut between them keeps neither.
  assert.deepEqual(plain(page.clipText('012345678😀', 10)), { shown: '012345678', cut: 2 });
  // A flood of combining marks counts by units, not by characters.
  assert.equal(page.clipText('e' + '\u0301'.repeat(100000), 10).cut, 100001 - 10);
});

test('labels are cut with an ellipsis', () => {
  assert.equal(page.clip('x'.repeat(page.LABEL_LIMIT)), 'x'.repeat(page.LABEL_LIMIT));
  assert.equal(page.clip('x'.repeat(page.LABEL_LIMIT + 1)), 'x'.repeat(page.LABEL_LIMIT) + '…');
  assert.equal(page.clip('abcdef', 3), 'abc…');
  assert.ok(page.TEXT_LIMIT >= page.LABEL_LIMIT);
});

test("the buttons that show more say how much", () => {
  assert.equal(page.moreText(99900, 100), 'Show 100 more of 99,900');
  assert.equal(page.moreText(100, 100), 'Show the last 100');
  assert.equal(page.moreText(37, 100), 'Show the last 37');
  assert.equal(page.longTextButtonText(1000000), 'Show all 1,000,000 characters');
});

test('every page size is a bound between 10 and 200', () => {
  for (const size of Object.values(page.PAGE_SIZE)) assert.ok(size >= 10 && size <= 200, String(size));
});

test('two lists read as one', () => {
  const list = page.concatLists([['a', '1']], { length: 2, at: (k) => ['b' + k, String(k)] });
  assert.equal(list.length, 3);
  assert.deepEqual(Array.from({ length: 3 }, (_, k) => plain(list.at(k))), [['a', '1'], ['b0', '0'], ['b1', '1']]);
});
