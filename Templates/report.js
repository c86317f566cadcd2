/*
 * tracegraph HTML report — the page's behaviour.
 *
 * The Swift side inserts this file verbatim into the report's only script
 * element (so this file must never contain a closing script tag or an HTML
 * comment opener); the Content-Security-Policy allows exactly this text (by hash).
 * No frameworks, nothing fetched. Every string that comes from the traces is
 * untrusted: the DOM is built with createElement + textContent, never with
 * innerHTML, and no data ever lands in an href or an event-handler attribute.
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
 *       //         by --max-traces
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
 * }
 *
 * Page state lives in the URL fragment: #trace=<32 hex>&span=<16 hex>.
 * Every selection a person makes is a history entry, so Back returns.
 *
 * For tests, window.tracegraph is a frozen object of read-only inspection
 * helpers (see `installProbe`), and document receives a `tracegraph:drawn`
 * event after every flame-graph draw.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------- helpers

  const $ = (id) => document.getElementById(id);

  /** An element with an optional class and text; text always goes through textContent. */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // Numbers read as in the graph's SVG (GraphWording in the Swift side): counts in groups
  // of three with commas whatever the browser's locale, durations in the unit a person reads,
  // shares as percentages.

  /** `7`, `1,204`, `10,000`. */
  function formatCount(n) {
    const value = Math.round(Number(n));
    if (!Number.isFinite(value)) return String(n);
    const digits = String(Math.abs(value));
    let out = '';
    for (let k = 0; k < digits.length; k++) {
      if (k > 0 && (digits.length - k) % 3 === 0) out += ',';
      out += digits[k];
    }
    return value < 0 ? '-' + out : out;
  }

  const DURATION_UNITS = [[86400e9, 'd'], [3600e9, 'h'], [60e9, 'min'], [1e9, 's'], [1e6, 'ms'], [1e3, 'µs']];

  /** Nanoseconds as people read them: 850 µs, 3.4 ms, 120 ms, 1.2 s, 3 min, 26 h; one decimal below 10. */
  function formatDuration(ns) {
    const value = Math.round(Number(ns) || 0);
    if (value < 0) return '-' + formatDuration(-value);
    for (const [unit, name] of DURATION_UNITS) {
      if (value < unit) continue;
      const whole = Math.floor(value / unit);
      if (whole < 10) {
        // Tenths, rounded half up.
        const tenths = Math.floor((value * 10 + Math.floor(unit / 2)) / unit);
        if (tenths < 100) return (tenths % 10 === 0 ? String(tenths / 10) : Math.floor(tenths / 10) + '.' + (tenths % 10)) + ' ' + name;
      }
      return formatCount(whole + (value % unit >= Math.floor((unit + 1) / 2) ? 1 : 0)) + ' ' + name;
    }
    return value + ' ns';
  }

  /** A time since a start: `+3.4 ms`, or `-120 µs` before it. */
  function formatOffset(ns) {
    return (ns < 0 ? '' : '+') + formatDuration(ns);
  }

  /** `part` of `whole` as a percentage: `0.05%`, `0.8%`, `12%`, `100%`; never `0%` for a part above zero. */
  function formatPercent(part, whole) {
    if (!(whole > 0)) return '100%';
    const value = (100 * part) / whole;
    if (value >= 10) return Math.round(value) + '%';
    if (value >= 0.1) return Math.round(value * 10) / 10 + '%';
    if (value > 0) return Math.round(Math.max(value, 0.01) * 100) / 100 + '%';
    return '0%';
  }

  /** `1 link`, `10,000 links`. */
  const plural = (n, one, many) => formatCount(n) + ' ' + (n === 1 ? one : many);

  /**
   * When a linking span started, against the span it links to, by the graph's rules: `lag` is
   * the linking span's start less the linked span's end (ns). After the linked span ended
   * (lag ≥ 0), while it ran, or before it started: an effect before its cause, which only
   * clock skew between the hosts explains.
   */
  function linkTiming(lag, linkedDuration) {
    if (lag >= 0) return { relation: 'after', nanos: lag };
    if (-lag <= linkedDuration) return { relation: 'during', nanos: 0 };
    return { relation: 'before', nanos: -lag - linkedDuration };
  }

  /** The timing in words; `linked` names the linked span: 'the linked span', or 'this span' seen from it. */
  function lagText(timing, linked) {
    if (timing.relation === 'after') return 'started ' + formatDuration(timing.nanos) + ' after ' + linked + ' ended';
    if (timing.relation === 'during') return 'started while ' + linked + ' ran';
    return 'started ' + formatDuration(timing.nanos) + ' before ' + linked + ' started (clock skew)';
  }

  /**
   * Labels of evenly spaced axis ticks (ns): as formatDuration writes them, unless two would
   * read the same (1.25 s and 1.3 s both as 1.3 s); then each in whole units of the step.
   */
  function axisLabels(values) {
    const labels = values.map((v) => (v === 0 ? '0' : formatDuration(v)));
    if (labels.every((label, k) => k === 0 || label !== labels[k - 1]) || values.length < 2) return labels;
    const step = Math.abs(values[1] - values[0]);
    const [unit, name] = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']].find(([size]) => step >= size) || [1, 'ns'];
    return values.map((v) => (v === 0 ? '0' : formatCount(v / unit) + ' ' + name));
  }

  /** `872 more links were dropped by the SDK …`: the links a span's SDK dropped past its limit, beside the `kept` ones. */
  function droppedLinksText(n, kept) {
    const more = kept > 0 ? ' more' : '';
    return n === 1
      ? '1' + more + ' link was dropped by the SDK (droppedLinksCount): the linked span is not known'
      : formatCount(n) + more + ' links were dropped by the SDK (droppedLinksCount): the linked spans are not known';
  }

  const pad2 = (n) => String(n).padStart(2, '0');

  /** UTC wall-clock text for µs since the epoch; the date is added when asked for. */
  function formatClock(micros, withDate) {
    const d = new Date(Math.floor(micros / 1000));
    const ms = String(Math.floor(micros / 1000) % 1000).padStart(3, '0');
    const time = pad2(d.getUTCHours()) + ':' + pad2(d.getUTCMinutes()) + ':' + pad2(d.getUTCSeconds()) + '.' + ms;
    if (!withDate) return time;
    return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate()) + ' ' + time;
  }

  const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
  const STATUS_NAMES = ['unset', 'ok', 'error'];
  const HEX32 = /^[0-9a-f]{32}$/;
  const HEX16 = /^[0-9a-f]{16}$/;

  // ------------------------------------------------------------------ model

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
    // The offsets count array elements: two per attribute.
    m.spanAttributes = (i) => pairs(raw.attributes, m.attrOffsets[i], m.attrOffsets[i + 1]);

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

  /** [k, v, k, v] string indices from..<to → [[key, value], …] texts. */
  function pairs(list, from, to) {
    const out = [];
    for (let j = from; j + 1 < to; j += 2) out.push([model.str(list[j]), model.str(list[j + 1])]);
    return out;
  }

  // ---------------------------------------------------------------- colours

  // Hues chosen to be told apart next to each other; red is kept for errors and
  // purple for links.
  const HUES = [212, 32, 140, 188, 48, 322, 96, 240, 164, 18, 72, 340];

  function serviceColor(svc) {
    const hue = HUES[svc % HUES.length];
    const round = Math.floor(svc / HUES.length) % 3; // later services: a lighter or darker shade
    if (theme.dark) return 'hsl(' + hue + ', 38%, ' + (40 + (round === 1 ? 7 : round === 2 ? -6 : 0)) + '%)';
    return 'hsl(' + hue + ', 62%, ' + (72 + (round === 1 ? -9 : round === 2 ? 7 : 0)) + '%)';
  }

  const theme = { dark: false, vars: {} };

  function readTheme() {
    theme.dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    const css = getComputedStyle(document.documentElement);
    for (const name of ['bg', 'panel', 'text', 'muted', 'border', 'accent', 'error', 'link', 'flame-bg', 'flame-grid', 'bar-text', 'selected', 'selection-band']) {
      theme.vars[name] = css.getPropertyValue('--' + name).trim();
    }
  }

  function swatch(svc) {
    const s = el('span', 'swatch');
    s.style.backgroundColor = serviceColor(svc);
    return s;
  }

  // ----------------------------------------------------------------- state

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

  // ------------------------------------------------------------------ graph

  const graph = {
    svg: null,
    nodeOfService: new Map(), // node index (services, then peers) → <g>
    serviceOfNode: new Map(), // <g> → node index
    filter: -1, // node index filtering the trace list, or -1
    direction: '', // for a topic: 'produce' or 'consume' narrows the list to traces that go that way; '' both
    home: null, // the SVG's own viewBox: "fit"
    box: null, // the current viewBox {x, y, w, h}
    dragged: false,

    init() {
      const box = $('graph');
      this.svg = box.querySelector('svg');
      if (!this.svg) {
        $('graph-hint').textContent = 'No service graph in this report.';
        return;
      }
      const vb = this.svg.viewBox && this.svg.viewBox.baseVal;
      const width = parseFloat(this.svg.getAttribute('width')) || 800;
      const height = parseFloat(this.svg.getAttribute('height')) || 500;
      this.home = vb && vb.width > 0 ? { x: vb.x, y: vb.y, w: vb.width, h: vb.height } : { x: 0, y: 0, w: width, h: height };
      this.svg.removeAttribute('width');
      this.svg.removeAttribute('height');
      box.style.aspectRatio = this.home.w + ' / ' + this.home.h;
      this.svg.setAttribute('role', 'group');
      this.svg.setAttribute('aria-label', 'Service graph');
      this.setBox(this.home);
      // Graphviz titles are its internal ids (svc_…); the edges' own link titles say more.
      for (const title of this.svg.querySelectorAll('g.graph > title, g.node > title, g.edge > title, g.cluster > title')) title.remove();
      for (let index = 0; index < model.nodeCount; index++) {
        const id = model.nodeElementId(index);
        if (typeof id !== 'string' || !id) continue;
        const g = document.getElementById(id);
        if (!g || !this.svg.contains(g)) continue;
        const name = model.nodeName(index);
        g.classList.add('tg-service');
        g.setAttribute('tabindex', '0');
        g.setAttribute('role', 'button');
        const topic = model.isTopicNode(index);
        const what = topic ? 'produce to or consume from ' : model.isPeerNode(index) ? 'call ' : 'touch ';
        g.setAttribute('aria-label', 'Show the traces that ' + what + model.nodeLabel(index));
        const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
        title.textContent = model.nodeLabel(index) + ': click to show the traces that ' + what + 'it';
        g.prepend(title);
        this.nodeOfService.set(index, g);
        this.serviceOfNode.set(g, index);
      }
      this.svg.addEventListener('click', (e) => {
        if (!this.dragged) this.onActivate(e);
      });
      this.svg.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.onActivate(e);
        }
      });
      this.buildZoomControls();
      this.enablePanAndZoom(box);
    },

    onActivate(e) {
      const g = e.target instanceof Element ? e.target.closest('g.tg-service') : null;
      if (!g) return;
      const svc = this.serviceOfNode.get(g);
      this.setFilter(svc === this.filter ? -1 : svc);
    },

    setFilter(svc) {
      this.filter = svc;
      this.direction = '';
      for (const [index, g] of this.nodeOfService) g.classList.toggle('tg-filtered', index === svc);
      if (this.svg) this.svg.classList.toggle('tg-has-filter', svc >= 0);
      const chip = $('service-filter');
      chip.hidden = svc < 0;
      if (svc >= 0) {
        const label = $('service-filter-label');
        clear(label);
        if (!model.isPeerNode(svc)) label.append(swatch(svc));
        label.append(el('span', null, model.isTopicNode(svc) ? model.nodeLabel(svc) : model.nodeName(svc)));
      }
      this.showTopicTraffic(svc);
      traceList.refilter();
    },

    /** Narrows a topic's traces to those that produce to it ('produce'), consume from it ('consume'), or either (''). */
    setDirection(direction) {
      if (!model.isTopicNode(this.filter)) return;
      this.direction = direction;
      for (const b of $('topic-bar').querySelectorAll('[data-direction]')) b.setAttribute('aria-pressed', String(b.dataset.direction === direction));
      traceList.refilter();
    },

    /** For a topic or queue: how many traces produce to it and how many consume from it, with buttons to list either. */
    showTopicTraffic(node) {
      const bar = $('topic-bar');
      bar.hidden = !model.isTopicNode(node);
      if (bar.hidden) return;
      const traffic = topicTraffic(node);
      $('topic-summary').textContent = model.nodeLabel(node) + ': '
        + plural(traffic.produce, 'trace produces', 'traces produce') + ' to it, '
        + formatCount(traffic.consume) + (traffic.consume === 1 ? ' consumes' : ' consume') + ' from it';
      for (const b of bar.querySelectorAll('[data-direction]')) {
        b.setAttribute('aria-pressed', String(b.dataset.direction === this.direction));
        const n = b.dataset.direction === 'produce' ? traffic.produce : b.dataset.direction === 'consume' ? traffic.consume : traffic.all;
        b.disabled = n === 0;
        b.title = plural(n, 'trace', 'traces');
      }
    },

    /** Outlines the services the selected trace touches. */
    markTrace(t) {
      if (!this.svg) return;
      const touched = new Set();
      for (let i = model.first[t], end = i + model.count[t]; i < end; i++) {
        touched.add(model.service[i]);
        if (model.peerOfSpan[i] >= 0) touched.add(model.services.length + model.peerOfSpan[i]);
      }
      for (const [index, g] of this.nodeOfService) g.classList.toggle('tg-in-trace', touched.has(index));
    },

    buildZoomControls() {
      const group = el('div', 'zoom-group');
      const button = (text, label, action) => {
        const b = el('button', 'btn btn-small', text);
        b.type = 'button';
        b.setAttribute('aria-label', label);
        b.addEventListener('click', action);
        group.append(b);
      };
      group.title = 'Drag the graph to pan; Ctrl + scroll (or pinch) zooms';
      button('−', 'Zoom out', () => this.zoomAround(null, 1 / 1.3));
      button('Fit', 'Fit the graph', () => this.setBox(this.home));
      button('+', 'Zoom in', () => this.zoomAround(null, 1.3));
      $('graph-heading').parentElement.append(group);
    },

    setBox(b) {
      this.box = { x: b.x, y: b.y, w: b.w, h: b.h };
      this.svg.setAttribute('viewBox', [b.x, b.y, b.w, b.h].map((v) => Math.round(v * 100) / 100).join(' '));
      $('graph').classList.toggle('zoomed', b.w < this.home.w * 0.999);
    },

    /** Zooms by `factor` keeping the SVG point under (clientX, clientY) in place; null: the middle. */
    zoomAround(client, factor) {
      const b = this.box;
      const w = Math.min(this.home.w * 2, Math.max(this.home.w / 12, b.w / factor));
      const f = b.w / w;
      let px = b.x + b.w / 2;
      let py = b.y + b.h / 2;
      if (client) {
        const m = this.svg.getScreenCTM();
        if (m) {
          const p = new DOMPoint(client[0], client[1]).matrixTransform(m.inverse());
          px = p.x;
          py = p.y;
        }
      }
      this.setBox({ x: px - (px - b.x) / f, y: py - (py - b.y) / f, w: b.w / f, h: b.h / f });
    },

    /** Drag pans; Ctrl/⌘ + wheel (and pinch) zooms. A drag is not a click on a node. */
    enablePanAndZoom(box) {
      let start = null;
      box.addEventListener('pointerdown', (e) => {
        if (e.button !== 0) return;
        const m = this.svg.getScreenCTM();
        start = { x: e.clientX, y: e.clientY, box: Object.assign({}, this.box), scale: m ? m.a : 1, id: e.pointerId };
        this.dragged = false;
      });
      box.addEventListener('pointermove', (e) => {
        if (!start || e.pointerId !== start.id) return;
        const dx = e.clientX - start.x;
        const dy = e.clientY - start.y;
        if (!this.dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
        if (!this.dragged) {
          this.dragged = true;
          box.setPointerCapture(e.pointerId);
          box.classList.add('panning');
        }
        this.setBox({ x: start.box.x - dx / start.scale, y: start.box.y - dy / start.scale, w: start.box.w, h: start.box.h });
      });
      const end = () => {
        start = null;
        box.classList.remove('panning');
        // The click that ends a drag comes after pointerup; forget the drag after it.
        setTimeout(() => {
          this.dragged = false;
        }, 0);
      };
      box.addEventListener('pointerup', end);
      box.addEventListener('pointercancel', end);
      box.addEventListener('wheel', (e) => {
        if (!e.ctrlKey && !e.metaKey) return;
        e.preventDefault();
        this.zoomAround([e.clientX, e.clientY], Math.exp(-e.deltaY * 0.0025));
      }, { passive: false });
    },
  };

  /**
   * The traces with a span that sends to topic node `node` (`produce`), with one that receives
   * from it (`consume`), and with either (`all`): a trace can do both.
   */
  function topicTraffic(node) {
    const peer = node - model.services.length;
    const produce = new Set();
    const consume = new Set();
    const all = new Set();
    for (const [span, p] of model.peerCalls) {
      if (p !== peer || model.peerOfSpan[span] !== peer) continue;
      const t = model.spanTrace[span];
      all.add(t);
      const direction = model.peerDirection(span);
      if (direction === 'produce') produce.add(t);
      else if (direction === 'consume') consume.add(t);
    }
    return { produce: produce.size, consume: consume.size, all: all.size };
  }

  // ------------------------------------------------------------- trace list

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
      for (const button of $('trace-head').querySelectorAll('[data-sort]')) {
        button.addEventListener('click', () => this.sortBy(button.dataset.sort));
      }
      let timer = 0;
      $('trace-filter').addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          this.query = $('trace-filter').value.trim().toLowerCase();
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
      const keep = filterTraces(this.query, graph.filter, graph.direction);
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

    /** Rank of each trace by root service name, then operation name. */
    rootRanks() {
      if (this.rootRank) return this.rootRank;
      const n = model.traceCount;
      const label = new Array(n);
      for (let t = 0; t < n; t++) label[t] = model.serviceName(model.rootService[t]) + '\u0000' + model.str(model.rootName[t]);
      const order = Array.from({ length: n }, (_, t) => t).sort((a, b) => (label[a] < label[b] ? -1 : label[a] > label[b] ? 1 : 0));
      const rank = new Float64Array(n);
      let r = 0;
      for (let k = 0; k < n; k++) {
        if (k > 0 && label[order[k]] !== label[order[k - 1]]) r = k;
        rank[order[k]] = r;
      }
      this.rootRank = rank;
      return rank;
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

  function fillTraceRow(row, t, withDate) {
    row.dataset.index = String(t);
    row.dataset.trace = model.traceId(t);
    const cells = row.children;
    const svc = model.rootService[t];
    const root = cells[0];
    root.children[0].style.backgroundColor = serviceColor(svc);
    root.children[1].textContent = model.serviceName(svc);
    root.children[2].textContent = model.str(model.rootName[t]);
    root.title = model.serviceName(svc) + ' · ' + model.str(model.rootName[t]) + '\ntrace ' + model.traceId(t);
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

  /**
   * Which traces pass the filters: null when nothing filters, else a
   * Uint8Array over traces. The text matches (case-insensitively) the trace
   * id, a span id, a service name, an operation or an attribute value.
   */
  function filterTraces(query, nodeFilter, direction) {
    if (!query && nodeFilter < 0) return null;
    const n = model.traceCount;
    const keep = new Uint8Array(n);
    let strMatch = null;
    let svcMatch = null;
    const hexQuery = /^[0-9a-f]+$/.test(query);
    if (query) {
      strMatch = new Uint8Array(model.strings.length);
      for (let i = 0; i < model.strings.length; i++) if (model.strings[i].toLowerCase().includes(query)) strMatch[i] = 1;
      svcMatch = model.services.map((s) => strMatch[s.name] === 1);
    }
    const attrs = model.attributes;
    for (let t = 0; t < n; t++) {
      const from = model.first[t];
      const to = from + model.count[t];
      if (nodeFilter >= 0) {
        let touches = false;
        for (let i = from; i < to && !touches; i++) touches = model.spanTouches(i, nodeFilter, direction);
        if (!touches) continue;
      }
      if (!query) {
        keep[t] = 1;
        continue;
      }
      let hit = hexQuery && model.traceId(t).includes(query);
      for (let i = from; i < to && !hit; i++) {
        if (svcMatch[model.service[i]] || strMatch[model.name[i]]) hit = true;
        else if (hexQuery && model.spanId(i).includes(query)) hit = true;
        else {
          for (let j = model.attrOffsets[i] + 1, end = model.attrOffsets[i + 1]; j < end; j += 2) {
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

  // ---------------------------------------------------------- trace header

  function renderTraceHeader(t) {
    $('flame-placeholder').hidden = true;
    $('trace-view').hidden = false;
    const title = $('trace-title');
    clear(title);
    title.append(swatch(model.rootService[t]), el('span', 'trace-title-service', model.serviceName(model.rootService[t])), el('span', 'trace-title-name', model.str(model.rootName[t])));

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

    renderTraceLinks(t);
  }

  /** The traces this trace links to and those linking to it, as buttons. */
  function renderTraceLinks(t) {
    const box = $('trace-links');
    clear(box);
    const outTo = new Map(); // trace → {from, to, n}
    const inFrom = new Map();
    let missing = 0;
    let omitted = 0;
    for (let i = model.first[t], end = i + model.count[t]; i < end; i++) {
      for (const l of groupItems(model.linksBySource, i)) {
        const target = model.links[l][1];
        if (target === -1) missing++;
        else if (target === -2) omitted++;
        else if (target >= 0 && target < model.spanCount) {
          const other = model.spanTrace[target];
          if (other === t) continue;
          const entry = outTo.get(other) || { span: target, n: 0 };
          entry.n++;
          outTo.set(other, entry);
        }
      }
      for (const l of groupItems(model.linksByTarget, i)) {
        const source = model.links[l][0];
        if (source < 0 || source >= model.spanCount) continue;
        const other = model.spanTrace[source];
        if (other === t) continue;
        const entry = inFrom.get(other) || { span: source, n: 0 };
        entry.n++;
        inFrom.set(other, entry);
      }
    }
    box.hidden = outTo.size === 0 && inFrom.size === 0 && missing === 0 && omitted === 0;
    if (outTo.size || missing || omitted) {
      const line = el('div', 'trace-links-line');
      line.id = 'trace-links-out';
      line.append(el('span', 'trace-links-label', 'Links to'));
      for (const [other, entry] of outTo) line.append(traceButton(other, entry.span, entry.n));
      if (missing) line.append(el('span', 'unresolved', plural(missing, 'span', 'spans') + ' not in the input'));
      if (omitted) line.append(el('span', 'unresolved', plural(omitted, 'span', 'spans') + ' left out by --max-traces'));
      box.append(line);
    }
    if (inFrom.size) {
      const line = el('div', 'trace-links-line');
      line.id = 'trace-links-in';
      line.append(el('span', 'trace-links-label', 'Linked from'));
      for (const [other, entry] of inFrom) line.append(traceButton(other, entry.span, entry.n));
      box.append(line);
    }
  }

  /** A button that opens span `span` of trace `t` (a history entry). */
  function traceButton(t, span, n) {
    const b = navButton(t, span);
    b.classList.add('trace-chip');
    b.append(swatch(model.rootService[t]), el('span', null, model.serviceName(model.rootService[t]) + ' · ' + model.str(model.rootName[t])),
      el('span', 'chip-id', model.traceId(t).slice(0, 8)));
    if (n > 1) b.append(el('span', 'chip-count', '×' + formatCount(n)));
    b.title = 'trace ' + model.traceId(t);
    return b;
  }

  function navButton(t, span) {
    const b = el('button', 'nav-span');
    b.type = 'button';
    b.dataset.trace = model.traceId(t);
    if (span >= 0) b.dataset.span = model.spanId(span);
    b.addEventListener('click', () => navigate(t, span, 'push'));
    return b;
  }

  // ------------------------------------------------------------ flame graph

  const AXIS_HEIGHT = 22;
  const BAR_HEIGHT = 20;
  const MIN_BAR = 0.5; // narrower spans are merged into one-pixel ticks

  /**
   * Rows for the compact icicle: spans in start order (parents first on
   * ties) go on the first row at or below their parent's row + 1 whose last
   * placed span has ended. A segment tree over rows (minimum of each row's
   * latest end) finds that row in O(log rows), so a 50,000-span trace with
   * wide fan-out lays out without a quadratic scan.
   */
  function layoutTrace(t) {
    const from = model.first[t];
    const n = model.count[t];
    const depth = spanDepths(from, n);
    const order = Array.from({ length: n }, (_, k) => k);
    order.sort((a, b) => model.start[from + a] - model.start[from + b] || depth[a] - depth[b] || a - b);

    let size = 1;
    while (size < n + 1) size *= 2;
    const tree = new Float64Array(2 * size).fill(-Infinity); // leaves: latest end in that row
    const row = new Int32Array(n).fill(-1);
    let rows = 0;

    const firstFree = (lo, time) => {
      // Leftmost leaf index >= lo whose value <= time.
      const search = (node, nodeLo, nodeHi) => {
        if (nodeHi < lo || tree[node] > time) return -1;
        if (nodeLo === nodeHi) return nodeLo;
        const mid = (nodeLo + nodeHi) >> 1;
        const left = search(2 * node, nodeLo, mid);
        return left >= 0 ? left : search(2 * node + 1, mid + 1, nodeHi);
      };
      return search(1, 0, size - 1);
    };
    const place = (r, end) => {
      let node = size + r;
      tree[node] = Math.max(tree[node], end);
      for (node >>= 1; node >= 1; node >>= 1) tree[node] = Math.min(tree[2 * node], tree[2 * node + 1]);
    };

    for (const k of order) {
      const i = from + k;
      const p = model.parent[i] - from;
      const minRow = p >= 0 && p < n && row[p] >= 0 ? row[p] + 1 : 0;
      const start = model.start[i];
      const r = firstFree(minRow, start);
      row[k] = r;
      place(r, start + model.duration[i]);
      if (r + 1 > rows) rows = r + 1;
    }
    // Each row's spans in placing order, which is left to right: a draw visits only the visible rows.
    const byRow = groupBy(rows, n, (o) => row[order[o]]);
    for (let j = 0; j < byRow.items.length; j++) byRow.items[j] = order[byRow.items[j]];
    return { t, from, n, row, rows, byRow };
  }

  /** Depth of each span of a trace below its in-trace root; cycles count as roots. */
  function spanDepths(from, n) {
    const depth = new Int32Array(n).fill(-1);
    const path = [];
    for (let k = 0; k < n; k++) {
      let j = k;
      while (j >= 0 && depth[j] === -1) {
        depth[j] = -2; // on the current path
        path.push(j);
        const p = model.parent[from + j] - from;
        j = p >= 0 && p < n ? p : -1;
      }
      let base = j >= 0 && depth[j] >= 0 ? depth[j] + 1 : 0;
      // The path was walked child → root; popping it assigns depths root-first.
      while (path.length) {
        depth[path.pop()] = base;
        base++;
      }
    }
    return depth;
  }

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
      this.layout = layoutTrace(t);
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
      for (const [svc, n] of spansOf) {
        const item = el('span', 'legend-item');
        item.append(swatch(svc), el('span', null, model.serviceName(svc)));
        item.title = plural(n, 'span', 'spans');
        legend.append(item);
      }
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
      if (pass.selectedK >= 0) this.drawSelection(ctx, pass.selectedK, width, scrollTop, firstRow, lastRow);
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
        const label = fitText(ctx, model.str(model.name[i]), w - inset - (hasOut ? 12 : 5));
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
      const span = this.view[1] - this.view[0];
      const target = span / Math.max(1, Math.floor(width / 110));
      const magnitude = Math.pow(10, Math.floor(Math.log10(target)));
      const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= target) || 10 * magnitude;
      const out = [];
      const scale = this.xScale(width);
      for (let v = Math.ceil(this.view[0] / step) * step; v <= this.view[1] + step * 1e-9 && out.length < 200; v += step) {
        out.push([(v - this.view[0]) * scale, v]);
      }
      return out;
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
      const head = el('div', 'tip-name', model.str(model.name[i]));
      const svc = el('div', 'tip-service');
      svc.append(swatch(model.service[i]), el('span', null, model.serviceName(model.service[i])));
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

  // ---------------------------------------------------------- span details

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
      this.section(box, 'Events', 'events', Array.from(groupItems(model.eventsBySpan, i)), (list) => this.events(i, list));
      const linksOut = Array.from(groupItems(model.linksBySource, i));
      const dropped = model.droppedLinks.get(i) || 0;
      this.section(box, 'Links to', 'links-out', linksOut, (list) => this.linksOut(i, list),
        dropped > 0 ? el('p', 'dropped-links', droppedLinksText(dropped, linksOut.length)) : null);
      this.section(box, 'Linked from', 'links-in', Array.from(groupItems(model.linksByTarget, i)), (list) => this.linksIn(i, list));
      const resource = model.resources[model.resourceOf[i]];
      const resourceAttrs = resource ? pairs(resource.attributes, 0, resource.attributes.length) : [];
      this.section(box, 'Resource', 'resource', resourceAttrs, (list) => kvTable(list));
    },

    header(i) {
      const head = el('div', 'details-head');
      const title = el('h3', 'span-name', model.str(model.name[i]));
      const line = el('div', 'span-badges');
      const svc = el('span', 'badge badge-service');
      svc.append(swatch(model.service[i]), el('span', null, model.serviceName(model.service[i])));
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
        else dd.textContent = value;
        row.append(el('dt', null, label), dd);
        dl.append(row);
      };
      add('Span id', model.spanId(i), 'mono');
      const p = model.parent[i];
      if (p >= 0 && p < model.spanCount) {
        const b = navButton(model.spanTrace[p], p);
        b.classList.add('inline-link');
        b.textContent = model.str(model.name[p]) + ' (' + model.spanId(p) + ')';
        add('Parent', b);
      } else add('Parent', 'none in the report');
      add('Start', model.start[i] === 0 ? 'at the trace start' : formatOffset(model.start[i]) + ' from the trace start');
      add('Duration', formatDuration(model.duration[i]) + ' (' + formatPercent(model.duration[i], model.traceDuration[t]) + ' of the trace)');
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
      const wrap = el('div', 'events');
      for (const e of list) {
        const [, time, name, attrs] = model.events[e];
        const item = el('div', 'event');
        const head = el('div', 'event-head');
        head.append(el('span', 'event-time', formatOffset(time - model.start[i])), el('span', 'event-name', model.str(name)));
        item.append(head);
        const kv = pairs(attrs || [], 0, (attrs || []).length);
        if (kv.length) item.append(kvTable(kv));
        wrap.append(item);
      }
      return wrap;
    },

    linksOut(i, list) {
      const wrap = el('div', 'links');
      for (const l of list) {
        const [, target, traceHex, spanHex, traceState, attrs] = model.links[l];
        const item = el('div', 'link-item');
        item.append(this.linkTargetLine(target, traceHex, spanHex));
        if (target >= 0 && target < model.spanCount) item.append(this.lagLine(model.linkLag(i, target), model.duration[target], 'the linked span'));
        const facts = [['trace id', String(traceHex)], ['span id', String(spanHex)]];
        if (model.str(traceState)) facts.push(['trace state', model.str(traceState)]);
        item.append(kvTable(facts, 'link-ids'));
        const kv = pairs(attrs || [], 0, (attrs || []).length);
        if (kv.length) item.append(kvTable(kv));
        wrap.append(item);
      }
      return wrap;
    },

    linkTargetLine(target, traceHex, spanHex) {
      const line = el('div', 'link-target');
      if (target >= 0 && target < model.spanCount) {
        line.append(spanButton(target));
      } else if (target === -2) {
        line.append(el('span', 'unresolved omitted', 'Its trace was left out by --max-traces'));
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
      const wrap = el('div', 'links');
      for (const l of list) {
        const [source, , , , traceState, attrs] = model.links[l];
        if (source < 0 || source >= model.spanCount) continue;
        const item = el('div', 'link-item');
        const line = el('div', 'link-target');
        line.append(spanButton(source));
        if (model.spanTrace[source] === model.spanTrace[i]) line.append(el('span', 'same-trace', 'this trace'));
        item.append(line, this.lagLine(model.linkLag(source, i), model.duration[i], 'this span'));
        const facts = [];
        if (model.str(traceState)) facts.push(['trace state', model.str(traceState)]);
        const kv = facts.concat(pairs(attrs || [], 0, (attrs || []).length));
        if (kv.length) item.append(kvTable(kv));
        wrap.append(item);
      }
      return wrap;
    },
  };

  /** A button naming a span (service · name, and its trace) that opens it. */
  function spanButton(span) {
    const t = model.spanTrace[span];
    const b = navButton(t, span);
    b.classList.add('span-link');
    const top = el('span', 'span-link-top');
    top.append(swatch(model.service[span]), el('span', 'span-link-service', model.serviceName(model.service[span])), el('span', 'span-link-name', model.str(model.name[span])));
    const sub = el('span', 'span-link-sub', 'trace ' + model.traceId(t).slice(0, 12) + '… · ' + model.serviceName(model.rootService[t]) + ' · ' + model.str(model.rootName[t]));
    b.append(top, sub);
    return b;
  }

  /** Text with line-break opportunities after dots, slashes and underscores (for attribute keys). */
  function breakable(tag, text) {
    const node = el(tag);
    const parts = String(text).split(/(?<=[./_-])/);
    parts.forEach((part, index) => {
      node.append(document.createTextNode(part));
      if (index < parts.length - 1) node.append(el('wbr'));
    });
    return node;
  }

  function kvTable(list, cls) {
    const table = el('table', 'kv' + (cls ? ' ' + cls : ''));
    const body = el('tbody');
    for (const [k, v] of list) {
      const tr = el('tr');
      tr.append(breakable('th', k), el('td', null, v));
      body.append(tr);
    }
    table.append(body);
    return table;
  }

  // ------------------------------------------------------------ test probe

  /** Read-only inspection helpers for the browser tests; nothing here changes the page. */
  function installProbe(timings) {
    const spanInfo = (i) => ({
      id: model.spanId(i),
      trace: model.traceId(model.spanTrace[i]),
      name: model.str(model.name[i]),
      service: model.serviceName(model.service[i]),
      error: model.status[i] === 2,
      linksOut: model.linksBySource.start[i + 1] - model.linksBySource.start[i],
      linksIn: model.linksByTarget.start[i + 1] - model.linksByTarget.start[i],
    });
    const rectOf = (k, x0, x1, r) => {
      const canvasRect = $('flame').getBoundingClientRect();
      const y = AXIS_HEIGHT + r * BAR_HEIGHT - $('flame-scroll').scrollTop;
      const i = flame.layout.from + k;
      return Object.assign(spanInfo(i), { x: x0, y, w: x1 - x0, h: BAR_HEIGHT, clientX: canvasRect.left + x0, clientY: canvasRect.top + y });
    };
    const traceWithMost = (column) => {
      let best = -1;
      for (let t = 0; t < model.traceCount; t++) if (best < 0 || column[t] > column[best]) best = t;
      return best >= 0 ? model.traceId(best) : null;
    };
    const probe = {
      timings,
      ready: () => true,
      // The page's own wording, to compare with the graph's (GraphWording).
      formatCount: (n) => formatCount(n),
      formatDuration: (ns) => formatDuration(ns),
      formatPercent: (part, whole) => formatPercent(part, whole),
      lagText: (lag, linkedDuration, linked) => lagText(linkTiming(lag, linkedDuration), linked),
      traceCount: () => model.traceCount,
      listOrder: () => Array.from(traceList.view, (t) => model.traceId(t)),
      renderedRows: () => Array.from(document.querySelectorAll('#trace-rows .trace-row:not([hidden])'), (r) => r.dataset.trace),
      sort: () => ({ key: traceList.sortKey, dir: traceList.sortDir > 0 ? 'ascending' : 'descending' }),
      listTimings: () => ({ sortMs: traceList.lastSortMs, filterMs: traceList.lastFilterMs }),
      selection: () => ({ trace: state.trace >= 0 ? model.traceId(state.trace) : null, span: state.span >= 0 ? model.spanId(state.span) : null }),
      trace: (hex) => {
        const t = model.traceIndex(String(hex));
        if (t < 0) return null;
        return {
          id: model.traceId(t), rootService: model.serviceName(model.rootService[t]), rootName: model.str(model.rootName[t]),
          startMicros: model.traceStart[t], duration: model.traceDuration[t], spans: model.count[t], errors: model.traceErrors[t],
          linksOut: model.traceLinksOut[t], linksIn: model.traceLinksIn[t],
        };
      },
      spans: (hex) => {
        const t = model.traceIndex(String(hex));
        const out = [];
        if (t >= 0) for (let i = model.first[t], end = i + model.count[t]; i < end; i++) out.push(spanInfo(i));
        return out;
      },
      links: () => model.links.map(([from, target, traceHex, spanHex]) => ({
        from: spanInfo(from),
        target: target >= 0 ? spanInfo(target) : null,
        resolution: target >= 0 ? 'report' : target === -2 ? 'omitted' : 'missing',
        traceId: traceHex,
        spanId: spanHex,
      })),
      slowestTrace: () => traceWithMost(model.traceDuration),
      largestTrace: () => traceWithMost(model.count),
      serviceNodes: () => Array.from(graph.nodeOfService)
        .filter(([node]) => !model.isPeerNode(node))
        .map(([svc, g]) => ({ service: model.serviceName(svc), node: g.id })),
      peerNodes: () => Array.from(graph.nodeOfService)
        .filter(([node]) => model.isPeerNode(node))
        .map(([node, g]) => ({ peer: model.nodeName(node), node: g.id })),
      flame: () => (flame.layout ? {
        trace: model.traceId(flame.layout.t), rows: flame.layout.rows, spans: flame.layout.n, draws: flame.drawCount,
        firstDrawnAt: flame.firstDrawnAt, lastDrawMs: flame.lastDrawMs, lastLayoutMs: flame.lastLayoutMs,
        view: flame.view.slice(), zoomed: !!flame.isZoomed(),
        selected: state.span >= 0 && model.spanTrace[state.span] === flame.layout.t ? model.spanId(state.span) : null,
      } : null),
      drawnSpans: () => {
        const out = [];
        flame.bars.forEach((list, r) => {
          if (!list) return;
          for (let j = 0; j < list.length; j += 3) if (list[j + 2] - list[j + 1] >= 1) out.push(rectOf(list[j], list[j + 1], list[j + 2], r));
        });
        return out;
      },
      spanRect: (hex) => {
        let found = null;
        flame.bars.forEach((list, r) => {
          if (!list || found) return;
          for (let j = 0; j < list.length; j += 3) if (model.spanId(flame.layout.from + list[j]) === hex) found = rectOf(list[j], list[j + 1], list[j + 2], r);
        });
        return found;
      },
    };
    Object.defineProperty(window, 'tracegraph', { value: Object.freeze(probe), writable: false, configurable: false });
  }

  // ------------------------------------------------------------------ start

  function main() {
    const timings = { start: performance.now() };
    const raw = JSON.parse($('report-data').textContent);
    timings.parsed = performance.now();
    model = buildModel(raw);
    timings.indexed = performance.now();
    readTheme();
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      readTheme();
      traceList.render(true);
      if (state.trace >= 0) {
        flame.renderLegend(state.trace);
        details.show(state.span);
        renderTraceHeader(state.trace);
      }
      flame.draw();
    });
    graph.init();
    traceList.init();
    flame.init();
    timings.listed = performance.now();
    installProbe(timings);
    window.addEventListener('popstate', applyFragment);
    window.addEventListener('hashchange', () => {
      const target = parseFragment();
      if (target.trace !== state.trace || target.span !== state.span) applyFragment();
    });
    applyFragment();
    timings.selected = performance.now();
    document.documentElement.classList.add('tg-ready');
  }

  main();
})();
