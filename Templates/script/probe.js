/*
 * For tests, window.tracegraph is a frozen object of read-only inspection
 * helpers, and document receives a `tracegraph:drawn` event after every
 * flame-graph draw.
 */

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
      resolution: target >= 0 ? 'report' : target === -2 ? 'omitted' : target === -3 ? 'unselected' : 'missing',
      traceId: traceHex,
      spanId: spanHex,
    })),
    slowestTrace: () => traceWithMost(model.traceDuration),
    criticalPath: () => (flame.critical ? flame.critical.segments.map(([span, a, b]) => [model.spanId(span), a, b]) : []),
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
