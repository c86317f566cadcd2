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

    /// Past this many bytes of inputs, a report reads them twice and keeps only the traces it shows.
    public static let wholeInputLimit = 256 << 20

    /// Reads the inputs for a report of at most `maxTraces` traces.
    public init(paths: [String], options: ReadOptions = ReadOptions(), graphOptions: ServiceGraph.Options = .init(),
                maxTraces: Int, wholeInputLimit: Int = ReportReading.wholeInputLimit) throws(InputReadError) {
        let size = Self.size(of: paths)
        guard let size, size > wholeInputLimit else {
            self.init(try LoadedTraces(paths: paths, options: options))
            return
        }
        // The first pass: the graph and the digest of every span, nothing of any span kept whole.
        var firstOptions = options
        firstOptions.detail = ServiceGraph.Accumulator.readDetail(for: graphOptions)
        let first = try GraphReading(paths: paths, options: firstOptions, graphOptions: graphOptions, digesting: true)
        let chosen = first.digest.chosen(atMost: maxTraces)
        // The second: the spans of the traces chosen, whole; progress counts only the first pass.
        var secondOptions = options
        secondOptions.progress = nil
        let loaded = try LoadedTraces(paths: paths, options: secondOptions, keeping: chosen)
        self.init(inputs: first.inputs, traces: loaded.traces)
        everySpan = (first.graph, first.summary, first.digest)
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
