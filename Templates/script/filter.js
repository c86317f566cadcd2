// Which traces the list keeps. Pure functions of the model: tested in
// Tests/HTMLReportTests/Script/filter.test.js.

/** The filter box's text as the list matches it: trimmed, lower case. */
function filterQuery(text) {
  return String(text).trim().toLowerCase();
}

/**
 * Which traces pass the filters: null when nothing filters, else a
 * Uint8Array over traces. The text matches (case-insensitively) the trace
 * id, a span id, a service name, an operation, or the value of an attribute
 * of a span or of one of its links; `linked:TRACE_ID` (the id or its start)
 * keeps the traces joined by links to that one (tracesJoinedByLinks),
 * `linking:SPAN_ID` exactly the traces with a span that links to that span,
 * `workflow:TRACE_ID` the traces of its workflow, and `group:TRACE_ID` those
 * of its workflow with its root service and operation.
 */
function filterTraces(m, query, nodeFilter, direction) {
  if (!query && nodeFilter < 0) return null;
  const n = m.traceCount;
  const keep = new Uint8Array(n);
  let linked = null;
  const byTrace = /^(linked|workflow|group):/.exec(query);
  if (byTrace) {
    const id = query.slice(byTrace[0].length).trim();
    let start = -1;
    for (let t = 0; t < n && start < 0; t++) if (id && m.traceId(t).startsWith(id)) start = t;
    if (start < 0) linked = new Uint8Array(n);
    else if (byTrace[1] === 'linked') linked = tracesJoinedByLinks(m, start);
    else linked = workflowTraces(m, start, byTrace[1] === 'group');
    query = '';
  } else if (query.startsWith('linking:')) {
    const id = query.slice('linking:'.length).trim();
    linked = new Uint8Array(n);
    for (let i = 0; i < m.spanCount; i++) {
      if (m.spanId(i) !== id) continue;
      for (const l of groupItems(m.linksByTarget, i)) if (m.links[l][0] >= 0) linked[m.spanTrace[m.links[l][0]]] = 1;
    }
    query = '';
  }
  let strMatch = null;
  let svcMatch = null;
  const hexQuery = /^[0-9a-f]+$/.test(query);
  if (query) {
    strMatch = new Uint8Array(m.strings.length);
    for (let i = 0; i < m.strings.length; i++) if (m.strings[i].toLowerCase().includes(query)) strMatch[i] = 1;
    svcMatch = m.services.map((s) => strMatch[s.name] === 1);
  }
  const attrs = m.attributes;
  for (let t = 0; t < n; t++) {
    const from = m.first[t];
    const to = from + m.count[t];
    if (nodeFilter >= 0) {
      let touches = false;
      for (let i = from; i < to && !touches; i++) touches = m.spanTouches(i, nodeFilter, direction);
      if (!touches) continue;
    }
    if (linked && !linked[t]) continue;
    if (!query) {
      keep[t] = 1;
      continue;
    }
    let hit = hexQuery && m.traceId(t).includes(query);
    for (let i = from; i < to && !hit; i++) {
      if (svcMatch[m.service[i]] || strMatch[m.name[i]]) hit = true;
      else if (hexQuery && m.spanId(i).includes(query)) hit = true;
      else {
        for (let j = m.attrOffsets[i] + 1, end = m.attrOffsets[i + 1]; j < end; j += 2) {
          if (strMatch[attrs[j]]) {
            hit = true;
            break;
          }
        }
        for (const l of groupItems(m.linksBySource, i)) {
          const linkAttributes = m.links[l][5];
          for (let j = 1; j < linkAttributes.length && !hit; j += 2) if (strMatch[linkAttributes[j]]) hit = true;
          if (hit) break;
        }
      }
    }
    if (hit) keep[t] = 1;
  }
  return keep;
}

/**
 * The traces joined by links to trace `start`, itself included: those that
 * link to it and theirs in turn (its effects), and those it links to and
 * theirs (its causes), each way on its own, as `tracegraph --linked-to`
 * walks them. Links to spans the report does not hold are not followed.
 */
function tracesJoinedByLinks(m, start) {
  const n = m.traceCount;
  const targetTrace = (l) => (m.links[l][1] >= 0 ? m.spanTrace[m.links[l][1]] : -1);
  const sourceTrace = (l) => m.spanTrace[m.links[l][0]];
  const keep = new Uint8Array(n);
  keep[start] = 1;
  const ways = [
    [groupBy(n, m.links.length, targetTrace), sourceTrace], // from a cause to the traces that link to it
    [groupBy(n, m.links.length, sourceTrace), targetTrace], // from an effect to the traces it links to
  ];
  for (const [linksFrom, next] of ways) {
    const seen = new Uint8Array(n);
    seen[start] = 1;
    const queue = [start];
    while (queue.length > 0) {
      for (const l of groupItems(linksFrom, queue.pop())) {
        const t = next(l);
        if (t >= 0 && !seen[t]) {
          seen[t] = keep[t] = 1;
          queue.push(t);
        }
      }
    }
  }
  return keep;
}

/** The traces of trace `start`'s workflow (of its group there, when `sameGroup`), itself included. */
function workflowTraces(m, start, sameGroup) {
  const keep = new Uint8Array(m.traceCount);
  keep[start] = 1;
  const w = m.workflowOf[start];
  if (w < 0) return keep;
  m.workflows[w].groups.forEach((g, j) => {
    if (!sameGroup || j === m.groupOf[start]) for (const t of g.traces) keep[t] = 1;
  });
  return keep;
}

/**
 * The spans of links, grouped by the service and name of the span at the link's `end` ('source'
 * or 'target'): [{service, name, links, traces, failing}] with the traces of the group (how many,
 * and how many of those have errors), groups with failing traces first, then the most links.
 */
function linkGroups(m, links, end) {
  const groups = new Map();
  const column = end === 'source' ? 0 : 1;
  for (const l of links) {
    const span = m.links[l][column];
    if (span < 0 || span >= m.spanCount) continue;
    const key = m.service[span] + ' ' + m.name[span];
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { service: m.service[span], name: m.name[span], links: 0, traceSet: new Set(), failing: 0 }));
    group.links++;
    const t = m.spanTrace[span];
    if (!group.traceSet.has(t)) {
      group.traceSet.add(t);
      if (m.traceErrors[t] > 0) group.failing++;
    }
  }
  return Array.from(groups.values(), ({ traceSet, ...group }) => ({ ...group, traces: traceSet.size }))
    .sort((a, b) => (b.failing > 0) - (a.failing > 0) || b.links - a.links || a.service - b.service || a.name - b.name);
}

/**
 * The traces with a span that sends to topic node `node` (`produce`), with one that receives
 * from it (`consume`), and with either (`all`): a trace can do both.
 */
function topicTraffic(m, node) {
  const peer = node - m.services.length;
  const produce = new Set();
  const consume = new Set();
  const all = new Set();
  for (const [span, p] of m.peerCalls) {
    if (p !== peer || m.peerOfSpan[span] !== peer) continue;
    const t = m.spanTrace[span];
    all.add(t);
    const direction = m.peerDirection(span);
    if (direction === 'produce') produce.add(t);
    else if (direction === 'consume') consume.add(t);
  }
  return { produce: produce.size, consume: consume.size, all: all.size };
}
