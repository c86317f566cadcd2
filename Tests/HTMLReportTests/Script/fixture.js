// A report's data, as HTMLReport writes it, made from a readable description of a few traces.
'use strict';

/**
 * traces: [{id: 32 hex, startMicros, spans: [{id: 16 hex, parent: index in the trace or -1,
 *   start, duration, service, name, kind, status, attributes: [[key, value]]}]}];
 * links: [{from: [trace, span], to: [trace, span] or -1 (not in the input) or -2 (left out),
 *   attributes: [[key, value]]}]; services: names; peers: [{name, kind, system}];
 * peerCalls: [[[trace, span], peer]]; workflows: as in the data, but each group without its
 * service and name, which are taken from its first trace's root.
 */
function makeRaw({ services, traces, links = [], peers = [], peerCalls = [], workflows = [] }) {
  const strings = [''];
  const s = (text) => {
    let i = strings.indexOf(text);
    if (i < 0) strings.push(text), (i = strings.length - 1);
    return i;
  };
  const flat = (pairs) => pairs.flatMap(([k, v]) => [s(k), s(v)]);
  const T = { ids: '', first: [], count: [], startMicros: [], duration: [], rootService: [], rootName: [], errors: [], linksOut: [], linksIn: [] };
  const S = { ids: '', parentDistance: [], start: [], duration: [], service: [], name: [], kind: [], status: [], attributeCount: [], resource: [], scope: [] };
  const attributes = [];
  const global = (ref) => T.first[ref[0]] + ref[1];
  traces.forEach((trace, t) => {
    T.ids += trace.id;
    T.first.push(S.parentDistance.length);
    T.count.push(trace.spans.length);
    T.startMicros.push(trace.startMicros || 0);
    T.duration.push(Math.max(...trace.spans.map((x) => x.start + x.duration)));
    const root = trace.spans.find((x) => x.parent === undefined || x.parent < 0) || trace.spans[0];
    T.rootService.push(root.service);
    T.rootName.push(s(root.name));
    T.errors.push(trace.spans.filter((x) => x.status === 2).length);
    T.linksOut.push(links.filter((l) => l.from[0] === t).length);
    T.linksIn.push(links.filter((l) => Array.isArray(l.to) && l.to[0] === t && l.from[0] !== t).length);
    trace.spans.forEach((span, k) => {
      S.ids += span.id;
      S.parentDistance.push(span.parent === undefined || span.parent < 0 ? 0 : k - span.parent);
      S.start.push(span.start);
      S.duration.push(span.duration);
      S.service.push(span.service);
      S.name.push(s(span.name));
      S.kind.push(span.kind || 0);
      S.status.push(span.status || 0);
      S.attributeCount.push((span.attributes || []).length);
      S.resource.push(0);
      S.scope.push(0);
      attributes.push(...flat(span.attributes || []));
    });
  });
  return {
    strings,
    services: services.map((name, i) => ({ name: s(name), node: 'svc_' + i })),
    traces: T,
    spans: S,
    attributes,
    statusMessages: [],
    resources: [{ service: 0, attributes: [] }],
    scopes: [{ name: 0, version: 0 }],
    events: [],
    links: links.map((l) => {
      const target = Array.isArray(l.to) ? global(l.to) : l.to;
      const ids = Array.isArray(l.to) ? [traces[l.to[0]].id, traces[l.to[0]].spans[l.to[1]].id] : ['f'.repeat(32), 'f'.repeat(16)];
      return [global(l.from), target, ids[0], ids[1], 0, flat(l.attributes || [])];
    }),
    peers: peers.map((p, i) => ({ name: s(p.name), node: 'peer_' + i, kind: p.kind, system: s(p.system || '') })),
    peerCalls: peerCalls.map(([ref, peer]) => [global(ref), peer]),
    droppedLinks: [],
    workflows: workflows.map((w) => ({
      ...w,
      groups: w.groups.map((g) => ({ service: T.rootService[g.traces[0]], name: T.rootName[g.traces[0]], ...g })),
    })),
  };
}

const hex = (n, width) => n.toString(16).padStart(width, '0');

module.exports = { makeRaw, traceId: (n) => hex(n, 32), spanId: (n) => hex(n, 16) };
