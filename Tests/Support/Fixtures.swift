import TraceModel

/// Hand-made spans for tests: small numbers for ids, a service name for a resource.
public enum Fixture {
    public static func traceID(_ number: UInt64) -> TraceID { TraceID(high: 0, low: number) }

    public static func span(
        trace: UInt64, id: UInt64, parent: UInt64? = nil, service: String, name: String = "op",
        kind: SpanKind = .server, error: Bool = false, start: UInt64 = 1_000, durationNanos: UInt64 = 1_000,
        attributes: [String: String] = [:], links: [(trace: UInt64, span: UInt64)] = []
    ) -> Span {
        Span(
            traceID: traceID(trace), spanID: SpanID(id), parentSpanID: parent.map(SpanID.init),
            name: name, kind: kind, startTimeUnixNano: start, endTimeUnixNano: start + durationNanos,
            attributes: attributes.sorted { $0.key < $1.key }.map { Attribute(key: $0.key, value: .string($0.value)) },
            links: links.map { SpanLink(traceID: traceID($0.trace), spanID: SpanID($0.span)) },
            status: SpanStatus(code: error ? .error : .unset),
            resource: Resource(attributes: [Attribute(key: "service.name", value: .string(service))])
        )
    }
}
