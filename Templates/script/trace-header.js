// The selected trace's title, facts, and the traces it links to and is linked from.

function renderTraceHeader(t) {
  $('flame-placeholder').hidden = true;
  $('trace-view').hidden = false;
  const title = $('trace-title');
  clear(title);
  title.append(swatch(model.rootService[t]), el('span', 'trace-title-service', clip(model.serviceName(model.rootService[t]))), el('span', 'trace-title-name', clip(model.str(model.rootName[t]))));

  $('trace-id').textContent = model.traceId(t);
  const facts = $('trace-facts');
  clear(facts);
  const fact = (label, value, cls) => {
    const box = el('div', 'fact' + (cls ? ' ' + cls : ''));
    box.append(el('dt', null, label), el('dd', null, value));
    facts.append(box);
  };
  fact('Start', formatClock(model.traceStart[t], true) + ' UTC');
  fact('Duration', formatDuration(model.traceDuration[t]));
  fact('Spans', formatCount(model.count[t]));
  fact('Errors', formatCount(model.traceErrors[t]), model.traceErrors[t] ? 'is-error' : '');
  let dropped = 0;
  if (model.droppedLinks.size) for (let i = model.first[t], end = i + model.count[t]; i < end; i++) dropped += model.droppedLinks.get(i) || 0;
  fact('Links out', formatCount(model.traceLinksOut[t]) + (dropped ? ' (+' + formatCount(dropped) + ' dropped by the SDK)' : ''));
  fact('Links in', formatCount(model.traceLinksIn[t]));
  const own = selfTimeByService(model, t).slice(0, 4);
  if (own.length > 1) {
    fact('Self time', own.map(([svc, time]) => clip(model.serviceName(svc)) + ' ' + formatDuration(time)).join(' · '));
  }

  renderTraceLinks(t);
  renderWorkflow(t);
}

/**
 * The other traces that trace t's spans link to (`outTo`) and whose spans link to its spans
 * (`inFrom`), each a Map from trace to {span: its first span linked, n: how many links}, in
 * the order first met; and how many of its links point to spans not in the input (`missing`),
 * in traces --max-traces left out (`omitted`), or in traces the report's options did not select
 * (`unselected`).
 */
function linkedTraces(m, t) {
  const outTo = new Map();
  const inFrom = new Map();
  let missing = 0;
  let omitted = 0;
  let unselected = 0;
  const count = (map, other, span) => {
    const entry = map.get(other) || { span, n: 0 };
    entry.n++;
    map.set(other, entry);
  };
  for (let i = m.first[t], end = i + m.count[t]; i < end; i++) {
    for (const l of groupItems(m.linksBySource, i)) {
      const target = m.links[l][1];
      if (target === -1) missing++;
      else if (target === -2) omitted++;
      else if (target === -3) unselected++;
      else if (target >= 0 && target < m.spanCount && m.spanTrace[target] !== t) count(outTo, m.spanTrace[target], target);
    }
    for (const l of groupItems(m.linksByTarget, i)) {
      const source = m.links[l][0];
      if (source >= 0 && source < m.spanCount && m.spanTrace[source] !== t) count(inFrom, m.spanTrace[source], source);
    }
  }
  return { outTo, inFrom, missing, omitted, unselected };
}

/** The traces this trace links to and those linking to it, as buttons. */
function renderTraceLinks(t) {
  const box = $('trace-links');
  clear(box);
  const { outTo, inFrom, missing, omitted, unselected } = linkedTraces(model, t);
  box.hidden = outTo.size === 0 && inFrom.size === 0 && missing === 0 && omitted === 0 && unselected === 0;
  if (outTo.size || missing || omitted || unselected) {
    const line = el('div', 'trace-links-line');
    line.id = 'trace-links-out';
    line.append(el('span', 'trace-links-label', 'Links to'), traceChips(outTo));
    if (missing) line.append(el('span', 'unresolved', plural(missing, 'span', 'spans') + ' not in the input'));
    if (omitted) line.append(el('span', 'unresolved', plural(omitted, 'span', 'spans') + ' left out by --max-traces'));
    if (unselected) line.append(el('span', 'unresolved', plural(unselected, 'span', 'spans') + ' in traces this report did not select'));
    box.append(line);
  }
  if (inFrom.size) {
    const line = el('div', 'trace-links-line');
    line.id = 'trace-links-in';
    line.append(el('span', 'trace-links-label', 'Linked from'), traceChips(inFrom));
    box.append(line);
  }
  if (outTo.size || inFrom.size) {
    // Every trace joined to this one by links, however far, in the list: the filter linked:ID.
    const show = filterButton('show-linked', 'Show the traces linked to this one in the list', 'linked:' + model.traceId(t));
    show.id = 'show-linked';
    box.append(show);
  }
}

/** The traces of a Map from trace to {span, n}, as buttons, a page at a time. */
function traceChips(traces) {
  const entries = Array.from(traces);
  return pagedList(el('span', 'trace-chips'), entries.length, (k) => traceButton(entries[k][0], entries[k][1].span, entries[k][1].n), PAGE_SIZE.chips);
}

/** A button that opens span `span` of trace `t` (a history entry), marked when the trace has errors. */
function traceButton(t, span, n) {
  const b = navButton(t, span);
  b.classList.add('trace-chip');
  b.append(swatch(model.rootService[t]), el('span', null, clip(model.serviceName(model.rootService[t])) + ' · ' + clip(model.str(model.rootName[t]))),
    el('span', 'chip-id', model.traceId(t).slice(0, 8)));
  if (n > 1) b.append(el('span', 'chip-count', '×' + formatCount(n)));
  const errors = model.traceErrors[t];
  if (errors) {
    b.classList.add('is-error');
    b.append(el('span', 'chip-errors', plural(errors, 'error', 'errors')));
  }
  b.title = 'trace ' + model.traceId(t) + (errors ? '\n' + plural(errors, 'error span', 'error spans') : '');
  return b;
}
