// Numbers and times as the page writes them, as in the graph's SVG (GraphWording in the Swift
// side): counts in groups of three with commas whatever the browser's locale, durations in the
// unit a person reads, shares as percentages. Pure functions: tested in
// Tests/HTMLReportTests/Script/format.test.js.

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

/** The label of a button that lists `n` traces: `Show this trace in the list`, `Show these 12 traces in the list`. */
const showTracesText = (n) => (n === 1 ? 'Show this trace in the list' : 'Show these ' + formatCount(n) + ' traces in the list');

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
