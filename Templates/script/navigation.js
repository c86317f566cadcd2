/*
 * The selection. Page state lives in the URL fragment: #trace=<32 hex>&span=<16 hex>.
 * Every selection a person makes is a history entry, so Back returns.
 */

let model = null;
const state = {
  trace: -1, // selected trace index
  span: -1, // selected global span index
};

// ------------------------------------------------------------- navigation

function fragmentFor(t, span) {
  if (t < 0) return '';
  let f = '#trace=' + model.traceId(t);
  if (span >= 0) f += '&span=' + model.spanId(span);
  return f;
}

/** {trace, span, missing} from location.hash; ids are checked before use. */
function parseFragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const traceHex = (params.get('trace') || '').toLowerCase();
  const spanHex = (params.get('span') || '').toLowerCase();
  if (!HEX32.test(traceHex)) return { trace: -1, span: -1, missing: params.has('trace') ? 'trace' : null };
  const t = model.traceIndex(traceHex);
  if (t < 0) return { trace: -1, span: -1, missing: 'trace' };
  const span = HEX16.test(spanHex) ? model.spanIndex(t, spanHex) : -1;
  return { trace: t, span, missing: span < 0 && spanHex ? 'span' : null };
}

/**
 * Selects a trace and span. `history` is 'push' for a person's choice (a
 * history entry, so Back returns), 'replace' for stepping with the keyboard
 * (the address follows without an entry per key); state restored from the
 * address is applied with neither.
 */
function navigate(t, span, history) {
  if (t < 0 || t >= model.traceCount) return;
  if (span >= 0 && model.spanTrace[span] !== t) span = -1;
  const fragment = fragmentFor(t, span);
  if (history && fragment !== location.hash) {
    if (history === 'replace') window.history.replaceState(null, '', fragment);
    else window.history.pushState(null, '', fragment);
  }
  applySelection(t, span);
}

function applySelection(t, span) {
  const traceChanged = t !== state.trace;
  state.trace = t;
  state.span = span;
  if (traceChanged) {
    renderTraceHeader(t);
    flame.show(t);
    traceList.markSelected();
    traceList.reveal(t);
    graph.markTrace(t);
  }
  flame.select(span, traceChanged);
  details.show(span);
}

function applyFragment() {
  const target = parseFragment();
  if (target.trace >= 0) {
    applySelection(target.trace, target.span);
  } else if (model.traceCount > 0) {
    applySelection(0, -1);
  }
  const note = $('fragment-note');
  if (note) note.remove();
  if (target.missing) {
    const message = target.missing === 'trace' ? 'The trace named in the address is not in this report.' : 'The span named in the address is not in this trace.';
    const p = el('p', 'notice', message);
    p.id = 'fragment-note';
    $('flame-panel').insertBefore(p, $('flame-panel').children[1]);
  }
}

function navButton(t, span) {
  const b = el('button', 'nav-span');
  b.type = 'button';
  b.dataset.trace = model.traceId(t);
  if (span >= 0) b.dataset.span = model.spanId(span);
  b.addEventListener('click', () => navigate(t, span, 'push'));
  return b;
}
