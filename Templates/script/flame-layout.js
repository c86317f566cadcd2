// The flame graph's rows. Pure functions of the m: tested in
// Tests/HTMLReportTests/Script/flame-layout.test.js.

/**
 * Rows for the compact icicle: spans in start order (parents first on
 * ties) go on the first row at or below their parent's row + 1 whose last
 * placed span has ended. A segment tree over rows (minimum of each row's
 * latest end) finds that row in O(log rows), so a 50,000-span trace with
 * wide fan-out lays out without a quadratic scan.
 */
function layoutTrace(m, t) {
  const from = m.first[t];
  const n = m.count[t];
  const depth = spanDepths(m.parent, from, n);
  const order = Array.from({ length: n }, (_, k) => k);
  order.sort((a, b) => m.start[from + a] - m.start[from + b] || depth[a] - depth[b] || a - b);

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
    const p = m.parent[i] - from;
    const minRow = p >= 0 && p < n && row[p] >= 0 ? row[p] + 1 : 0;
    const start = m.start[i];
    const r = firstFree(minRow, start);
    row[k] = r;
    place(r, start + m.duration[i]);
    if (r + 1 > rows) rows = r + 1;
  }
  // Each row's spans in placing order, which is left to right: a draw visits only the visible rows.
  const byRow = groupBy(rows, n, (o) => row[order[o]]);
  for (let j = 0; j < byRow.items.length; j++) byRow.items[j] = order[byRow.items[j]];
  return { t, from, n, row, rows, byRow };
}

/**
 * Depth of each span of a trace (global spans from..<from+n, `parent` their global parents)
 * below its in-trace root; cycles count as roots.
 */
function spanDepths(parent, from, n) {
  const depth = new Int32Array(n).fill(-1);
  const path = [];
  for (let k = 0; k < n; k++) {
    let j = k;
    while (j >= 0 && depth[j] === -1) {
      depth[j] = -2; // on the current path
      path.push(j);
      const p = parent[from + j] - from;
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

/**
 * The time axis's ticks for the view [v0, v1] (ns) drawn `width` pixels wide: at a "nice"
 * step (1, 2 or 5 times a power of ten) that leaves about 110 pixels between ticks, at most
 * 200 of them; each as [x in pixels, time in ns].
 */
function timeTicks(view, width) {
  const span = view[1] - view[0];
  const target = span / Math.max(1, Math.floor(width / 110));
  const magnitude = Math.pow(10, Math.floor(Math.log10(target)));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= target) || 10 * magnitude;
  const out = [];
  const scale = width / span;
  for (let v = Math.ceil(view[0] / step) * step; v <= view[1] + step * 1e-9 && out.length < 200; v += step) {
    out.push([(v - view[0]) * scale, v]);
  }
  return out;
}
