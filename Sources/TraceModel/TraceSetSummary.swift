/// What a set of traces holds, in numbers.
public struct TraceSetSummary: Hashable, Sendable {
    public var traces: Int
    public var spans: Int
    /// Spans that repeated one already read, the same in content, counted once.
    public var duplicateSpans: Int
    /// Spans that repeated the ids of one already read, not as the other half of its call
    /// (``SharedSpanID``), but differ from it (``SharedSpanID/Content``): left out, the first kept.
    public var conflictingSpans = 0
    public var links: Int
    /// Links whose target span is in no input.
    public var unresolvedLinks: Int
    /// Distinct service names, sorted.
    public var services: [String]
    public var errorSpans: Int
    /// Spans whose resource set `service.name` to the empty string, read as `unknown_service`.
    public var emptyServiceNameSpans = 0
    /// Span ids that two spans share as the client's and the server's half of one call
    /// (``SharedSpanID``); both halves are counted in `spans`.
    public var sharedSpanIDs = 0
    /// Links the SDKs dropped (`droppedLinksCount`, past their limit of links a span): not in `links`.
    public var droppedLinks = 0
    /// The traces of the input when a ``TraceQuery`` selected some of them (`traces` counts
    /// those); nil when every trace was taken.
    public var tracesInInput: Int?

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
            if span.resource.hasEmptyServiceName { emptyServiceNameSpans += 1 }
            droppedLinks += Int(span.droppedLinksCount)
        }
        sharedSpanIDs = traces.sharedSpanIDCount
        self.traces = traceIDs.count
        self.spans = traces.spans.count
        self.duplicateSpans = traces.duplicateSpanCount
        conflictingSpans = traces.conflictingSpanCount
        self.links = links
        self.unresolvedLinks = unresolved
        self.services = services.sorted()
        self.errorSpans = errors
    }
}
