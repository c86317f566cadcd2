// The selected span's details: facts, attributes, events, links both ways, resource. Every list
// shows a page at a time and every long text its start (dom.js), so a span of a million attributes
// or a hundred thousand links opens at once.

const details = {
  show(i) {
    const box = $('details');
    clear(box);
    const none = i < 0;
    $('details-placeholder').hidden = !none;
    box.hidden = none;
    if (none) return;
    box.dataset.span = model.spanId(i);
    box.scrollTop = 0;
    box.append(this.header(i), this.facts(i));
    this.section(box, 'Attributes', 'attributes', model.spanAttributes(i), (list) => kvTable(list));
    this.section(box, 'Events', 'events', groupItems(model.eventsBySpan, i), (list) => this.events(i, list));
    const linksOut = groupItems(model.linksBySource, i);
    const dropped = model.droppedLinks.get(i) || 0;
    this.section(box, 'Links to', 'links-out', linksOut, (list) => this.linksOut(i, list),
      dropped > 0 ? el('p', 'dropped-links', droppedLinksText(dropped, linksOut.length)) : null);
    const linksIn = groupItems(model.linksByTarget, i).filter((l) => model.links[l][0] >= 0 && model.links[l][0] < model.spanCount);
    this.section(box, 'Linked from', 'links-in', linksIn, (list) => this.linksIn(i, list));
    const resource = model.resources[model.resourceOf[i]];
    const resourceAttrs = resource ? model.pairs(resource.attributes) : [];
    this.section(box, 'Resource', 'resource', resourceAttrs, (list) => kvTable(list));
  },

  header(i) {
    const head = el('div', 'details-head');
    const title = longText(el('h3', 'span-name'), model.str(model.name[i]));
    const line = el('div', 'span-badges');
    const svc = el('span', 'badge badge-service');
    svc.append(swatch(model.service[i]), el('span', null, clip(model.serviceName(model.service[i]))));
    line.append(svc, el('span', 'badge', KIND_NAMES[model.kind[i]] || 'unspecified'));
    if (model.status[i] === 2) line.append(el('span', 'badge badge-error', 'error'));
    head.append(title, line);
    return head;
  },

  facts(i) {
    const dl = el('dl', 'facts');
    const t = model.spanTrace[i];
    const add = (label, value, cls) => {
      const row = el('div', 'fact-row' + (cls ? ' ' + cls : ''));
      const dd = el('dd');
      if (value instanceof Node) dd.append(value);
      else longText(dd, value);
      row.append(el('dt', null, label), dd);
      dl.append(row);
    };
    add('Span id', model.spanId(i), 'mono');
    const p = model.parent[i];
    if (p >= 0 && p < model.spanCount) {
      const b = navButton(model.spanTrace[p], p);
      b.classList.add('inline-link');
      b.textContent = clip(model.str(model.name[p])) + ' (' + model.spanId(p) + ')';
      add('Parent', b);
    } else add('Parent', 'none in the report');
    add('Start', model.start[i] === 0 ? 'at the trace start' : formatOffset(model.start[i]) + ' from the trace start');
    add('Duration', formatDuration(model.duration[i]) + ' (' + formatPercent(model.duration[i], model.traceDuration[t]) + ' of the trace)');
    const critical = flame.critical && flame.layout && flame.layout.t === t ? flame.critical.pathTime[i - model.first[t]] : 0;
    add('Critical path', critical > 0
      ? formatDuration(critical) + ' of the trace waited on it (' + formatPercent(critical, model.traceDuration[t]) + ' of the trace)'
      : 'not on it: the trace did not wait for this span', critical > 0 ? 'is-critical' : '');
    const message = model.statusMessage.get(i);
    add('Status', (STATUS_NAMES[model.status[i]] || 'unset') + (message !== undefined ? ': ' + model.str(message) : ''), model.status[i] === 2 ? 'is-error' : '');
    const scope = model.scopes[model.scopeOf[i]];
    if (scope) add('Scope', model.str(scope.name) + (model.str(scope.version) ? ' ' + model.str(scope.version) : ''));
    return dl;
  },

  /** A titled section, with "none" when the list is empty and no note says more. */
  section(box, title, cls, list, render, note) {
    const section = el('section', 'details-section ' + cls);
    const h = el('h4', null, title);
    if (list.length) h.append(el('span', 'section-count', formatCount(list.length)));
    section.append(h);
    if (note) section.append(note);
    if (list.length) section.append(render(list));
    else if (!note) section.append(el('p', 'none', 'none'));
    box.append(section);
  },

  events(i, list) {
    return pagedList(el('div', 'events'), list.length, (k) => {
      const [, time, name, attrs] = model.events[list[k]];
      const item = el('div', 'event');
      const head = el('div', 'event-head');
      head.append(el('span', 'event-time', formatOffset(time - model.start[i])), longText(el('span', 'event-name'), model.str(name)));
      item.append(head);
      const kv = model.pairs(attrs || []);
      if (kv.length) item.append(kvTable(kv, null, PAGE_SIZE.nested));
      return item;
    }, PAGE_SIZE.items);
  },

  linksOut(i, list) {
    return pagedList(el('div', 'links'), list.length, (k) => {
      const [, target, traceHex, spanHex, traceState, attrs] = model.links[list[k]];
      const item = el('div', 'link-item');
      item.append(this.linkTargetLine(target, traceHex, spanHex));
      if (target >= 0 && target < model.spanCount) item.append(this.lagLine(model.linkLag(i, target), model.duration[target], 'the linked span'));
      const facts = [['trace id', String(traceHex)], ['span id', String(spanHex)]];
      if (model.str(traceState)) facts.push(['trace state', model.str(traceState)]);
      item.append(kvTable(facts, 'link-ids'));
      const kv = model.pairs(attrs || []);
      if (kv.length) item.append(kvTable(kv, null, PAGE_SIZE.nested));
      return item;
    }, PAGE_SIZE.items);
  },

  linkTargetLine(target, traceHex, spanHex) {
    const line = el('div', 'link-target');
    if (target >= 0 && target < model.spanCount) {
      line.append(spanButton(target));
    } else if (target === -2) {
      line.append(el('span', 'unresolved omitted', 'Its trace was left out by --max-traces'));
    } else if (target === -3) {
      line.append(el('span', 'unresolved omitted', 'Its trace is not among those this report selected'));
    } else {
      line.append(el('span', 'unresolved missing', 'Linked-to span not in the input'));
    }
    return line;
  },

  /** When the linking span started, against the linked span: after it ended, while it ran, or before it (clock skew). */
  lagLine(lag, linkedDuration, linked) {
    const timing = linkTiming(lag, linkedDuration);
    return el('div', 'link-lag' + (timing.relation === 'before' ? ' is-skew' : ''), lagText(timing, linked));
  },

  linksIn(i, list) {
    const box = el('div', 'links-in-box');
    box.append(this.linkingSummary(i, list));
    box.append(pagedList(el('div', 'links'), list.length, (k) => {
      const [source, , , , traceState, attrs] = model.links[list[k]];
      const item = el('div', 'link-item');
      const line = el('div', 'link-target');
      line.append(spanButton(source));
      if (model.spanTrace[source] === model.spanTrace[i]) line.append(el('span', 'same-trace', 'this trace'));
      item.append(line, this.lagLine(model.linkLag(source, i), model.duration[i], 'this span'));
      const facts = model.str(traceState) ? [['trace state', model.str(traceState)]] : [];
      const kv = concatLists(facts, model.pairs(attrs || []));
      if (kv.length) item.append(kvTable(kv, null, PAGE_SIZE.nested));
      return item;
    }, PAGE_SIZE.items));
    return box;
  },

  /**
   * The spans linking to span i grouped by service and operation, failing ones first, with a
   * button that lists exactly their traces (the filter linking:SPAN_ID).
   */
  linkingSummary(i, list) {
    const summary = el('div', 'link-groups');
    const groups = linkGroups(model, list, 'source');
    const chips = pagedList(el('div', 'link-group-chips'), groups.length, (k) => {
      const g = groups[k];
      const chip = el('span', 'link-group' + (g.failing ? ' is-error' : ''));
      chip.append(swatch(g.service), el('span', null, clip(model.serviceName(g.service)) + ' · ' + clip(model.str(g.name))),
        el('span', 'chip-count', '×' + formatCount(g.links) + (g.failing ? ' · ' + plural(g.failing, 'failing trace', 'failing traces') : '')));
      return chip;
    }, PAGE_SIZE.chips);
    const traces = new Set(list.map((l) => model.spanTrace[model.links[l][0]]));
    summary.append(chips, filterButton('show-linking', showTracesText(traces.size),
      'linking:' + model.spanId(i)));
    return summary;
  },
};

/** A button naming a span (service · name, and its trace) that opens it. */
function spanButton(span) {
  const t = model.spanTrace[span];
  const b = navButton(t, span);
  b.classList.add('span-link');
  const top = el('span', 'span-link-top');
  top.append(swatch(model.service[span]), el('span', 'span-link-service', clip(model.serviceName(model.service[span]))), el('span', 'span-link-name', clip(model.str(model.name[span]))));
  const sub = el('span', 'span-link-sub', 'trace ' + model.traceId(t).slice(0, 12) + '… · ' + clip(model.serviceName(model.rootService[t])) + ' · ' + clip(model.str(model.rootName[t])));
  b.append(top, sub);
  return b;
}
