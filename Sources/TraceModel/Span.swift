/// What a span stands for in its trace, as OTLP's `SpanKind` defines it.
public enum SpanKind: UInt8, Hashable, Sendable, CaseIterable {
    case unspecified = 0
    case `internal` = 1
    case server = 2
    case client = 3
    case producer = 4
    case consumer = 5
}

/// How a span ended.
public struct SpanStatus: Hashable, Sendable {
    /// OTLP's `StatusCode`.
    public enum Code: UInt8, Hashable, Sendable {
        case unset = 0
        case ok = 1
        case error = 2
    }

    public var code: Code
    /// A message that says what went wrong; OTLP keeps it only with errors.
    public var message: String

    public init(code: Code = .unset, message: String = "") {
        self.code = code
        self.message = message
    }

    public static let unset = SpanStatus()
}

/// Something that happened at a moment during a span, an exception for example.
public struct SpanEvent: Hashable, Sendable {
    public var timeUnixNano: UInt64
    public var name: String
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32

    public init(timeUnixNano: UInt64, name: String, attributes: [Attribute] = [], droppedAttributesCount: UInt32 = 0) {
        self.timeUnixNano = timeUnixNano
        self.name = name
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// A reference from a span to a span of the same or, usually, another trace:
/// causality without nesting. No time flows across a link.
public struct SpanLink: Hashable, Sendable {
    public var traceID: TraceID
    public var spanID: SpanID
    public var traceState: String
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32
    public var flags: UInt32

    public init(
        traceID: TraceID, spanID: SpanID, traceState: String = "",
        attributes: [Attribute] = [], droppedAttributesCount: UInt32 = 0, flags: UInt32 = 0
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.traceState = traceState
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.flags = flags
    }

    /// The span this link points at.
    public var target: SpanKey { SpanKey(traceID: traceID, spanID: spanID) }
}

/// The entity that produced spans: a service process, with its attributes.
public struct Resource: Hashable, Sendable {
    /// The name OpenTelemetry SDKs give a service that does not name itself.
    public static let unknownServiceName = "unknown_service"

    /// The attributes the service name comes from.
    public static let serviceNameKeys = ["service.name", "process.executable.name"]

    /// `service.name`, or what OpenTelemetry SDKs write in its absence:
    /// `unknown_service`, followed by `:` and `process.executable.name` when that is known.
    /// An empty `service.name` counts as none.
    public var serviceName: String
    /// Whether `service.name` was set to the empty string (and so read as missing).
    public var hasEmptyServiceName: Bool
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32

    public init(attributes: [Attribute], droppedAttributesCount: UInt32 = 0) {
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        let named = attributes["service.name"]?.stringValue
        hasEmptyServiceName = named?.isEmpty == true
        if let name = named, !name.isEmpty {
            serviceName = name
        } else if let executable = attributes["process.executable.name"]?.stringValue, !executable.isEmpty {
            serviceName = Self.unknownServiceName + ":" + executable
        } else {
            serviceName = Self.unknownServiceName
        }
    }
}

/// The library that recorded spans.
public struct InstrumentationScope: Hashable, Sendable {
    public var name: String
    public var version: String
    public var attributes: [Attribute]

    public init(name: String = "", version: String = "", attributes: [Attribute] = []) {
        self.name = name
        self.version = version
        self.attributes = attributes
    }
}

/// One operation in a trace.
public struct Span: Hashable, Sendable {
    public var traceID: TraceID
    public var spanID: SpanID
    /// The parent in the same trace; nil for a root.
    public var parentSpanID: SpanID?
    public var traceState: String
    public var flags: UInt32
    public var name: String
    public var kind: SpanKind
    public var startTimeUnixNano: UInt64
    public var endTimeUnixNano: UInt64
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32
    public var events: [SpanEvent]
    public var droppedEventsCount: UInt32
    public var links: [SpanLink]
    public var droppedLinksCount: UInt32
    public var status: SpanStatus
    public var resource: Resource
    public var scope: InstrumentationScope

    public init(
        traceID: TraceID, spanID: SpanID, parentSpanID: SpanID? = nil, traceState: String = "", flags: UInt32 = 0,
        name: String, kind: SpanKind = .unspecified, startTimeUnixNano: UInt64, endTimeUnixNano: UInt64,
        attributes: [Attribute] = [], droppedAttributesCount: UInt32 = 0,
        events: [SpanEvent] = [], droppedEventsCount: UInt32 = 0,
        links: [SpanLink] = [], droppedLinksCount: UInt32 = 0,
        status: SpanStatus = .unset, resource: Resource, scope: InstrumentationScope = InstrumentationScope()
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.traceState = traceState
        self.flags = flags
        self.name = name
        self.kind = kind
        self.startTimeUnixNano = startTimeUnixNano
        self.endTimeUnixNano = endTimeUnixNano
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.events = events
        self.droppedEventsCount = droppedEventsCount
        self.links = links
        self.droppedLinksCount = droppedLinksCount
        self.status = status
        self.resource = resource
        self.scope = scope
    }

    /// Where this span is.
    public var key: SpanKey { SpanKey(traceID: traceID, spanID: spanID) }

    /// The service that recorded the span.
    public var serviceName: String { resource.serviceName }

    /// How long the span took; zero when it ends before it starts.
    public var durationNanos: UInt64 {
        endTimeUnixNano >= startTimeUnixNano ? endTimeUnixNano - startTimeUnixNano : 0
    }

    /// Whether the span ended in error.
    public var isError: Bool { status.code == .error }
}

extension SpanKind {
    /// Which end of a remote call or a message a span of this kind records.
    public enum Side: Hashable, Sendable {
        /// The caller's or sender's end: client and producer spans, and spans of no remote kind.
        case caller
        /// The callee's or receiver's end: server and consumer spans.
        case callee
    }

    /// The end of a call a span of this kind records.
    @inlinable
    public var side: Side { self == .server || self == .consumer ? .callee : .caller }

    /// Whether a span of this kind makes a request or sends a message: client and producer.
    @inlinable
    public var isOutgoing: Bool { self == .client || self == .producer }
}

/// Two records that carry one (trace id, span id): a repeat of one span, or the two halves of one
/// call that B3/Zipkin-style instrumentation records under one span id, the client's half in the
/// caller's process and the server's in the callee's.
///
/// This is the one rule every reader's spans go through when they are merged (``TraceSet`` and the
/// service graph's accumulator): records are halves of one call when their ``Half``s differ, that
/// is when they record different ends (``SpanKind/Side``) or come from different services; the same
/// end of the same service twice is a repeat, counted once: a plain repeat when it has the same
/// ``Content`` as the record it repeats, a conflicting one when it does not. Either way the record
/// read first is kept.
public enum SharedSpanID {
    /// What tells the halves of a call apart: the end each records and the service that recorded it.
    /// Records of one id with the same `Half` repeat each other.
    public struct Half: Hashable, Sendable {
        public var service: String
        public var side: SpanKind.Side

        @inlinable
        public init(service: String, side: SpanKind.Side) {
            self.service = service
            self.side = side
        }

        /// The half a span records.
        @inlinable
        public init(_ span: Span) {
            self.init(service: span.serviceName, side: span.kind.side)
        }
    }

    /// What two records of one half are compared on to tell a plain repeat from a conflicting one:
    /// what the graph and the report read of a span besides its ids, service and side, and what
    /// stays cheap to keep for every span (no name, attributes or events).
    public struct Content: Hashable, Sendable {
        /// The parent's span id; 0 for none.
        public var parent: UInt64
        public var start: UInt64
        public var duration: UInt64
        public var kind: SpanKind
        public var isError: Bool

        @inlinable
        public init(parent: UInt64, start: UInt64, duration: UInt64, kind: SpanKind, isError: Bool) {
            self.parent = parent
            self.start = start
            self.duration = duration
            self.kind = kind
            self.isError = isError
        }

        @inlinable
        public init(_ span: Span) {
            self.init(parent: span.parentSpanID?.value ?? 0, start: span.startTimeUnixNano, duration: span.durationNanos,
                      kind: span.kind, isError: span.isError)
        }
    }
}
