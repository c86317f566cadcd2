// The flame graph of the selected trace, drawn on a canvas.

const AXIS_HEIGHT = 22;
const BAR_HEIGHT = 20;
const MIN_BAR = 0.5; // narrower spans are merged into one-pixel ticks

const flame = {
  layout: null,
  view: [0, 1], // visible time range, ns since the trace start
  bars: [], // per visible row: flat [k, x0, x1, …] of drawn bars, for hit testing
  drawCount: 0,
  firstDrawnAt: 0, // performance.now() of the first draw: ms since navigation start
  lastDrawMs: 0,
  lastLayoutMs: 0,
  pending: 0, // a requested animation frame

  init() {
    const scroller = $('flame-scroll');
    const canvas = $('flame');
    scroller.addEventListener('scroll', () => this.requestDraw());
    canvas.addEventListener('mousemove', (e) => this.onMove(e));
    canvas.addEventListener('mouseleave', () => this.hideTooltip());
    canvas.addEventListener('click', (e) => this.onClick(e));
    canvas.addEventListener('keydown', (e) => this.onKey(e));
    canvas.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    $('zoom-reset').addEventListener('click', () => this.resetZoom());
    new ResizeObserver(() => this.requestDraw()).observe(scroller);
  },

  show(t) {
    const began = performance.now();
    this.layout = layoutTrace(model, t);
    this.critical = criticalPath(model, t);
    this.lastLayoutMs = performance.now() - began;
    this.view = [0, Math.max(1, model.traceDuration[t])];
    this.renderLegend(t);
    this.updateZoomUI();
    this.sizeScroller();
    $('flame-scroll').scrollTop = 0;
  },

  /** Makes span the highlighted one and keeps it in sight. */
  select(span, fresh) {
    const L = this.layout;
    if (!L) return;
    if (span >= 0) {
      const k = span - L.from;
      const s = model.start[span];
      const e = s + model.duration[span];
      if (!fresh && (e < this.view[0] || s > this.view[1])) this.resetZoom(true);
      this.scrollToRow(L.row[k]);
    }
    this.draw();
  },

  zoomTo(span) {
    const s = model.start[span];
    const d = model.duration[span];
    const traceEnd = Math.max(1, model.traceDuration[this.layout.t]);
    if (d > 0) this.view = [s, s + d];
    else this.view = [Math.max(0, s - traceEnd / 200), Math.min(traceEnd, s + traceEnd / 200)];
    if (!(this.view[1] > this.view[0])) this.view = [0, traceEnd];
    this.updateZoomUI();
  },

  resetZoom(silent) {
    if (!this.layout) return;
    this.view = [0, Math.max(1, model.traceDuration[this.layout.t])];
    this.updateZoomUI();
    if (!silent) this.draw();
  },

  isZoomed() {
    return this.layout && (this.view[0] > 0 || this.view[1] < model.traceDuration[this.layout.t]);
  },

  updateZoomUI() {
    const zoomed = this.isZoomed();
    $('zoom-reset').disabled = !zoomed;
    $('zoom-label').textContent = zoomed
      ? 'Showing ' + formatDuration(this.view[0]) + ' – ' + formatDuration(this.view[1]) + ' of ' + formatDuration(model.traceDuration[this.layout.t])
      : '';
  },

  renderLegend(t) {
    const legend = $('flame-legend');
    clear(legend);
    const spansOf = new Map();
    for (let i = model.first[t], end = i + model.count[t]; i < end; i++) spansOf.set(model.service[i], (spansOf.get(model.service[i]) || 0) + 1);
    const services = Array.from(spansOf);
    pagedList(legend, services.length, (k) => {
      const [svc, n] = services[k];
      const item = el('span', 'legend-item');
      item.append(swatch(svc), el('span', null, clip(model.serviceName(svc))));
      item.title = plural(n, 'span', 'spans');
      return item;
    }, PAGE_SIZE.chips);
  },

  contentHeight() {
    return AXIS_HEIGHT + (this.layout ? this.layout.rows : 0) * BAR_HEIGHT + 6;
  },

  /**
   * The scroller is as tall as the rows, within limits (and grows with the
   * panel); the canvas fills it and rows beyond its height scroll, the
   * spacer making the room.
   */
  sizeScroller() {
    const scroller = $('flame-scroll');
    const wanted = Math.max(150, Math.min(this.contentHeight(), 560)) + 'px';
    if (scroller.style.height !== wanted) scroller.style.height = wanted;
    const height = scroller.clientHeight;
    const spacer = Math.max(0, this.contentHeight() - height) + 'px';
    if ($('flame-spacer').style.height !== spacer) $('flame-spacer').style.height = spacer;
  },

  scrollToRow(r) {
    const scroller = $('flame-scroll');
    const top = r * BAR_HEIGHT;
    const visible = scroller.clientHeight - AXIS_HEIGHT;
    if (top < scroller.scrollTop || top + BAR_HEIGHT > scroller.scrollTop + visible) {
      scroller.scrollTop = Math.max(0, top - visible / 2);
    }
  },

  requestDraw() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw();
    });
  },

  xScale(width) {
    return width / (this.view[1] - this.view[0]);
  },

  draw() {
    if (this.pending) {
      cancelAnimationFrame(this.pending);
      this.pending = 0;
    }
    const L = this.layout;
    if (!L) return;
    const began = performance.now();
    const scroller = $('flame-scroll');
    const canvas = $('flame');
    const width = scroller.clientWidth;
    const height = scroller.clientHeight;
    if (width <= 0 || height <= 0) return;
    this.sizeScroller();
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = width + 'px';
      canvas.style.height = height + 'px';
    }
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = theme.vars['flame-bg'];
    ctx.fillRect(0, 0, width, height);

    const scrollTop = scroller.scrollTop;
    const firstRow = Math.max(0, Math.floor(scrollTop / BAR_HEIGHT));
    const lastRow = Math.min(L.rows - 1, Math.floor((scrollTop + height - AXIS_HEIGHT) / BAR_HEIGHT));
    this.drawGrid(ctx, width, height);
    this.drawSelectionBand(ctx, width, height);
    this.bars = [];
    for (let r = firstRow; r <= lastRow; r++) this.bars[r] = [];
    this.drawBars(ctx, width, scrollTop, firstRow, lastRow);
    this.drawAxis(ctx, width);

    this.drawCount++;
    this.lastDrawMs = performance.now() - began;
    if (!this.firstDrawnAt) this.firstDrawnAt = performance.now();
    document.dispatchEvent(new CustomEvent('tracegraph:drawn', { detail: { trace: model.traceId(L.t), spans: L.n, draw: this.drawCount } }));
  },

  drawBars(ctx, width, scrollTop, firstRow, lastRow) {
    const L = this.layout;
    ctx.font = '12px ' + FONT_STACK;
    ctx.textBaseline = 'middle';
    const pass = {
      scale: this.xScale(width),
      width,
      scrollTop,
      selectedK: state.span >= 0 && model.spanTrace[state.span] === L.t ? state.span - L.from : -1,
      lastTick: -1, // the pixel column of the row's last merged tick
      fills: new Map(), // service → colour, computed once a draw
    };
    for (let r = firstRow; r <= lastRow; r++) {
      pass.lastTick = -1;
      for (const k of groupItems(L.byRow, r)) this.drawSpan(ctx, pass, k, r);
    }
    this.drawCriticalPath(ctx, pass, firstRow, lastRow);
    if (pass.selectedK >= 0) this.drawSelection(ctx, pass.selectedK, width, scrollTop, firstRow, lastRow);
  },

  /** The critical path: a band along the top of each part of a span the trace's end waited on. */
  drawCriticalPath(ctx, pass, firstRow, lastRow) {
    const L = this.layout;
    if (!this.critical) return;
    ctx.fillStyle = theme.vars.critical;
    for (const [span, a, b] of this.critical.segments) {
      const r = L.row[span - L.from];
      if (r < firstRow || r > lastRow) continue;
      const x0 = Math.max(-2, (a - this.view[0]) * pass.scale);
      const x1 = Math.min(pass.width + 2, (b - this.view[0]) * pass.scale);
      if (x1 < 0 || x0 > pass.width) continue;
      ctx.fillRect(x0, AXIS_HEIGHT + r * BAR_HEIGHT - pass.scrollTop + 1, Math.max(1, x1 - x0), 3);
    }
  },

  /**
   * One span: a bar, or, when narrower than MIN_BAR, a one-pixel tick that
   * stands for every narrow span of the row in that pixel column.
   */
  drawSpan(ctx, pass, k, r) {
    const i = this.layout.from + k;
    let x0 = (model.start[i] - this.view[0]) * pass.scale;
    let x1 = x0 + model.duration[i] * pass.scale;
    if (x1 < 0 || x0 > pass.width) return;
    const y = AXIS_HEIGHT + r * BAR_HEIGHT - pass.scrollTop;
    const svc = model.service[i];
    let fill = pass.fills.get(svc);
    if (!fill) pass.fills.set(svc, (fill = serviceColor(svc)));
    if (x1 - x0 < MIN_BAR && k !== pass.selectedK) {
      const px = Math.floor(x0);
      if (px === pass.lastTick) return;
      pass.lastTick = px;
      ctx.fillStyle = fill;
      ctx.fillRect(px, y + 1, 1, BAR_HEIGHT - 2);
      this.bars[r].push(k, px, px + 1);
      return;
    }
    const ends = (x0 >= -2 ? 1 : 0) | (x1 <= pass.width + 2 ? 2 : 0); // which ends are in view
    x0 = Math.max(x0, -2);
    x1 = Math.min(x1, pass.width + 2);
    this.drawBar(ctx, i, x0, x1, y, fill, ends);
    this.bars[r].push(k, x0, x1);
  },

  /** A span's bar; `ends` tells which of its ends are in view (1 start, 2 end), for the link marks. */
  drawBar(ctx, i, x0, x1, y, fill, ends) {
    const w = Math.max(1, x1 - x0 - (x1 - x0 > 3 ? 1 : 0));
    const h = BAR_HEIGHT - 2;
    const top = y + 1;
    ctx.fillStyle = fill;
    ctx.fillRect(x0, top, w, h);
    const error = model.status[i] === 2;
    if (error) this.drawErrorMark(ctx, x0, top, w, h);
    const hasOut = (ends & 2) !== 0 && model.linksBySource.start[i + 1] > model.linksBySource.start[i];
    const hasIn = (ends & 1) !== 0 && model.linksByTarget.start[i + 1] > model.linksByTarget.start[i];
    if ((hasOut || hasIn) && w >= 5) this.drawLinkNotches(ctx, x0, top, w, hasOut, hasIn);
    if (w > 28) {
      const inset = hasIn ? 9 : 5;
      const label = fitText(ctx, clip(model.str(model.name[i])), w - inset - (hasOut ? 12 : 5));
      if (label) {
        ctx.fillStyle = theme.vars['bar-text'];
        ctx.fillText(label, x0 + inset, top + h / 2);
      }
    }
  },

  /** Errors: a red outline and a thick red bottom edge, visible on any width. */
  drawErrorMark(ctx, x0, top, w, h) {
    ctx.fillStyle = theme.vars.error;
    ctx.fillRect(x0, top + h - 3, w, 3);
    if (w > 4) {
      ctx.strokeStyle = theme.vars.error;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(x0 + 0.75, top + 0.75, w - 1.5, h - 1.5);
    }
  },

  /** Links out: a purple corner at the top right; links in: at the top left. */
  drawLinkNotches(ctx, x0, top, w, hasOut, hasIn) {
    const size = Math.min(10, Math.floor(w / 2));
    ctx.fillStyle = theme.vars.link;
    ctx.strokeStyle = theme.vars['flame-bg'];
    ctx.lineWidth = 1;
    const corner = (ax, bx) => {
      ctx.beginPath();
      ctx.moveTo(ax, top);
      ctx.lineTo(bx, top);
      ctx.lineTo(bx, top + size);
      ctx.closePath();
      ctx.fill();
      ctx.beginPath();
      ctx.moveTo(ax, top);
      ctx.lineTo(bx, top + size);
      ctx.stroke();
    };
    if (hasOut) corner(x0 + w - size, x0 + w);
    if (hasIn) corner(x0 + size, x0);
  },

  drawSelection(ctx, k, width, scrollTop, firstRow, lastRow) {
    const L = this.layout;
    const r = L.row[k];
    if (r < firstRow || r > lastRow) return;
    const i = L.from + k;
    const scale = this.xScale(width);
    let x0 = (model.start[i] - this.view[0]) * scale;
    let x1 = x0 + model.duration[i] * scale;
    if (x1 < 0 || x0 > width) return;
    x0 = Math.max(x0, 0);
    x1 = Math.min(Math.max(x1, x0 + 3), width);
    const y = AXIS_HEIGHT + r * BAR_HEIGHT - scrollTop;
    // Outside the bar, so its own marks stay visible.
    ctx.strokeStyle = theme.vars.selected;
    ctx.lineWidth = 2;
    ctx.strokeRect(x0 - 1, y, Math.max(2, x1 - x0 - (x1 - x0 > 3 ? 1 : 0)) + 2, BAR_HEIGHT);
    const list = this.bars[r];
    for (let j = 0; j < list.length; j += 3) if (list[j] === k) return;
    list.push(k, x0, x1);
  },

  /**
   * A narrow selected span's time range as a faint band over the whole
   * height, behind the bars: it shows where a highlighted span is even
   * when it is only a pixel wide.
   */
  drawSelectionBand(ctx, width, height) {
    const L = this.layout;
    if (state.span < 0 || model.spanTrace[state.span] !== L.t) return;
    const scale = this.xScale(width);
    const x0 = (model.start[state.span] - this.view[0]) * scale;
    const x1 = x0 + model.duration[state.span] * scale;
    if (x1 < 0 || x0 > width || x1 - x0 > 24) return;
    const left = Math.max(0, Math.min(x0, (x0 + x1) / 2 - 1));
    const right = Math.min(width, Math.max(x1, left + 2));
    ctx.fillStyle = theme.vars['selection-band'];
    ctx.fillRect(left, AXIS_HEIGHT, right - left, height - AXIS_HEIGHT);
  },

  /** Time axis with "nice" tick steps, relative to the trace start. */
  drawAxis(ctx, width) {
    ctx.fillStyle = theme.vars['flame-bg'];
    ctx.fillRect(0, 0, width, AXIS_HEIGHT);
    ctx.fillStyle = theme.vars.border;
    ctx.fillRect(0, AXIS_HEIGHT - 1, width, 1);
    ctx.fillStyle = theme.vars.muted;
    ctx.font = '11px ' + FONT_STACK;
    ctx.textBaseline = 'middle';
    const ticks = this.ticks(width);
    const labels = axisLabels(ticks.map(([, value]) => value));
    ticks.forEach(([x], k) => {
      ctx.fillRect(Math.round(x), AXIS_HEIGHT - 5, 1, 4);
      const label = labels[k];
      const w = ctx.measureText(label).width;
      ctx.fillText(label, Math.min(Math.max(2, x - w / 2), width - w - 2), AXIS_HEIGHT / 2 - 1);
    });
  },

  drawGrid(ctx, width, height) {
    ctx.fillStyle = theme.vars['flame-grid'];
    for (const [x] of this.ticks(width)) ctx.fillRect(Math.round(x), AXIS_HEIGHT, 1, height - AXIS_HEIGHT);
  },

  ticks(width) {
    return timeTicks(this.view, width);
  },

  /** The span (local index) under a point in canvas CSS pixels, or -1. */
  hitTest(x, y) {
    if (!this.layout || y < AXIS_HEIGHT) return -1;
    const r = Math.floor((y - AXIS_HEIGHT + $('flame-scroll').scrollTop) / BAR_HEIGHT);
    const list = this.bars[r];
    if (!list) return -1;
    // Bars in a row are in x order: binary search over triples.
    let lo = 0;
    let hi = list.length / 3 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[3 * mid + 2] < x - 1) lo = mid + 1;
      else if (list[3 * mid + 1] > x + 1) hi = mid - 1;
      else return list[3 * mid];
    }
    return -1;
  },

  eventPoint(e) {
    const rect = $('flame').getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  },

  onMove(e) {
    const [x, y] = this.eventPoint(e);
    const k = this.hitTest(x, y);
    $('flame').classList.toggle('over-span', k >= 0);
    if (k < 0) return this.hideTooltip();
    this.showTooltip(this.layout.from + k, e.clientX, e.clientY);
  },

  onClick(e) {
    const [x, y] = this.eventPoint(e);
    const k = this.hitTest(x, y);
    if (k < 0) return;
    const span = this.layout.from + k;
    this.zoomTo(span);
    navigate(this.layout.t, span, 'push');
    if (state.span === span) this.draw();
  },

  /**
   * Keyboard: ↑ parent, ↓ first child, ← → the neighbouring spans of the
   * same row, Enter zooms to the selected span, Escape resets the zoom.
   */
  onKey(e) {
    const L = this.layout;
    if (!L) return;
    const current = state.span >= 0 && model.spanTrace[state.span] === L.t ? state.span - L.from : -1;
    let next = -1;
    if (e.key === 'Escape') this.resetZoom();
    else if (e.key === 'Enter' && current >= 0) {
      this.zoomTo(L.from + current);
      this.draw();
    } else if (current < 0 && e.key.startsWith('Arrow')) next = 0;
    else if (e.key === 'ArrowUp') next = model.parent[L.from + current] - L.from;
    else if (e.key === 'ArrowDown') next = this.firstChild(current);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') next = this.rowNeighbour(current, e.key === 'ArrowLeft' ? -1 : 1);
    else return;
    e.preventDefault();
    if (next >= 0 && next < L.n) navigate(L.t, L.from + next, 'replace');
  },

  /** Ctrl/⌘ + wheel (or pinch) zooms around the pointer; Shift + wheel or a sideways swipe pans. */
  onWheel(e) {
    const L = this.layout;
    if (!L) return;
    const zoom = e.ctrlKey || e.metaKey;
    const pan = !zoom && (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY));
    if (!zoom && !pan) return;
    e.preventDefault();
    const width = $('flame-scroll').clientWidth;
    const total = Math.max(1, model.traceDuration[L.t]);
    let [v0, v1] = this.view;
    const span = v1 - v0;
    if (zoom) {
      const at = v0 + (this.eventPoint(e)[0] / width) * span;
      const next = Math.min(total, Math.max(span * Math.exp(e.deltaY * 0.004), Math.min(span, 1000)));
      v0 = at - ((at - v0) * next) / span;
      v1 = v0 + next;
    } else {
      const shift = ((e.shiftKey ? e.deltaY : e.deltaX) / width) * span;
      v0 += shift;
      v1 += shift;
    }
    // Keep the view inside the trace.
    if (v0 < 0) [v0, v1] = [0, v1 - v0];
    if (v1 > total) [v0, v1] = [Math.max(0, v0 - (v1 - total)), total];
    this.view = [v0, v1];
    this.updateZoomUI();
    this.requestDraw();
  },

  firstChild(k) {
    const L = this.layout;
    for (let c = 0; c < L.n; c++) if (model.parent[L.from + c] === L.from + k) return c;
    return -1;
  },

  rowNeighbour(k, step) {
    const list = groupItems(this.layout.byRow, this.layout.row[k]);
    const at = list.indexOf(k);
    return at + step >= 0 && at + step < list.length ? list[at + step] : -1;
  },

  showTooltip(i, clientX, clientY) {
    const tip = $('tooltip');
    clear(tip);
    const head = el('div', 'tip-name', clip(model.str(model.name[i])));
    const svc = el('div', 'tip-service');
    svc.append(swatch(model.service[i]), el('span', null, clip(model.serviceName(model.service[i]))));
    const t = model.spanTrace[i];
    const time = el('div', 'tip-time', formatDuration(model.duration[i]) + ' · ' + formatPercent(model.duration[i], model.traceDuration[t]) + ' of the trace');
    tip.append(head, svc, time);
    if (model.status[i] === 2) tip.append(el('div', 'tip-error', 'error'));
    const out = model.linksBySource.start[i + 1] - model.linksBySource.start[i];
    const inn = model.linksByTarget.start[i + 1] - model.linksByTarget.start[i];
    const dropped = model.droppedLinks.get(i) || 0;
    if (out || inn || dropped) {
      const parts = [];
      if (out) parts.push(plural(out, 'link', 'links') + ' out');
      if (dropped) parts.push(formatCount(dropped) + ' dropped by the SDK');
      if (inn) parts.push(plural(inn, 'link', 'links') + ' in');
      tip.append(el('div', 'tip-links', parts.join(' · ')));
    }
    tip.hidden = false;
    const margin = 14;
    const w = tip.offsetWidth;
    const h = tip.offsetHeight;
    let left = clientX + margin;
    let top = clientY + margin;
    if (left + w > window.innerWidth - 4) left = clientX - w - margin;
    if (top + h > window.innerHeight - 4) top = clientY - h - margin;
    tip.style.left = Math.max(4, left) + 'px';
    tip.style.top = Math.max(4, top) + 'px';
  },

  hideTooltip() {
    $('tooltip').hidden = true;
    $('flame').classList.remove('over-span');
  },
};

const FONT_STACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Text cut with an ellipsis to fit maxWidth, or '' when even a little does not fit. */
function fitText(ctx, text, maxWidth) {
  if (maxWidth < 14 || !text) return '';
  const full = ctx.measureText(text).width;
  if (full <= maxWidth) return text;
  let n = Math.floor((text.length * maxWidth) / full);
  while (n > 0 && ctx.measureText(text.slice(0, n) + '…').width > maxWidth) n--;
  return n > 1 ? text.slice(0, n) + '…' : '';
}
