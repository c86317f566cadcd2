/// Spans from any number of inputs, merged into one set: each span once,
/// however often the inputs repeat it.
public struct TraceSet: Sendable {
    /// The spans, each (trace id, span id) once, in the order first seen.
    public private(set) var spans: [Span] = []
    /// How many spans repeated one already in the set and were counted once.
    public private(set) var duplicateSpanCount = 0
    private var indexByKey: [SpanKey: Int] = [:]

    public init() {}

    public init(_ spans: some Sequence<Span>) {
        self.init()
        add(contentsOf: spans)
    }

    /// Adds a span; returns false, and counts a duplicate, when a span with its ids is already in the set.
    @discardableResult
    public mutating func add(_ span: Span) -> Bool {
        let key = span.key
        if indexByKey[key] != nil {
            duplicateSpanCount += 1
            return false
        }
        indexByKey[key] = spans.count
        spans.append(span)
        return true
    }

    /// Adds every span of a sequence.
    public mutating func add(contentsOf spans: some Sequence<Span>) {
        for span in spans { add(span) }
    }

    /// The span with these ids, if the set has it.
    public subscript(key: SpanKey) -> Span? {
        indexByKey[key].map { spans[$0] }
    }

    /// The position in ``spans`` of the span with these ids, if the set has it.
    public func index(of key: SpanKey) -> Int? { indexByKey[key] }

    /// Whether the set holds a span with these ids.
    public func contains(_ key: SpanKey) -> Bool { indexByKey[key] != nil }

    /// The distinct trace ids, sorted.
    public var traceIDs: [TraceID] { Set(spans.lazy.map(\.traceID)).sorted() }

    /// The distinct service names, sorted.
    public var serviceNames: [String] { Set(spans.lazy.map(\.serviceName)).sorted() }
}
