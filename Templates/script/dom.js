// Making elements. Text always goes through textContent, never innerHTML.

const $ = (id) => document.getElementById(id);

/** An element with an optional class and text; text always goes through textContent. */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Text with line-break opportunities after dots, slashes and underscores (for attribute keys). */
function breakable(tag, text) {
  const node = el(tag);
  const parts = String(text).split(/(?<=[./_-])/);
  parts.forEach((part, index) => {
    node.append(document.createTextNode(part));
    if (index < parts.length - 1) node.append(el('wbr'));
  });
  return node;
}

function kvTable(list, cls) {
  const table = el('table', 'kv' + (cls ? ' ' + cls : ''));
  const body = el('tbody');
  for (const [k, v] of list) {
    const tr = el('tr');
    tr.append(breakable('th', k), el('td', null, v));
    body.append(tr);
  }
  table.append(body);
  return table;
}
