#!/usr/bin/env python3
"""Writes the Prometheus HTTP API answers that a Prometheus receiving Grafana Tempo's
metrics-generator remote write gives for the query
    {__name__=~"traces_service_graph_request_(total|failed_total|server_seconds_bucket|client_seconds_bucket)"}
PROVENANCE.md says where every number comes from. Run from this folder: python3 make_answers.py
"""
import json

T0 = 1764460800  # 2025-11-30T00:00:00Z; a query_range from T0 to T0 + 600 s, step 60 s
STEPS = 11
BUCKETS = [0.04]  # TestServiceGraphs: cfg.HistogramBuckets = []float64{0.04}

# Each edge one trace adds, as Tempo's servicegraphs processor counts it (its labels: client,
# server, connection_type, and the dimensions beast and god), with the client and server span
# durations in seconds, taken from the traces in Tests/ServiceGraphTests/Fixtures/Engines/tempo/.
QUEUE_DATABASE = [  # trace-with-queue-database.json, TestServiceGraphs
    ({"client": "mythical-requester", "server": "mythical-server", "beast": "manticore", "god": "zeus"}, False, 0.045834, 0.029986),
    ({"client": "mythical-server", "server": "postgres", "connection_type": "database"}, False, 0.023781, 0.023781),
    ({"client": "mythical-requester", "server": "mythical-recorder", "connection_type": "messaging_system"}, False, 0.000069, 0.000699),
]
FAILED_REQUESTS = [  # trace-with-failed-requests.json, TestServiceGraphs_failedRequests
    ({"client": "mythical-requester", "server": "mythical-server", "beast": "illithid"}, True, 0.015318, 0.007310),
    ({"client": "mythical-server", "server": "postgres", "connection_type": "database"}, True, 0.002779, 0.002779),
]

# How many copies of each trace each metrics-generator instance counted in each minute of the
# range (minute 0: what it had counted before the range began). tempo-metrics-generator-1
# restarts in minute 6: its counters start again from 0, a counter reset.
SCHEDULE = {
    "tempo-metrics-generator-0": {"queue": [40, 3, 2, 4, 3, 5, 2, 3, 4, 2, 3], "failed": [4, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]},
    "tempo-metrics-generator-1": {"queue": [35, 2, 4, 3, 3, 2, 4, 3, 2, 3, 3], "failed": [3, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0]},
}
RESTART = {"tempo-metrics-generator-1": 6}


def series_of(instance):
    """Each series' value at each step: counters as the registry keeps them (cumulative since the start)."""
    values = {}

    def add(name, labels, step, amount):
        key = (name, tuple(sorted({**labels, "__metrics_gen_instance": instance}.items())))
        values.setdefault(key, [0.0] * STEPS)
        for later in range(step, STEPS):
            values[key][later] += amount

    for trace, edges in (("queue", QUEUE_DATABASE), ("failed", FAILED_REQUESTS)):
        for step, copies in enumerate(SCHEDULE[instance][trace]):
            for labels, failed, client_seconds, server_seconds in edges:
                add("traces_service_graph_request_total", labels, step, copies)
                if failed:
                    add("traces_service_graph_request_failed_total", labels, step, copies)
                for side, seconds in (("client", client_seconds), ("server", server_seconds)):
                    for bound in [*BUCKETS, float("inf")]:
                        if seconds <= bound:
                            le = "+Inf" if bound == float("inf") else repr(bound)
                            add(f"traces_service_graph_request_{side}_seconds_bucket", {**labels, "le": le}, step, copies)
    restart = RESTART.get(instance)
    if restart is not None:
        for series in values.values():
            before = series[restart - 1]
            for step in range(restart, STEPS):
                series[step] -= before
    return values


def prometheus_value(value):
    """Prometheus writes sample values with strconv.FormatFloat(v, 'f', -1, 64)."""
    return str(int(value)) if value == int(value) else repr(value)


def metric(key):
    name, labels = key
    # Prometheus drops labels with empty values; it writes a series' labels sorted by name.
    return dict(sorted([("__name__", name), *[(k, v) for k, v in labels if v != ""]]))


everything = {}
for instance in SCHEDULE:
    everything.update(series_of(instance))
keys = sorted(everything, key=lambda key: sorted(metric(key).items()))

matrix = {"status": "success", "data": {"resultType": "matrix", "result": [
    {"metric": metric(key), "values": [[T0 + 60 * step, prometheus_value(v)] for step, v in enumerate(everything[key])]}
    for key in keys]}}
vector = {"status": "success", "data": {"resultType": "vector", "result": [
    {"metric": metric(key), "value": [T0 + 600, prometheus_value(everything[key][-1])]} for key in keys]}}
# `sum by (client, server) (traces_service_graph_request_total)`: the series lose __name__.
totals = {}
for key in keys:
    name, labels = key
    if name == "traces_service_graph_request_total":
        labels = dict(labels)
        edge = (labels["client"], labels["server"])
        totals[edge] = totals.get(edge, 0) + everything[key][-1]
summed = {"status": "success", "data": {"resultType": "vector", "result": [
    {"metric": {"client": client, "server": server}, "value": [T0 + 600, prometheus_value(total)]}
    for (client, server), total in sorted(totals.items())]}}
# What Prometheus answers to a query cut short (its parser's message for a missing closing brace).
failed = {"status": "error", "errorType": "bad_data",
          "error": "invalid parameter \"query\": 1:82: parse error: unexpected end of input inside braces"}

for name, answer in (("query_range.json", matrix), ("query.json", vector), ("sum-by.json", summed), ("query-error.json", failed)):
    open(name, "w").write(json.dumps(answer, separators=(",", ":")) + "\n")
