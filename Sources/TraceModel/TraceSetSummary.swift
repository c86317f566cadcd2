/// What a set of traces holds, in numbers.
public struct TraceSetSummary: Hashable, Sendable {
    public var traces: Int
    public var spans: Int
    /// Spans that repeated one already read, counted once.
    public var duplicateSpans: Int
    public var links: Int
    /// Links whose target span is in no input.
    public var unresolvedLinks: Int
    /// Distinct service names, sorted.
    public var services: [String]
    public var errorSpans: Int

    public init(traces: Int, spans: Int, duplicateSpans: Int, links: Int, unresolvedLinks: Int,
                services: [String], errorSpans: Int) {
        self.traces = traces
        self.spans = spans
        self.duplicateSpans = duplicateSpans
        self.links = links
        self.unresolvedLinks = unresolvedLinks
        self.services = services
        self.errorSpans = errorSpans
    }

    public init(_ traces: TraceSet) {
        var traceIDs = Set<TraceID>()
        var services = Set<String>()
        var links = 0
        var unresolved = 0
        var errors = 0
        for span in traces.spans {
            traceIDs.insert(span.traceID)
            services.insert(span.serviceName)
            links += span.links.count
            for link in span.links where !traces.contains(link.target) { unresolved += 1 }
            if span.isError { errors += 1 }
        }
        self.traces = traceIDs.count
        self.spans = traces.spans.count
        self.duplicateSpans = traces.duplicateSpanCount
        self.links = links
        self.unresolvedLinks = unresolved
        self.services = services.sorted()
        self.errorSpans = errors
    }
}
