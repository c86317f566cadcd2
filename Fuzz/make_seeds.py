#!/usr/bin/env python3
"""Cuts the real exports of ../shared/corpus into small seeds for the fuzz targets.

Usage: make_seeds.py CORPUS OUT

Writes OUT/<target>/<name> for each target: the small files whole, and each span of the larger
ones alone in its resource (OTLP), trace and process (Jaeger) or array (Zipkin), every seed under
MAX_SEED bytes, so that the fuzzer runs thousands of inputs a second instead of a few. A seed is a
byte of options (see FuzzInput in Sources/FuzzSupport/FuzzRead.swift) and then the export.
"""

import gzip
import hashlib
import json
import os
import sys

MAX_SEED = 4096

# Options byte: bit 0 keepGoing, 1 strict, 2 graph's detail, 3 path API too, 4 gzip it first.
PLAIN, KEEP_GOING, GRAPH_DETAIL, THROUGH_PATH, GZIP = 0x00, 0x01, 0x04, 0x08, 0x10


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


# --- OTLP/JSON -------------------------------------------------------------------------------

def otlp_documents(text):
    """The JSON documents of a file: one, or one a line."""
    try:
        return [json.loads(text)]
    except ValueError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def otlp_span_seeds(document):
    """One document per span, in its resource and scope, keeping the keys' spelling."""
    # Tempo wraps the request ({"batches": ...}), query APIs in "data" or "result".
    if isinstance(document, dict):
        for wrapper in ("data", "result", "trace"):
            if isinstance(document.get(wrapper), dict):
                document = document[wrapper]
    if not isinstance(document, dict):
        return
    for top in ("resourceSpans", "resource_spans", "batches"):
        for resource_spans in document.get(top) or []:
            for scope_key in ("scopeSpans", "scope_spans", "instrumentationLibrarySpans"):
                for scope_spans in resource_spans.get(scope_key) or []:
                    for span in scope_spans.get("spans") or []:
                        one_scope = dict(scope_spans, spans=[trim_span(span)])
                        one_resource = dict(resource_spans, **{scope_key: [one_scope]})
                        yield {top: [one_resource]}


def trim_span(span):
    """A span with at most a few attributes, events and links, so that it stays small."""
    span = dict(span)
    for key in ("attributes", "events", "links", "tags", "logs", "references", "annotations"):
        if isinstance(span.get(key), list):
            span[key] = span[key][:4]
    return span


# --- Jaeger ------------------------------------------------------------------------------------

def jaeger_span_seeds(document):
    # The query API's answer ({"data": [trace]}) or the UI's download (one trace).
    traces = document.get("data") or [] if "data" in document else [document]
    for trace in traces:
        processes = trace.get("processes") or {}
        for span in trace.get("spans") or []:
            one = {key: value for key, value in trace.items() if key not in ("spans", "processes")}
            one["spans"] = [trim_span(span)]
            process_id = span.get("processID")
            one["processes"] = {process_id: processes[process_id]} if process_id in processes else {}
            yield {"data": [one]} if "data" in document else one


# --- Zipkin ------------------------------------------------------------------------------------

def zipkin_span_seeds(document):
    spans = document if isinstance(document, list) else []
    for span in spans:
        yield [trim_span(span)]
    # Client and server halves of one span id, which the reader pairs.
    by_id = {}
    for span in spans:
        by_id.setdefault((span.get("traceId"), span.get("id")), []).append(span)
    for halves in by_id.values():
        if len(halves) > 1:
            yield [trim_span(span) for span in halves[:2]]


# --- OTLP/protobuf ---------------------------------------------------------------------------

def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_varint(data, offset):
    value, shift = 0, 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, offset


def fields(data):
    """(field number, wire type, raw bytes of the whole field, payload of a length-delimited one)."""
    offset = 0
    while offset < len(data):
        start = offset
        tag, offset = read_varint(data, offset)
        number, wire = tag >> 3, tag & 7
        payload = None
        if wire == 0:
            _, offset = read_varint(data, offset)
        elif wire == 1:
            offset += 8
        elif wire == 5:
            offset += 4
        elif wire == 2:
            length, offset = read_varint(data, offset)
            payload = data[offset:offset + length]
            offset += length
        else:
            raise ValueError("wire type %d" % wire)
        yield number, wire, data[start:offset], payload


def length_delimited(number, payload):
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def protobuf_span_seeds(message):
    """TracesData / ExportTraceServiceRequest: resource_spans = 1, scope_spans = 2, spans = 2."""
    for number, _, _, resource_spans in fields(message):
        if number != 1:
            continue
        resource_rest = b"".join(raw for n, _, raw, _ in fields(resource_spans) if n != 2)
        for n, _, _, scope_spans in fields(resource_spans):
            if n != 2:
                continue
            scope_rest = b"".join(raw for m, _, raw, _ in fields(scope_spans) if m != 2)
            for m, _, _, span in fields(scope_spans):
                if m == 2:
                    scope = scope_rest + length_delimited(2, span)
                    yield length_delimited(1, resource_rest + length_delimited(2, scope))


def framed(messages):
    """The Collector file exporter's `format: proto`: each message after its length, 4 bytes big-endian."""
    return b"".join(len(message).to_bytes(4, "big") + message for message in messages)


def unframe(data):
    """The messages of a length-prefixed stream, or None when the bytes are not one."""
    messages, offset = [], 0
    while offset + 4 <= len(data):
        length = int.from_bytes(data[offset:offset + 4], "big")
        if offset + 4 + length > len(data):
            return None
        messages.append(data[offset + 4:offset + 4 + length])
        offset += 4 + length
    return messages if offset == len(data) and messages else None


# --- Writing -----------------------------------------------------------------------------------

class Seeds:
    def __init__(self, out):
        self.out = out
        self.counts = {}

    def add(self, target, export, options=(PLAIN,), name="seed"):
        for option in options:
            data = bytes([option]) + export
            if len(data) > MAX_SEED and not name.startswith("big"):
                continue
            folder = os.path.join(self.out, target)
            os.makedirs(folder, exist_ok=True)
            digest = hashlib.sha1(data).hexdigest()[:12]
            path = os.path.join(folder, "%s-%02x-%s" % (name, option, digest))
            if not os.path.exists(path):
                with open(path, "wb") as file:
                    file.write(data)
                self.counts[target] = self.counts.get(target, 0) + 1


def main(corpus, out):
    seeds = Seeds(out)
    sniff = []  # (name, export) of every format, for the sniffing target

    def files(*folders):
        for folder in folders:
            path = os.path.join(corpus, folder)
            for name in sorted(os.listdir(path)):
                with open(os.path.join(path, name), "rb") as file:
                    yield os.path.splitext(name)[0], file.read()

    for name, data in files("otlp-json", "otlp-jsonl", "tempo"):
        seeds.add("otlp-json", data, name=name)
        sniff.append((name, data))
        documents = otlp_documents(data.decode())
        one_span = [compact(d) for document in documents for d in otlp_span_seeds(document)]
        for index, export in enumerate(one_span):
            seeds.add("otlp-json", export, name="%s-span%d" % (name, index))
        if one_span:
            sniff.append((name + "-span", one_span[0]))
        # JSON lines: two one-span documents, a line each, and with a blank line and CRLF.
        if len(one_span) >= 2:
            seeds.add("otlp-json", one_span[0] + b"\n" + one_span[1] + b"\n", name=name + "-lines")
            seeds.add("otlp-json", one_span[0] + b"\r\n\r\n" + one_span[1], (KEEP_GOING,), name=name + "-lines")
        for index, document in enumerate(documents[:2]):
            seeds.add("otlp-json", compact(document), (GRAPH_DETAIL,), name="%s-compact%d" % (name, index))

    for name, data in files("jaeger"):
        seeds.add("jaeger", data, name=name)
        sniff.append((name, data))
        for index, export in enumerate(compact(d) for d in jaeger_span_seeds(json.loads(data))):
            seeds.add("jaeger", export, name="%s-span%d" % (name, index))
            if index == 0:
                sniff.append((name + "-span", export))

    for name, data in files("zipkin"):
        seeds.add("zipkin", data, name=name)
        sniff.append((name, data))
        for index, export in enumerate(compact(d) for d in zipkin_span_seeds(json.loads(data))):
            seeds.add("zipkin", export, name="%s-span%d" % (name, index))
            if index == 0:
                sniff.append((name + "-span", export))

    for name, data in files("otlp-proto"):
        messages = unframe(data) or [data]
        seeds.add("otlp-proto", data, (PLAIN, THROUGH_PATH), name=name)
        sniff.append((name, data))
        one_span = [span for message in messages for span in protobuf_span_seeds(message)]
        for index, export in enumerate(one_span):
            seeds.add("otlp-proto", export, name="%s-span%d" % (name, index))
            seeds.add("otlp-proto", framed([export]), (PLAIN, THROUGH_PATH), name="%s-framed%d" % (name, index))
        if len(one_span) >= 2:
            seeds.add("otlp-proto", framed(one_span[:2]), (PLAIN, THROUGH_PATH), name=name + "-framed-pair")
            seeds.add("otlp-proto", framed(one_span[:3]), (KEEP_GOING | THROUGH_PATH,), name=name + "-framed-three")
            sniff.append((name + "-framed", framed(one_span[:2])))
        if one_span:
            sniff.append((name + "-span", one_span[0]))

    # Sniffing, through memory and the path API, plain and gzip, and the bytes of a gzip file
    # as they are (which the fuzzer can then mutate as such).
    for name, export in sniff:
        seeds.add("sniff", export, (PLAIN, THROUGH_PATH, THROUGH_PATH | GZIP), name=name)
        if len(export) < 1024:
            seeds.add("sniff", gzip.compress(export, mtime=0), (THROUGH_PATH,), name=name + "-gz")

    for target, count in sorted(seeds.counts.items()):
        print("%-10s %d seeds" % (target, count))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
