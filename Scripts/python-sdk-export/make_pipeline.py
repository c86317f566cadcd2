#!/usr/bin/env python3
"""Generate the `pipeline` tracegraph test fixture with the real OpenTelemetry Python SDK.

Two long-running processes are "run" on a simulated clock that starts at
2026-11-03T01:00:00Z, in traces joined only by span links:

1. a nightly batch job (`batch-scheduler`) of 10,000 items, one trace per item
   (`reconcile-worker`), 37 of which fail; two hours after the job a re-drive
   trace links to the 37 failed items and starts 37 new item traces, 2 of
   which fail again and are dead-lettered (`dlq-handler`);
2. three orders fulfilled over several days (`orders` -> `payments` ->
   `warehouse` -> `courier-webhook` -> `notifications`), each step a new trace
   linking to the previous step's root span; one order crosses midnight, one
   has a failed delivery and a re-delivery.

As in make_export.py, every service has its own `TracerProvider` (own
Resource), all providers share one seeded `IdGenerator` and one
`InMemorySpanExporter` through a `SimpleSpanProcessor`, and at the end all
finished spans are encoded with the SDK's own OTLP encoder (`encode_spans`)
into one `ExportTraceServiceRequest`, gzip-compressed:

  Tests/Fixtures/python-sdk/pipeline.binpb.gz  binary protobuf (SerializeToString),
                                               gzip level 9, mtime 0, no file name

Everything is deterministic: span/trace ids come from random.Random(SEED),
every span gets explicit start/end times from the simulated clock, and
`service.instance.id` is set explicitly. Running the script twice gives a
byte-identical file. The script checks the fixture's shape (counts, no
dangling parents or links, children inside their parents) and prints counts,
the traces by root, the workflows (traces joined by links) and key trace ids.

Usage (see Tests/Fixtures/python-sdk/README.md):
  python3 -m venv /tmp/otelvenv
  /tmp/otelvenv/bin/pip install -r Scripts/python-sdk-export/requirements.txt
  /tmp/otelvenv/bin/python Scripts/python-sdk-export/make_pipeline.py
"""

import argparse
import datetime
import gzip
import io
import json
import os
import random
import sys
from collections import Counter, defaultdict

# Importing otel_fixture first drops OTEL_* from the environment before the SDK
# is imported (span limits, resource attributes and detectors read them).
from otel_fixture import (
    CONTRIB_VERSION, MS, SEC, SeededIdGenerator, Service, SimulatedWork, hash_octet, remote, start, summarize,
)
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.status import Status, StatusCode

SEED = 20261103
DAY0 = datetime.datetime(2026, 11, 3, 0, 0, 0, tzinfo=datetime.timezone.utc)
DAY0_NS = int(DAY0.timestamp()) * SEC
DAY = 86_400 * SEC
HOUR = 3_600 * SEC
EPOCH_NS = DAY0_NS + 1 * HOUR  # the simulated clock starts at 2026-11-03T01:00:00Z

ENVIRONMENT = "production"
# service -> (version, service.namespace)
SERVICES = {
    "batch-scheduler": ("4.2.0", "ledger"),
    "reconcile-worker": ("4.2.0", "ledger"),
    "dlq-handler": ("0.4.1", "ledger"),
    "orders": ("2.8.1", "fulfilment"),
    "payments": ("3.5.0", "fulfilment"),
    "warehouse": ("1.11.4", "fulfilment"),
    "courier-webhook": ("0.7.2", "fulfilment"),
    "notifications": ("1.2.0", "fulfilment"),
}
SCOPES = {
    "http.server": ("opentelemetry.instrumentation.asgi", CONTRIB_VERSION),
    "http.client": ("opentelemetry.instrumentation.httpx", CONTRIB_VERSION),
    "db": ("opentelemetry.instrumentation.psycopg", CONTRIB_VERSION),
    "kafka": ("opentelemetry.instrumentation.confluent_kafka", CONTRIB_VERSION),
}

# ---- scenario 1: batch job, failures, re-drive, dead letters ----------------------------
JOB_ID = "reconcile-1103"
ITEMS = 10_000
CHUNK = 500
WORKERS = 16
FAILED = 37  # items that fail on the first run
DEAD = 2  # re-driven items that fail again and are dead-lettered
PARTITIONS = 12
BASE_OFFSET = 1_204_000  # every partition of reconcile-items
DLQ_BASE_OFFSET = 57
REDRIVE_DELAY = 2 * HOUR  # after the job's root span ends
KAFKA = ("kafka-1.ledger.internal", 9092)

# ---- scenario 2: orders fulfilled over days -----------------------------------------------
# order id -> what happens at the door
ORDERS = {
    "ord-7001": "delivered",
    "ord-7002": "delivered-at-midnight",  # webhook at day 3 23:59:59.900, ends on day 4
    "ord-7003": "delivery-failed",  # failed on day 3, re-dispatched day 4, delivered day 5
}
MIDNIGHT_WEBHOOK_NS = DAY0_NS + 4 * DAY - 100 * MS


class Pipeline(SimulatedWork):
    def __init__(self, seed):
        self.rng = random.Random(seed + 1)  # simulated latencies and choices
        self.exporter = InMemorySpanExporter()
        id_generator = SeededIdGenerator(seed)
        instance_rng = random.Random(seed + 2)
        self.svc = {
            name: Service(name, version, namespace, ENVIRONMENT, SCOPES, self.exporter, id_generator,
                          instance_rng)
            for name, (version, namespace) in SERVICES.items()
        }
        self.ids = {}  # named trace ids for the README

    # ---- simulated time helpers ------------------------------------------------
    def at(self, day, lo_hour, hi_hour):
        """A time on day `day` (0 = 2026-11-03) between the hours, to the microsecond."""
        return DAY0_NS + day * DAY + int(self.rng.uniform(lo_hour * 3600, hi_hour * 3600) * 1e6) * 1000

    # ---- generic building blocks -----------------------------------------------
    def http_out(self, service, parent, t, method, host, template, path, code, lo, hi):
        """CLIENT call to an uninstrumented HTTPS peer; status ERROR from 400 up."""
        span = start(
            service, "http.client", f"{method} {template}", SpanKind.CLIENT, t, parent,
            attrs={
                "http.request.method": method,
                "server.address": host,
                "server.port": 443,
                "url.full": f"https://{host}{path}",
                "url.template": template,
                "network.protocol.version": "1.1",
            },
        )
        t += self.ms(lo, hi)
        span.set_attribute("http.response.status_code", code)
        if code >= 400:
            span.set_attribute("error.type", str(code))
            span.set_status(Status(StatusCode.ERROR))
        span.end(t)
        return t

    def produce(self, service, parent, t, topic, extra):
        span = start(
            service, "kafka", f"{topic} publish", SpanKind.PRODUCER, t, parent,
            attrs={
                "messaging.system": "kafka",
                "messaging.destination.name": topic,
                "messaging.operation.type": "send",
                "messaging.operation.name": "send",
                "server.address": KAFKA[0],
                "server.port": KAFKA[1],
                **extra,
            },
        )
        return span

    def consumer_attrs(self, group, topic, op_type, extra):
        return {
            "messaging.system": "kafka",
            "messaging.destination.name": topic,
            "messaging.operation.type": op_type,
            "messaging.operation.name": "poll" if op_type == "receive" else op_type,
            "messaging.consumer.group.name": group,
            **extra,
        }

    # ---- scenario 1 ----------------------------------------------------------------
    def batch_job(self):
        bs = self.svc["batch-scheduler"]
        t = EPOCH_NS
        job = start(bs, "manual", "nightly-reconcile", SpanKind.INTERNAL, t,
                    attrs={"batch.job.id": JOB_ID, "batch.job.item_count": ITEMS,
                           "batch.job.schedule": "0 1 * * *"})
        t += self.ms(2, 6)
        t = self.db(bs, job, t, "ledger", "ledger-db", "SELECT", "ledger_accounts",
                    "SELECT id, currency, balance_cents FROM ledger_accounts WHERE reconciled_on < $1",
                    lo=40, hi=120, rows=ITEMS)
        chunk_ready = []
        for k in range(ITEMS // CHUNK):
            t += self.ms(0.2, 1)
            chunk = self.produce(bs, job, t, "reconcile-items",
                                 {"messaging.batch.message_count": CHUNK, "batch.job.id": JOB_ID,
                                  "batch.chunk.index": k})
            t += self.ms(4, 15)
            chunk.end(t)
            chunk_ready.append(t)
        t += self.ms(0.5, 2)
        job.end(t)
        self.job, self.job_end = job, t
        self.ids["batch job"] = job

        failing = set(self.rng.sample(range(ITEMS), FAILED))
        workers = [0] * WORKERS
        job_ctx = remote(job.get_span_context())
        self.failed_items = []  # (index, root span, end time)
        for i in range(ITEMS):
            w = min(range(WORKERS), key=lambda j: workers[j])
            ti = max(workers[w], chunk_ready[i // CHUNK] + self.ms(5, 400)) + self.ms(0.2, 3)
            item, ti = self.item(ti, i, [Link(job_ctx, {"batch.job.id": JOB_ID})], i in failing)
            ti += self.ms(0.1, 0.5)
            item.end(ti)
            workers[w] = ti
            if i in failing:
                self.failed_items.append((i, item, ti))
        self.items_end = max(workers)

    def item(self, t, i, links, fails, redrive=False):
        """One `reconcile-items process` trace; returns (root span, end time)."""
        rw = self.svc["reconcile-worker"]
        partition = i % PARTITIONS
        attrs = self.consumer_attrs("reconcile-worker", "reconcile-items", "process", {
            "messaging.destination.partition.id": str(partition),
            "messaging.kafka.offset": BASE_OFFSET + i // PARTITIONS,
            "batch.job.id": JOB_ID,
            "reconcile.item.id": f"rec-1103-{i:05d}",
        })
        if redrive:
            # republished: the next offset of the item's partition
            attrs["messaging.kafka.offset"] = self.next_offset[partition]
            self.next_offset[partition] += 1
            attrs["redrive.attempt"] = 1
        span = start(rw, "kafka", "reconcile-items process", SpanKind.CONSUMER, t, attrs=attrs,
                     links=links)
        t += self.ms(2, 30)
        if fails or redrive:
            t = self.http_out(rw, span, t, "POST", "ledger-api.example", "/ledger/entries",
                              "/ledger/entries", 503 if fails else 201,
                              *((5, 40) if fails else (20, 120)))
        else:
            t += self.ms(10, 120)  # the success path is not instrumented below the consumer span
        if fails:
            span.set_attribute("error.type", "503")
            span.set_status(Status(StatusCode.ERROR, "ledger-api.example answered 503"))
        return span, t

    def redrive(self):
        bs, rw = self.svc["batch-scheduler"], self.svc["reconcile-worker"]
        t = self.job_end + REDRIVE_DELAY
        assert t > self.items_end + HOUR
        root = start(
            bs, "manual", f"redrive {JOB_ID}", SpanKind.INTERNAL, t,
            attrs={"batch.job.id": JOB_ID, "redrive.count": FAILED},
            links=[Link(remote(item.get_span_context()),
                        {"redrive.reason": "failed", "reconcile.item.id": f"rec-1103-{i:05d}"})
                   for i, item, _ in self.failed_items],
        )
        self.ids["re-drive"] = root
        t += self.ms(1, 4)
        t = self.db(bs, root, t, "ledger", "ledger-db", "SELECT", "reconcile_failures",
                    "SELECT item_id FROM reconcile_failures WHERE job_id = $1 AND redriven_at IS NULL",
                    lo=3, hi=12, rows=FAILED)
        t += self.ms(0.2, 1)
        pub = self.produce(bs, root, t, "reconcile-items",
                           {"messaging.batch.message_count": FAILED, "batch.job.id": JOB_ID,
                            "redrive.count": FAILED})
        t += self.ms(2, 8)
        pub.end(t)
        t_published = t
        t += self.ms(0.5, 2)
        root.end(t)

        dead = set(self.rng.sample(range(FAILED), DEAD))
        root_ctx = remote(root.get_span_context())
        workers = [0] * WORKERS
        self.redriven = []  # (index, failed root, retry root)
        self.dead_letters = []
        self.next_offset = [BASE_OFFSET + len(range(p, ITEMS, PARTITIONS)) for p in range(PARTITIONS)]
        for n, (i, failed, _) in enumerate(self.failed_items):
            w = min(range(WORKERS), key=lambda j: workers[j])
            ti = max(workers[w], t_published + self.ms(5, 400)) + self.ms(0.2, 3)
            links = [Link(root_ctx, {"batch.job.id": JOB_ID}),
                     Link(remote(failed.get_span_context()), {"retry.attempt": 1})]
            span, ti = self.item(ti, i, links, n in dead, redrive=True)
            if n in dead:
                ti += self.ms(0.3, 2)
                dlq = self.produce(rw, span, ti, "reconcile-items.dlq", {
                    "messaging.destination.partition.id": "0",
                    "messaging.kafka.message.key": f"rec-1103-{i:05d}",
                    "batch.job.id": JOB_ID,
                    "error.type": "503",
                })
                dlq.set_status(Status(StatusCode.ERROR, "message dead-lettered after re-drive attempt 1"))
                ti += self.ms(1, 5)
                dlq.end(ti)
                self.dead_letters.append((i, dlq, ti, DLQ_BASE_OFFSET + len(self.dead_letters)))
            ti += self.ms(0.1, 0.5)
            span.end(ti)
            workers[w] = ti
            self.redriven.append((i, failed, span))

        # the first failed item and its retry, for the README
        self.ids["failed item"] = self.redriven[0][1]
        self.ids["its re-driven retry"] = self.redriven[0][2]
        for i, dlq, t_dlq, offset in self.dead_letters:
            self.dlq_consume(i, dlq, t_dlq, offset)

    def dlq_consume(self, i, dlq, t, offset):
        dh = self.svc["dlq-handler"]
        t += self.ms(5, 400)
        span = start(
            dh, "kafka", "reconcile-items.dlq receive", SpanKind.CONSUMER, t,
            attrs=self.consumer_attrs("dlq-handler", "reconcile-items.dlq", "receive", {
                "messaging.destination.partition.id": "0",
                "messaging.kafka.offset": offset,
                "messaging.kafka.message.key": f"rec-1103-{i:05d}",
            }),
            links=[Link(remote(dlq.get_span_context()),
                        {"messaging.kafka.offset": offset, "messaging.destination.partition.id": "0"})],
        )
        t += self.ms(0.2, 1)
        park = start(dh, "manual", "park dead letter", SpanKind.INTERNAL, t, span,
                     attrs={"reconcile.item.id": f"rec-1103-{i:05d}", "dlq.reason": "503"})
        t = self.db(dh, park, t + self.ms(0.1, 0.5), "ledger", "ledger-db", "INSERT", "dead_letters",
                    "INSERT INTO dead_letters (topic, item_id, reason) VALUES ($1, $2, $3)")
        t += self.ms(0.1, 0.5)
        park.end(t)
        span.end(t + self.ms(0.1, 0.5))

    # ---- scenario 2 ----------------------------------------------------------------
    def http_server(self, service, route, t, host, client, user_agent, attrs, links):
        return start(
            service, "http.server", f"POST {route}", SpanKind.SERVER, t,
            attrs={
                "http.request.method": "POST",
                "http.route": route,
                "url.path": route,
                "url.scheme": "https",
                "server.address": host,
                "server.port": 443,
                "client.address": client,
                "network.protocol.version": "2",
                "user_agent.original": user_agent,
                **attrs,
            },
            links=links,
        )

    def link(self, previous, order_id):
        return [Link(remote(previous.get_span_context()), {"order.id": order_id})]

    def place_order(self, n, order_id, t):
        svc = self.svc["orders"]
        root = self.http_server(
            svc, "/orders", t, "api.shop.example", f"203.0.113.{40 + n}",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            {"order.id": order_id}, None)
        t += self.ms(0.5, 2)
        t = self.db(svc, root, t, "orders", "orders-db", "INSERT", "orders",
                    "INSERT INTO orders (id, customer_id, total_cents, status) VALUES ($1, $2, $3, 'placed')")
        root.set_attribute("http.response.status_code", 201)
        root.end(t + self.ms(0.5, 3))
        return root

    def capture_payment(self, order_id, t, previous):
        svc = self.svc["payments"]
        root = start(
            svc, "kafka", "capture payment", SpanKind.CONSUMER, t,
            attrs=self.consumer_attrs("payments", "payment-captures", "process", {
                "messaging.kafka.message.key": order_id,
                "order.id": order_id,
            }),
            links=self.link(previous, order_id),
        )
        t += self.ms(0.5, 2)
        t = self.http_out(svc, root, t, "POST", "api.paygate.example", "/v1/captures", "/v1/captures",
                          201, 80, 400)
        t = self.db(svc, root, t + self.ms(0.1, 1), "payments", "payments-db", "UPDATE", "payments",
                    "UPDATE payments SET status = 'captured', captured_at = now() WHERE order_id = $1")
        root.end(t + self.ms(0.2, 1))
        return root

    def dispatch(self, order_id, t, previous, redelivery=False):
        svc = self.svc["warehouse"]
        attrs = {"order.id": order_id, "shipment.id": f"shp-{order_id[4:]}-{2 if redelivery else 1}"}
        if redelivery:
            attrs["redelivery"] = True
        root = start(svc, "manual", "dispatch shipment", SpanKind.INTERNAL, t, attrs=attrs,
                     links=self.link(previous, order_id))
        t += self.ms(0.5, 2)
        t = self.db(svc, root, t, "warehouse", "warehouse-db", "UPDATE", "shipments",
                    "UPDATE shipments SET status = 'dispatched', dispatched_at = now() WHERE id = $1")
        t = self.http_out(svc, root, t + self.ms(0.1, 1), "POST", "api.courier.example",
                          "/v2/shipments", "/v2/shipments", 201, 120, 600)
        root.end(t + self.ms(0.2, 1))
        return root

    def webhook(self, n, order_id, t, previous, delivered, attempt):
        svc = self.svc["courier-webhook"]
        route = "/webhooks/delivered" if delivered else "/webhooks/delivery-failed"
        root = self.http_server(
            svc, route, t, "hooks.shop.example", f"198.51.100.{60 + n}", "CourierHooks/2.3",
            {"order.id": order_id, "shipment.id": f"shp-{order_id[4:]}-{attempt}"},
            self.link(previous, order_id))
        t += self.ms(0.5, 2)
        status = "delivered" if delivered else "delivery_failed"
        t = self.db(svc, root, t, "warehouse", "warehouse-db", "UPDATE", "shipments",
                    f"UPDATE shipments SET status = '{status}' WHERE id = $1", lo=60, hi=180)
        root.set_attribute("http.response.status_code", 204)
        if not delivered:
            root.set_attribute("delivery.failure_reason", "recipient_not_available")
            root.set_attribute("error.type", "delivery_failed")
            root.set_status(Status(StatusCode.ERROR, "delivery failed: recipient not available"))
        root.end(t + self.ms(0.5, 3))
        return root

    def survey(self, order_id, t, previous):
        svc = self.svc["notifications"]
        root = start(svc, "manual", "send delivery survey", SpanKind.INTERNAL, t,
                     attrs={"order.id": order_id, "survey.template": "delivery-nps-v3"},
                     links=self.link(previous, order_id))
        t += self.ms(0.5, 2)
        t = self.http_out(svc, root, t, "POST", "api.mailer.example", "/v3/mail/send", "/v3/mail/send",
                          202, 40, 220)
        root.end(t + self.ms(0.2, 1))
        return root

    def fulfil(self, n, order_id, story):
        first = self.place_order(n, order_id, self.at(0, 10, 20))
        self.ids[f"{order_id} first trace"] = first
        step = self.capture_payment(order_id, self.at(1, 2, 4), first)
        step = self.dispatch(order_id, self.at(2, 7, 11), step)
        day = 3
        if story == "delivery-failed":
            step = self.webhook(n, order_id, self.at(3, 13, 17), step, delivered=False, attempt=1)
            step = self.dispatch(order_id, self.at(4, 7, 10), step, redelivery=True)
            step = self.webhook(n, order_id, self.at(5, 11, 18), step, delivered=True, attempt=2)
            day = 5
        elif story == "delivered-at-midnight":
            step = self.webhook(n, order_id, MIDNIGHT_WEBHOOK_NS, step, delivered=True, attempt=1)
        else:
            step = self.webhook(n, order_id, self.at(3, 10, 19), step, delivered=True, attempt=1)
        self.survey(order_id, self.at(day + 1, 9, 10), step)

    def run(self):
        self.batch_job()
        self.redrive()
        for n, (order_id, story) in enumerate(ORDERS.items()):
            self.fulfil(n, order_id, story)
        return self.exporter.get_finished_spans()


# ---- checks and counts over the decoded request ----------------------------------------------
def iso(ns):
    dt = datetime.datetime.fromtimestamp(ns // SEC, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{ns % SEC:09d}Z"


def analyse(request):
    """Structure checks, traces by root, workflows (link-connected traces) and scenario counts."""
    spans = {}  # (trace, span) -> (service, span)
    for rs in request.resource_spans:
        service = next(a.value.string_value for a in rs.resource.attributes if a.key == "service.name")
        for ss in rs.scope_spans:
            for sp in ss.spans:
                spans[(sp.trace_id, sp.span_id)] = (service, sp)
    assert len(spans) == sum(len(ss.spans) for rs in request.resource_spans for ss in rs.scope_spans)
    roots, errors_in = {}, set()
    parent_of = defaultdict(list)
    for (tid, sid), (service, sp) in spans.items():
        if sp.parent_span_id:
            parent = spans.get((tid, sp.parent_span_id))
            assert parent is not None, "dangling parent"
            assert parent[1].start_time_unix_nano <= sp.start_time_unix_nano
            assert sp.end_time_unix_nano <= parent[1].end_time_unix_nano, "child outlives parent"
        else:
            assert tid not in roots, "two roots in one trace"
            roots[tid] = (service, sp)
        assert sp.start_time_unix_nano <= sp.end_time_unix_nano
        if sp.status.code == 2:
            errors_in.add(tid)
        for ln in sp.links:
            assert (ln.trace_id, ln.span_id) in spans, "dangling link"
            target = spans[(ln.trace_id, ln.span_id)][1]
            assert target.start_time_unix_nano <= sp.start_time_unix_nano, "link to a later span"
        parent_of[tid].append(sp)
    assert set(roots) == set(parent_of), "trace without a root"

    # workflows: union-find over traces, joined by links either way
    up = {tid: tid for tid in roots}

    def find(x):
        while up[x] != x:
            up[x] = up[up[x]]
            x = up[x]
        return x

    for (tid, _), (_, sp) in spans.items():
        for ln in sp.links:
            a, b = find(tid), find(ln.trace_id)
            if a != b:
                up[max(a, b)] = min(a, b)
    members = defaultdict(list)
    for tid in roots:
        members[find(tid)].append(tid)
    workflows = []
    for tids in members.values():
        groups = Counter()
        failing = Counter()
        for tid in tids:
            key = f"{roots[tid][0]} {roots[tid][1].name}"
            groups[key] += 1
            failing[key] += tid in errors_in
        first = min(tids, key=lambda x: (roots[x][1].start_time_unix_nano, x))
        workflows.append({
            "traces": len(tids),
            "failing_traces": sum(tid in errors_in for tid in tids),
            "spans": sum(len(parent_of[tid]) for tid in tids),
            "first": iso(roots[first][1].start_time_unix_nano),
            "last_end": iso(max(sp.end_time_unix_nano for tid in tids for sp in parent_of[tid])),
            "first_trace": first.hex(),
            "groups": {k: {"traces": v, "failing": failing[k]} for k, v in sorted(groups.items())},
        })
    workflows.sort(key=lambda w: (-w["traces"], w["first"]))

    by_root = Counter(f"{s} {sp.name}" for s, sp in roots.values())
    items = [sp for s, sp in roots.values() if sp.name == "reconcile-items process"]
    attrs = [{a.key: a.value for a in sp.attributes} for sp in items]
    first_run = [sp for sp, a in zip(items, attrs) if "redrive.attempt" not in a]
    retries = [sp for sp, a in zip(items, attrs) if "redrive.attempt" in a]
    return {
        "traces_by_root": dict(sorted(by_root.items())),
        "failing_traces": len(errors_in),
        "items": len(first_run),
        "failed_items": sum(sp.status.code == 2 for sp in first_run),
        "redriven_items": len(retries),
        "redriven_failed_again": sum(sp.status.code == 2 for sp in retries),
        "dead_letters": sum(sp.name == "reconcile-items.dlq publish" for _, sp in spans.values()),
        "workflows": workflows,
    }


def main():
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default=os.path.join(repo, "Tests", "Fixtures", "python-sdk"))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()

    pipeline = Pipeline(args.seed)
    spans = pipeline.run()
    request = encode_spans(spans)
    binary = request.SerializeToString(deterministic=True)
    buffer = io.BytesIO()
    # mtime 0 and no file name: the header holds nothing that changes from run to run.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="", compresslevel=9) as gz:
        gz.write(binary)
    compressed = buffer.getvalue()
    assert gzip.decompress(compressed) == binary

    summary = summarize(request)
    facts = analyse(request)
    assert facts["items"] == ITEMS and facts["failed_items"] == FAILED
    assert facts["redriven_items"] == FAILED and facts["redriven_failed_again"] == DEAD
    assert facts["dead_letters"] == DEAD
    batch = facts["workflows"][0]
    assert batch["traces"] == 1 + ITEMS + 1 + FAILED + DEAD, batch["traces"]
    assert len(facts["workflows"]) == 1 + len(ORDERS)

    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "pipeline.binpb.gz"), "wb") as fh:
        fh.write(compressed)
    summary.update({k: v for k, v in facts.items() if k != "workflows"})
    summary["trace_ids"] = {name: format(span.get_span_context().trace_id, "032x")
                            for name, span in pipeline.ids.items()}
    summary["workflows"] = facts["workflows"]
    summary["binpb_bytes"] = len(binary)
    summary["gz_bytes"] = len(compressed)
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
