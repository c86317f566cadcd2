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
    /// the spans of a trace spread over files are joined.
    public init(paths: [String], options: ReadOptions = ReadOptions()) throws(TraceReadError) {
        let read = try readInputs(paths, options: options, makeSink: { SpanCollector() }) { (set: inout SpanCollector, part: SpanCollector) in
            set.spans += part.spans
        }
        inputs = read.map(\.report)
        traces = TraceSet()
        for (collected, _) in read { traces.add(contentsOf: collected.spans) }
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
/// needs: the fast way from large exports to a graph.
public struct GraphReading: Sendable {
    public var inputs: [InputReport]
    public var graph: ServiceGraph
    public var summary: TraceSetSummary

    /// Reads every input (files, folders of files, `-` for standard input), on both cores
    /// where the input allows, and builds the graph of all of them together.
    public init(paths: [String], options: ReadOptions = ReadOptions(), graphOptions: ServiceGraph.Options = .init()) throws(TraceReadError) {
        var readOptions = options
        readOptions.detail = ServiceGraph.Accumulator.readDetail
        let read = try readInputs(paths, options: readOptions, makeSink: { ServiceGraph.Accumulator(options: graphOptions) }) {
            (whole: inout ServiceGraph.Accumulator, part: ServiceGraph.Accumulator) in whole.merge(part)
        }
        var accumulator = ServiceGraph.Accumulator(options: graphOptions)
        for (fileAccumulator, _) in read { accumulator.merge(fileAccumulator) }
        inputs = read.map(\.report)
        (graph, summary) = accumulator.finish()
    }

    /// The built-in example.
    public init(builtInExampleWith graphOptions: ServiceGraph.Options = .init()) {
        let loaded = LoadedTraces.builtInExample()
        inputs = loaded.inputs
        (graph, summary) = loaded.serviceGraph(graphOptions)
    }
}

/// Reads every file the paths name, several at once; the sinks of each file's parts are merged
/// into one per file as they are done, and the files' come back in path order.
private func readInputs<Sink: SpanSink & Sendable>(
    _ paths: [String], options: ReadOptions, makeSink: @escaping @Sendable () -> Sink,
    merge: @escaping @Sendable (inout Sink, Sink) -> Void
) throws(TraceReadError) -> [(sink: Sink, report: InputReport)] {
    let files = try TraceReader.expand(paths)
    @Sendable func readFile(_ path: String) throws(TraceReadError) -> (sink: Sink, report: InputReport) {
        var whole = makeSink()
        let report = try TraceReader.read(path: path, options: options, makeSink: makeSink, take: { merge(&whole, $0) })
        return (whole, report)
    }
    if files.count == 1 { return [try readFile(files[0])] }
    let results = Mutex([Int: Result<(sink: Sink, report: InputReport), TraceReadError>]())
    DispatchQueue.concurrentPerform(iterations: files.count) { index in
        let result = Result { () throws(TraceReadError) in try readFile(files[index]) }
        results.withLock { $0[index] = result }
    }
    let finished = results.withLock { $0 }
    var read: [(sink: Sink, report: InputReport)] = []
    for index in files.indices { read.append(try finished[index]!.get()) }
    return read
}

/// Keeps the spans of one part of an input.
private struct SpanCollector: SpanSink, Sendable {
    var spans: [Span] = []
    mutating func receive(_ span: Span) { spans.append(span) }
}

extension TraceSetSummary {
    /// One line for a terminal: spans, traces, services, links, errors, and repeats when there were any.
    public var shortDescription: String {
        let count = Self.count
        var parts = [count(spans, "span") + " in " + count(traces, "trace"), count(services.count, "service")]
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
