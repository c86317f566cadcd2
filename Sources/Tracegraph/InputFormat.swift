@_exported import ServiceGraphMetrics

/// Every input format tracegraph reads: the trace exports, and the service-graph metrics that
/// Tempo's metrics-generator and the Collector's `servicegraph` connector write.
public enum InputFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    case otlpJSON = "otlp-json"
    case otlpProtobuf = "otlp-proto"
    case jaegerJSON = "jaeger"
    case zipkinJSON = "zipkin"
    case prometheus = "prometheus"
    case prometheusJSON = "prometheus-json"

    public var description: String { rawValue }

    /// The trace export format, when this is one.
    public var traceFormat: TraceInputFormat? { TraceInputFormat(rawValue: rawValue) }

    /// The metrics format, when this is one.
    public var metricsFormat: MetricsFormat? { MetricsFormat(rawValue: rawValue) }
}

/// Why inputs could not be read into spans or a graph.
public enum InputReadError: Error, Sendable, Equatable {
    /// A trace export, or an input of any kind that could not be opened or inflated.
    case traces(TraceReadError)
    /// Service-graph metrics.
    case metrics(MetricsReadError)
    /// Service-graph metrics and trace exports named together: a graph is drawn from one or the
    /// other, since metrics are calls already counted and spans would count them again.
    case mixedInputs(metrics: [String], traces: [String])
    /// Service-graph metrics given where spans are needed (the report's traces and flame graphs).
    case spansNeeded(metrics: [String], saved: [String] = [])
    /// Service-graph metrics (or a saved service graph) read with a ``TraceQuery``: they keep no
    /// traces to select.
    case queryNeedsSpans(metrics: [String], saved: [String] = [])
    /// A saved service graph named with other inputs: it is drawn as it was saved, alone.
    case savedGraphNotAlone(saved: [String], others: [String])
}

extension InputReadError: CustomStringConvertible {
    public var description: String {
        func list(_ paths: [String]) -> String {
            (paths.prefix(3).joined(separator: ", ") + (paths.count > 3 ? " and \(paths.count - 3) more" : ""))
        }
        func holding(_ metrics: [String], _ saved: [String]) -> String {
            var parts: [String] = []
            if !metrics.isEmpty { parts.append("\(list(metrics)) \(metrics.count == 1 ? "holds" : "hold") service-graph metrics") }
            if !saved.isEmpty { parts.append("\(list(saved)) \(saved.count == 1 ? "holds a service graph" : "hold service graphs") tracegraph saved") }
            return parts.joined(separator: " and ")
        }
        switch self {
        case .traces(let error): return "\(error)"
        case .metrics(let error): return "\(error)"
        case .mixedInputs(let metrics, let traces):
            return "\(list(metrics)) \(metrics.count == 1 ? "holds" : "hold") service-graph metrics and \(list(traces)) "
                + "\(traces.count == 1 ? "holds" : "hold") spans: a graph is drawn from one or the other (metrics count calls "
                + "that spans would count again); name them in separate runs"
        case .spansNeeded(let metrics, let saved):
            return "\(holding(metrics, saved)), not spans: a report needs spans "
                + "for its traces and flame graphs, and workflows for their traces; 'tracegraph graph' draws the service graph"
        case .queryNeedsSpans(let metrics, let saved):
            return "\(holding(metrics, saved)), not spans: "
                + "--where, --service, --from, --to, --linked-to and --errors select traces, and a graph keeps none"
        case .savedGraphNotAlone(let saved, let others):
            return "\(list(saved)) \(saved.count == 1 ? "is a service graph" : "are service graphs") tracegraph saved, named with \(list(others)): "
                + "a saved graph is read alone, as it was saved (its numbers cannot be added to others')"
        }
    }
}

/// A graph computed before tracegraph read it: service-graph metrics, or a graph an earlier run saved.
enum ComputedGraph: Sendable {
    case metrics(MetricsGraph)
    case saved(SavedServiceGraph)
}

extension OtherContent where Value == Result<ComputedGraph, MetricsReadError> {
    /// Service-graph metrics (every input, when `format` is given) and saved service graphs, told
    /// from their content and read.
    static func computedGraphs(format: MetricsFormat?) -> Self {
        OtherContent(
            recognizes: { bytes, isComplete in ComputedGraph.recognizes(bytes, isComplete: isComplete, metricsFormat: format) },
            read: { bytes, source, isCompressed in
                Result { () throws(MetricsReadError) in
                    if format == nil, SavedServiceGraph.detect(bytes) { return .saved(try SavedServiceGraph.read(bytes, source: source)) }
                    return .metrics(try MetricsReader.read(bytes, source: source, format: format, isCompressed: isCompressed))
                }
            })
    }
}

extension ComputedGraph {
    /// Whether content that starts with `bytes` is a computed graph: told from the first 2 MiB at
    /// most, as much as a compressed input or standard input shows first (a trace export of one line
    /// is hundreds of megabytes, which finding the end of its first line would read through).
    static func recognizes(_ bytes: UnsafeRawBufferPointer, isComplete: Bool, metricsFormat: MetricsFormat?) -> Bool {
        let window = UnsafeRawBufferPointer(rebasing: bytes.prefix(2 << 20))
        return !bytes.isEmpty
            && (metricsFormat != nil || SavedServiceGraph.detect(window)
                || MetricsFormat.detect(window, isComplete: isComplete && window.count == bytes.count) != nil)
    }
}
