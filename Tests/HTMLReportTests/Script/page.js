// Loads the report page's script files (Templates/script/, in the order of order.txt, all but
// main.js, which starts the page) into one fresh context, each in strict mode, as the page
// joins them; the tests then take the pure functions out of it. No DOM: the files only
// declare, so nothing in them touches one until it is called.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const folder = path.join(__dirname, '..', '..', '..', 'Templates', 'script');

/** The file names order.txt lists, in its order. */
function scriptFiles() {
  return fs.readFileSync(path.join(folder, 'order.txt'), 'utf8').split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

/** A context holding every file but main.js; `names` taken out of it as an object. */
function loadPage(...names) {
  const context = vm.createContext({});
  for (const name of scriptFiles()) {
    if (name === 'main.js') continue;
    const text = "'use strict';" + fs.readFileSync(path.join(folder, name), 'utf8');
    new vm.Script(text, { filename: path.join(folder, name) }).runInContext(context);
  }
  return vm.runInContext('({' + names.join(', ') + '})', context);
}

/**
 * A value from the page's context as this one's: its arrays and typed arrays as arrays, its
 * objects as objects (assert's strict comparisons tell the two contexts' prototypes apart).
 */
function plain(value) {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value, plain);
  if (typeof value === 'object' && value !== null) {
    if (Object.prototype.toString.call(value) === '[object Map]') return new Map(Array.from(value, plain));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

module.exports = { folder, scriptFiles, loadPage, plain };
