#!/usr/bin/env python3
"""Generate the `python-sdk` tracegraph test fixture with the real OpenTelemetry Python SDK.

A small simulated shop is "run" on a simulated clock. Every service has its own
`TracerProvider` (own Resource), all providers share one `InMemorySpanExporter`
through a `SimpleSpanProcessor`, and at the end all finished spans are encoded
with the SDK's own OTLP encoder (`encode_spans`) into an
`ExportTraceServiceRequest`:

  Tests/Fixtures/python-sdk/shop.binpb  binary protobuf (SerializeToString)
  Tests/Fixtures/python-sdk/shop.json   the same request as OTLP/JSON
                                        (hex ids, integer enums, int64 as strings)

Everything is deterministic: span/trace ids come from a seeded IdGenerator,
every span gets explicit start/end times from the simulated clock, and
`service.instance.id` is set explicitly (the SDK would otherwise add a random
UUID). Running the script twice gives byte-identical files.

Usage (see Tests/Fixtures/python-sdk/README.md):
  python3 -m venv /tmp/otelvenv
  /tmp/otelvenv/bin/pip install -r Scripts/python-sdk-export/requirements.txt
  /tmp/otelvenv/bin/python Scripts/python-sdk-export/make_export.py
"""

import argparse
import base64
import datetime
import json
import os
import random
import sys
import zlib

# Importing otel_fixture first drops OTEL_* from the environment before the SDK
# is imported (span limits, resource attributes and detectors read them).
from otel_fixture import (
    CONTRIB_VERSION, MS, SEC, SeededIdGenerator, Service, SimulatedWork, frame, hash_octet,
    record_error, remote, start, summarize,
)
from google.protobuf import json_format
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.status import Status, StatusCode

SEED = 20261102
EPOCH = datetime.datetime(2026, 11, 2, 9, 0, 0, tzinfo=datetime.timezone.utc)
EPOCH_NS = int(EPOCH.timestamp()) * 1_000_000_000

SERVICE_VERSIONS = {
    "storefront": "2.14.0",
    "checkout": "1.9.3",
    "cart": "1.4.0",
    "payment": "3.2.1",
    "inventory": "1.7.2",
    "email": "0.9.0",
    "fraud-detection": "2.1.0",
    "accounting": "1.3.5",
    "dlq-handler": "0.4.1",
    "billing": "1.12.0",
    "invoice-worker": "1.12.0",
}

# Instrumentation scopes per "role" (name, version). The payment service's
# outbound gateway call is instrumented Node.js-style (http + dns + net).
SCOPES = {
    "http.server": ("opentelemetry.instrumentation.asgi", CONTRIB_VERSION),
    "http.client": ("opentelemetry.instrumentation.httpx", CONTRIB_VERSION),
    "db": ("opentelemetry.instrumentation.psycopg", CONTRIB_VERSION),
    "kafka": ("opentelemetry.instrumentation.confluent_kafka", CONTRIB_VERSION),
    "node.http": ("@opentelemetry/instrumentation-http", "0.208.0"),
    "node.dns": ("@opentelemetry/instrumentation-dns", "0.52.0"),
    "node.net": ("@opentelemetry/instrumentation-net", "0.52.0"),
}

N_CHECKOUTS = 40
# checkout index -> outcome of each attempt; attempts beyond the list succeed.
CHECKOUT_FAILURES = {
    7: ["timeout"],
    19: ["timeout", "timeout"],  # retry chain: attempt 1 and attempt 2
    31: ["timeout"],
    12: ["declined"],  # saga compensation
    27: ["declined"],  # saga compensation
}
LOOPBACK_CHECKOUT = 3  # inventory calls itself during this checkout
FRAUD_FAILURES = {5, 22, 36}  # fraud-detection dead-letters these orders
ACCOUNTING_BATCH = 10
ORDERS_PARTITIONS = 3
ORDERS_BASE_OFFSETS = [48211, 47960, 48533]
DLQ_BASE_OFFSET = 112

BILLING_JOB_ID = "nightly-42"
BILLING_ITEMS = 1000
BILLING_CHUNK = 100
BILLING_WORKERS = 8
BILLING_FAILURES = 6
BILLING_START_NS = EPOCH_NS + 15 * 60 * SEC


def shop_service(name, exporter, id_generator, instance_rng):
    """A shop service: namespace `shop`, environment `staging`, the shop's scopes."""
    return Service(name, SERVICE_VERSIONS[name], "shop", "staging", SCOPES, exporter, id_generator,
                   instance_rng)


class Shop(SimulatedWork):
    def __init__(self, seed):
        self.rng = random.Random(seed + 1)  # simulated latencies and choices
        self.exporter = InMemorySpanExporter()
        id_generator = SeededIdGenerator(seed)
        instance_rng = random.Random(seed + 2)
        self.svc = {
            name: shop_service(name, self.exporter, id_generator, instance_rng)
            for name in SERVICE_VERSIONS
        }
        self.messages = []  # published `orders` messages
        self.dlq_messages = []
        self.compensations = []
        self.loopback_done = False

    # ---- simulated time helpers ------------------------------------------------
    def net(self):
        return self.ms(0.3, 1.8)

    # ---- generic building blocks -----------------------------------------------
    def http_call(self, client, server, parent, t, method, route, path, host, port, handler,
                  query=None, client_attrs=None):
        """CLIENT span in `client`, SERVER span in `server` as its (remote) child.

        handler(server_span, t) -> (t_end, status_code) runs the server side.
        Returns (client_span, t_client_end, status_code).
        """
        url = f"http://{host}:{port}{path}" + (f"?{query}" if query else "")
        c_attrs = {
            "http.request.method": method,
            "server.address": host,
            "server.port": port,
            "url.full": url,
            "url.template": route,
            "network.protocol.version": "1.1",
        }
        c_attrs.update(client_attrs or {})
        cs = start(client, "http.client", f"{method} {route}", SpanKind.CLIENT, t, parent, attrs=c_attrs)
        ts = t + self.net()
        ss = start(
            server, "http.server", f"{method} {route}", SpanKind.SERVER, ts, cs, remote_parent=True,
            attrs={
                "http.request.method": method,
                "http.route": route,
                "url.path": path,
                "url.scheme": "http",
                "server.address": host,
                "server.port": port,
                "client.address": f"10.42.{hash_octet(client.name)}.{hash_octet(client.name + 'pod')}",
                "network.protocol.version": "1.1",
                "user_agent.original": f"python-httpx/0.28.1 ({client.name})",
                **({"url.query": query} if query else {}),
            },
        )
        t_end, code = handler(ss, ts + self.ms(0.1, 0.6))
        ss.set_attribute("http.response.status_code", code)
        if code >= 500:
            ss.set_attribute("error.type", str(code))
            ss.set_status(Status(StatusCode.ERROR))
        ss.end(t_end)
        tc_end = t_end + self.net()
        cs.set_attribute("http.response.status_code", code)
        if code >= 400:
            cs.set_attribute("error.type", str(code))
            cs.set_status(Status(StatusCode.ERROR))
        cs.end(tc_end)
        return cs, tc_end, code

    # ---- services ----------------------------------------------------------------
    def cart_handler(self, cart_id):
        def handle(span, t):
            span.set_attribute("shop.cart.id", cart_id)
            return t + self.ms(2, 12), 200
        return handle

    def inventory_reserve_handler(self, order_id, loopback):
        def handle(span, t):
            span.set_attribute("shop.order.id", order_id)
            if loopback:
                sku = "sku-4711"
                def stock(s, t2):
                    s.set_attribute("shop.sku", sku)
                    return t2 + self.ms(1, 4), 200
                _, t, _ = self.http_call(
                    self.svc["inventory"], self.svc["inventory"], span, t + self.ms(0.2, 1),
                    "GET", "/stock/{sku}", f"/stock/{sku}", "inventory", 8080, stock,
                )
            return t + self.ms(4, 20), 201
        return handle

    def inventory_release_handler(self, order_id):
        def handle(span, t):
            span.set_attribute("shop.order.id", order_id)
            return t + self.ms(3, 12), 200
        return handle

    def payment_handler(self, order_id, outcome):
        """payment SERVER -> uninstrumented api.paygate.example (Node.js-style client)."""
        def handle(span, t):
            pay = self.svc["payment"]
            span.set_attribute("shop.order.id", order_id)
            t += self.ms(0.5, 2)
            gw = start(
                pay, "node.http", "POST", SpanKind.CLIENT, t, span,
                attrs={
                    "http.request.method": "POST",
                    "server.address": "api.paygate.example",
                    "server.port": 443,
                    "url.full": "https://api.paygate.example/v1/charges",
                    "network.protocol.version": "1.1",
                    "network.peer.address": "198.51.100.23",
                    "network.peer.port": 443,
                },
            )
            tt = t + self.ms(0.05, 0.2)
            dns = start(pay, "node.dns", "dns.lookup", SpanKind.INTERNAL, tt, gw,
                        attrs={"peer.ipv4": "198.51.100.23"})
            tt += self.ms(0.4, 6)
            dns.end(tt)
            tcp = start(pay, "node.net", "tcp.connect", SpanKind.INTERNAL, tt + self.ms(0.02, 0.1), gw,
                        attrs={"net.transport": "ip_tcp", "net.peer.name": "api.paygate.example",
                               "net.peer.ip": "198.51.100.23", "net.peer.port": 443})
            tt = tt + self.ms(4, 18)
            tcp.end(tt)
            tls = start(pay, "node.net", "tls.connect", SpanKind.INTERNAL, tt + self.ms(0.02, 0.1), gw,
                        attrs={"tls.protocol.version": "1.3", "server.address": "api.paygate.example"})
            tt = tt + self.ms(8, 25)
            tls.end(tt)
            if outcome == "timeout":
                # The gateway never answers: client-side timeout, no server span anywhere.
                t_fail = t + 5000 * MS
                record_error(
                    gw, t_fail, TimeoutError("ETIMEDOUT: no response from api.paygate.example within 5000 ms"),
                    "TimeoutError",
                    [frame("/app/payment/gateway.py", 88, "charge",
                           "resp = self._client.post(CHARGES_URL, json=body, timeout=5.0)"),
                     frame("/app/payment/http.py", 41, "post", "return self._send(request, timeout)")],
                    "gateway timeout", "timeout",
                )
                gw.end(t_fail)
                span.set_attribute("shop.payment.outcome", "gateway_timeout")
                return t_fail + self.ms(0.5, 2), 504
            tt += self.ms(80, 380)  # gateway processing, invisible to us
            code = 402 if outcome == "declined" else 201
            gw.set_attribute("http.response.status_code", code)
            if code >= 400:
                gw.set_attribute("error.type", str(code))
                gw.set_status(Status(StatusCode.ERROR))
            gw.end(tt)
            span.set_attribute("shop.payment.outcome", "declined" if code == 402 else "authorized")
            return tt + self.ms(0.5, 3), 402 if code == 402 else 201
        return handle

    def checkout_handler(self, idx, order_id, cart_id, outcome, result):
        def handle(span, t):
            co = self.svc["checkout"]
            span.set_attribute("shop.order.id", order_id)
            t = self.db(co, span, t, "orders", "orders-db", "SELECT", "customers",
                        "SELECT id, email, tier FROM customers WHERE id = $1", rows=1)
            _, t, _ = self.http_call(co, self.svc["cart"], span, t + self.ms(0.1, 1), "GET",
                                     "/carts/{cartId}", f"/carts/{cart_id}", "cart", 8080,
                                     self.cart_handler(cart_id))
            loopback = idx == LOOPBACK_CHECKOUT and not self.loopback_done
            self.loopback_done = self.loopback_done or loopback
            reserve_span, t, _ = self.http_call(
                co, self.svc["inventory"], span, t + self.ms(0.1, 1), "POST", "/reserve", "/reserve",
                "inventory", 8080, self.inventory_reserve_handler(order_id, loopback),
            )
            pay_span, t, code = self.http_call(
                co, self.svc["payment"], span, t + self.ms(0.1, 1), "POST", "/payments", "/payments",
                "payment", 8080, self.payment_handler(order_id, outcome),
            )
            result["payment_span"] = pay_span
            result["reserve_span"] = reserve_span
            if code == 402:
                result["compensate_at"] = t
                return t + self.ms(0.5, 2), 402
            if code >= 500:
                return t + self.ms(0.5, 2), 503
            t = self.db(co, span, t + self.ms(0.1, 1), "orders", "orders-db", "INSERT", "orders",
                        "INSERT INTO orders (id, customer_id, cart_id, total_cents, status) "
                        "VALUES ($1, $2, $3, $4, 'placed')")
            partition = zlib.crc32(order_id.encode()) % ORDERS_PARTITIONS
            t += self.ms(0.1, 0.8)
            pub = start(
                co, "kafka", "orders publish", SpanKind.PRODUCER, t, span,
                attrs={
                    "messaging.system": "kafka",
                    "messaging.destination.name": "orders",
                    "messaging.operation.type": "send",
                    "messaging.operation.name": "send",
                    "messaging.kafka.message.key": order_id,
                    "messaging.destination.partition.id": str(partition),
                    "messaging.client.id": "checkout-producer-1",
                    "server.address": "kafka-1.shop.internal",
                    "server.port": 9092,
                },
            )
            t += self.ms(1, 6)
            pub.end(t)
            self.messages.append({"idx": idx, "order_id": order_id, "span": pub, "end": t,
                                  "partition": partition})
            return t + self.ms(0.3, 2), 201
        return handle

    def checkout_attempt(self, idx, attempt, t, outcome, previous_root):
        sf, co = self.svc["storefront"], self.svc["checkout"]
        order_id = f"ord-{10480 + idx}"
        cart_id = f"c-{7000 + idx * 7}"
        if attempt == 0:
            root = start(sf, "http.server", "GET /checkout", SpanKind.SERVER, t,
                         attrs={
                             "http.request.method": "GET",
                             "http.route": "/checkout",
                             "url.path": "/checkout",
                             "url.query": f"cart={cart_id}",
                             "url.scheme": "https",
                             "server.address": "shop.example.com",
                             "server.port": 443,
                             "client.address": f"203.0.113.{10 + idx}",
                             "network.protocol.version": "2",
                             "user_agent.original": "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
                             "shop.order.id": order_id,
                         })
        else:
            # storefront retries in a NEW trace whose root links to the failed attempt.
            root = start(sf, "manual", "retry checkout", SpanKind.INTERNAL, t,
                         attrs={"shop.order.id": order_id, "retry.attempt": attempt},
                         links=[Link(previous_root.get_span_context(), {"retry.attempt": attempt})])
        result = {}
        _, t_end, code = self.http_call(
            sf, co, root, t + self.ms(0.5, 3), "POST", "/orders", "/orders", "checkout", 8080,
            self.checkout_handler(idx, order_id, cart_id, outcome, result),
        )
        t_end += self.ms(1, 8)  # render
        if attempt == 0:
            root.set_attribute("http.response.status_code", 200 if code < 400 else (402 if code == 402 else 503))
            if code >= 500:
                root.set_attribute("error.type", "503")
                root.set_status(Status(StatusCode.ERROR))
        elif code >= 400:
            root.set_attribute("error.type", str(code))
            root.set_status(Status(StatusCode.ERROR, f"checkout failed with HTTP {code}"))
        root.end(t_end)
        if "compensate_at" in result:
            self.compensations.append((idx, order_id, result["compensate_at"], result["payment_span"]))
        return root, t_end, code

    def compensate(self, idx, order_id, t, failed_step_span):
        """Saga compensation: undo reserve-inventory after the payment step failed."""
        co = self.svc["checkout"]
        root = start(
            co, "manual", "compensate reserve-inventory", SpanKind.INTERNAL, t,
            attrs={"saga.id": f"saga-{order_id}", "saga.step": "reserve-inventory",
                   "saga.compensation": True, "shop.order.id": order_id},
            links=[Link(failed_step_span.get_span_context(),
                        {"saga.step": "reserve-inventory", "saga.failed_step": "authorize-payment"})],
        )
        _, t, _ = self.http_call(co, self.svc["inventory"], root, t + self.ms(0.2, 1), "POST", "/release",
                                 "/release", "inventory", 8080, self.inventory_release_handler(order_id))
        t = self.db(co, root, t + self.ms(0.1, 1), "orders", "orders-db", "UPDATE", "orders",
                    "UPDATE orders SET status = 'cancelled' WHERE id = $1")
        root.end(t + self.ms(0.2, 1))

    # ---- kafka consumers -----------------------------------------------------------
    def consumer_attrs(self, group, destination, op_type, extra=None):
        attrs = {
            "messaging.system": "kafka",
            "messaging.destination.name": destination,
            "messaging.operation.type": op_type,
            "messaging.operation.name": "poll" if op_type == "receive" else op_type,
            "messaging.consumer.group.name": group,
            "server.address": "kafka-1.shop.internal",
            "server.port": 9092,
        }
        attrs.update(extra or {})
        return attrs

    def link_to_message(self, msg):
        return Link(
            remote(msg["span"].get_span_context()),
            {"messaging.kafka.offset": msg["offset"],
             "messaging.destination.partition.id": str(msg["partition"])},
        )

    def single_consumer_start(self, service, msg):
        t = msg["end"] + self.ms(5, 400)  # queue wait
        span = start(
            service, "kafka", "orders process", SpanKind.CONSUMER, t,
            attrs=self.consumer_attrs(service.name, "orders", "process", {
                "messaging.kafka.message.key": msg["order_id"],
                "messaging.kafka.offset": msg["offset"],
                "messaging.destination.partition.id": str(msg["partition"]),
                "messaging.message.body.size": 412 + msg["idx"] % 37,
            }),
            links=[self.link_to_message(msg)],
        )
        return span, t + self.ms(0.1, 0.6)

    def email_consume(self, msg):
        em = self.svc["email"]
        span, t = self.single_consumer_start(em, msg)
        mail = start(em, "http.client", "POST", SpanKind.CLIENT, t, span,
                     attrs={"http.request.method": "POST", "server.address": "api.mailer.example",
                            "server.port": 443, "url.full": "https://api.mailer.example/v3/mail/send",
                            "network.protocol.version": "1.1"})
        t += self.ms(40, 220)
        mail.set_attribute("http.response.status_code", 202)
        mail.end(t)
        span.end(t + self.ms(0.2, 1))

    def fraud_consume(self, msg):
        fd = self.svc["fraud-detection"]
        span, t = self.single_consumer_start(fd, msg)
        score = start(fd, "manual", "score order", SpanKind.INTERNAL, t, span,
                      attrs={"shop.order.id": msg["order_id"], "fraud.model": "gbm-2026-10"})
        t += self.ms(3, 30)
        if msg["idx"] not in FRAUD_FAILURES:
            score.set_attribute("fraud.score", round(self.rng.uniform(0.01, 0.35), 3))
            score.end(t)
            span.end(t + self.ms(0.2, 1))
            return
        record_error(
            score, t, ConnectionError("feature store fraud-features:6379 unreachable"), "ConnectionError",
            [frame("/app/fraud/scoring.py", 57, "score", "features = self.store.fetch(order.customer_id)"),
             frame("/app/fraud/features.py", 23, "fetch", "raw = self._redis.hgetall(key)")],
            "feature store unreachable", "ConnectionError",
        )
        score.end(t)
        t += self.ms(0.3, 2)
        dlq = start(
            fd, "kafka", "orders.dlq publish", SpanKind.PRODUCER, t, span,
            attrs={
                "messaging.system": "kafka",
                "messaging.destination.name": "orders.dlq",
                "messaging.operation.type": "send",
                "messaging.operation.name": "send",
                "messaging.kafka.message.key": msg["order_id"],
                "messaging.destination.partition.id": "0",
                "server.address": "kafka-1.shop.internal",
                "server.port": 9092,
                "error.type": "ConnectionError",
            },
        )
        dlq.set_status(Status(StatusCode.ERROR, "message dead-lettered: feature store unreachable"))
        t += self.ms(1, 5)
        dlq.end(t)
        self.dlq_messages.append({"idx": msg["idx"], "order_id": msg["order_id"], "span": dlq, "end": t,
                                  "partition": 0, "offset": DLQ_BASE_OFFSET + len(self.dlq_messages)})
        span.set_attribute("error.type", "ConnectionError")
        span.set_status(Status(StatusCode.ERROR, "processing failed, sent to orders.dlq"))
        span.end(t + self.ms(0.2, 1))

    def dlq_consume(self, msg):
        dh = self.svc["dlq-handler"]
        t = msg["end"] + self.ms(5, 400)
        span = start(
            dh, "kafka", "orders.dlq receive", SpanKind.CONSUMER, t,
            attrs=self.consumer_attrs("dlq-handler", "orders.dlq", "receive", {
                "messaging.kafka.message.key": msg["order_id"],
                "messaging.kafka.offset": msg["offset"],
                "messaging.destination.partition.id": "0",
            }),
            links=[self.link_to_message(msg)],
        )
        t += self.ms(0.2, 1)
        park = start(dh, "manual", "park dead letter", SpanKind.INTERNAL, t, span,
                     attrs={"shop.order.id": msg["order_id"], "dlq.reason": "ConnectionError"})
        t += self.ms(1, 6)
        park.end(t)
        span.end(t + self.ms(0.1, 0.5))

    def accounting_consume(self, batch):
        ac = self.svc["accounting"]
        t = max(m["end"] for m in batch) + self.ms(5, 400)
        span = start(
            ac, "kafka", "orders process", SpanKind.CONSUMER, t,
            attrs=self.consumer_attrs("accounting", "orders", "process", {
                "messaging.batch.message_count": len(batch),
            }),
            links=[self.link_to_message(m) for m in batch],
        )
        t += self.ms(0.3, 2)
        t = self.db(ac, span, t, "ledger", "ledger-db", "INSERT", "journal_entries",
                    "INSERT INTO journal_entries (order_id, account, amount_cents) SELECT * FROM unnest($1, $2, $3)",
                    lo=3, hi=15)
        span.end(t + self.ms(0.2, 1))

    # ---- billing batch -------------------------------------------------------------
    def billing(self):
        bl, iw = self.svc["billing"], self.svc["invoice-worker"]
        t = BILLING_START_NS
        job = start(bl, "manual", "nightly-invoices", SpanKind.INTERNAL, t,
                    attrs={"billing.job.id": BILLING_JOB_ID, "billing.job.item_count": BILLING_ITEMS,
                           "billing.job.schedule": "0 9 * * *"})
        t += self.ms(2, 6)
        t = self.db(bl, job, t, "billing", "billing-db", "SELECT", "subscriptions",
                    "SELECT id, customer_id, plan FROM subscriptions WHERE renews_on = $1",
                    lo=20, hi=60, rows=BILLING_ITEMS)
        chunk_ready = []
        for k in range(BILLING_ITEMS // BILLING_CHUNK):
            t += self.ms(0.2, 1)
            chunk = start(bl, "kafka", "invoice-items publish", SpanKind.PRODUCER, t, job,
                          attrs={"messaging.system": "kafka",
                                 "messaging.destination.name": "invoice-items",
                                 "messaging.operation.type": "send",
                                 "messaging.operation.name": "send",
                                 "messaging.batch.message_count": BILLING_CHUNK,
                                 "server.address": "kafka-1.shop.internal",
                                 "server.port": 9092,
                                 "billing.job.id": BILLING_JOB_ID,
                                 "billing.chunk.index": k})
            t += self.ms(4, 15)
            chunk.end(t)
            chunk_ready.append(t)
        failing = set(self.rng.sample(range(BILLING_ITEMS), BILLING_FAILURES))
        workers = [0] * BILLING_WORKERS
        items = []
        job_ctx = remote(job.get_span_context())
        for i in range(BILLING_ITEMS):
            k = i // BILLING_CHUNK
            w = min(range(BILLING_WORKERS), key=lambda j: workers[j])
            ti = max(workers[w], chunk_ready[k] + self.ms(5, 400)) + self.ms(0.2, 3)
            invoice_id = f"inv-2026-11-{i:05d}"
            item = start(iw, "kafka", "invoice-items process", SpanKind.CONSUMER, ti,
                         attrs={"messaging.system": "kafka",
                                "messaging.destination.name": "invoice-items",
                                "messaging.operation.type": "process",
                                "messaging.operation.name": "process",
                                "messaging.consumer.group.name": "invoice-worker",
                                "billing.job.id": BILLING_JOB_ID,
                                "billing.invoice.id": invoice_id},
                         links=[Link(job_ctx, {"billing.job.id": BILLING_JOB_ID})])
            ti += self.ms(1, 20)
            if i in failing:
                record_error(
                    item, ti, ValueError(f"customer cus-{31000 + i} has no tax region"), "ValueError",
                    [frame("/app/invoice_worker/render.py", 112, "render", "rate = tax.rate_for(customer.region)"),
                     frame("/app/invoice_worker/tax.py", 19, "rate_for", "raise ValueError(...)")],
                    "invoice rendering failed", "ValueError",
                )
            else:
                ti = self.db(iw, item, ti, "billing", "billing-db", "INSERT", "invoices",
                             "INSERT INTO invoices (id, customer_id, period, total_cents) VALUES ($1, $2, $3, $4)",
                             lo=1, hi=8)
            ti += self.ms(0.1, 0.5)
            item.end(ti)
            workers[w] = ti
            items.append(item)
        t = max(workers) + self.ms(50, 300)
        summary = start(bl, "manual", "nightly-invoices summarize", SpanKind.INTERNAL, t, job,
                        attrs={"billing.job.id": BILLING_JOB_ID, "billing.items.total": BILLING_ITEMS,
                               "billing.items.failed": BILLING_FAILURES},
                        links=[Link(remote(it.get_span_context()), {"billing.invoice.index": n})
                               for n, it in enumerate(items)])
        t += self.ms(5, 20)
        summary.end(t)
        job.end(t + self.ms(1, 3))

    # ---- the whole day -------------------------------------------------------------
    def run(self):
        t = EPOCH_NS
        for idx in range(N_CHECKOUTS):
            t += self.ms(3000, 12000)
            outcomes = CHECKOUT_FAILURES.get(idx, [])
            attempt, ta, previous = 0, t, None
            while True:
                outcome = outcomes[attempt] if attempt < len(outcomes) else None
                root, t_end, code = self.checkout_attempt(idx, attempt, ta, outcome, previous)
                if outcome != "timeout":
                    break
                attempt += 1
                previous = root
                ta = t_end + self.ms(800, 2500)
        for idx, order_id, t_fail, span in self.compensations:
            self.compensate(idx, order_id, t_fail + self.ms(20, 200), span)

        # Kafka offsets in publish order, per partition.
        next_offset = list(ORDERS_BASE_OFFSETS)
        self.messages.sort(key=lambda m: m["end"])
        for m in self.messages:
            m["offset"] = next_offset[m["partition"]]
            next_offset[m["partition"]] += 1
        for m in self.messages:
            self.email_consume(m)
        for m in self.messages:
            self.fraud_consume(m)
        for i in range(0, len(self.messages), ACCOUNTING_BATCH):
            self.accounting_consume(self.messages[i:i + ACCOUNTING_BATCH])
        for m in self.dlq_messages:
            self.dlq_consume(m)
        self.billing()
        return self.exporter.get_finished_spans()


# ---- OTLP/JSON -----------------------------------------------------------------------
ID_KEYS = {"traceId", "spanId", "parentSpanId"}


def ids_to_hex(node):
    if isinstance(node, dict):
        return {k: (base64.b64decode(v).hex() if k in ID_KEYS else ids_to_hex(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [ids_to_hex(v) for v in node]
    return node


def ids_to_base64(node):
    if isinstance(node, dict):
        return {k: (base64.b64encode(bytes.fromhex(v)).decode() if k in ID_KEYS else ids_to_base64(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [ids_to_base64(v) for v in node]
    return node


def to_otlp_json(request):
    """OTLP/JSON: lowerCamelCase keys, hex ids, enums as integers, (u)int64 as strings."""
    as_dict = json_format.MessageToDict(request, use_integers_for_enums=True)
    return json.dumps(ids_to_hex(as_dict), separators=(",", ":"), ensure_ascii=False) + "\n"


def main():
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default=os.path.join(repo, "Tests", "Fixtures", "python-sdk"))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()

    spans = Shop(args.seed).run()
    request = encode_spans(spans)
    binary = request.SerializeToString(deterministic=True)
    text = to_otlp_json(request)

    # The JSON must be a faithful second view of the binary request.
    reparsed = json_format.ParseDict(ids_to_base64(json.loads(text)), ExportTraceServiceRequest())
    assert reparsed.SerializeToString(deterministic=True) == binary, "JSON does not round-trip"

    summary = summarize(request)
    if args.seed == SEED:
        assert summary["dropped_links"] == BILLING_ITEMS - 128, summary["dropped_links"]

    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "shop.binpb"), "wb") as fh:
        fh.write(binary)
    with open(os.path.join(args.out_dir, "shop.json"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    summary["binpb_bytes"] = len(binary)
    summary["json_bytes"] = len(text.encode())
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
