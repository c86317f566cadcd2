// Which traces the list keeps. Pure functions of the model: tested in
// Tests/HTMLReportTests/Script/filter.test.js.

/** The filter box's text as the list matches it: trimmed, lower case. */
function filterQuery(text) {
  return String(text).trim().toLowerCase();
}

/**
 * Which traces pass the filters: null when nothing filters, else a
 * Uint8Array over traces. The text matches (case-insensitively) the trace
 * id, a span id, a service name, an operation or an attribute value.
 */
function filterTraces(m, query, nodeFilter, direction) {
  if (!query && nodeFilter < 0) return null;
  const n = m.traceCount;
  const keep = new Uint8Array(n);
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
      }
    }
    if (hit) keep[t] = 1;
  }
  return keep;
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
