#!/usr/bin/env python3
"""Writes each Collector `servicegraph` golden output (OTLP metrics as YAML, in
Tests/ServiceGraphTests/Fixtures/Engines/collector/) as the Collector's Prometheus exporter
serves it on /metrics. PROVENANCE.md says which rule of the exporter each step follows.

Run from this folder: python3 derive_scrapes.py
"""
import decimal
import yaml

UPSTREAM = "../../../ServiceGraphTests/Fixtures/Engines/collector/"
FILES = {
    "failed-label-not-work-expect-metrics.yaml": "failed-label-not-work.prom",
    "extra-dimensions-queue-db-expected-metrics.yaml": "extra-dimensions-queue-db.prom",
    "virtual-node-label-client-expected-metrics.yaml": "virtual-node-label-client.prom",
    "virtual-node-label-server-expected-metrics.yaml": "virtual-node-label-server.prom",
}
UNIT_SUFFIX = {"s": "seconds", "ms": "milliseconds"}


def go_float(value):
    """strconv.AppendFloat(value, 'g', -1, 64), as client_golang's writeFloat writes values and le."""
    value = float(value)
    if value == float("inf"):
        return "+Inf"
    if value == 1:
        return "1"
    if value == 0:
        return "0"
    digits = decimal.Decimal(repr(value)).normalize()
    sign, coefficient, exponent = digits.as_tuple()
    text = "".join(map(str, coefficient))
    point = len(text) + exponent  # the decimal point's place after the first digit count
    exp = point - 1
    if exp < -4 or exp >= 6:  # shortest: %e when the exponent is < -4 or >= 6 (eprec = 6)
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return ("-" if sign else "") + f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        out = "0." + "0" * -point + text
    elif point >= len(text):
        out = text + "0" * (point - len(text))
    else:
        out = text[:point] + "." + text[point:]
    return ("-" if sign else "") + out


def label_name(key):
    """The exporter's label sanitising: characters outside [a-zA-Z0-9_] become '_'."""
    return "".join(c if c.isalnum() or c == "_" else "_" for c in key)


def attribute_value(value):
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return "true" if value["boolValue"] else "false"
    return str(list(value.values())[0])


def escape(value):
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def labels(point, scope):
    pairs = {label_name(a["key"]): attribute_value(a["value"]) for a in point.get("attributes", [])}
    pairs.update({"otel_scope_name": scope, "otel_scope_schema_url": "", "otel_scope_version": ""})
    return sorted(pairs.items())


def render(pairs, extra=None):
    items = [f'{k}="{escape(v)}"' for k, v in pairs]
    if extra:
        items.append(f'{extra[0]}="{extra[1]}"')
    return "{" + ",".join(items) + "}"


def derive(source, target):
    document = yaml.safe_load(open(UPSTREAM + source))
    families = {}
    for resource in document["resourceMetrics"]:
        for scope_metrics in resource["scopeMetrics"]:
            scope = scope_metrics.get("scope", {}).get("name", "")
            for metric in scope_metrics["metrics"]:
                name = metric["name"]
                if "histogram" in metric:
                    suffix = UNIT_SUFFIX.get(metric.get("unit", ""))
                    if suffix and not name.endswith("_" + suffix):
                        name += "_" + suffix
                    lines = []
                    for point in metric["histogram"]["dataPoints"]:
                        pairs = labels(point, scope)
                        cumulative = 0
                        bounds = [*point["explicitBounds"], float("inf")]
                        for bound, count in zip(bounds, point["bucketCounts"]):
                            cumulative += int(count)
                            lines.append((pairs, f"{name}_bucket{render(pairs, ('le', go_float(bound)))} {go_float(cumulative)}"))
                        lines.append((pairs, f"{name}_sum{render(pairs)} {go_float(point['sum'])}"))
                        lines.append((pairs, f"{name}_count{render(pairs)} {go_float(int(point['count']))}"))
                    families[name] = ("histogram", lines)
                else:
                    lines = []
                    for point in metric["sum"]["dataPoints"]:
                        pairs = labels(point, scope)
                        value = point.get("asInt", point.get("asDouble"))
                        lines.append((pairs, f"{name}{render(pairs)} {go_float(value)}"))
                    families[name] = ("counter", lines)
    out = []
    for name in sorted(families):  # Gather sorts families by name ...
        kind, lines = families[name]
        out.append(f"# HELP {name} ")  # ... and writes an empty description as "# HELP name "
        out.append(f"# TYPE {name} {kind}")
        # ... and the metrics of a family by their label values; a histogram's lines stay together.
        for _, line in sorted(lines, key=lambda item: [v for _, v in item[0]]):
            out.append(line)
    open(target, "w").write("\n".join(out) + "\n")


for source, target in FILES.items():
    derive(source, target)
