import Testing
import TraceModel

/// Which span a trace is known by (TraceRootKey): the report's list and the workflows' groups name traces by it.
@Suite struct TraceRootTests {
    private static func span(_ id: UInt64, parent: UInt64? = nil, start: UInt64) -> Span {
        Span(traceID: TraceID(high: 0, low: 1), spanID: SpanID(id), parentSpanID: parent.map(SpanID.init), name: "span \(id)",
             startTimeUnixNano: start, endTimeUnixNano: start + 10, resource: Resource(attributes: []))
    }

    private static func root(of spans: [Span]) -> String? {
        spans.min { $0.rootKey < $1.rootKey }?.name
    }

    @Test(arguments: [
        // A span with no parent, however late it starts, before any with one.
        ([span(2, parent: 1, start: 5), span(1, start: 10)], "span 1"),
        // Two without a parent: the earlier.
        ([span(3, start: 30), span(4, start: 20), span(5, parent: 4, start: 21)], "span 4"),
        // Starting together: the smaller span id.
        ([span(9, start: 20), span(7, start: 20)], "span 7"),
        // No root exported: the earliest span, whose parent is missing.
        ([span(12, parent: 11, start: 40), span(13, parent: 10, start: 35), span(14, parent: 13, start: 36)], "span 13"),
    ])
    func theRootIsTheEarliestSpanWithoutAParentElseTheEarliest(spans: [Span], expected: String) {
        #expect(Self.root(of: spans) == expected)
        #expect(Self.root(of: spans.reversed()) == expected, "whatever the order the spans come in")
    }
}
