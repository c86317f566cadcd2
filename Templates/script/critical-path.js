// The critical path of a trace and each service's self time. Pure functions of the model:
// tested in Tests/HTMLReportTests/Script/critical-path.test.js.

/**
 * The critical path of trace t: the parts of its spans that its end waited on, found as Jaeger
 * finds it. From a span's end backwards, the child that ended last before that moment is on the
 * path, and the time between the child's end and that moment is the span's own; then the same from
 * the child's start, until no child is left, and the rest of the span is its own. A child that
 * outlives its parent counts up to the parent's end; one that starts after it, not at all. The
 * walk follows parents and children only, never a link: no time flows across a link.
 *
 * Returns {segments: [[span, start, end], …] in time order (global span indices, times as
 * m.start), onPath: Uint8Array over the trace's spans (by k = span - m.first[t]), pathTime:
 * Float64Array over them, each span's time on the path}.
 */
function criticalPath(m, t) {
  const from = m.first[t];
  const n = m.count[t];
  const parentK = (k) => {
    const p = m.parent[from + k] - from;
    return p >= 0 && p < n && p !== k ? p : -1;
  };
  const children = groupBy(n, n, parentK);
  const start = (k) => m.start[from + k];
  const end = (k) => m.start[from + k] + m.duration[from + k];
  // The root that ends last: the trace's end waited on it.
  let root = -1;
  for (let k = 0; k < n; k++) if (parentK(k) < 0 && (root < 0 || end(k) > end(root))) root = k;
  const segments = [];
  const onPath = new Uint8Array(n);
  const pathTime = new Float64Array(n);
  if (root < 0) return { segments, onPath, pathTime };
  const used = new Uint8Array(n);
  const add = (k, a, b) => {
    if (b <= a) return;
    segments.push([from + k, a, b]);
    onPath[k] = 1;
    pathTime[k] += b - a;
  };
  // Each frame: a span, and the moment before which its children are looked for.
  const stack = [[root, end(root)]];
  while (stack.length > 0) {
    const [k, barrier] = stack.pop();
    const spanEnd = end(k);
    let best = -1;
    let bestEnd = -Infinity;
    for (const c of groupItems(children, k)) {
      if (used[c] || start(c) >= spanEnd || start(c) >= barrier) continue;
      const childEnd = Math.min(end(c), spanEnd);
      if (childEnd > barrier) continue;
      if (childEnd > bestEnd || (childEnd === bestEnd && start(c) > start(best))) {
        best = c;
        bestEnd = childEnd;
      }
    }
    if (best < 0) {
      add(k, start(k), barrier);
      continue;
    }
    used[best] = 1;
    add(k, bestEnd, barrier);
    stack.push([k, Math.max(start(best), start(k))]);
    stack.push([best, bestEnd]);
  }
  segments.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  // A span's parts on either side of a child of no length are one part.
  const merged = [];
  for (const segment of segments) {
    const last = merged[merged.length - 1];
    if (last && last[0] === segment[0] && last[2] === segment[1]) last[2] = segment[2];
    else merged.push(segment);
  }
  onPath[root] = 1;
  return { segments: merged, onPath, pathTime };
}

/**
 * Each service's self time in trace t: the time its spans ran with no child of theirs running
 * (children clipped to their parent), summed, largest first, as [[service, time], …] in the
 * units of m.duration.
 */
function selfTimeByService(m, t) {
  const from = m.first[t];
  const n = m.count[t];
  const children = groupBy(n, n, (k) => {
    const p = m.parent[from + k] - from;
    return p >= 0 && p < n && p !== k ? p : -1;
  });
  const bySvc = new Map();
  for (let k = 0; k < n; k++) {
    const i = from + k;
    const a = m.start[i];
    const b = a + m.duration[i];
    const covered = Array.from(groupItems(children, k), (c) => [Math.max(a, m.start[from + c]), Math.min(b, m.start[from + c] + m.duration[from + c])])
      .filter(([x, y]) => y > x)
      .sort((p, q) => p[0] - q[0]);
    let busy = 0;
    let reach = -Infinity;
    for (const [x, y] of covered) {
      if (x > reach) {
        busy += y - x;
        reach = y;
      } else if (y > reach) {
        busy += y - reach;
        reach = y;
      }
    }
    const own = Math.max(0, b - a - busy);
    bySvc.set(m.service[i], (bySvc.get(m.service[i]) || 0) + own);
  }
  return Array.from(bySvc).sort((p, q) => q[1] - p[1] || p[0] - q[0]);
}
