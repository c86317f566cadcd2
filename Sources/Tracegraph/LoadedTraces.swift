@_exported import GraphvizRenderer
@_exported import ServiceGraph
@_exported import TraceModel
@_exported import TraceReaders

/// Traces read from one or more inputs and merged into one set.
public struct LoadedTraces: Sendable {
    /// One input and what was read from it.
    public struct Input: Sendable, Hashable {
        public var source: String
        public var format: TraceInputFormat
        /// Span records read, repeats included.
        public var spanCount: Int
    }

    public var inputs: [Input]
    /// Every span once: a span that several inputs (or one input twice) hold is counted once.
    public var traces: TraceSet

    /// Reads every input, in order, and merges them: the spans of a trace spread over files are joined.
    /// `-` reads standard input.
    public init(paths: [String]) throws(TraceReadError) {
        inputs = []
        traces = TraceSet()
        for path in paths {
            let file = try TraceReader.read(contentsOf: path)
            add(file)
        }
    }

    /// The built-in example export.
    public static func builtInExample() -> LoadedTraces {
        do {
            var loaded = LoadedTraces()
            loaded.add(try TraceReader.read(BuiltInExample.otlpJSON, source: BuiltInExample.sourceName))
            return loaded
        } catch {
            preconditionFailure("the built-in example does not read: \(error)")
        }
    }

    private init() {
        inputs = []
        traces = TraceSet()
    }

    private mutating func add(_ file: TraceFile) {
        inputs.append(Input(source: file.source, format: file.format, spanCount: file.spans.count))
        traces.add(contentsOf: file.spans)
    }

    /// Counts of what was read.
    public var summary: TraceSetSummary { TraceSetSummary(traces) }
}

extension TraceSetSummary {
    /// One line for a terminal: spans, traces, services, links, errors, and repeats when there were any.
    public var shortDescription: String {
        func count(_ number: Int, _ noun: String) -> String { number == 1 ? "1 \(noun)" : "\(number) \(noun)s" }
        var parts = [count(spans, "span") + " in " + count(traces, "trace"), count(services.count, "service")]
        var linkPart = count(links, "link")
        if unresolvedLinks > 0 { linkPart += " (\(unresolvedLinks) to spans outside the input)" }
        parts.append(linkPart)
        parts.append(count(errorSpans, "error span"))
        if duplicateSpans > 0 { parts.append(count(duplicateSpans, "duplicate span") + " counted once") }
        return parts.joined(separator: ", ")
    }
}
