#!/usr/bin/env python3
"""Browser checks of a tracegraph HTML report, in headless Chromium.

    check_report.py --scenario example|shop|hostile|scale|lists|linked-budget|multiday|pipeline REPORT.html [--screenshot OUT.png]
                    [--wording CASES.json]

Opens the report from file:// the way a person would and checks what they
would see and do: the service graph, sorting and filtering the trace list,
drawing a flame graph, clicking spans, following links both ways, Back, the
URL fragment, hostile strings shown as text, and timings on a large report.
Exits 0 when every check passes; otherwise prints each failure and exits 1.

Uses Debian's chromium and chromedriver (override with the CHROMIUM and
CHROMEDRIVER environment variables); selenium is never allowed to download a
driver.

The expected values come from the report's own data (the JSON in
#report-data, decoded here in Python), not from the page's script. The page's
read-only test probe, window.tracegraph, is used to find where things are
drawn on the canvas (span rectangles) and what is selected.

--wording names a JSON file of numbers and the graph's wording of them
(GraphWording, written by the Swift test): {"counts": [[n, text], …],
"durations": [[ns, text], …], "percents": [[part, whole, text], …]}; the page
must write each the same way.

Scenarios:
  example  the report of `tracegraph example` (30 traces, 25 links, one to a
           span outside the input)
  shop     the report of Tests/Fixtures/python-sdk/shop.binpb (1,130 traces,
           Kafka topics, a batch of 1,000 items, 872 links dropped by the SDK)
  hostile  the report of hostile.json next to this script: markup, script
           end tags, comments and javascript: URLs in every string
  scale    a large report (e.g. gen_traces.py --traces 50000): prints the
           time from navigation to a drawn flame graph of the slowest trace
  pipeline the report of Tests/Fixtures/python-sdk/pipeline.binpb.gz (a batch of 10,000
           items re-driven, orders fulfilled over several days)
  lists    the report of gen_long_lists.py next to this script: a span with many
           links, attributes (one very long) or events, one linked from many traces,
           a trace of many services; every list shows a page at a time, and the
           details hold a bounded number of elements; prints the time to open each
"""
import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must not reach for the network

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import TimeoutException, WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
VIEWPORT = (1400, 1000)


# --------------------------------------------------------------------------- driver

def start_browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--allow-file-access-from-files",
                "--window-size=%d,%d" % VIEWPORT):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(120)
    driver.set_script_timeout(60)
    set_viewport(driver, *VIEWPORT)
    return driver


def set_viewport(driver, width, height):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})


# --------------------------------------------------------------------------- wording

def count_text(n):
    """`10,000`, as GraphWording.count writes it."""
    return format(n, ",")


DURATION_UNITS = [(86_400_000_000_000, "d"), (3_600_000_000_000, "h"), (60_000_000_000, "min"),
                  (1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "µs")]


def duration_text(ns):
    """`850 µs`, `3.4 ms`, `120 ms`, `1.2 s`: as GraphWording.duration writes it."""
    for unit, name in DURATION_UNITS:
        if ns >= unit:
            if ns // unit < 10:
                tenths = (ns * 10 + unit // 2) // unit
                if tenths < 100:
                    return "%s %s" % (tenths // 10 if tenths % 10 == 0 else "%d.%d" % (tenths // 10, tenths % 10), name)
            return "%s %s" % (count_text(ns // unit + (1 if ns % unit >= (unit + 1) // 2 else 0)), name)
    return "%d ns" % ns


def lag_text(lag, linked_duration, linked):
    """When a linking span started against the span it links to (lag: its start less that span's end)."""
    if lag >= 0:
        return "started %s after %s ended" % (duration_text(lag), linked)
    if -lag <= linked_duration:
        return "started while %s ran" % linked
    return "started %s before %s started (clock skew)" % (duration_text(-lag - linked_duration), linked)


# --------------------------------------------------------------------------- data

class ReportData:
    """The report's JSON, decoded in Python: the checks' source of truth."""

    def __init__(self, raw):
        self.raw = raw
        self.strings = raw["strings"]
        t, s = raw["traces"], raw["spans"]
        self.trace_count = len(t["first"])
        self.span_count = len(s["parentDistance"])
        self.attribute_offsets = [0]
        for count in s["attributeCount"]:
            self.attribute_offsets.append(self.attribute_offsets[-1] + 2 * count)
        self.trace_ids = [t["ids"][32 * i:32 * i + 32] for i in range(self.trace_count)]
        self.span_ids = [s["ids"][16 * i:16 * i + 16] for i in range(self.span_count)]
        self.span_trace = [0] * self.span_count
        for i in range(self.trace_count):
            for j in range(t["first"][i], t["first"][i] + t["count"][i]):
                self.span_trace[j] = i
        self.trace_index = {tid: i for i, tid in enumerate(self.trace_ids)}
        self.links = raw["links"]

    def s(self, i):
        return self.strings[i]

    def joined_by_links(self, start):
        """The traces joined by links to trace `start`, itself included: its effects (the traces
        that link to it, and theirs), and its causes (those it links to, and theirs), each way on its
        own; links to spans not in the report are not followed."""
        effects, causes = {}, {}
        for link in self.links:
            if link[1] < 0:
                continue
            cause, effect = self.span_trace[link[1]], self.span_trace[link[0]]
            effects.setdefault(cause, []).append(effect)
            causes.setdefault(effect, []).append(cause)
        joined = {start}
        for way in (effects, causes):
            seen, queue = {start}, [start]
            while queue:
                for other in way.get(queue.pop(), []):
                    if other not in seen:
                        seen.add(other)
                        joined.add(other)
                        queue.append(other)
        return joined

    def workflow_of(self, start):
        """The traces joined to trace `start` by links, however indirectly, either way: its workflow.
        A link joins two traces when the report has the linked trace, whether or not it has the span."""
        neighbours = {}
        for link in self.links:
            other = self.trace_index.get(link[2])
            here = self.span_trace[link[0]]
            if other is not None and other != here:
                neighbours.setdefault(here, set()).add(other)
                neighbours.setdefault(other, set()).add(here)
        seen, queue = {start}, [start]
        while queue:
            for other in neighbours.get(queue.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
        return seen

    def workflow_groups(self, start):
        """Trace `start`'s workflow (workflow_of) by root: {"service · operation": {traces}}."""
        groups = {}
        for t in self.workflow_of(start):
            groups.setdefault(self.root_label(t), set()).add(t)
        return groups

    def root_label(self, t):
        """`service · operation` of trace t's root, as its row in the list shows it."""
        traces = self.raw["traces"]
        return self.service_name(traces["rootService"][t]) + " · " + self.s(traces["rootName"][t])

    def service_name(self, svc):
        return self.s(self.raw["services"][svc]["name"])

    def trace_column(self, name, trace_id):
        return self.raw["traces"][name][self.trace_index[trace_id]]

    def spans_of(self, trace_id):
        t = self.trace_index[trace_id]
        first = self.raw["traces"]["first"][t]
        return range(first, first + self.raw["traces"]["count"][t])

    def span_name(self, i):
        return self.s(self.raw["spans"]["name"][i])

    def attributes(self, i):
        offsets, flat = self.attribute_offsets, self.raw["attributes"]
        return [(self.s(flat[j]), self.s(flat[j + 1])) for j in range(offsets[i], offsets[i + 1], 2)]

    def services_of_trace(self, trace_id):
        return {self.raw["spans"]["service"][i] for i in self.spans_of(trace_id)}

    def ref(self, i):
        return self.trace_ids[self.span_trace[i]], self.span_ids[i]

    def lag(self, source, target):
        """Span `source`'s start less span `target`'s end, in ns: trace start (µs) + span start (ns)."""
        t, s = self.raw["traces"], self.raw["spans"]
        between = (t["startMicros"][self.span_trace[source]] - t["startMicros"][self.span_trace[target]]) * 1000
        return between + s["start"][source] - (s["start"][target] + s["duration"][target])

    def kind(self, i):
        return self.raw["spans"]["kind"][i]

    def peer(self, name, kind):
        """The index of the peer with this name and kind ("messaging" for a topic), or None."""
        return next((p for p, peer in enumerate(self.raw["peers"]) if self.s(peer["name"]) == name and peer.get("kind") == kind), None)

    def topic_traffic(self, peer):
        """The traces with a span sending to the peer (producer or client), receiving from it (consumer or server), and either."""
        produce, consume, every = set(), set(), set()
        for span, p in self.raw["peerCalls"]:
            if p != peer:
                continue
            tid = self.trace_ids[self.span_trace[span]]
            every.add(tid)
            if self.kind(span) in (3, 4):
                produce.add(tid)
            elif self.kind(span) in (2, 5):
                consume.add(tid)
        return produce, consume, every

    def topic_label(self, peer):
        p = self.raw["peers"][peer]
        return "%s (%s)" % (self.s(p["name"]), self.s(p["system"]))


# --------------------------------------------------------------------------- checker

class Checks:
    def __init__(self, driver, report_path, wording=None):
        self.driver = driver
        self.wording = wording
        self.url = Path(report_path).resolve().as_uri()
        self.failures = []
        self.console = []
        self.data = None

    # -- bookkeeping

    def check(self, condition, message):
        if condition:
            print("  ok   " + message)
        else:
            print("  FAIL " + message)
            self.failures.append(message)
        return bool(condition)

    def collect_console(self):
        try:
            self.console.extend(self.driver.get_log("browser"))
        except WebDriverException:
            pass

    def check_console(self, allow=()):
        self.collect_console()
        severe = [e for e in self.console if e.get("level") == "SEVERE"
                  and not any(a in e.get("message", "") for a in allow)]
        for e in severe:
            print("    console: " + e.get("message", "")[:400])
        self.check(not severe, "no console errors (%d messages seen)" % len(self.console))

    # -- page helpers

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def open(self, fragment=""):
        """A fresh load (not a fragment navigation within the current page)."""
        self.collect_console()
        self.driver.get("about:blank")
        self.driver.get(self.url + fragment)
        self.wait(lambda: self.js("return !!(window.tracegraph && document.documentElement.classList.contains('tg-ready'))"),
                  "the page to start", 90)
        if self.data is None:
            raw = self.js("return document.getElementById('report-data').textContent")
            self.data = ReportData(json.loads(raw))

    def wait(self, predicate, what, timeout=10):
        try:
            WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(lambda d: predicate())
            return True
        except TimeoutException:
            self.check(False, "timed out waiting for " + what)
            return False

    def probe(self, name, *args):
        return self.js("return window.tracegraph[arguments[0]].apply(null, arguments[1])", name, list(args))

    def selection(self):
        return self.probe("selection")

    def fragment(self):
        return self.js("return location.hash")

    def wait_selected(self, trace_id, span_id=None, what=None):
        def ok():
            sel = self.selection()
            flame = self.probe("flame")
            return (sel["trace"] == trace_id and (span_id is None or sel["span"] == span_id)
                    and flame and flame["trace"] == trace_id)
        return self.wait(ok, what or "trace %s span %s to be selected" % (trace_id, span_id))

    def click_row(self, trace_id):
        """Clicks the trace's row in the list, filtering the list by its id first if it is not rendered."""
        rows = self.driver.find_elements(By.CSS_SELECTOR, '#trace-rows .trace-row[data-trace="%s"]' % trace_id)
        if not rows or not rows[0].is_displayed():
            self.type_filter(trace_id)
            rows = self.driver.find_elements(By.CSS_SELECTOR, '#trace-rows .trace-row[data-trace="%s"]' % trace_id)
        if not self.check(rows, "trace %s has a row in the list" % trace_id):
            return False
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'nearest'})", rows[0])
        rows[0].click()
        return self.wait_selected(trace_id, None, "the clicked trace %s to be drawn" % trace_id)

    def type_filter(self, text):
        box = self.driver.find_element(By.ID, "trace-filter")
        box.clear()
        if text:
            box.send_keys(text)
        else:  # clear() does not fire "input"
            self.js("const b = document.getElementById('trace-filter'); b.value = ''; b.dispatchEvent(new Event('input'));")
        expected = self.expected_filter_count(text)
        self.wait(lambda: len(self.probe("listOrder")) == expected, "the filter %r to apply" % text)

    def expected_filter_count(self, text):
        q = text.strip().lower()
        if not q:
            return self.data.trace_count
        d = self.data
        if q.startswith("linking:"):
            span = q[len("linking:"):].strip()
            return len({d.span_trace[l[0]] for l in d.links if l[1] >= 0 and d.span_ids[l[1]] == span})
        if q.startswith("workflow:") or q.startswith("group:"):
            prefix = q[q.index(":") + 1:].strip()
            start = next((t for t, tid in enumerate(d.trace_ids) if prefix and tid.startswith(prefix)), None)
            if start is None:
                return 0
            members = d.workflow_of(start)
            return len(members if q.startswith("workflow:") else {t for t in members if d.root_label(t) == d.root_label(start)})
        if q.startswith("linked:"):
            prefix = q[len("linked:"):].strip()
            start = next((t for t, tid in enumerate(d.trace_ids) if prefix and tid.startswith(prefix)), None)
            return 0 if start is None else len(d.joined_by_links(start))
        link_values = {}
        for link in d.links:
            link_values.setdefault(link[0], []).extend(d.s(v).lower() for v in link[5][1::2])
        count = 0
        for t, tid in enumerate(d.trace_ids):
            hit = q in tid
            for i in d.spans_of(tid):
                if hit:
                    break
                sp = d.raw["spans"]
                hit = (q in d.service_name(sp["service"][i]).lower() or q in d.span_name(i).lower()
                       or q in d.span_ids[i] or any(q in v.lower() for _, v in d.attributes(i))
                       or any(q in v for v in link_values.get(i, [])))
            count += bool(hit)
        return count

    def click_span(self, span_id):
        """Clicks the middle of the span's drawn rectangle on the canvas."""
        rect = self.probe("spanRect", span_id)
        if not self.check(rect is not None and rect["w"] >= 1, "span %s is drawn on the canvas" % span_id):
            return False
        canvas = self.driver.find_element(By.ID, "flame")
        self.js("arguments[0].scrollIntoView({block: 'center'})", canvas)
        rect = self.probe("spanRect", span_id)
        size = self.js("const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", canvas)
        x = rect["x"] + min(rect["w"] / 2, 40)
        y = rect["y"] + rect["h"] / 2
        ActionChains(self.driver).move_to_element_with_offset(canvas, int(x - size[0] / 2), int(y - size[1] / 2)).click().perform()
        return True

    def canvas_ink(self):
        """How many canvas pixels differ from the background (the last pixel), 0 when the canvas is out of sight."""
        canvas = self.driver.find_element(By.ID, "flame")
        self.js("arguments[0].scrollIntoView({block: 'center'})", canvas)
        visible = self.js("""
            const c = document.getElementById('flame');
            const r = c.getBoundingClientRect();
            return r.width > 0 && r.height > 0 && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === c;""")
        if not self.check(visible, "the flame graph canvas is in sight"):
            return 0
        return self.js("""
            const c = document.getElementById('flame');
            const ctx = c.getContext('2d');
            const d = ctx.getImageData(0, 0, c.width, c.height).data;
            const bg = [d[d.length - 4], d[d.length - 3], d[d.length - 2]];
            let n = 0;
            for (let i = 0; i < d.length; i += 4) {
              if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 24) n++;
            }
            return n;""")

    def details_text(self, section=None):
        selector = "#details" + (" ." + section if section else "")
        return self.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", selector)

    def rendered_rows(self):
        return self.probe("renderedRows")

    # ----------------------------------------------------------------------- scenarios

    def run_example(self, screenshot):
        self.open()
        d = self.data
        if self.wording:
            self.check_wording(self.wording)
        print("graph")
        nodes = self.driver.find_elements(By.CSS_SELECTOR, "#graph svg g.node")
        self.check(len(nodes) >= 10, "the service graph is inline with its nodes (%d)" % len(nodes))
        service_nodes = self.probe("serviceNodes")
        self.check(len(service_nodes) == len(d.raw["services"]),
                   "every service has a clickable node (%d of %d)" % (len(service_nodes), len(d.raw["services"])))
        self.check(self.driver.find_elements(By.CSS_SELECTOR, "#graph svg g.edge.link") != [],
                   "the graph has dashed link edges")

        print("header")
        header = self.driver.find_element(By.CSS_SELECTOR, ".stats").text
        self.check("30" in header and "217" in header and "25" in header, "the header gives traces, spans and links")

        print("trace list")
        self.check(self.probe("traceCount") == 30, "the report holds 30 traces")
        self.check(len(self.probe("listOrder")) == 30, "the list shows 30 traces")
        rendered = self.rendered_rows()
        self.check(rendered == self.probe("listOrder")[:len(rendered)] and len(rendered) > 5,
                   "rendered rows follow the list order (%d rendered)" % len(rendered))
        self.check_sorting()

        print("service filter")
        self.check_service_filter(service_nodes)
        self.check_peer_filter()
        self.check_topic_filter("orders")

        print("flame graph")
        # A trace with a span linking to another trace in the report, as a person would find it.
        link = next(l for l in d.links if l[1] >= 0 and d.span_trace[l[0]] != d.span_trace[l[1]])
        source_trace, source_span = d.ref(link[0])
        target_trace, target_span = d.ref(link[1])
        self.click_row(source_trace)
        self.type_filter("")
        self.check(self.fragment() == "#trace=" + source_trace, "the fragment names the picked trace")
        ink = self.canvas_ink()
        self.check(ink > 500, "the flame graph is drawn (%d non-background pixels)" % ink)
        drawn = self.probe("drawnSpans")
        self.check(len(drawn) == len(d.spans_of(source_trace)),
                   "every span of the trace is drawn (%d of %d)" % (len(drawn), len(d.spans_of(source_trace))))
        self.check_critical_path(source_trace)

        print("span details")
        self.click_span(source_span)
        self.wait_selected(source_trace, source_span)
        self.check(self.fragment() == "#trace=%s&span=%s" % (source_trace, source_span), "the fragment names the clicked span")
        flame = self.probe("flame")
        start = d.raw["spans"]["start"][link[0]]
        self.check(flame["zoomed"] or start == 0, "clicking a span zooms to it")
        self.check(abs(flame["view"][0] - start) < 1 and abs(flame["view"][1] - start - d.raw["spans"]["duration"][link[0]]) < 1,
                   "the zoomed view is the span's time range")
        attrs = d.attributes(link[0])
        text = self.details_text("attributes") or ""
        self.check(attrs and all(k in text and v in text for k, v in attrs),
                   "the details show the span's %d attributes" % len(attrs))
        self.check(d.span_name(link[0]) in (self.details_text() or ""), "the details name the span")
        self.driver.find_element(By.ID, "zoom-reset").click()
        self.wait(lambda: not self.probe("flame")["zoomed"], "reset zoom")

        print("following a link")
        buttons = self.driver.find_elements(By.CSS_SELECTOR, '#details .links-out .nav-span[data-span="%s"]' % target_span)
        if self.check(buttons, "the link to %s is a button in the details" % target_span):
            buttons[0].click()
            self.wait_selected(target_trace, target_span, "the linked span to open")
            self.check(self.fragment() == "#trace=%s&span=%s" % (target_trace, target_span), "the fragment names the linked span")
            self.check(self.probe("flame")["selected"] == target_span and self.probe("spanRect", target_span) is not None,
                       "the linked span is highlighted in its trace's flame graph")
            self.check(self.js("return document.getElementById('details').dataset.span") == target_span,
                       "the details show the linked span")

            print("linked from")
            back_buttons = self.driver.find_elements(By.CSS_SELECTOR, '#details .links-in .nav-span[data-span="%s"]' % source_span)
            self.check(back_buttons and back_buttons[0].get_attribute("data-trace") == source_trace,
                       "the linked span lists the linking trace under 'Linked from'")
            trace_in = self.driver.find_elements(By.CSS_SELECTOR, '#trace-links-in .nav-span[data-trace="%s"]' % source_trace)
            self.check(trace_in, "the trace lists the linking trace among its linked traces")

            print("back")
            self.driver.back()
            self.wait_selected(source_trace, source_span, "Back to return to the linking span")
            self.check(self.fragment() == "#trace=%s&span=%s" % (source_trace, source_span), "Back restores the fragment")
            self.driver.forward()
            self.wait_selected(target_trace, target_span, "Forward to the linked span")
            back_buttons = self.driver.find_elements(By.CSS_SELECTOR, '#details .links-in .nav-span[data-span="%s"]' % source_span)
            if back_buttons:
                back_buttons[0].click()
                self.wait_selected(source_trace, source_span, "'Linked from' to open the linking trace")
                self.check(self.probe("flame")["trace"] == source_trace, "clicking 'Linked from' opens the linking trace")

        print("unresolved link")
        missing = [l for l in d.links if l[1] == -1]
        self.check(len(missing) == 1, "one link points outside the input")
        if missing:
            m_trace, m_span = d.ref(missing[0][0])
            self.js("location.hash = arguments[0]", "#trace=%s&span=%s" % (m_trace, m_span))
            self.wait_selected(m_trace, m_span, "a fragment change to select the span")
            self.check("not in the input" in (self.details_text("links-out") or ""), "the unresolved link says 'not in the input'")
            self.check(not self.driver.find_elements(By.CSS_SELECTOR, "#details .links-out .nav-span"),
                       "the unresolved link is not a button")

        print("link lag")
        self.check_lag_wording()
        self.check_link_lag()

        print("opening with a fragment")
        self.open("#trace=%s&span=%s" % (target_trace, target_span))
        self.wait_selected(target_trace, target_span, "the fragment's span to be selected on load")
        self.check(self.js("return document.getElementById('details').dataset.span") == target_span,
                   "opening the page with #trace=…&span=… shows that span")
        self.check(self.probe("flame")["selected"] == target_span, "and highlights it")

        self.check_console()
        if screenshot:
            self.take_screenshot(screenshot)

    def check_wording(self, path):
        """The page writes counts, durations and percentages as the graph's SVG does."""
        print("wording")
        with open(path) as f:
            cases = json.load(f)
        for kind, probe, arity in (("counts", "formatCount", 1), ("durations", "formatDuration", 1), ("percents", "formatPercent", 2)):
            wrong = []
            for case in cases[kind]:
                got = self.probe(probe, *case[:arity])
                if got != case[arity]:
                    wrong.append("%s -> %r, not %r" % (case[:arity], got, case[arity]))
            self.check(not wrong, "%s reads as in the graph (%d cases) %s" % (kind, len(cases[kind]), wrong[:5]))
        self.check(all(duration_text(ns) == text for ns, text in cases["durations"])
                   and all(count_text(n) == text for n, text in cases["counts"]),
                   "this script's own wording (for the checks below) is the graph's too")

    def check_lag_wording(self):
        """A link's lag in words: after the linked span ended, while it ran, before it started (clock skew)."""
        cases = [
            (3_200_000_000, 10, "the linked span", "started 3.2 s after the linked span ended"),
            (0, 10, "the linked span", "started 0 ns after the linked span ended"),
            (-10, 10, "this span", "started while this span ran"),
            (-1, 1_000, "the linked span", "started while the linked span ran"),
            (-1_200_000_010, 10, "the linked span", "started 1.2 s before the linked span started (clock skew)"),
            (-3 * 3_600_000_000_000 - 500, 500, "this span", "started 3 h before this span started (clock skew)"),
        ]
        wrong = [(case, got) for case in cases if (got := self.probe("lagText", *case[:3])) != case[3]]
        self.check(not wrong and all(lag_text(*case[:3]) == case[3] for case in cases),
                   "a link's lag reads 'after … ended', 'while … ran' or 'before … started (clock skew)' %s" % wrong[:2])

    def check_link_lag(self):
        """A consumer span's link says how long after the linked span ended it started; the linked span says so too."""
        d = self.data
        link = next((l for l in d.links if l[1] >= 0 and d.kind(l[0]) == 5 and d.span_trace[l[0]] != d.span_trace[l[1]]), None)
        if not self.check(link is not None, "some consumer span links to a span of another trace"):
            return
        source, target = link[0], link[1]
        lag = d.lag(source, target)
        duration = d.raw["spans"]["duration"][target]
        (st, ss), (tt, ts) = d.ref(source), d.ref(target)
        self.open("#trace=%s&span=%s" % (st, ss))
        self.wait_selected(st, ss)
        expected = lag_text(lag, duration, "the linked span")
        shown = self.js("""return Array.from(document.querySelectorAll('#details .links-out .link-item'))
            .filter(e => e.querySelector('.nav-span[data-span="' + arguments[0] + '"]'))
            .map(e => (e.querySelector('.link-lag') || {}).textContent)""", ts)
        self.check(shown == [expected], "the consumer %r shows its link's lag: %r (%s)" % (d.span_name(source), expected, shown))
        self.open("#trace=%s&span=%s" % (tt, ts))
        self.wait_selected(tt, ts)
        expected = lag_text(lag, duration, "this span")
        shown = self.js("""return Array.from(document.querySelectorAll('#details .links-in .link-item'))
            .filter(e => e.querySelector('.nav-span[data-span="' + arguments[0] + '"]'))
            .map(e => (e.querySelector('.link-lag') || {}).textContent)""", ss)
        self.check(shown == [expected], "the linked %r shows it under 'Linked from': %r" % (d.span_name(target), expected))

    def check_critical_path(self, trace_id):
        """The critical path runs from the trace's first start to its root's end without gaps or
        overlaps, each part within its span, and the span details say who the trace waited on."""
        d = self.data
        segments = self.probe("criticalPath")
        spans = {d.span_ids[i]: i for i in d.spans_of(trace_id)}
        starts, durations = d.raw["spans"]["start"], d.raw["spans"]["duration"]
        root = max((i for i in spans.values() if d.raw["spans"]["parentDistance"][i] == 0), key=lambda i: starts[i] + durations[i])
        self.check(bool(segments) and segments[0][1] == starts[root] and segments[-1][2] == starts[root] + durations[root],
                   "the critical path spans the root from its start to its end")
        self.check(all(a[2] == b[1] for a, b in zip(segments, segments[1:])), "its parts follow each other without gap or overlap")
        self.check(all(starts[spans[s]] <= a <= b <= starts[spans[s]] + durations[spans[s]] for s, a, b in segments),
                   "each part lies within its span")
        on_path = {s for s, _, _ in segments}
        off_path = [s for s in spans if s not in on_path]
        self.click_span(segments[0][0])
        self.wait_selected(trace_id, segments[0][0])
        text = self.driver.find_element(By.ID, "details").text
        self.check("Critical path" in text and "of the trace waited on it" in text, "a span on the path says how long the trace waited on it")
        if off_path:
            self.click_span(off_path[0])
            self.wait_selected(trace_id, off_path[0])
            text = self.driver.find_element(By.ID, "details").text
            self.check("not on it: the trace did not wait for this span" in text, "a span off the path says so")
        self.open("#trace=" + trace_id)
        self.wait_selected(trace_id, None)

    def check_sorting(self):
        d = self.data
        columns = {
            "duration": lambda tid: d.trace_column("duration", tid),
            "spans": lambda tid: d.trace_column("count", tid),
            "root": lambda tid: (d.service_name(d.trace_column("rootService", tid)), d.s(d.trace_column("rootName", tid))),
            "linksIn": lambda tid: d.trace_column("linksIn", tid),
        }
        for column, key in columns.items():
            header = self.driver.find_element(By.CSS_SELECTOR, '#trace-head [data-sort="%s"]' % column)
            seen = set()
            for _ in range(2):
                header.click()
                direction = header.get_attribute("aria-sort")
                order = self.probe("listOrder")
                rows = self.rendered_rows()
                keys = [key(t) for t in order]
                ok = keys == sorted(keys, reverse=direction == "descending")
                self.check(ok and rows == order[:len(rows)] and direction in ("ascending", "descending"),
                           "sorting by %s %s orders the rows" % (column, direction))
                seen.add(direction)
            self.check(seen == {"ascending", "descending"}, "clicking %s again reverses the order" % column)
        self.driver.find_element(By.CSS_SELECTOR, '#trace-head [data-sort="start"]').click()
        if self.driver.find_element(By.CSS_SELECTOR, '#trace-head [data-sort="start"]').get_attribute("aria-sort") != "ascending":
            self.driver.find_element(By.CSS_SELECTOR, '#trace-head [data-sort="start"]').click()

    def check_service_filter(self, service_nodes):
        d = self.data
        # The service with the fewest traces other than all of them.
        touching = {}
        for tid in d.trace_ids:
            for svc in d.services_of_trace(tid):
                touching.setdefault(d.service_name(svc), set()).add(tid)
        node = min((n for n in service_nodes if 0 < len(touching.get(n["service"], ())) < d.trace_count),
                   key=lambda n: len(touching[n["service"]]))
        expected = touching[node["service"]]
        element = self.driver.find_element(By.ID, node["node"])
        self.js("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        self.wait(lambda: len(self.probe("listOrder")) == len(expected), "the service filter")
        listed = set(self.probe("listOrder"))
        self.check(listed == expected, "clicking %s in the graph lists the %d traces that touch it" % (node["service"], len(expected)))
        self.check(self.driver.find_element(By.ID, "service-filter").is_displayed(), "the filter shows as a removable chip")
        element.click()
        self.wait(lambda: len(self.probe("listOrder")) == d.trace_count, "a second click to clear the filter")
        self.check(len(self.probe("listOrder")) == d.trace_count, "clicking the service again clears the filter")
        element.click()
        self.wait(lambda: len(self.probe("listOrder")) == len(expected), "the service filter again")
        self.driver.find_element(By.ID, "service-filter-clear").click()
        self.wait(lambda: len(self.probe("listOrder")) == d.trace_count, "the clear button")
        self.check(len(self.probe("listOrder")) == d.trace_count, "the chip's clear button clears the filter")

    def check_peer_filter(self):
        """A database, queue or other peer in the graph filters the list to the traces that call it."""
        d = self.data
        nodes = self.probe("peerNodes")
        self.check(len(nodes) == len(d.raw["peers"]), "every peer in the data is a node of the graph (%d)" % len(nodes))
        calling = {}
        for span, peer in d.raw["peerCalls"]:
            calling.setdefault(d.raw["peers"][peer]["node"], set()).add(d.trace_ids[d.span_trace[span]])
        candidates = [n for n in nodes if 0 < len(calling.get(n["node"], ())) < d.trace_count]
        if not self.check(candidates, "some peer is called by some traces but not all"):
            return
        node = min(candidates, key=lambda n: len(calling[n["node"]]))
        expected = calling[node["node"]]
        element = self.driver.find_element(By.ID, node["node"])
        self.js("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        self.wait(lambda: len(self.probe("listOrder")) == len(expected), "the peer filter")
        self.check(set(self.probe("listOrder")) == expected,
                   "clicking the peer %s lists the %d traces that call it" % (node["peer"], len(expected)))
        kind = next(p.get("kind") for p in d.raw["peers"] if p["node"] == node["node"])
        if kind != "messaging":
            self.check(not self.driver.find_element(By.ID, "topic-bar").is_displayed(),
                       "a %s peer shows no topic notice" % kind)
        self.driver.find_element(By.ID, "service-filter-clear").click()
        self.wait(lambda: len(self.probe("listOrder")) == d.trace_count, "the clear button")

    def click_node(self, node_id):
        element = self.driver.find_element(By.ID, node_id)
        self.js("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def check_topic_filter(self, name):
        """Clicking a topic lists the traces that produce to it or consume from it, says how many do
        which, and narrows the list to either."""
        d = self.data
        peer = d.peer(name, "messaging")
        if not self.check(peer is not None, "the data has the topic %r" % name):
            return
        node = d.raw["peers"][peer]["node"]
        produce, consume, every = d.topic_traffic(peer)
        self.check(produce and consume, "%s: %d traces produce to it and %d consume from it in the data" % (name, len(produce), len(consume)))
        self.click_node(node)
        self.wait(lambda: len(self.probe("listOrder")) == len(every), "the topic filter")
        self.check(set(self.probe("listOrder")) == every, "clicking the topic %s lists the %d traces with a span counted for it" % (name, len(every)))
        label = self.js("return document.getElementById('service-filter-label').textContent")
        self.check(label == d.topic_label(peer), "the filter chip names the topic with its system: %r" % label)
        summary = self.js("return document.getElementById('topic-summary').textContent")
        expected = "%s: %s %s to it, %s %s from it" % (
            d.topic_label(peer), count_text(len(produce)), "trace produces" if len(produce) == 1 else "traces produce",
            count_text(len(consume)), "consumes" if len(consume) == 1 else "consume")
        self.check(self.driver.find_element(By.ID, "topic-bar").is_displayed() and summary == expected,
                   "the notice says %r (%r)" % (expected, summary))
        for direction, traces, what in (("produce", produce, "producers"), ("consume", consume, "consumers"), ("", every, "all")):
            self.driver.find_element(By.CSS_SELECTOR, '#topic-bar [data-direction="%s"]' % direction).click()
            self.wait(lambda: len(self.probe("listOrder")) == len(traces), "the %s of %s" % (what, name))
            pressed = self.js("return document.querySelector('#topic-bar [data-direction=\"%s\"]').getAttribute('aria-pressed')" % direction)
            self.check(set(self.probe("listOrder")) == traces and pressed == "true",
                       "the %s button lists the %d traces of %s" % (what, len(traces), what))
        self.driver.find_element(By.ID, "service-filter-clear").click()
        self.wait(lambda: len(self.probe("listOrder")) == d.trace_count, "the clear button")
        self.check(not self.driver.find_element(By.ID, "topic-bar").is_displayed(), "clearing the filter hides the topic's notice")

    def check_dropped_links(self):
        """A span whose SDK dropped links says how many, beside the links it kept."""
        d = self.data
        dropped = d.raw["droppedLinks"]
        if not self.check(dropped, "some span's SDK dropped links"):
            return
        span, n = max(dropped, key=lambda x: x[1])
        kept = sum(1 for l in d.links if l[0] == span)
        tid, sid = d.ref(span)
        self.open("#trace=%s&span=%s" % (tid, sid))
        self.wait_selected(tid, sid)
        expected = "%s%s links were dropped by the SDK (droppedLinksCount): the linked spans are not known" % (
            count_text(n), " more" if kept else "")
        line = self.js("const e = document.querySelector('#details .links-out .dropped-links'); return e && e.textContent")
        self.check(line == expected, "the span %r says %r (%r)" % (d.span_name(span), expected, line))
        count = self.js("const e = document.querySelector('#details .links-out .section-count'); return e && e.textContent")
        self.check(count == count_text(kept), "its 'Links to' counts the %s links kept" % count_text(kept))
        total = sum(x[1] for x in dropped)
        stat = self.js("const e = document.getElementById('stat-dropped-links'); return e && e.textContent")
        self.check(stat == "+%s dropped" % count_text(total), "the header counts the %s links SDKs dropped (%r)" % (count_text(total), stat))
        facts = self.driver.find_element(By.ID, "trace-facts").text
        self.check("(+%s dropped by the SDK)" % count_text(n) in facts, "the trace's facts count them beside its links out")

    def check_separators(self):
        """Counts of 1,000 and more are written with separators: in the header, the list, the details and a notice."""
        d = self.data
        t = d.raw["traces"]
        stats = self.driver.find_element(By.CSS_SELECTOR, ".stats").text
        self.check(count_text(d.span_count) in stats and d.span_count >= 1000,
                   "the header gives %s spans" % count_text(d.span_count))
        # The trace with most links in: its row and its linked span's 'Linked from'.
        best = max(range(d.trace_count), key=lambda i: t["linksIn"][i])
        tid = d.trace_ids[best]
        if not self.check(t["linksIn"][best] >= 1000, "some trace has 1,000 or more links in"):
            return
        self.type_filter(tid)
        cell = self.js("""const r = document.querySelector('#trace-rows .trace-row[data-trace="' + arguments[0] + '"]');
            return r && r.children[6].textContent""", tid)
        self.check(cell == count_text(t["linksIn"][best]), "its row's links in read %r" % cell)
        self.type_filter("")
        targets = {}
        for l in d.links:
            if l[1] >= 0 and d.span_trace[l[1]] == best:
                targets[l[1]] = targets.get(l[1], 0) + 1
        span = max(targets, key=targets.get)
        self.open("#trace=%s&span=%s" % (tid, d.span_ids[span]))
        self.wait_selected(tid, d.span_ids[span])
        count = self.js("const e = document.querySelector('#details .links-in .section-count'); return e && e.textContent")
        self.check(count == count_text(targets[span]), "the span %r is linked from %r spans" % (d.span_name(span), count))
        facts = self.driver.find_element(By.ID, "trace-facts").text
        self.check(count_text(t["linksIn"][best]) in facts, "the trace's facts give its %s links in" % count_text(t["linksIn"][best]))
        texts = self.js("""return [document.getElementById('trace-count').textContent]
            .concat(Array.from(document.querySelectorAll('#trace-facts dd, #details .section-count, #details .facts dd, #trace-rows .trace-row:not([hidden]) .col-num'), e => e.textContent));""")
        bare = [x for x in texts if any(len(run) >= 4 for run in "".join(c if c.isdigit() else " " for c in x).split())
                and not x.startswith("20") and not all(c in "0123456789abcdef" for c in x)]
        self.check(not bare, "no count of the list, facts or details is written without separators %s" % bare[:3])

    def take_screenshot(self, path):
        """An interesting trace (errors and links) with its linked span selected, for the README."""
        d = self.data
        t = d.raw["traces"]

        def interest(i):
            return (t["errors"][i] > 0, t["linksIn"][i] + t["linksOut"][i] > 0, t["count"][i])
        best = max(range(d.trace_count), key=interest)
        tid = d.trace_ids[best]
        spans = list(d.spans_of(tid))
        linked = {l[1] for l in d.links} | {l[0] for l in d.links}
        span = next((i for i in spans if i in linked and d.raw["spans"]["status"][i] == 2),
                    next((i for i in spans if i in linked), spans[0]))
        set_viewport(self.driver, *VIEWPORT)
        self.open("#trace=%s&span=%s" % (tid, d.span_ids[span]))
        self.wait_selected(tid, d.span_ids[span])
        self.js("window.scrollTo(0, 0)")
        # Hover a span so the tooltip shows too.
        drawn = [r for r in self.probe("drawnSpans") if r["id"] != d.span_ids[span] and r["w"] > 60]
        if drawn:
            r = drawn[len(drawn) // 2]
            canvas = self.driver.find_element(By.ID, "flame")
            size = self.js("const b = arguments[0].getBoundingClientRect(); return [b.width, b.height];", canvas)
            ActionChains(self.driver).move_to_element_with_offset(
                canvas, int(r["x"] + r["w"] * 0.6 - size[0] / 2), int(r["y"] + r["h"] / 2 - size[1] / 2)).perform()
            time.sleep(0.2)
        self.js("window.scrollTo(0, 0)")
        self.driver.save_screenshot(path)
        print("screenshot: %s (trace %s, span %s)" % (path, tid, d.span_ids[span]))

    # -- shop

    def run_shop(self, screenshot):
        self.open()
        print("topics")
        self.check_topic_filter("orders")
        self.check_topic_filter("invoice-items")
        print("link lag")
        self.check_link_lag()
        print("dropped links")
        self.check_dropped_links()
        print("separators")
        self.check_separators()
        print("links in the filter")
        self.check_link_filters()
        print("workflow")
        self.check_workflow()
        self.check_console()
        if screenshot:
            self.take_topic_screenshot(screenshot, "orders")

    def check_link_filters(self):
        """The filter finds a batch's items by their links' attributes; linked:ID keeps the traces joined
        to one by links; a trace's "Show the traces linked to this one" puts that filter in the box."""
        d = self.data
        self.type_filter("nightly-42")
        self.check(len(self.probe("listOrder")) == 1001, "nightly-42 finds the job and its 1,000 items by their links")
        retry = d.trace_index["8984c8cee0bb68e4409ffccfc46a04c5"]
        self.type_filter("linked:8984c8cee0bb68e4409ffccfc46a04c5")
        self.check(len(self.probe("listOrder")) == len(d.joined_by_links(retry)),
                   "linked: keeps the %d traces joined to the last retry" % len(d.joined_by_links(retry)))
        self.type_filter("")
        self.open("#trace=8984c8cee0bb68e4409ffccfc46a04c5")
        self.wait_selected("8984c8cee0bb68e4409ffccfc46a04c5", None)
        self.driver.find_element(By.ID, "show-linked").click()
        self.wait(lambda: len(self.probe("listOrder")) == len(d.joined_by_links(retry)), "the linked traces to be listed")
        value = self.driver.find_element(By.ID, "trace-filter").get_attribute("value")
        self.check(value == "linked:8984c8cee0bb68e4409ffccfc46a04c5", "the button put linked:ID in the filter (%r)" % value)
        self.type_filter("")
        # The batch job's root: 1,000 items link to it, in one group, and one button lists exactly their traces.
        job = next(i for i in range(d.span_count) if d.span_name(i) == "nightly-invoices")
        tid, sid = d.ref(job)
        self.open("#trace=%s&span=%s" % (tid, sid))
        self.wait_selected(tid, sid)
        chips = [" ".join(e.text.split()) for e in self.driver.find_elements(By.CSS_SELECTOR, "#details .links-in .link-group")]
        self.check(chips == ["invoice-worker · invoice-items process ×1,000 · 6 failing traces"],
                   "the spans linking to the job are one group, with its failing traces (%r)" % chips)
        self.driver.find_element(By.CSS_SELECTOR, "#details .show-linking").click()
        linking = {d.span_trace[l[0]] for l in d.links if l[1] == job}
        self.wait(lambda: len(self.probe("listOrder")) == len(linking), "exactly the %d linking traces to be listed" % len(linking))
        value = self.driver.find_element(By.ID, "trace-filter").get_attribute("value")
        self.check(value == "linking:" + sid, "the button put linking:SPAN_ID in the filter (%r)" % value)
        self.type_filter("")

    def check_workflow(self):
        """The selected trace's workflow: a box for each root service and operation of the traces
        joined to it by links, the selected trace's marked; a box of several traces lists exactly
        them (group:ID), a box of one opens it, and "Show its N traces" lists the whole workflow
        (workflow:ID). The expected workflow is computed here, from the links."""
        d = self.data
        tid = "8984c8cee0bb68e4409ffccfc46a04c5"  # the last retry of a checkout
        start = d.trace_index[tid]
        members = d.workflow_of(start)
        groups = d.workflow_groups(start)
        self.open("#trace=" + tid)
        self.wait_selected(tid)
        # The chips of the traces it links to say which failed: its earlier attempt did.
        chips = self.driver.find_elements(By.CSS_SELECTOR, "#trace-links .trace-chip")
        marked = {}
        for chip in chips:
            other = d.trace_index[chip.get_attribute("title").split("\n")[0].split(" ")[1]]
            errors = d.raw["traces"]["errors"][other]
            marked[other] = ("is-error" in chip.get_attribute("class").split(), errors)
            self.check(marked[other][0] == (errors > 0) and (("%d error" % errors) in chip.text) == (errors > 0),
                       "the chip of trace %s says its %d errors (%r)" % (d.trace_ids[other], errors, chip.text))
        self.check(any(errors for _, errors in marked.values()), "a linked trace with errors is among the chips")
        if not self.wait(lambda: self.js("return !document.getElementById('workflow').hidden"), "the workflow to be shown"):
            return
        boxes = self.workflow_boxes()
        self.check({label: n for label, (n, _) in boxes.items()} == {label: len(ts) for label, ts in groups.items()},
                   "a box for each root of the %d traces joined by links, with its count (%r)"
                   % (len(members), {label: n for label, (n, _) in boxes.items()}))
        summary = self.driver.find_element(By.ID, "workflow-summary-text").text
        services = {d.raw["spans"]["service"][i] for t in members for i in d.spans_of(d.trace_ids[t])}
        self.check(summary.startswith("%d traces in %d groups · %d services" % (len(members), len(groups), len(services))),
                   "the summary counts them and their services (%r)" % summary)
        current = self.driver.find_elements(By.CSS_SELECTOR, '#workflow .wf-group[aria-current="true"]')
        self.check(len(current) == 1 and d.root_label(start).startswith(current[0].find_element(By.CSS_SELECTOR, ".wf-service-name").text),
                   "the selected trace's box is marked")
        # A box of several traces lists exactly them.
        label, traces = max(groups.items(), key=lambda item: (len(item[1]), item[0]))
        boxes[label][1].click()
        expected = sorted(d.trace_ids[t] for t in traces)
        self.wait(lambda: sorted(self.probe("listOrder")) == expected, "the %d traces of %s to be listed" % (len(traces), label))
        value = self.driver.find_element(By.ID, "trace-filter").get_attribute("value")
        self.check(value.startswith("group:"), "the box put group:ID in the filter (%r)" % value)
        # "Show its N traces": the whole workflow.
        self.driver.find_element(By.ID, "show-workflow").click()
        self.wait(lambda: sorted(self.probe("listOrder")) == sorted(d.trace_ids[t] for t in members), "the workflow's traces to be listed")
        value = self.driver.find_element(By.ID, "trace-filter").get_attribute("value")
        self.check(value == "workflow:" + tid, "the button put workflow:ID in the filter (%r)" % value)
        # A box of one trace, not the selected one, opens it (Back returns).
        label, traces = next((label, ts) for label, ts in sorted(groups.items()) if len(ts) == 1 and start not in ts)
        boxes[label][1].click()
        other = d.trace_ids[next(iter(traces))]
        self.wait_selected(other, None, "the box of %s to open its trace" % label)
        self.driver.back()
        self.wait_selected(tid, None, "Back to return to the retry")
        self.type_filter("")

    def take_topic_screenshot(self, path, name):
        """The topic clicked, its consumers listed, and a consumer span's details with its link's lag."""
        d = self.data
        peer = d.peer(name, "messaging")
        consumer = next(span for span, p in d.raw["peerCalls"] if p == peer and d.kind(span) == 5
                        and any(l[0] == span and l[1] >= 0 for l in d.links))
        tid, sid = d.ref(consumer)
        set_viewport(self.driver, *VIEWPORT)
        self.open()
        self.click_node(d.raw["peers"][peer]["node"])
        self.driver.find_element(By.CSS_SELECTOR, '#topic-bar [data-direction="consume"]').click()
        self.click_row(tid)
        self.click_span(sid)
        self.wait_selected(tid, sid)
        # The pointer off the flame graph (no tooltip), the details at the span's links.
        ActionChains(self.driver).move_to_element(self.driver.find_element(By.ID, "details-heading")).perform()
        self.js("window.scrollTo(0, 0)")
        self.js("""const box = document.getElementById('details'), links = box.querySelector('.links-out');
            if (links) box.scrollTop = links.offsetTop - box.offsetTop - 8;""")
        self.driver.save_screenshot(path)
        print("screenshot: %s (topic %s, trace %s, span %s)" % (path, name, tid, sid))

    # -- hostile

    def run_hostile(self, screenshot):
        self.open()
        d = self.data
        title = self.js("return document.title")
        print("nothing runs")
        self.check_inert(title)

        print("strings show as text")
        services = {d.service_name(i) for i in range(len(d.raw["services"]))}
        self.check(any("<" in s for s in services), "the fixture has markup in service names")
        row_services = set(self.js("return Array.from(document.querySelectorAll('#trace-rows .trace-row:not([hidden]) .root-service'), e => e.textContent)"))
        root_services = {d.service_name(d.trace_column("rootService", tid)) for tid in d.trace_ids}
        self.check(row_services == root_services, "root services show verbatim in the trace list")
        row_names = set(self.js("return Array.from(document.querySelectorAll('#trace-rows .trace-row:not([hidden]) .root-name'), e => e.textContent)"))
        self.check(row_names == {d.s(d.trace_column("rootName", tid)) for tid in d.trace_ids},
                   "root operations show verbatim in the trace list")

        for tid in d.trace_ids:
            self.click_row(tid)
            for i in d.spans_of(tid):
                sid = d.span_ids[i]
                self.click_span(sid)
                self.wait_selected(tid, sid)
                text = self.details_text() or ""
                name = self.js("const e = document.querySelector('#details .span-name'); return e && e.textContent")
                self.check(name == d.span_name(i), "span %s: its name shows verbatim" % sid)
                attrs = d.attributes(i)
                cells = self.js("return Array.from(document.querySelectorAll('#details .attributes tr'), tr => [tr.cells[0].textContent, tr.cells[1].textContent])")
                self.check([tuple(c) for c in cells] == attrs, "span %s: its %d attributes show verbatim" % (sid, len(attrs)))
                for ev in (e for e in d.raw["events"] if e[0] == i):
                    self.check(d.s(ev[2]) in text, "span %s: event %r shows" % (sid, d.s(ev[2])[:30]))
                for link in (l for l in d.links if l[0] == i):
                    state = d.s(link[4])
                    kv = [d.s(x) for x in link[5]]
                    links_text = self.details_text("links-out") or ""
                    self.check(state in links_text and all(x in links_text for x in kv),
                               "span %s: link trace state and attributes show verbatim" % sid)
                message = next((d.s(m[1]) for m in d.raw["statusMessages"] if m[0] == i), None)
                if message is not None:
                    self.check(message in text, "span %s: its status message shows verbatim" % sid)
                scope = d.raw["scopes"][d.raw["spans"]["scope"][i]]
                self.check(d.s(scope["name"]) in text and d.s(scope["version"]) in text,
                           "span %s: its instrumentation scope shows verbatim" % sid)
                res = d.raw["resources"][d.raw["spans"]["resource"][i]]["attributes"]
                res_text = self.details_text("resource") or ""
                self.check(all(d.s(x) in res_text for x in res), "span %s: resource attributes show verbatim" % sid)
                self.check_inert(title, quiet=True)

        print("hostile service names in the graph filter")
        for node in self.probe("serviceNodes"):
            self.driver.find_element(By.ID, node["node"]).click()
            label = self.js("return document.getElementById('service-filter-label').textContent")
            self.check(label == node["service"], "the filter chip names %r verbatim" % node["service"][:40])
            self.driver.find_element(By.ID, "service-filter-clear").click()

        print("links between the hostile traces")
        link = next((l for l in d.links if l[1] >= 0), None)
        if self.check(link is not None, "the fixture links its two traces"):
            (st, ss), (tt, ts) = d.ref(link[0]), d.ref(link[1])
            self.click_row(st)
            self.click_span(ss)
            self.wait_selected(st, ss)
            buttons = self.driver.find_elements(By.CSS_SELECTOR, '#details .links-out .nav-span[data-span="%s"]' % ts)
            if self.check(buttons, "the link is a button"):
                buttons[0].click()
                self.wait_selected(tt, ts, "the linked span")
                self.driver.back()
                self.wait_selected(st, ss, "Back")
        self.check("not in the input" in (self.details_text("links-out") or ""), "the unresolved link says so")

        print("filtering by hostile text")
        for text in ("<img", "</script>", "javascript:"):
            self.type_filter(text)
            self.check(len(self.probe("listOrder")) == self.expected_filter_count(text), "filtering by %r" % text)
        self.type_filter("")
        self.check_inert(title)
        self.check_console()
        if screenshot:
            self.driver.save_screenshot(screenshot)

    def check_inert(self, title, quiet=False):
        state = self.js("""
            const all = Array.from(document.querySelectorAll('*'));
            const handlers = [];
            const urls = [];
            for (const e of all) {
              for (const a of e.attributes) {
                if (/^on/i.test(a.name)) handlers.push(e.tagName + ' ' + a.name);
                if (/^\\s*javascript:/i.test(a.value)) urls.push(e.tagName + ' ' + a.name);
              }
            }
            return {
              pwned: window.__pwned === undefined ? null : String(window.__pwned),
              title: document.title,
              imgs: document.querySelectorAll('img, image, iframe, object, embed').length,
              scripts: document.scripts.length,
              handlers, urls,
            };""")
        results = [
            (state["pwned"] is None, "no payload ran (window.__pwned is unset)"),
            (state["title"] == title and "pwned" not in state["title"], "the title is unchanged"),
            (state["imgs"] == 0, "no img/iframe/object elements exist"),
            (state["scripts"] == 2, "only the page's two script elements exist"),
            (not state["handlers"], "no inline event-handler attributes %s" % state["handlers"][:3]),
            (not state["urls"], "no javascript: URLs in attributes %s" % state["urls"][:3]),
        ]
        for ok, message in results:
            if not quiet or not ok:
                self.check(ok, message)

    # -- lists

    # The page's page sizes (PAGE_SIZE in Templates/script/dom.js) and what the DOM may hold.
    PAGE = {"rows": 100, "items": 50, "nested": 10, "chips": 20}
    DETAILS_BOUND = 5000

    def count(self, selector):
        return self.js("return document.querySelectorAll(arguments[0]).length", selector)

    def open_span(self, trace_id, span_id):
        """Opens the page on a span (a shared link to it) and prints how long selecting it took."""
        started = time.time()
        self.open("#trace=%s&span=%s" % (trace_id, span_id))
        self.wait_selected(trace_id, span_id)
        timings = self.js("return window.tracegraph.timings")
        elements = self.count("#details *")
        print("  %s: selected %.0f ms after the list was ready (wall %.1f s); %d elements in the details, %d in the page" % (
            self.data.span_name(self.data.span_ids.index(span_id)), timings["selected"] - timings["listed"],
            time.time() - started, elements, self.count("*")))
        self.check(elements < self.DETAILS_BOUND, "the details hold fewer than %d elements (%d)" % (self.DETAILS_BOUND, elements))
        return elements

    def show_more(self, button_selector, items_selector, total, page, what):
        """The first page of a list shows, and its button adds the next page, saying how many are left."""
        shown = self.count(items_selector)
        self.check(shown == min(total, page), "%s: %d of %d show at first (%d)" % (what, min(total, page), total, shown))
        buttons = self.driver.find_elements(By.CSS_SELECTOR, button_selector)
        if total <= page:
            self.check(not buttons, "%s: no button when all show" % what)
            return
        if not self.check(buttons, "%s: a button shows more" % what):
            return
        left = total - page
        expected = "Show %s more of %s" % (count_text(page), count_text(left)) if left > page else "Show the last %s" % count_text(left)
        self.check(buttons[0].text == expected, "%s: the button says %r (%r)" % (what, expected, buttons[0].text))
        self.js("arguments[0].scrollIntoView({block: 'center'})", buttons[0])
        buttons[0].click()
        shown = self.count(items_selector)
        self.check(shown == min(total, 2 * page), "%s: the button adds a page (%d shown)" % (what, shown))

    def run_lists(self, screenshot):
        """The report of gen_long_lists.py: every list shows a page at a time, long values their start."""
        self.open()
        d = self.data
        title = self.js("return document.title")
        hub_trace = next(t for t in d.trace_ids if any(d.span_name(i) == "fan-out" for i in d.spans_of(t)))
        by_name = {d.span_name(i): i for i in d.spans_of(hub_trace)}
        links_out = lambda i: [l for l in d.links if l[0] == i]

        print("links to")
        fan_out = by_name["fan-out"]
        self.open_span(hub_trace, d.span_ids[fan_out])
        total = len(links_out(fan_out))
        count = self.js("const e = document.querySelector('#details .links-out .section-count'); return e && e.textContent")
        self.check(count == count_text(total), "'Links to' counts all %s links (%r)" % (count_text(total), count))
        self.show_more("#details .links-out .links > .show-more", "#details .links-out .link-item", total, self.PAGE["items"], "links to")
        first = links_out(fan_out)[0]
        buttons = self.driver.find_elements(By.CSS_SELECTOR, '#details .links-out .nav-span[data-span="%s"]' % d.span_ids[first[1]])
        if self.check(buttons, "a link on the first page is a button to its span"):
            self.js("arguments[0].scrollIntoView({block: 'center'})", buttons[0])
            buttons[0].click()
            target_trace, target_span = d.ref(first[1])
            self.wait_selected(target_trace, target_span, "the linked span")
            self.driver.back()
            self.wait_selected(hub_trace, d.span_ids[fan_out], "Back to the span of many links")
            elements = self.count("#details *")
            self.check(elements < self.DETAILS_BOUND, "after Back the details are bounded again (%d elements)" % elements)

        print("attributes and a long value")
        wide = by_name["wide"]
        self.open_span(hub_trace, d.span_ids[wide])
        attrs = d.attributes(wide)
        self.show_more("#details .attributes tr.more-row button", "#details .attributes tr:not(.more-row)", len(attrs), self.PAGE["rows"], "attributes")
        key, value = attrs[0]
        cell = self.js("return document.querySelector('#details .attributes tr td')")
        shown = self.js("return arguments[0].firstChild.textContent", cell)
        self.check(len(value) > 1000 and shown == value[:1000] + "…", "a %s-character value shows its first 1,000" % count_text(len(value)))
        button = self.driver.find_elements(By.CSS_SELECTOR, "#details .attributes tr td .show-all")
        if self.check(button and button[0].text == "Show all %s characters" % count_text(len(value)), "with a button that shows it all"):
            self.js("arguments[0].scrollIntoView({block: 'center'})", button[0])
            button[0].click()
            self.check(self.js("return arguments[0].textContent", cell) == value, "which shows the value verbatim")

        print("events")
        chatty = by_name["chatty"]
        self.open_span(hub_trace, d.span_ids[chatty])
        events = [e for e in d.raw["events"] if e[0] == chatty]
        self.show_more("#details .events > .show-more", "#details .events .event", len(events), self.PAGE["items"], "events")

        print("linked from")
        hub = by_name["hub"]
        self.open_span(hub_trace, d.span_ids[hub])
        linking = [l for l in d.links if l[1] == hub]
        self.show_more("#details .links-in .links > .show-more", "#details .links-in .link-item", len(linking), self.PAGE["items"], "linked from")
        traces_in = len({d.span_trace[l[0]] for l in linking if d.span_trace[l[0]] != d.trace_index[hub_trace]})
        self.show_more("#trace-links-in .show-more", "#trace-links-in .trace-chip", traces_in, self.PAGE["chips"], "the trace's linked-from chips")
        resource = d.raw["resources"][d.raw["spans"]["resource"][hub]]["attributes"]
        self.show_more("#details .resource tr.more-row button", "#details .resource tr:not(.more-row)", len(resource) // 2, self.PAGE["rows"], "resource attributes")

        print("a trace of many services")
        crowd = next(t for t in d.trace_ids if len(d.services_of_trace(t)) > self.PAGE["chips"])
        self.open("#trace=" + crowd)
        self.wait_selected(crowd)
        self.show_more("#flame-legend .show-more", "#flame-legend .legend-item", len(d.services_of_trace(crowd)), self.PAGE["chips"], "the legend")

        self.check_inert(title)
        self.check_console()
        if screenshot:
            self.open("#trace=%s&span=%s" % (hub_trace, d.span_ids[fan_out]))
            self.wait_selected(hub_trace, d.span_ids[fan_out])
            self.js("window.scrollTo(0, document.getElementById('flame-panel').offsetTop - 10)")
            self.driver.save_screenshot(screenshot)

    # -- the pipeline: a batch of 10,000 items re-driven, orders over several days

    def workflow_boxes(self):
        """The drawn workflow's boxes: {"service · operation": (traces, element)}."""
        boxes = {}
        for box in self.driver.find_elements(By.CSS_SELECTOR, "#workflow .wf-group"):
            label = box.find_element(By.CSS_SELECTOR, ".wf-service-name").text + " · " + box.find_element(By.CSS_SELECTOR, ".wf-name").text
            count = re.match(r"^([\d,]+) traces?\b", box.find_element(By.CSS_SELECTOR, ".wf-count").text)
            boxes[label] = (int(count.group(1).replace(",", "")) if count else 1, box)  # a box of one trace gives its duration
        return boxes

    def run_pipeline(self, screenshot):
        """The batch job's workflow: its 10,000 items, the re-drive and the dead letters as four boxes,
        a click on the items' box lists exactly them, and the page stays small; an order fulfilled over
        six days: its workflow says so and the list gives each start its date."""
        self.open()
        d = self.data
        job = "29be5d2129810b3824c2771116e58928"
        start = d.trace_index[job]
        members = d.workflow_of(start)
        groups = d.workflow_groups(start)
        self.open("#trace=" + job)
        self.wait_selected(job)
        self.wait(lambda: self.js("return !document.getElementById('workflow').hidden"), "the workflow to be shown")
        boxes = self.workflow_boxes()
        self.check({label: n for label, (n, _) in boxes.items()} == {label: len(ts) for label, ts in groups.items()},
                   "the batch's %d traces are %d boxes with their counts (%r)" % (len(members), len(groups), {k: v[0] for k, v in boxes.items()}))
        self.check(len(members) > 10_000, "the batch's workflow holds its 10,000 items and more (%d)" % len(members))
        elements = self.js("return document.getElementsByTagName('*').length")
        self.check(elements < 5000, "the page holds %d elements with the batch's workflow drawn (budget 5,000)" % elements)
        label, traces = max(groups.items(), key=lambda item: len(item[1]))
        boxes[label][1].click()
        self.wait(lambda: len(self.probe("listOrder")) == len(traces), "the %d traces of %s to be listed" % (len(traces), label), 30)
        self.type_filter("")
        # ord-7003: delivery failed, re-dispatched, delivered; days from the first step to the last.
        order = "58ac3c5ca29526c8d7997319c8c4ed13"
        self.open("#trace=" + order)
        self.wait_selected(order)
        members = d.workflow_of(d.trace_index[order])
        drawn = len(self.driver.find_elements(By.CSS_SELECTOR, "#workflow .wf-group"))
        self.check(drawn == len(members), "a small workflow is drawn a trace a box (%d boxes for %d traces)" % (drawn, len(members)))
        summary = self.driver.find_element(By.ID, "workflow-summary-text").text
        self.check(re.match(r"^%d traces · \d+ services · 1 failing · [5-6](\.\d)? d from first span to last · longest chain 6 links$" % len(members), summary),
                   "the order's workflow: %d traces over days, one failing, a chain of six links (%r)" % (len(members), summary))
        self.driver.find_element(By.ID, "show-workflow").click()
        self.wait(lambda: sorted(self.probe("listOrder")) == sorted(d.trace_ids[t] for t in members), "the order's traces to be listed")
        starts = self.js("return Array.from(document.querySelectorAll('#trace-rows .trace-row:not([hidden]) .col-start')).map((c) => c.textContent)")
        self.check(len(starts) == len(members) and all(re.match(r"^2026-11-0\d \d\d:\d\d:\d\d\.\d{3}$", s) for s in starts),
                   "each step's start has its date (%r)" % starts)
        self.check_console()
        if screenshot:
            self.open("#trace=" + job)
            self.wait_selected(job)
            self.js("document.getElementById('workflow').scrollIntoView()")
            self.driver.save_screenshot(screenshot)

    # -- data of several days

    def run_multiday(self, screenshot):
        """Traces on four days: the Start column gives each its date, and no cell of the list spills
        into its neighbour, at a wide and at a narrow window."""
        for width in (1400, 900):
            set_viewport(self.driver, width, 900)
            self.open()
            cells = self.js("""return Array.from(document.querySelectorAll('#trace-rows .trace-row')).map((row) => {
                const cells = Array.from(row.children);
                return cells.map((c) => { const r = c.getBoundingClientRect();
                  return {text: c.textContent, left: r.left, right: r.right, fits: c.scrollWidth <= c.clientWidth + 1,
                          clips: getComputedStyle(c).textOverflow === 'ellipsis'}; });
            })""")
            self.check(len(cells) == 4, "four rows at %d px" % width)
            starts = [row[1]["text"] for row in cells]
            self.check(all(re.match(r"^2026-1[12]-\d\d \d\d:\d\d:\d\d\.\d{3}$", s) for s in starts),
                       "each start has its date at %d px (%r)" % (width, starts))
            for row in cells:
                for a, b in zip(row, row[1:]):
                    self.check(a["right"] <= b["left"] + 0.5, "at %d px, %r ends before %r begins" % (width, a["text"][:30], b["text"][:30]))
                self.check(row[1]["fits"], "at %d px the start %r fits its cell" % (width, row[1]["text"]))
        self.check_console()
        if screenshot:
            self.driver.save_screenshot(screenshot)

    # -- a span linked from 10,000 traces

    BUDGET_MS = 300

    def timed_arrival(self, span_id, go):
        """Milliseconds from running `go` (JavaScript that navigates) until the details show the span:
        the page's own work, read in the page, not the driver's round trips."""
        self.js("""window.__arrived = null;
            const box = document.getElementById('details');
            const watch = new MutationObserver(() => {
              if (box.dataset.span === arguments[0] && window.__arrived === null) { window.__arrived = performance.now(); watch.disconnect(); }
            });
            watch.observe(box, {attributes: true, attributeFilter: ['data-span']});
            window.__left = performance.now();""" + go, span_id)
        self.wait(lambda: self.js("return window.__arrived !== null"), "the span %s to show" % span_id)
        return self.js("return window.__arrived - window.__left")

    def run_linked_budget(self, screenshot):
        """The report of gen_long_lists.py --linked-from 10000: opening the span 10,000 traces link
        to, Back to it, and a shared link straight to it each take under 300 ms, and the page stays
        under 5,000 elements."""
        self.open()
        d = self.data
        hub_trace = next(t for t in d.trace_ids if any(d.span_name(i) == "hub" for i in d.spans_of(t)))
        hub = next(i for i in d.spans_of(hub_trace) if d.span_name(i) == "hub")
        linking = [l for l in d.links if l[1] == hub]
        self.check(len(linking) >= 10_000, "the hub is linked from %s spans" % count_text(len(linking)))
        self.open_span(hub_trace, d.span_ids[hub])
        timings = self.js("return window.tracegraph.timings")
        shared = timings["selected"] - timings["listed"]
        self.check(shared < self.BUDGET_MS, "a shared link opens it in %.0f ms (under %d)" % (shared, self.BUDGET_MS))
        page = self.count("*")
        self.check(page < self.DETAILS_BOUND, "the page holds %d elements (under %d)" % (page, self.DETAILS_BOUND))
        other_trace, other_span = d.ref(linking[0][0])
        self.js("location.hash = '#trace=%s&span=%s'" % (other_trace, other_span))
        self.wait_selected(other_trace, other_span)
        opened = self.timed_arrival(d.span_ids[hub], "location.hash = '#trace=%s&span=%s';" % (hub_trace, d.span_ids[hub]))
        self.check(opened < self.BUDGET_MS, "opening it from a linking span takes %.0f ms (under %d)" % (opened, self.BUDGET_MS))
        self.js("location.hash = '#trace=%s&span=%s'" % (other_trace, other_span))
        self.wait_selected(other_trace, other_span)
        back = self.timed_arrival(d.span_ids[hub], "history.back();")
        self.check(back < self.BUDGET_MS, "Back to it takes %.0f ms (under %d)" % (back, self.BUDGET_MS))
        page = self.count("*")
        self.check(page < self.DETAILS_BOUND, "after Back the page holds %d elements (under %d)" % (page, self.DETAILS_BOUND))
        self.check_console()

    # -- scale

    def run_scale(self, screenshot):
        started = time.time()
        self.open()
        wall = time.time() - started
        d = self.data
        timings = self.js("return window.tracegraph.timings")
        nav = self.js("const n = performance.getEntriesByType('navigation')[0]; return n ? {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd} : null")
        size = os.path.getsize(self.driver_path_of_report())
        print("report: %s bytes (%.1f MB), %d traces, %d spans" % (format(size, ","), size / 1e6, d.trace_count, d.span_count))
        print("first load: JSON parsed at %.0f ms, indexed %.0f ms, list ready %.0f ms, first trace drawn %.0f ms "
              "(DOMContentLoaded %.0f ms; wall %.1f s)" % (
                  timings["parsed"], timings["indexed"], timings["listed"], self.probe("flame")["firstDrawnAt"],
                  nav["dcl"] if nav else -1, wall))
        rows = self.js("return document.querySelectorAll('#trace-rows .trace-row').length")
        self.check(rows < 200, "the list renders only visible rows (%d DOM rows for %d traces)" % (rows, d.trace_count))

        slowest = self.probe("slowestTrace")
        largest = self.probe("largestTrace")
        for label, tid in (("slowest", slowest), ("largest", largest)):
            self.open("#trace=" + tid)
            self.wait_selected(tid, None, "the %s trace to be drawn" % label)
            flame = self.probe("flame")
            drawn_at = flame["firstDrawnAt"]
            print("%s trace %s (%d spans, %d rows): navigation to drawn flame graph %.0f ms "
                  "(layout %.1f ms, draw %.1f ms)" % (label, tid, flame["spans"], flame["rows"], drawn_at,
                                                       flame["lastLayoutMs"], flame["lastDrawMs"]))
            self.check(drawn_at < 10000, "the %s trace's flame graph is drawn within 10 s of navigation" % label)
            self.check(self.canvas_ink() > 100, "the %s trace's flame graph has ink" % label)

        # Sorting and filtering a large list stays interactive.
        self.driver.find_element(By.CSS_SELECTOR, '#trace-head [data-sort="duration"]').click()
        order = self.probe("listOrder")
        print("sorting %d traces by duration: %.0f ms in the page" % (len(order), self.probe("listTimings")["sortMs"]))
        self.check(order and order[0] == slowest, "sorting by duration puts the slowest trace first")
        self.js("const s = document.getElementById('trace-scroll'); s.scrollTop = s.scrollHeight;")
        time.sleep(0.2)
        rendered = self.rendered_rows()
        self.check(rendered and rendered[-1] == order[-1], "scrolling to the end renders the last rows only (%d)" % len(rendered))
        self.type_filter("checkout")
        print("filtering by 'checkout': %.0f ms in the page (%d traces match)" % (
            self.probe("listTimings")["filterMs"], len(self.probe("listOrder"))))
        self.type_filter("")
        self.check_console()
        if screenshot:
            self.driver.save_screenshot(screenshot)

    def driver_path_of_report(self):
        from urllib.parse import unquote, urlparse
        return unquote(urlparse(self.url).path)


def main():
    global VIEWPORT
    parser = argparse.ArgumentParser(description="Browser checks of a tracegraph HTML report.")
    parser.add_argument("--scenario", choices=["example", "shop", "hostile", "scale", "lists", "linked-budget", "multiday", "pipeline"], required=True)
    parser.add_argument("--screenshot", help="save a screenshot of the viewport here")
    parser.add_argument("--viewport", default="1400x1000", help="the window's size, WIDTHxHEIGHT")
    parser.add_argument("--wording", help="a JSON file of numbers and the graph's wording of them")
    parser.add_argument("report")
    args = parser.parse_args()
    if not os.path.exists(args.report):
        print("no such report: " + args.report)
        return 2

    VIEWPORT = tuple(int(part) for part in args.viewport.split("x"))
    driver = start_browser()
    checks = Checks(driver, args.report, args.wording)
    try:
        print("%s: %s" % (args.scenario, args.report))
        getattr(checks, "run_" + args.scenario.replace("-", "_"))(args.screenshot)
    except Exception as error:  # a broken page must fail the check, not crash it silently
        checks.check(False, "the scenario ran to the end (%s: %s)" % (type(error).__name__, str(error).splitlines()[0] if str(error) else ""))
        checks.collect_console()
        for e in checks.console:
            if e.get("level") == "SEVERE":
                print("    console: " + e.get("message", "")[:400])
    finally:
        driver.quit()
    if checks.failures:
        print("%d check(s) failed:" % len(checks.failures))
        for f in checks.failures:
            print("  - " + f)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
