/// Which span a trace is known by, its root, whose service and name label the trace in the
/// report's list and in ``Workflow`` groups: a span with no parent before a span with one (a trace
/// whose root was not exported is known by its earliest span), then the earlier start, then the
/// smaller span id. The one owner of that rule; a reader of streamed spans keeps the least key seen.
public struct TraceRootKey: Hashable, Comparable, Sendable {
    private var hasParent: Bool
    private var start: UInt64
    private var spanID: SpanID

    public init(_ span: Span) {
        hasParent = span.parentSpanID != nil
        start = span.startTimeUnixNano
        spanID = span.spanID
    }

    public static func < (lhs: TraceRootKey, rhs: TraceRootKey) -> Bool {
        (lhs.hasParent ? 1 : 0, lhs.start, lhs.spanID) < (rhs.hasParent ? 1 : 0, rhs.start, rhs.spanID)
    }
}

extension Span {
    /// What this span is, against the other spans of its trace, as a candidate for its root (``TraceRootKey``).
    public var rootKey: TraceRootKey { TraceRootKey(self) }
}
