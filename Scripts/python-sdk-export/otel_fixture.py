"""Helpers shared by the fixture generators in this folder (make_export.py, make_pipeline.py).

Import this module before anything from `opentelemetry`: importing it drops
every OTEL_* variable from the environment, so the SDK's span limits, resource
attributes and detectors never depend on the caller's environment.
"""

import os

# The SDK reads OTEL_* variables (span limits, resource attributes, service
# name, resource detectors). Drop them so the output never depends on the
# caller's environment; this must happen before the SDK is imported.
for _key in [k for k in os.environ if k.startswith("OTEL_")]:
    del os.environ[_key]

import random  # noqa: E402
import uuid  # noqa: E402
import zlib  # noqa: E402
from collections import Counter  # noqa: E402

from opentelemetry import context as otel_context  # noqa: E402
from opentelemetry import trace  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.id_generator import IdGenerator  # noqa: E402
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind  # noqa: E402
from opentelemetry.trace.status import Status, StatusCode  # noqa: E402

MS = 1_000_000
SEC = 1_000_000_000

SCHEMA_URL = "https://opentelemetry.io/schemas/1.44.0"
CONTRIB_VERSION = "0.66b2"

KIND_NAMES = {1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}


class SeededIdGenerator(IdGenerator):
    """Trace/span ids drawn from random.Random(seed): reproducible, still uniformly random."""

    def __init__(self, seed):
        self._rng = random.Random(seed)

    def generate_span_id(self):
        while True:
            value = self._rng.getrandbits(64)
            if value:
                return value

    def generate_trace_id(self):
        while True:
            value = self._rng.getrandbits(128)
            if value:
                return value

    def is_trace_id_random(self):
        return True


class Service:
    """One service: its own TracerProvider and Resource, sharing the id generator and exporter.

    scopes maps a role to an instrumentation scope (name, version); the role
    "manual" is the service's own scope, "<namespace>.<service>" at the
    service's version.
    """

    def __init__(self, name, version, namespace, environment, scopes, exporter, id_generator,
                 instance_rng):
        self.name = name
        self.version = version
        self.namespace = namespace
        self.scopes = scopes
        instance_id = str(uuid.UUID(int=instance_rng.getrandbits(128), version=4))
        resource = Resource.create(
            {
                "service.name": name,
                "service.namespace": namespace,
                "service.version": version,
                # Set explicitly: otherwise the SDK's service_instance detector
                # adds a random uuid4 (the same one for every provider).
                "service.instance.id": instance_id,
                "deployment.environment.name": environment,
                "host.name": f"{name}-7d9f{instance_rng.randrange(16**4):04x}",
            },
            schema_url=SCHEMA_URL,
        )
        self.provider = TracerProvider(
            resource=resource, id_generator=id_generator, shutdown_on_exit=False
        )
        self.provider.add_span_processor(SimpleSpanProcessor(exporter))
        self._tracers = {}

    def tracer(self, role):
        if role not in self._tracers:
            if role == "manual":
                name, version = f"{self.namespace}.{self.name}", self.version
            else:
                name, version = self.scopes[role]
            self._tracers[role] = self.provider.get_tracer(name, version, schema_url=SCHEMA_URL)
        return self._tracers[role]


def remote(span_context):
    """The span context as the receiving side sees it after propagation (is_remote=True)."""
    return SpanContext(
        span_context.trace_id,
        span_context.span_id,
        is_remote=True,
        trace_flags=span_context.trace_flags,
        trace_state=span_context.trace_state,
    )


def start(service, role, name, kind, t, parent=None, remote_parent=False, attrs=None, links=None):
    """Start a span at simulated time t (ns).

    parent=None starts a new trace. remote_parent=True models a parent that
    arrived over the wire (traceparent header / message header) in another
    process, which is what a real cross-service hop looks like.
    """
    if parent is None:
        ctx = otel_context.Context()
    elif remote_parent:
        ctx = trace.set_span_in_context(NonRecordingSpan(remote(parent.get_span_context())))
    else:
        ctx = trace.set_span_in_context(parent)
    return service.tracer(role).start_span(
        name,
        context=ctx,
        kind=kind,
        attributes=attrs,
        links=links or (),
        start_time=t,
        record_exception=False,
        set_status_on_exception=False,
    )


def record_error(span, t, exc, exc_type, stack_frames, description, error_type):
    """Status ERROR plus an `exception` event, as the SDK's record_exception writes it."""
    stack = "Traceback (most recent call last):\n" + "".join(stack_frames) + f"{exc_type}: {exc}\n"
    span.record_exception(
        exc,
        attributes={"exception.type": exc_type, "exception.stacktrace": stack},
        timestamp=t,
    )
    span.set_attribute("error.type", error_type)
    span.set_status(Status(StatusCode.ERROR, description))


def frame(path, line, func, code):
    return f'  File "{path}", line {line}, in {func}\n    {code}\n'


def hash_octet(text):
    return zlib.crc32(text.encode()) % 250 + 2


def summarize(request):
    """Counts over an ExportTraceServiceRequest, as the generators print them."""
    services, traces, kinds, per_service = set(), set(), Counter(), Counter()
    spans = links = dropped_links = errors = events = 0
    flags, link_flags, max_links = Counter(), Counter(), 0
    for rs in request.resource_spans:
        name = next(a.value.string_value for a in rs.resource.attributes if a.key == "service.name")
        services.add(name)
        for ss in rs.scope_spans:
            for sp in ss.spans:
                spans += 1
                per_service[name] += 1
                traces.add(sp.trace_id)
                kinds[sp.kind] += 1
                links += len(sp.links)
                max_links = max(max_links, len(sp.links))
                dropped_links += sp.dropped_links_count
                events += len(sp.events)
                errors += sp.status.code == 2
                flags[hex(sp.flags)] += 1
                for ln in sp.links:
                    link_flags[hex(ln.flags)] += 1
    return {
        "services": len(services),
        "traces": len(traces),
        "spans": spans,
        "links": links,
        "dropped_links": dropped_links,
        "max_links_on_one_span": max_links,
        "error_spans": errors,
        "events": events,
        "spans_by_kind": {KIND_NAMES[k]: v for k, v in sorted(kinds.items())},
        "spans_by_service": dict(sorted(per_service.items())),
        "span_flags": dict(sorted(flags.items())),
        "link_flags": dict(sorted(link_flags.items())),
    }


class SimulatedWork:
    """What both fixtures' simulations do alike; a subclass sets `self.rng` (latencies)."""

    def ms(self, lo, hi):
        """A latency between `lo` and `hi` milliseconds, in nanoseconds."""
        return int(self.rng.uniform(lo, hi) * MS)

    def db(self, service, parent, t, db_name, host, operation, collection, query, lo=0.8, hi=6.0,
           rows=None):
        span = start(
            service, "db", f"{operation} {collection}", SpanKind.CLIENT, t, parent,
            attrs={
                "db.system.name": "postgresql",
                "db.system": "postgresql",
                "db.namespace": db_name,
                "db.collection.name": collection,
                "db.operation.name": operation,
                "db.query.text": query,
                "server.address": host,
                "server.port": 5432,
                "network.peer.address": f"10.42.9.{hash_octet(host)}",
                **({"db.response.returned_rows": rows} if rows is not None else {}),
            },
        )
        t_end = t + self.ms(lo, hi)
        span.end(t_end)
        return t_end
