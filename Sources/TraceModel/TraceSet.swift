/// Spans from any number of inputs, merged into one set: each span once,
/// however often the inputs repeat it.
public struct TraceSet: Sendable {
    /// The spans, each once, in the order first seen: each (trace id, span id) once, but for the
    /// halves of a call recorded under one span id (``SharedSpanID``).
    public private(set) var spans: [Span] = []
    /// How many spans repeated one already in the set, the same in content (``SharedSpanID/Content``),
    /// and were counted once.
    public private(set) var duplicateSpanCount = 0
    /// How many spans repeated the ids and half of one already in the set but differ from it in
    /// content (``SharedSpanID/Content``): left out, the one first read kept.
    public private(set) var conflictingSpanCount = 0
    private var indexByKey: [SpanKey: Int] = [:]

    public init() {}

    public init(_ spans: some Sequence<Span>) {
        self.init()
        add(contentsOf: spans)
    }

    /// The halves of calls recorded under one span id (``SharedSpanID``) by the key they share:
    /// each half's end and service, seen so far, and where in ``spans`` it is.
    private var halvesByKey: [SpanKey: [SharedSpanID.Half: Int]] = [:]

    /// How many span ids two or more halves of one call share (``SharedSpanID``).
    public var sharedSpanIDCount: Int { halvesByKey.count }

    /// Adds a span; returns false, and counts a duplicate or a conflict, when it repeats a span
    /// already in the set. A span with the ids of one already in the set that records the other end
    /// of the call, or comes from another service, is the other half of that call (``SharedSpanID``)
    /// and is added.
    @discardableResult
    public mutating func add(_ span: Span) -> Bool {
        let key = span.key
        if let first = indexByKey[key] {
            let half = SharedSpanID.Half(span)
            let firstHalf = SharedSpanID.Half(spans[first])
            if let repeated = half == firstHalf ? first : halvesByKey[key]?[half] {
                if SharedSpanID.Content(span) == SharedSpanID.Content(spans[repeated]) {
                    duplicateSpanCount += 1
                } else {
                    conflictingSpanCount += 1
                }
                return false
            }
            // In place: a copy of the table for every record would make many records of one id quadratic.
            halvesByKey[key, default: [firstHalf: first]][half] = spans.count
            spans.append(span)
            return true
        }
        indexByKey[key] = spans.count
        spans.append(span)
        return true
    }

    /// Adds every span of a sequence.
    public mutating func add(contentsOf spans: some Sequence<Span>) {
        for span in spans { add(span) }
    }

    /// The span with these ids, if the set has it (of the halves of a shared span id, the first seen).
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
