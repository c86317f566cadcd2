#!/usr/bin/env python3
"""Parses and draws Mermaid charts with the real mermaid.js, in headless Chromium.

    check_mermaid.py CHART.mmd...

Loads the mermaid.js that PyPI's mermaidx ships (Scripts/install-dependencies installs it)
into a blank page from file://, nothing fetched, with the settings GitHub draws with
(securityLevel strict, at most 500 edges and 50,000 characters), and for each chart runs
mermaid.parse and mermaid.render. Prints one JSON object: for each file, whether it parsed,
Mermaid's error if not, and of the drawing: the nodes, the edges, every label's text, and
the names of any elements other than SVG's own (markup a label smuggled in).

Uses Debian's chromium and chromedriver (override with CHROMIUM and CHROMEDRIVER); selenium
is never allowed to download a driver.
"""
import importlib.util
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("SE_OFFLINE", "true")

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")

DRAW = """
const [text, id, done] = arguments;
(async () => {
  const result = {parsed: false, error: null, nodes: 0, edges: 0, labels: [], foreign: []};
  try {
    await mermaid.parse(text);
    result.parsed = true;
    const {svg} = await mermaid.render(id, text);
    const box = document.createElement('div');
    box.innerHTML = svg;
    document.body.append(box);
    result.nodes = box.querySelectorAll('g.node').length;
    result.edges = box.querySelectorAll('path.flowchart-link').length;
    result.labels = Array.from(box.querySelectorAll('.nodeLabel, .edgeLabel')).map((e) => e.textContent).filter((t) => t);
    const allowed = new Set(['svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'polygon', 'line', 'polyline', 'text', 'tspan',
      'marker', 'defs', 'style', 'foreignobject', 'div', 'span', 'p', 'br', 'title', 'desc', 'clippath', 'lineargradient', 'stop', 'filter']);
    result.foreign = Array.from(new Set(Array.from(box.querySelectorAll('*')).map((e) => e.tagName.toLowerCase()).filter((t) => !allowed.has(t) && !t.startsWith('fe'))));
    box.remove();
  } catch (error) {
    result.error = String(error && error.message || error);
  }
  done(result);
})();
"""


def mermaid_js():
    spec = importlib.util.find_spec("mermaidx")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("check_mermaid.py: mermaidx is not installed (python3 -m pip install mermaidx)")
    return Path(list(spec.submodule_search_locations)[0]) / "assets" / "mermaid.js"


def main():
    charts = sys.argv[1:]
    if not charts:
        sys.exit(__doc__)
    page = Path(os.environ.get("TMPDIR", "/tmp")) / ("check-mermaid-%d.html" % os.getpid())
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><script src="%s"></script></head><body></body></html>'
                    % mermaid_js().as_uri())
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--allow-file-access-from-files"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(120)
    try:
        driver.get(page.as_uri())
        driver.execute_script("mermaid.initialize({startOnLoad: false, securityLevel: 'strict', maxEdges: 500, maxTextSize: 50000});")
        results = {}
        for index, chart in enumerate(charts):
            results[chart] = driver.execute_async_script(DRAW, Path(chart).read_text(encoding="utf-8"), "chart%d" % index)
        print(json.dumps(results))
    finally:
        driver.quit()
        page.unlink()


if __name__ == "__main__":
    main()
