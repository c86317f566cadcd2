// The trace list: sorted, filtered, and virtualised (only the rows in sight are in the DOM).

const ROW_HEIGHT = 30;

const traceList = {
  view: null, // Int32Array of trace indices, filtered and sorted
  sortKey: 'start',
  sortDir: 1, // 1 ascending, -1 descending
  query: '',
  rowPool: [],
  firstRendered: -1,
  withDate: false,
  rootRank: null,

  init() {
    const n = model.traceCount;
    let minStart = Infinity;
    let maxStart = -Infinity;
    for (let t = 0; t < n; t++) {
      minStart = Math.min(minStart, model.traceStart[t]);
      maxStart = Math.max(maxStart, model.traceStart[t]);
    }
    this.withDate = n > 0 && new Date(minStart / 1000).toISOString().slice(0, 10) !== new Date(maxStart / 1000).toISOString().slice(0, 10);
    $('trace-table').classList.toggle('with-date', this.withDate);
    for (const button of $('trace-head').querySelectorAll('[data-sort]')) {
      button.addEventListener('click', () => this.sortBy(button.dataset.sort));
    }
    let timer = 0;
    $('trace-filter').addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        this.query = filterQuery($('trace-filter').value);
        this.refilter();
      }, 120);
    });
    $('service-filter-clear').addEventListener('click', () => graph.setFilter(-1));
    for (const b of $('topic-bar').querySelectorAll('[data-direction]')) b.addEventListener('click', () => graph.setDirection(b.dataset.direction));
    const scroller = $('trace-scroll');
    scroller.addEventListener('scroll', () => this.render());
    scroller.addEventListener('keydown', (e) => this.onKey(e));
    $('trace-rows').addEventListener('click', (e) => {
      const row = e.target instanceof Element ? e.target.closest('.trace-row') : null;
      if (row && row.dataset.index) navigate(Number(row.dataset.index), -1, 'push');
    });
    new ResizeObserver(() => this.render(true)).observe(scroller);
    this.refilter();
  },

  /** Recomputes the filtered view (text and service filters), then sorts it. */
  refilter() {
    const began = performance.now();
    const n = model.traceCount;
    const keep = filterTraces(model, this.query, graph.filter, graph.direction);
    let count = 0;
    for (let t = 0; t < n; t++) if (keep === null || keep[t]) count++;
    const view = new Int32Array(count);
    for (let t = 0, k = 0; t < n; t++) if (keep === null || keep[t]) view[k++] = t;
    this.view = view;
    this.sort();
    const label = count === n ? plural(n, 'trace', 'traces') : formatCount(count) + ' of ' + plural(n, 'trace', 'traces');
    $('trace-count').textContent = label;
    $('trace-empty').hidden = count > 0;
    $('trace-empty').textContent = n === 0 ? 'This report holds no traces.' : 'No trace matches the filter.';
    $('trace-scroll').scrollTop = 0;
    this.render(true);
    this.lastFilterMs = performance.now() - began;
  },

  sortBy(key) {
    if (this.sortKey === key) this.sortDir = -this.sortDir;
    else {
      this.sortKey = key;
      // Numbers read best largest first; names and times in their natural order.
      this.sortDir = key === 'root' || key === 'start' ? 1 : -1;
    }
    this.sort();
    $('trace-scroll').scrollTop = 0;
    this.render(true);
  },

  sort() {
    const began = performance.now();
    const key = this.sortKeyArray();
    const dir = this.sortDir;
    // Ties keep the default order (trace index), in both directions.
    const sorted = Array.from(this.view).sort((a, b) => (key[a] - key[b]) * dir || a - b);
    this.view = Int32Array.from(sorted);
    for (const button of $('trace-head').querySelectorAll('[data-sort]')) {
      const active = button.dataset.sort === this.sortKey;
      if (active) button.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      else button.removeAttribute('aria-sort');
    }
    this.lastSortMs = performance.now() - began;
  },

  sortKeyArray() {
    switch (this.sortKey) {
      case 'root': return this.rootRanks();
      case 'duration': return model.traceDuration;
      case 'spans': return model.count;
      case 'errors': return model.traceErrors;
      case 'linksOut': return model.traceLinksOut;
      case 'linksIn': return model.traceLinksIn;
      default: return model.traceStart;
    }
  },

  rootRanks() {
    if (!this.rootRank) this.rootRank = rootRanks(model);
    return this.rootRank;
  },

  /** Draws only the rows in (and just around) the visible part of the list. */
  render(force) {
    const scroller = $('trace-scroll');
    const total = this.view.length;
    $('trace-spacer').style.height = total * ROW_HEIGHT + 'px';
    const visible = Math.ceil(scroller.clientHeight / ROW_HEIGHT) + 1;
    const first = Math.max(0, Math.min(Math.floor(scroller.scrollTop / ROW_HEIGHT) - 4, total - visible - 8));
    if (!force && first === this.firstRendered) return;
    this.firstRendered = first;
    const wanted = Math.max(0, Math.min(total - first, visible + 8));
    const rows = $('trace-rows');
    while (this.rowPool.length < wanted) {
      const row = makeTraceRow();
      this.rowPool.push(row);
      rows.append(row);
    }
    rows.style.transform = 'translateY(' + first * ROW_HEIGHT + 'px)';
    for (let k = 0; k < this.rowPool.length; k++) {
      const row = this.rowPool[k];
      if (k < wanted) {
        fillTraceRow(row, this.view[first + k], this.withDate);
        row.hidden = false;
      } else {
        row.hidden = true;
        row.dataset.index = '';
      }
    }
    this.markSelected();
  },

  markSelected() {
    for (const row of this.rowPool) {
      const selected = row.dataset.index !== '' && Number(row.dataset.index) === state.trace;
      row.classList.toggle('selected', selected);
      row.setAttribute('aria-selected', selected ? 'true' : 'false');
    }
  },

  /** Scrolls the list so trace t is visible, when it is in the view. */
  reveal(t) {
    const position = this.view.indexOf(t);
    if (position < 0) return;
    const scroller = $('trace-scroll');
    const top = position * ROW_HEIGHT;
    const head = $('trace-head').offsetHeight;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > scroller.scrollTop + scroller.clientHeight - head) scroller.scrollTop = top + ROW_HEIGHT - scroller.clientHeight + head;
    this.render();
  },

  onKey(e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const position = this.view.indexOf(state.trace);
    const next = position < 0 ? 0 : Math.max(0, Math.min(this.view.length - 1, position + (e.key === 'ArrowDown' ? 1 : -1)));
    if (this.view.length) navigate(this.view[next], -1, 'replace');
  },
};

/** Rank of each trace by root service name, then operation name: equal names, equal ranks. */
function rootRanks(m) {
  const n = m.traceCount;
  const label = new Array(n);
  for (let t = 0; t < n; t++) label[t] = m.serviceName(m.rootService[t]) + '\u0000' + m.str(m.rootName[t]);
  const order = Array.from({ length: n }, (_, t) => t).sort((a, b) => (label[a] < label[b] ? -1 : label[a] > label[b] ? 1 : 0));
  const rank = new Float64Array(n);
  let r = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && label[order[k]] !== label[order[k - 1]]) r = k;
    rank[order[k]] = r;
  }
  return rank;
}

function makeTraceRow() {
  const row = el('div', 'trace-row');
  row.setAttribute('role', 'row');
  const root = el('div', 'col col-root');
  root.setAttribute('role', 'cell');
  root.append(el('span', 'swatch'), el('span', 'root-service'), el('span', 'root-name'));
  row.append(root);
  for (const cls of ['col col-start', 'col col-num', 'col col-num', 'col col-num', 'col col-num', 'col col-num']) {
    const cell = el('div', cls);
    cell.setAttribute('role', 'cell');
    row.append(cell);
  }
  return row;
}

/** Puts `text` in the trace list's filter box, as if typed: the list shows what it keeps. */
function setTraceFilter(text) {
  const filter = $('trace-filter');
  filter.value = text;
  filter.dispatchEvent(new Event('input'));
  filter.focus();
}

/** A button that sets the trace list's filter to `text` (setTraceFilter). */
function filterButton(cls, label, text) {
  const button = el('button', 'btn btn-small show-more ' + cls, label);
  button.type = 'button';
  button.addEventListener('click', () => setTraceFilter(text));
  return button;
}

function fillTraceRow(row, t, withDate) {
  row.dataset.index = String(t);
  row.dataset.trace = model.traceId(t);
  const cells = row.children;
  const svc = model.rootService[t];
  const root = cells[0];
  root.children[0].style.backgroundColor = serviceColor(svc);
  root.children[1].textContent = clip(model.serviceName(svc));
  root.children[2].textContent = clip(model.str(model.rootName[t]));
  root.title = clip(model.serviceName(svc)) + ' · ' + clip(model.str(model.rootName[t])) + '\ntrace ' + model.traceId(t);
  cells[1].textContent = formatClock(model.traceStart[t], withDate);
  cells[2].textContent = formatDuration(model.traceDuration[t]);
  cells[3].textContent = formatCount(model.count[t]);
  cells[4].textContent = model.traceErrors[t] ? formatCount(model.traceErrors[t]) : '–';
  cells[4].classList.toggle('has-errors', model.traceErrors[t] > 0);
  cells[5].textContent = model.traceLinksOut[t] ? formatCount(model.traceLinksOut[t]) : '–';
  cells[6].textContent = model.traceLinksIn[t] ? formatCount(model.traceLinksIn[t]) : '–';
  cells[5].classList.toggle('has-links', model.traceLinksOut[t] > 0);
  cells[6].classList.toggle('has-links', model.traceLinksIn[t] > 0);
}
