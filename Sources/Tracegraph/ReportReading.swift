import SystemCalls
/// The traces a report shows, read so that memory stays bounded however large the inputs: inputs
/// up to ``wholeInputLimit`` bytes (and standard input) are read whole; larger ones are read twice.
/// The first pass streams every span into the service graph and into a digest of every trace
/// (``TraceDigest``: about 70 bytes a trace), from which the report chooses the traces it will show
/// (``TraceSelection``: errors, the slowest, the traces linked to them, up to `maxTraces`); the
/// second keeps only the spans of those traces. The header and the graph still count every span.
public struct ReportReading: Sendable {
    public var inputs: [InputReport]
    /// The traces the report shows, whole: every trace read, or those chosen.
    public var traces: TraceSet
    /// When `traces` holds only the traces chosen: the graph and the numbers of every span read,
    /// and the digest of every trace.
    public var everySpan: (graph: ServiceGraph, summary: TraceSetSummary, digest: TraceDigest)?
    /// When a query selected the traces: the digest of every trace read, selected or not.
    public var tracesRead: TraceDigest?

    /// Past this many bytes of inputs, a report reads them twice and keeps only the traces it shows.
    public static let wholeInputLimit = 256 << 20

    /// Reads the inputs for a report of at most `maxTraces` of the traces `query` selects (the
    /// graph, the numbers and the list are of those alone).
    public init(paths: [String], options: ReadOptions = ReadOptions(), graphOptions: ServiceGraph.Options = .init(),
                query: TraceQuery = TraceQuery(), maxTraces: Int, keepLinked: Int? = nil,
                wholeInputLimit: Int = ReportReading.wholeInputLimit) throws(InputReadError) {
        let size = Self.size(of: paths)
        guard let size, size > wholeInputLimit else {
            self.init(try LoadedTraces(paths: paths, options: options), graphOptions: graphOptions, query: query)
            return
        }
        // The first pass: the graph and the digest of every span, nothing of any span kept whole.
        var firstOptions = options
        firstOptions.detail = ServiceGraph.Accumulator.readDetail(for: graphOptions)
        let first = try GraphReading(paths: paths, options: firstOptions, graphOptions: graphOptions, query: query, digesting: true)
        let digest = first.traceIDs.map { first.digest.restricted(to: Set($0)) } ?? first.digest
        let chosen = digest.chosen(atMost: maxTraces, keepLinked: keepLinked)
        // The second: the spans of the traces chosen, whole; progress counts only the first pass.
        var secondOptions = options
        secondOptions.progress = nil
        let loaded = try LoadedTraces(paths: paths, options: secondOptions, keeping: chosen)
        self.init(inputs: first.inputs, traces: loaded.traces)
        everySpan = (first.graph, first.summary, digest)
        if first.traceIDs != nil { tracesRead = first.digest }
    }

    /// Traces read whole, of which the report shows those `query` selects.
    public init(_ loaded: LoadedTraces, graphOptions: ServiceGraph.Options, query: TraceQuery) {
        guard !query.selectsEverything else {
            self.init(loaded)
            return
        }
        // The graph of the traces selected, their links into the others still drawn from where they lead.
        let reading = loaded.traces.graphReading(graphOptions, query: query, attributingSpans: false)
        let selected = Set(reading.traceIDs ?? [])
        let kept = TraceSet(loaded.traces.spans.filter { selected.contains($0.traceID) })
        var digest = TraceDigest()
        var read = TraceDigest()
        for span in loaded.traces.spans {
            read.receive(span)
            if selected.contains(span.traceID) { digest.receive(span) }
        }
        self.init(inputs: loaded.inputs, traces: kept)
        everySpan = (reading.graph, reading.summary, digest)
        tracesRead = read
    }

    init(inputs: [InputReport], traces: TraceSet) {
        self.inputs = inputs
        self.traces = traces
    }

    /// Traces read whole.
    public init(_ loaded: LoadedTraces) {
        self.init(inputs: loaded.inputs, traces: loaded.traces)
    }

    /// The numbers of every span read.
    public var summary: TraceSetSummary { everySpan?.summary ?? TraceSetSummary(traces) }

    /// The size of the files the paths name together; nil when one is standard input or no
    /// regular file, which cannot be read twice.
    private static func size(of paths: [String]) -> Int? {
        guard let files = try? TraceReader.expand(paths) else { return nil }
        var total = 0
        for path in files {
            guard path != "-", let status = try? FileSystem.status(ofPath: path), status.kind == .regular else { return nil }
            total += status.size
        }
        return total
    }
}
