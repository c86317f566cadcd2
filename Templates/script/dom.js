// Making elements. Text always goes through textContent, never innerHTML. No list that grows
// with the input is put in the DOM whole: lists are shown a page at a time (pagedList), long
// text is cut with a control that shows the rest (longText), labels are cut (clip).

const $ = (id) => document.getElementById(id);

/** An element with an optional class and text; text always goes through textContent. */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function clear(node) {
  node.replaceChildren();
}

/**
 * How many items of a list are shown at first, and how many more each "Show more" adds:
 * table rows (attributes); items that hold more (events, links); the tables inside those
 * items; chips in a line (linked traces, the flame graph's legend).
 */
const PAGE_SIZE = { rows: 100, items: 50, nested: 10, chips: 20 };
/** Characters of a value shown before a control that shows them all; of a label (a name on a button). */
const TEXT_LIMIT = 1000;
const LABEL_LIMIT = 200;

/**
 * The first `limit` UTF-16 units of `text`, never half a surrogate pair, or all of it:
 * {shown, cut} where `cut` is how many units are left out.
 */
function clipText(text, limit) {
  const s = String(text);
  if (s.length <= limit) return { shown: s, cut: 0 };
  let end = limit;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { shown: s.slice(0, end), cut: s.length - end };
}

/** A label (a name in a button, a chip, a tooltip): at most LABEL_LIMIT units, with '…' when cut. */
function clip(text, limit = LABEL_LIMIT) {
  const { shown, cut } = clipText(text, limit);
  return cut ? shown + '…' : shown;
}

/** `Show 100 more of 99,900`, or `Show the last 37`: the button that shows the next page. */
function moreText(left, pageSize) {
  return left > pageSize ? 'Show ' + formatCount(pageSize) + ' more of ' + formatCount(left) : 'Show the last ' + formatCount(left);
}

/** `Show all 1,000,000 characters`: the button that shows the rest of a long text. */
function longTextButtonText(length) {
  return 'Show all ' + plural(length, 'character', 'characters');
}

/**
 * Fills `list` with the first `pageSize` of `count` items, each made by `item(k)` (which may
 * give null to leave one out), and, when there are more, ends it with a button (in a row of
 * its own in a tbody) that adds the next page before itself, until none is left. Only what
 * a person asks to see is built.
 */
function pagedList(list, count, item, pageSize) {
  let shown = 0;
  let more = null;
  let button = null;
  const showPage = () => {
    const end = Math.min(count, shown + pageSize);
    const page = document.createDocumentFragment();
    for (; shown < end; shown++) {
      const node = item(shown);
      if (node) page.append(node);
    }
    list.insertBefore(page, more);
    if (shown >= count) {
      if (more) more.remove();
    } else button.textContent = moreText(count - shown, pageSize);
  };
  if (count > pageSize) {
    button = el('button', 'btn btn-small show-more');
    button.type = 'button';
    button.addEventListener('click', showPage);
    more = button;
    if (list.tagName === 'TBODY') {
      more = el('tr', 'more-row');
      const cell = el('td');
      cell.colSpan = 2;
      cell.append(button);
      more.append(cell);
    }
    list.append(more);
  }
  showPage();
  return list;
}

/**
 * `node` holding `text`: all of it up to `limit` units; past that, the first `limit` and a
 * button that shows the rest. `format(node, text)` puts text in (textContent by default).
 */
function longText(node, text, limit = TEXT_LIMIT, format = (target, s) => (target.textContent = s)) {
  const { shown, cut } = clipText(text, limit);
  if (!cut) {
    format(node, shown);
    return node;
  }
  const full = String(text);
  format(node, shown + '…');
  const button = el('button', 'btn btn-small show-all', longTextButtonText(full.length));
  button.type = 'button';
  button.addEventListener('click', () => format(node, full));
  node.append(' ', button);
  return node;
}

/** At most this many line-break opportunities in a key; past them the cell breaks anywhere. */
const MAX_BREAKS = 12;

/** Puts `text` in `node` with line-break opportunities after dots, slashes and underscores (for attribute keys). */
function breakable(node, text) {
  const parts = String(text).split(/(?<=[./_-])/);
  const last = Math.min(parts.length - 1, MAX_BREAKS);
  const nodes = [];
  for (let index = 0; index < last; index++) nodes.push(document.createTextNode(parts[index]), el('wbr'));
  nodes.push(document.createTextNode(parts.slice(last).join('')));
  node.replaceChildren(...nodes);
  return node;
}

/**
 * A key-value table of `list` ([key, value] pairs: an array, or any list with `length` and
 * `at(k)`), `pageSize` rows at a time; long keys and values are cut with a button that shows them.
 */
function kvTable(list, cls, pageSize = PAGE_SIZE.rows) {
  const table = el('table', 'kv' + (cls ? ' ' + cls : ''));
  const body = el('tbody');
  pagedList(body, list.length, (k) => {
    const [key, value] = list.at(k);
    const tr = el('tr');
    tr.append(longText(el('th'), key, TEXT_LIMIT, breakable), longText(el('td'), value));
    return tr;
  }, pageSize);
  table.append(body);
  return table;
}

/** A list with `length` and `at(k)` that is `a`, then `b`. */
function concatLists(a, b) {
  return { length: a.length + b.length, at: (k) => (k < a.length ? a.at(k) : b.at(k - a.length)) };
}
