#!/usr/bin/env python3
"""Writes an OTLP/JSON export whose lists grow without bound, for the report's long-list checks.

    gen_long_lists.py [--links N] [--attributes N] [--linked-from N] [--events N]
                      [--services N] [--resource-attributes N] [--long-value CHARS] [--seed S] > OUT.json

The trace "hub" holds, under its root span `hub` (which every trace of `--linked-from` links
to, one span each):
  fan-out   a span with --links links, to the spans of 200 target traces of 10 spans each
            (every 97th to a span not in the input), each link with an attribute
  wide      a span with --attributes attributes, one of them --long-value characters long
  chatty    a span with --events events, each with two attributes
and the trace "crowd" has a span from each of --services services. The hub's service has
--resource-attributes resource attributes. The output is the same for the same arguments.
"""
import argparse
import json
import random
import sys

BASE = 1_763_629_200_000_000_000  # 2025-11-20T09:00:00Z in ns


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--links", type=int, default=100_000)
    p.add_argument("--attributes", type=int, default=1_000_000)
    p.add_argument("--linked-from", type=int, default=10_000)
    p.add_argument("--events", type=int, default=50_000)
    p.add_argument("--services", type=int, default=2_000)
    p.add_argument("--resource-attributes", type=int, default=100_000)
    p.add_argument("--long-value", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)

    def trace_id(kind, k):
        return "%02x%030x" % (kind, k)

    def span_id(kind, k):
        return "%02x%014x" % (kind, k)

    def attr(key, value):
        return {"key": key, "value": {"stringValue": value}}

    def span(tid, sid, name, start, duration, parent="", kind=1, **extra):
        s = {"traceId": tid, "spanId": sid, "parentSpanId": parent, "name": name, "kind": kind,
             "startTimeUnixNano": str(BASE + start), "endTimeUnixNano": str(BASE + start + duration)}
        s.update(extra)
        return s

    def resource(service, spans, attributes=()):
        return {"resource": {"attributes": [attr("service.name", service)] + list(attributes)},
                "scopeSpans": [{"scope": {"name": "gen_long_lists", "version": "1"}, "spans": spans}]}

    out = []
    # 200 target traces of 10 spans each.
    targets = []
    target_spans = []
    for t in range(200):
        tid = trace_id(0x7a, t)
        start = rng.randrange(1_000_000, 50_000_000)
        for k in range(10):
            sid = span_id(0x7a, t * 10 + k)
            target_spans.append(span(tid, sid, "target %d.%d" % (t, k), start + k * 1000, 500_000,
                                     parent="" if k == 0 else span_id(0x7a, t * 10), kind=2 if k == 0 else 1))
            targets.append((tid, sid))
    out.append(resource("target", target_spans))

    hub_tid = trace_id(0x40, 0)
    hub = span_id(0x40, 1)
    links = []
    for k in range(a.links):
        if k % 97 == 96:
            tid, sid = trace_id(0x99, k), span_id(0x99, k)
        else:
            tid, sid = targets[k % len(targets)]
        links.append({"traceId": tid, "spanId": sid, "attributes": [attr("link.index", str(k))]})
    wide_attributes = [attr("attribute.%07d" % k, "value %d" % k) for k in range(max(0, a.attributes - 1))]
    wide_attributes.insert(0, attr("long.value", ("0123456789abcdef<&>" * (a.long_value // 19 + 1))[:a.long_value]))
    events = [{"timeUnixNano": str(BASE + 60_000_000 + k * 10), "name": "event %d" % k,
               "attributes": [attr("event.index", str(k)), attr("event.note", "<b>not bold</b>")]} for k in range(a.events)]
    hub_spans = [
        span(hub_tid, hub, "hub", 0, 100_000_000, kind=2),
        span(hub_tid, span_id(0x40, 2), "fan-out", 55_000_000, 1_000_000, parent=hub, links=links),
        span(hub_tid, span_id(0x40, 3), "wide", 57_000_000, 1_000_000, parent=hub, attributes=wide_attributes),
        span(hub_tid, span_id(0x40, 4), "chatty", 60_000_000, 30_000_000, parent=hub, events=events),
    ]
    out.append(resource("hub", hub_spans, [attr("resource.%06d" % k, "r%d" % k) for k in range(a.resource_attributes)]))

    # Traces of one span each, all linking to the hub.
    linkers = [span(trace_id(0x55, k), span_id(0x55, k), "linker %d" % k, 200_000_000 + k * 1000, 100_000, kind=5,
                    links=[{"traceId": hub_tid, "spanId": hub}]) for k in range(a.linked_from)]
    out.append(resource("linker", linkers))

    # A trace with a span from each of many services.
    crowd_tid = trace_id(0x33, 0)
    crowd_root = span_id(0x33, 0)
    for k in range(a.services):
        out.append(resource("service-%05d" % k, [span(crowd_tid, span_id(0x33, k), "crowd %d" % k, k * 1000, 1_000_000,
                                                      parent="" if k == 0 else crowd_root)]))
    json.dump({"resourceSpans": out}, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
