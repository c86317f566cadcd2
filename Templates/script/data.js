/*
 * The report's data, and the model the page reads it through.
 *
 * Data: JSON in the script element #report-data (type application/json). All arrays
 * are columnar; "s" means an index into `strings`.
 *
 * {
 *   "strings": ["", ...],                    // string table; 0 is ""
 *   "services": [{"name": s, "node": "svc_…" | null}],  // node = id of its <g> in the SVG
 *   "traces": {                              // T traces, in the default order (start time)
 *     "ids": "…",          // 32 lower-case hex chars per trace, concatenated
 *     "first": [...],      // index of the trace's first span in the span columns
 *     "count": [...],      // its number of spans (first[t] ..< first[t]+count[t])
 *     "startMicros": [...],// trace start, µs since the Unix epoch
 *     "duration": [...],   // ns, earliest start to latest end
 *     "rootService": [...],// service index of the root span
 *     "rootName": [...],   // s
 *     "errors": [...],     // error spans
 *     "linksOut": [...],   // links its spans carry
 *     "linksIn": [...]     // links from spans of other traces to its spans
 *   },
 *   "spans": {             // N spans; a trace's spans are contiguous, sorted by start then id
 *     "ids": "…",          // 16 hex chars per span, concatenated
 *     "parentDistance": [...], // how many spans before this one its parent is (i - parent),
 *                              //   0 when the parent is not in the report
 *     "start": [...],      // ns since its trace's start
 *     "duration": [...],   // ns
 *     "service": [...],    // service index
 *     "name": [...],       // s
 *     "kind": [...],       // 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer
 *     "status": [...],     // 0 unset, 1 ok, 2 error
 *     "attributeCount": [...], // how many attributes each span has; they follow one another
 *                              //   in "attributes" as key,value pairs, in span order
 *     "resource": [...],   // index into "resources"
 *     "scope": [...]       // index into "scopes"
 *   },
 *   "attributes": [k, v, k, v, …],        // s; values are display text
 *   "statusMessages": [[span, s], …],
 *   "resources": [{"service": serviceIndex, "attributes": [k, v, …]}],
 *   "scopes": [{"name": s, "version": s}],
 *   "events": [[span, timeNs /* since its trace's start *\/, name s, [k, v, …]], …],
 *   "links": [[fromSpan, target, traceIdHex, spanIdHex, traceState s, [k, v, …]], …]
 *       // target: global span index when the linked-to span is in the report,
 *       //         -1 when it is not in the input, -2 when its trace was left out
 *       //         by --max-traces, -3 when its trace was not among those the
 *       //         options (--where, --linked-to, --errors…) selected
 *   "peers": [{"name": s, "node": "db_…" | "topic_…" | "peer_…",   // uninstrumented peers
 *              "kind": "database" | "messaging" | "remote",          //   the graph draws;
 *              "system": s}],   // messaging: a topic or queue; system: db.system or
 *                               //   messaging.system, "" for a remote peer
 *   "peerCalls": [[span, peer], …],            // spans the graph counts as calls to a peer:
 *       // for a topic, the spans that send to it (producer or client spans) and those
 *       // that receive from it (consumer spans, delivered or linking to a producer)
 *   "droppedLinks": [[span, count], …]         // spans whose SDK dropped links past its
 *       // limit (OTLP droppedLinksCount > 0), with that count, in span order; the links
 *       // kept are in "links"
 *   "workflows": [     // traces joined by links, however indirectly (two or more of the report's
 *                      //   traces), largest first: Workflow in the Swift side
 *     {"spans": n, "services": n,     // its spans; the services of its spans
 *      "failing": n,                  // its traces with an error span
 *      "duration": ns,                // from its first span's start to its last span's end
 *      "longestChain": n,             // the most links one after the other, forward in time
 *      "byTrace": bool,               // true: each trace a group of its own, in start order
 *                                     //   (a small workflow); false: traces by root
 *      "groups": [{"service": serviceIndex, "name": s,   // its traces by root service and
 *                  "traces": [t, …],                     //   operation, largest first, each
 *                  "failing": n, "errors": n,            //   trace in one group, sorted;
 *                  "longest": ns,                        //   failing traces, error spans;
 *                  "priority": k}],   // 0 for the group a drawing keeps first when it cannot
 *                                     //   draw them all, 1 the next… (Workflow.Grouping)
 *      "links": [[causeGroup, effectGroup, links], …]}   // span links between groups, from
 *   ]                                                    //   the linked-to trace's group
 * }
 */

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES = ['unset', 'ok', 'error'];
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** Global parent indices (-1: none in the report) from the distances the data holds. */
function absoluteParents(distance) {
  const parent = new Int32Array(distance.length);
  for (let i = 0; i < distance.length; i++) parent[i] = distance[i] === 0 ? -1 : i - distance[i];
  return parent;
}

/** N+1 offsets into the flat attribute array (two elements an attribute) from per-span counts. */
function attributeOffsets(count) {
  const offsets = new Int32Array(count.length + 1);
  for (let i = 0; i < count.length; i++) offsets[i + 1] = offsets[i] + 2 * count[i];
  return offsets;
}

/**
 * Wraps the raw report data with typed columns and the indexes the page
 * needs (span → trace, links by source and by target, events by span).
 */
function buildModel(raw) {
  const str = raw.strings;
  const T = raw.traces;
  const S = raw.spans;
  const traceCount = T.first.length;
  const spanCount = S.parentDistance.length;
  // Typed copies of the columns (the constructors' array fast path, not the iterator one).
  const int32 = (a) => new Int32Array(a);
  const f64 = (a) => new Float64Array(a);

  const m = {
    strings: str,
    services: raw.services,
    traceCount,
    spanCount,
    traceIds: T.ids,
    first: int32(T.first),
    count: int32(T.count),
    traceStart: f64(T.startMicros),
    traceDuration: f64(T.duration),
    rootService: int32(T.rootService),
    rootName: int32(T.rootName),
    traceErrors: int32(T.errors),
    traceLinksOut: int32(T.linksOut),
    traceLinksIn: int32(T.linksIn),
    spanIds: S.ids,
    parent: absoluteParents(S.parentDistance),
    start: f64(S.start),
    duration: f64(S.duration),
    service: int32(S.service),
    name: int32(S.name),
    kind: new Uint8Array(S.kind),
    status: new Uint8Array(S.status),
    attrOffsets: attributeOffsets(S.attributeCount),
    attributes: raw.attributes,
    resourceOf: int32(S.resource),
    scopeOf: int32(S.scope),
    resources: raw.resources,
    scopes: raw.scopes,
    events: raw.events,
    links: raw.links,
    peers: raw.peers || [],
    statusMessage: new Map(),
    droppedLinks: new Map(), // span → links its SDK dropped
  };

  for (const [span, s] of raw.statusMessages) m.statusMessage.set(span, s);
  for (const [span, n] of raw.droppedLinks || []) m.droppedLinks.set(span, n);

  // Each trace's workflow and its group there (-1: no link joins it to another trace shown).
  m.workflows = raw.workflows || [];
  m.workflowOf = new Int32Array(traceCount).fill(-1);
  m.groupOf = new Int32Array(traceCount).fill(-1);
  m.workflows.forEach((w, k) => w.groups.forEach((g, j) => {
    for (const t of g.traces) {
      if (t >= 0 && t < traceCount) {
        m.workflowOf[t] = k;
        m.groupOf[t] = j;
      }
    }
  }));

  m.spanTrace = new Int32Array(spanCount);
  for (let t = 0; t < traceCount; t++) m.spanTrace.fill(t, m.first[t], m.first[t] + m.count[t]);

  m.linksBySource = groupBy(spanCount, raw.links.length, (i) => raw.links[i][0]);
  m.linksByTarget = groupBy(spanCount, raw.links.length, (i) => raw.links[i][1]);
  m.eventsBySpan = groupBy(spanCount, raw.events.length, (i) => raw.events[i][0]);
  // The peer each span calls (-1: none), for filtering by a peer's node in the graph.
  m.peerCalls = raw.peerCalls || [];
  m.peerOfSpan = new Int32Array(spanCount).fill(-1);
  for (const [span, peer] of m.peerCalls) m.peerOfSpan[span] = peer;

  m.str = (i) => (i >= 0 && i < str.length ? str[i] : '');
  /**
   * The linking span's start less the linked span's end, in ns: each span's absolute time is
   * its trace's start (µs since the epoch) plus its own start (ns since that start). The
   * traces' starts are subtracted first, in whole µs, so that no time as large as the epoch's
   * nanoseconds passes through a double; across traces the result is within 1 µs.
   */
  m.linkLag = (source, target) => {
    const between = (m.traceStart[m.spanTrace[source]] - m.traceStart[m.spanTrace[target]]) * 1000;
    return between + m.start[source] - (m.start[target] + m.duration[target]);
  };
  m.traceId = (t) => T.ids.substr(32 * t, 32);
  m.spanId = (i) => S.ids.substr(16 * i, 16);
  m.serviceName = (svc) => (svc >= 0 && svc < raw.services.length ? m.str(raw.services[svc].name) : '');
  // Graph nodes are numbered services first, then peers.
  m.nodeCount = raw.services.length + m.peers.length;
  m.isPeerNode = (node) => node >= raw.services.length;
  m.nodeName = (node) => (m.isPeerNode(node) ? m.str(m.peers[node - raw.services.length].name) : m.serviceName(node));
  m.nodeElementId = (node) => (m.isPeerNode(node) ? m.peers[node - raw.services.length].node : raw.services[node].node);
  /** Whether graph node `node` is a topic or queue, which spans send to and receive from. */
  m.isTopicNode = (node) => m.isPeerNode(node) && m.peers[node - raw.services.length].kind === 'messaging';
  /** The node's name, with its system for a topic (`orders (kafka)`): a database may share its name. */
  m.nodeLabel = (node) => {
    const system = m.isTopicNode(node) ? m.str(m.peers[node - raw.services.length].system) : '';
    return m.nodeName(node) + (system ? ' (' + system + ')' : '');
  };
  /**
   * Which way span i's message goes for the peer it is counted for, by its kind: 'produce'
   * for a producer or client span (it sends), 'consume' for a consumer or server span (it
   * receives), '' for other kinds.
   */
  m.peerDirection = (i) => (m.kind[i] === 4 || m.kind[i] === 3 ? 'produce' : m.kind[i] === 5 || m.kind[i] === 2 ? 'consume' : '');
  /**
   * Whether span i is of the service or calls the peer that graph node `node` stands for;
   * with `direction` ('produce' or 'consume'), only a span that goes that way to the peer.
   */
  m.spanTouches = (i, node, direction) => {
    if (!m.isPeerNode(node)) return m.service[i] === node;
    return m.peerOfSpan[i] === node - raw.services.length && (!direction || m.peerDirection(i) === direction);
  };
  /**
   * [k, v, k, v] string indices from..<to (all of them by default) as a list of [key, value]
   * texts, with `length` and `at(k)`: a pair is read only when it is shown.
   */
  m.pairs = (list, from = 0, to = list.length) => ({
    length: Math.max(0, (to - from) >> 1),
    at: (k) => [m.str(list[from + 2 * k]), m.str(list[from + 2 * k + 1])],
  });
  // The offsets count array elements: two per attribute.
  m.spanAttributes = (i) => m.pairs(raw.attributes, m.attrOffsets[i], m.attrOffsets[i + 1]);

  let traceIndexById = null;
  m.traceIndex = (hex) => {
    if (!traceIndexById) {
      traceIndexById = new Map();
      for (let t = 0; t < traceCount; t++) traceIndexById.set(m.traceId(t), t);
    }
    const t = traceIndexById.get(hex);
    return t === undefined ? -1 : t;
  };
  m.spanIndex = (t, hex) => {
    for (let i = m.first[t], end = i + m.count[t]; i < end; i++) if (S.ids.startsWith(hex, 16 * i)) return i;
    return -1;
  };
  return m;
}

/**
 * Groups item indices 0..<n by a key in 0..<buckets (counting sort); keys
 * outside that range are left out. Returns {start, items}: bucket b's items
 * are items[start[b] ..< start[b+1]].
 */
function groupBy(buckets, n, keyOf) {
  const start = new Int32Array(buckets + 1);
  for (let i = 0; i < n; i++) {
    const k = keyOf(i);
    if (k >= 0 && k < buckets) start[k + 1]++;
  }
  for (let b = 0; b < buckets; b++) start[b + 1] += start[b];
  const fill = start.slice(0, buckets);
  const items = new Int32Array(start[buckets]);
  for (let i = 0; i < n; i++) {
    const k = keyOf(i);
    if (k >= 0 && k < buckets) items[fill[k]++] = i;
  }
  return { start, items };
}

function groupItems(group, key) {
  return group.items.subarray(group.start[key], group.start[key + 1]);
}
