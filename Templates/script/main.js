// Reads the data and starts the page: the one file that runs anything when the script loads.

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
