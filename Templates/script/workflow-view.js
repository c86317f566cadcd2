// The selected trace's workflow: the traces joined to it by links, however indirectly, drawn as
// boxes of traces with the same root service and operation, in columns from cause to effect,
// with the links between them dashed. A box of one trace opens it; a larger one lists its
// traces (the filter group:TRACE_ID); the whole workflow is workflow:TRACE_ID.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and an optional class. */
function svgEl(tag, attributes, cls) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (cls) node.setAttribute('class', cls);
  return node;
}

/** Draws trace t's workflow in #workflow; hides it when no link joins t to another trace of the report. */
function renderWorkflow(t) {
  const box = $('workflow');
  const index = model.workflowOf[t];
  box.hidden = index < 0;
  if (index < 0) return;
  const w = model.workflows[index];
  $('workflow-summary-text').textContent = workflowSummaryText(w);
  const body = $('workflow-body');
  clear(body);
  const drawn = drawnWorkflow(w, model.groupOf[t]);
  const starts = drawn.groups.map((g) => g.traces.reduce((first, u) => Math.min(first, model.traceStart[u]), Infinity));
  const layout = workflowLayout(starts, drawn.links);
  const canvas = el('div', 'wf-canvas');
  canvas.style.width = layout.width + 'px';
  canvas.style.height = layout.height + 'px';
  const svg = svgEl('svg', { width: layout.width, height: layout.height, 'aria-hidden': 'true' }, 'wf-links');
  const marker = svgEl('marker', { id: 'wf-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' });
  marker.append(svgEl('path', { d: 'M0,0 L10,5 L0,10 z' }));
  const defs = svgEl('defs', {});
  defs.append(marker);
  svg.append(defs);
  const selfLinks = new Map();
  for (const [cause, effect, n] of drawn.links) if (cause === effect) selfLinks.set(cause, n);
  for (const edge of layout.edges) {
    const n = drawn.links[edge.link][2];
    svg.append(svgEl('path', { d: edge.d, [edge.reversed ? 'marker-start' : 'marker-end']: 'url(#wf-arrow)', 'stroke-width': (1.2 + Math.log10(n) * 0.7).toFixed(2) }, 'wf-link'));
    if (w.byTrace && n === 1) continue; // between two traces a link is the rule: only more are counted
    const text = svgEl('text', { x: edge.label[0], y: edge.label[1] - 4, 'text-anchor': 'middle' }, 'wf-link-label');
    text.textContent = plural(n, 'link', 'links');
    svg.append(text);
  }
  canvas.append(svg);

  const current = drawn.at[model.groupOf[t]];
  drawn.groups.forEach((g, k) => canvas.append(workflowGroupBox(g, k === current, selfLinks.get(k) || 0, layout.boxes[k].x, layout.boxes[k].y)));
  const scroll = el('div', 'wf-canvas-scroll');
  scroll.append(canvas);
  body.append(scroll);
  // The selected trace's box in sight, when the drawing is wider or taller than its room.
  const mine = layout.boxes[current];
  scroll.scrollLeft = Math.max(0, mine.x + WORKFLOW_BOX.width / 2 - scroll.clientWidth / 2);
  scroll.scrollTop = Math.max(0, mine.y + WORKFLOW_BOX.height / 2 - scroll.clientHeight / 2);
  const actions = el('div', 'wf-actions');
  const count = w.groups.reduce((sum, g) => sum + g.traces.length, 0);
  const show = filterButton('show-workflow', 'Show its ' + formatCount(count) + ' traces in the list', 'workflow:' + model.traceId(t));
  show.id = 'show-workflow';
  actions.append(show, el('span', 'hint', w.byTrace
    ? 'A box is a trace, in the order they started; arrows are span links, cause to effect. Click a box to open its trace.'
    : 'Boxes are traces by root service and operation; arrows are span links, cause to effect. Click a box to open its trace or list its traces.'));
  if (drawn.hiddenLinks) actions.append(el('span', 'hint', plural(drawn.hiddenLinks, 'link', 'links') + ' between smaller groups not drawn'));
  body.append(actions);
}

/** A group's box, a button: one trace opens it; more put them in the list. */
function workflowGroupBox(g, isCurrent, selfLinks, left, top) {
  const button = el('button', 'wf-group' + (g.failing ? ' is-failing' : '') + (isCurrent ? ' is-current' : '') + (g.rest ? ' is-rest' : ''));
  button.type = 'button';
  button.style.left = left + 'px';
  button.style.top = top + 'px';
  button.style.width = WORKFLOW_BOX.width + 'px';
  button.style.height = WORKFLOW_BOX.height + 'px';
  const service = el('span', 'wf-service');
  if (!g.rest) service.append(swatch(g.service));
  service.append(el('span', 'wf-service-name', g.rest ? 'Other groups' : clip(model.serviceName(g.service))));
  const name = el('span', 'wf-name', g.rest ? plural(g.rest, 'group', 'groups') + ' not drawn' : clip(model.str(g.name)));
  const count = el('span', 'wf-count', workflowGroupText(g));
  if (selfLinks) service.append(el('span', 'wf-self', '↻ ' + formatCount(selfLinks)));
  button.append(service, name, count);
  const what = g.rest ? plural(g.rest, 'more group', 'more groups') : clip(model.serviceName(g.service)) + ' · ' + clip(model.str(g.name));
  const notes = [what + '\n' + workflowGroupText(g) + (g.traces.length > 1 && g.longest ? ', the longest ' + formatDuration(g.longest) : '')];
  if (selfLinks) notes.push(plural(selfLinks, 'link', 'links') + ' between traces of ' + (g.rest ? 'these groups' : 'this group'));
  if (isCurrent) {
    notes.push('The selected trace is in this group');
    button.setAttribute('aria-current', 'true');
  }
  const first = g.traces[0];
  if (g.traces.length === 1) {
    notes.push(first === state.trace ? '' : 'Click to open this trace');
    button.addEventListener('click', () => navigate(first, -1, 'push'));
  } else {
    notes.push('Click to list these traces');
    button.addEventListener('click', () => setTraceFilter((g.rest ? 'workflow:' : 'group:') + model.traceId(first)));
  }
  button.title = notes.filter(Boolean).join('\n');
  return button;
}
