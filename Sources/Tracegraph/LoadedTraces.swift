@_exported import GraphOutputs
@_exported import GraphvizRenderer
@_exported import HTMLReport
@_exported import ServiceGraph
@_exported import TraceModel
@_exported import TraceReaders
import Dispatch
import Synchronization

/// Traces read whole from one or more inputs and merged into one set.
public struct LoadedTraces: Sendable {
    public var inputs: [InputReport]
    /// Every span once: a span that several inputs (or one input twice) hold is counted once.
    public var traces: TraceSet

    /// Reads every input (files, folders of files, `-` for standard input) and merges them:
    /// the spans of a trace spread over files are joined. Service-graph metrics hold no spans:
    /// an input of them is an error (``InputReadError/spansNeeded(metrics:saved:)``).
    public init(paths: [String], options: ReadOptions = ReadOptions()) throws(InputReadError) {
        try self.init(paths: paths, options: options, keeping: nil)
    }

    /// Reads the spans of the traces `keeping` names (all when nil) from every input.
    init(paths: [String], options: ReadOptions, keeping kept: Set<TraceID>?) throws(InputReadError) {
        let recognizesGraphs = OtherContent<(source: String, saved: Bool)>(
            recognizes: { bytes, isComplete in ComputedGraph.recognizes(bytes, isComplete: isComplete, metricsFormat: nil) },
            read: { bytes, source, _ in (source, SavedServiceGraph.detect(bytes)) })
        let read = try readInputs(paths, options: options, other: options.format == nil ? recognizesGraphs : nil, makeSink: { SpanCollector(kept: kept) }) {
            (set: inout SpanCollector, part: SpanCollector) in set.spans += part.spans
        }
        let graphs = read.compactMap { if case .other(let graph) = $0 { graph } else { nil } }
        guard graphs.isEmpty else {
            throw .spansNeeded(metrics: graphs.filter { !$0.saved }.map(\.source), saved: graphs.filter(\.saved).map(\.source))
        }
        inputs = []
        traces = TraceSet()
        for case .traces(let collected, let report) in read {
            inputs.append(report)
            traces.add(contentsOf: collected.spans)
        }
    }

    /// The built-in example export.
    public static func builtInExample() -> LoadedTraces {
        do {
            let file = try TraceReader.read(BuiltInExample.otlpJSON, source: BuiltInExample.sourceName)
            return LoadedTraces(inputs: [file.report], traces: TraceSet(file.spans))
        } catch {
            preconditionFailure("the built-in example does not read: \(error)")
        }
    }

    private init(inputs: [InputReport], traces: TraceSet) {
        self.inputs = inputs
        self.traces = traces
    }

    /// Counts of what was read.
    public var summary: TraceSetSummary { TraceSetSummary(traces) }
}

/// Inputs read straight into a service graph, keeping of each span only what the graph
/// needs: the fast way from large exports to a graph. Inputs of service-graph metrics (a
/// Prometheus scrape or API answer, ``ServiceGraphMetrics``) are read into the graph they describe.
public struct GraphReading: Sendable {
    /// The trace exports read; none when the graph was drawn from metrics.
    public var inputs: [InputReport]
    public var graph: ServiceGraph
    /// What the spans held; all zero when the graph was drawn from metrics.
    public var summary: TraceSetSummary
    /// The service-graph metrics the graph was drawn from, when the inputs held metrics.
    public var metrics: MetricsGraph?
    /// The saved service graph the graph is, when the input was one (`tracegraph graph -T json`).
    public var saved: SavedServiceGraph?
    /// Of every trace, what a report chooses by, when it was asked for; empty otherwise.
    var digest = TraceDigest()
    /// The ids of the traces counted, sorted, when a query selected some or `listingTraces` asked
    /// for them; nil otherwise.
    public var traceIDs: [TraceID]?
    /// The workflows of the traces counted (traces that span links join), largest first, when
    /// they were asked for; nil otherwise.
    public var workflows: [Workflow]?

    /// Reads every input (files, folders of files, `-` for standard input), on both cores
    /// where the input allows, and builds the graph of all of them together.
    ///
    /// An input of service-graph metrics is told from its content (or, with `metricsFormat`,
    /// every input is read as metrics of that format; with `options.format`, as that trace export).
    /// Metrics of several inputs are summed; metrics and trace exports together are an error. A
    /// service graph an earlier run saved as JSON is read alone, as it was saved.
    /// With a `query`, the graph counts only the traces it selects (``TraceQuery``), and the
    /// summary says how many of how many.
    public init(paths: [String], options: ReadOptions = ReadOptions(), graphOptions: ServiceGraph.Options = .init(),
                query: TraceQuery = TraceQuery(), metricsFormat: MetricsFormat? = nil, listingTraces: Bool = false,
                collectingWorkflows: Bool = false) throws(InputReadError) {
        try self.init(paths: paths, options: options, graphOptions: graphOptions, query: query, metricsFormat: metricsFormat,
                      digesting: false, listingTraces: listingTraces, collectingWorkflows: collectingWorkflows)
    }

    /// Reads as ``init(paths:options:graphOptions:metricsFormat:)`` does and, when `digesting`, keeps
    /// the digest of every trace too, for a report to choose its traces by.
    init(paths: [String], options: ReadOptions, graphOptions: ServiceGraph.Options, query: TraceQuery = TraceQuery(),
         metricsFormat: MetricsFormat? = nil, digesting: Bool, listingTraces: Bool = false, collectingWorkflows: Bool = false) throws(InputReadError) {
        var readOptions = options
        readOptions.detail = query.detail(widening: ServiceGraph.Accumulator.readDetail(for: graphOptions))
        if collectingWorkflows { readOptions.detail = WorkflowAccumulator.readDetail(widening: readOptions.detail) }
        let other: OtherContent<Result<ComputedGraph, MetricsReadError>>? = options.format == nil
            ? .computedGraphs(format: metricsFormat) : nil
        let read = try readInputs(paths, options: readOptions, other: other, makeSink: {
            GraphSink(accumulator: ServiceGraph.Accumulator(options: graphOptions, query: query), digest: digesting ? TraceDigest() : nil,
                      workflows: collectingWorkflows ? WorkflowAccumulator() : nil)
        }) { (whole: inout GraphSink, part: GraphSink) in whole.merge(part) }
        var sink = GraphSink(accumulator: ServiceGraph.Accumulator(options: graphOptions, query: query), digest: digesting ? TraceDigest() : nil,
                             workflows: collectingWorkflows ? WorkflowAccumulator() : nil)
        var metrics = MetricsGraph()
        var saved: [SavedServiceGraph] = []
        inputs = []
        for input in read {
            switch input {
            case .traces(let fileSink, let report):
                sink.merge(fileSink)
                inputs.append(report)
            case .other(let result):
                do throws(MetricsReadError) {
                    switch try result.get() {
                    case .metrics(let graph): metrics.merge(graph)
                    case .saved(let graph): saved.append(graph)
                    }
                } catch {
                    throw .metrics(error)
                }
            }
        }
        if let first = saved.first {
            let others = saved.dropFirst().map(\.source) + metrics.inputs.map(\.source) + inputs.map(\.source)
            guard others.isEmpty else { throw .savedGraphNotAlone(saved: [first.source], others: others) }
            guard query.selectsEverything else { throw .queryNeedsSpans(metrics: [], saved: [first.source]) }
            graph = first.graph
            summary = TraceSetSummary(traces: 0, spans: 0, duplicateSpans: 0, links: 0, unresolvedLinks: 0, services: [], errorSpans: 0)
            self.saved = first
        } else if !metrics.inputs.isEmpty {
            guard inputs.isEmpty else { throw .mixedInputs(metrics: metrics.inputs.map(\.source), traces: inputs.map(\.source)) }
            guard query.selectsEverything else { throw .queryNeedsSpans(metrics: metrics.inputs.map(\.source)) }
            graph = metrics.graph(options: graphOptions)
            summary = TraceSetSummary(traces: 0, spans: 0, duplicateSpans: 0, links: 0, unresolvedLinks: 0, services: [], errorSpans: 0)
            self.metrics = metrics
        } else {
            let reading = sink.accumulator.finish(attributingSpans: false, listingTraces: listingTraces)
            (graph, summary, traceIDs) = (reading.graph, reading.summary, reading.traceIDs)
            workflows = sink.workflows?.workflows(of: reading.traceIDs.map(Set.init))
        }
        digest = sink.digest ?? TraceDigest()
    }

    /// The built-in example.
    public init(builtInExampleWith graphOptions: ServiceGraph.Options = .init(), query: TraceQuery = TraceQuery(), listingTraces: Bool = false,
                collectingWorkflows: Bool = false) {
        let loaded = LoadedTraces.builtInExample()
        inputs = loaded.inputs
        var accumulator = ServiceGraph.Accumulator(options: graphOptions, query: query)
        for span in loaded.traces.spans { accumulator.receive(span) }
        let reading = accumulator.finish(attributingSpans: false, listingTraces: listingTraces)
        (graph, summary, traceIDs) = (reading.graph, reading.summary, reading.traceIDs)
        if collectingWorkflows {
            var workflows = WorkflowAccumulator()
            for span in loaded.traces.spans { workflows.receive(span) }
            self.workflows = workflows.workflows(of: reading.traceIDs.map(Set.init))
        }
    }
}

/// What one file held: the sink its spans went into and what was read, or content of another kind.
private enum ReadInput<Sink, Other> {
    case traces(Sink, InputReport)
    case other(Other)
}

extension ReadInput: Sendable where Sink: Sendable, Other: Sendable {}

/// Reads every file the paths name, several at once; the sinks of each file's parts are merged
/// into one per file as they are done, and the files' come back in path order. A file that
/// `other` recognizes is read by it instead.
private func readInputs<Sink: SpanSink & Sendable, Other: Sendable>(
    _ paths: [String], options: ReadOptions, other: OtherContent<Other>?, makeSink: @escaping @Sendable () -> Sink,
    merge: @escaping @Sendable (inout Sink, Sink) -> Void
) throws(InputReadError) -> [ReadInput<Sink, Other>] {
    let files: [String]
    do throws(TraceReadError) {
        files = try TraceReader.expand(paths)
    } catch {
        throw .traces(error)
    }
    @Sendable func readFile(_ path: String) throws(TraceReadError) -> ReadInput<Sink, Other> {
        var whole = makeSink()
        switch try TraceReader.read(path: path, options: options, makeSink: makeSink, take: { merge(&whole, $0) }, other: other) {
        case .traces(let report): return .traces(whole, report)
        case .other(let value): return .other(value)
        }
    }
    let results = Mutex([Int: Result<ReadInput<Sink, Other>, TraceReadError>]())
    if files.count == 1 {
        results.withLock { $0[0] = Result { () throws(TraceReadError) in try readFile(files[0]) } }
    } else {
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let result = Result { () throws(TraceReadError) in try readFile(files[index]) }
            results.withLock { $0[index] = result }
        }
    }
    let finished = results.withLock { $0 }
    var read: [ReadInput<Sink, Other>] = []
    for index in files.indices {
        switch finished[index]! {
        case .success(let input): read.append(input)
        case .failure(let error): throw .traces(error)
        }
    }
    return read
}

/// Keeps the spans of one part of an input: all, or those of the traces `kept` names.
private struct SpanCollector: SpanSink, Sendable {
    var spans: [Span] = []
    let kept: Set<TraceID>?

    mutating func receive(_ span: Span) {
        if kept?.contains(span.traceID) ?? true { spans.append(span) }
    }
}

/// What a graph is read into: the accumulator, and when a report chooses its traces while
/// reading, the digest of every trace.
private struct GraphSink: SpanSink, Sendable {
    var accumulator: ServiceGraph.Accumulator
    var digest: TraceDigest?
    var workflows: WorkflowAccumulator?

    mutating func receive(_ span: Span) {
        accumulator.receive(span)
        digest?.receive(span)
        workflows?.receive(span)
    }

    mutating func finishPart() { accumulator.finishPart() }

    mutating func merge(_ other: consuming GraphSink) {
        accumulator.merge(other.accumulator)
        if let theirs = other.digest { digest?.merge(theirs) }
        if let theirs = other.workflows { workflows?.merge(theirs) }
    }
}

extension TraceSetSummary {
    /// One line for a terminal: spans, traces, services, links, errors, and repeats when there were any.
    public var shortDescription: String {
        let count = Self.count
        let traceCount = tracesInInput.map { "\(traces) of " + count($0, "trace") + " (selected)" } ?? count(traces, "trace")
        var parts = [count(spans, "span") + " in " + traceCount, count(services.count, "service")]
        var linkPart = count(links, "link")
        if unresolvedLinks > 0 { linkPart += " (\(unresolvedLinks) to spans outside the input)" }
        parts.append(linkPart)
        parts.append(count(errorSpans, "error span"))
        if droppedLinks > 0 { parts.append(count(droppedLinks, "link") + " dropped by SDKs") }
        if duplicateSpans > 0 { parts.append(count(duplicateSpans, "duplicate span") + " counted once") }
        if sharedSpanIDs > 0 { parts.append(count(sharedSpanIDs, "span id") + " shared by a client and a server half") }
        return parts.joined(separator: ", ")
    }

    /// `1 span`, `12 spans`: the numbers of the read summary, as they have always been written.
    fileprivate static func count(_ number: Int, _ noun: String) -> String { number == 1 ? "1 \(noun)" : "\(number) \(noun)s" }

    /// What a person should know about the spans before trusting the graph: one line each.
    public var warnings: [String] {
        let count = Self.count
        var lines: [String] = []
        if emptyServiceNameSpans > 0 {
            lines.append(count(emptyServiceNameSpans, "span") + " set service.name to the empty string; read as unknown_service")
        }
        if conflictingSpans > 0 {
            lines.append(count(conflictingSpans, "record") + " with the ids of a span already read (not the other half of its call) "
                + "but another parent, start, duration, kind or status: conflicting, left out, the first read kept")
        }
        return lines
    }
}

extension InputReport {
    /// What a person should know about the parts of the inputs left out or repaired: for each kind, a
    /// heading with how many there were, and the parts recorded, each with where it is and why.
    public static func notes(on inputs: [InputReport]) -> [(heading: String, count: Int, parts: [TraceReadError])] {
        let skipped = inputs.flatMap(\.skipped)
        let plural = TraceSetSummary.count
        let unread = inputs.reduce(0) { $0 + $1.unreadCount }
        let leftOut = inputs.reduce(0) { $0 + $1.skippedCount } - unread
        let repaired = inputs.reduce(0) { $0 + $1.repairedCount }
        var notes: [(heading: String, count: Int, parts: [TraceReadError])] = []
        if unread > 0 {
            notes.append(("skipped \(plural(unread, "part")) that did not read", unread, skipped.filter { $0.spanDefect == nil }))
        }
        if leftOut > 0 {
            notes.append(("left out \(plural(leftOut, "span")) that cannot be used", leftOut, skipped.filter { $0.spanDefect != nil }))
        }
        if repaired > 0 { notes.append(("repaired \(plural(repaired, "span"))", repaired, inputs.flatMap(\.repaired))) }
        return notes
    }
}
