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
    case spansNeeded(metrics: [String])
    /// Service-graph metrics read with a ``TraceQuery``: metrics keep no traces to select.
    case queryNeedsSpans(metrics: [String])
}

extension InputReadError: CustomStringConvertible {
    public var description: String {
        func list(_ paths: [String]) -> String {
            (paths.prefix(3).joined(separator: ", ") + (paths.count > 3 ? " and \(paths.count - 3) more" : ""))
        }
        switch self {
        case .traces(let error): return "\(error)"
        case .metrics(let error): return "\(error)"
        case .mixedInputs(let metrics, let traces):
            return "\(list(metrics)) \(metrics.count == 1 ? "holds" : "hold") service-graph metrics and \(list(traces)) "
                + "\(traces.count == 1 ? "holds" : "hold") spans: a graph is drawn from one or the other (metrics count calls "
                + "that spans would count again); name them in separate runs"
        case .spansNeeded(let metrics):
            return "\(list(metrics)) \(metrics.count == 1 ? "holds" : "hold") service-graph metrics, not spans: a report needs spans "
                + "for its traces and flame graphs, and workflows for their traces; 'tracegraph graph' draws the service graph of metrics"
        case .queryNeedsSpans(let metrics):
            return "\(list(metrics)) \(metrics.count == 1 ? "holds" : "hold") service-graph metrics, not spans: --where, --service, "
                + "--from, --to, --linked-to and --errors select traces, and metrics keep none"
        }
    }
}

extension OtherContent where Value == Result<MetricsGraph, MetricsReadError> {
    /// Service-graph metrics, told from their content (or every input, when `format` is given),
    /// read into a graph's tallies.
    static func serviceGraphMetrics(format: MetricsFormat?) -> Self {
        OtherContent(
            recognizes: { bytes, isComplete in
                // Told from the first 2 MiB at most, as much as a compressed input or standard input
                // shows first: a trace export of one line is hundreds of megabytes, which finding
                // the end of its first line would read through.
                let window = UnsafeRawBufferPointer(rebasing: bytes.prefix(2 << 20))
                return !bytes.isEmpty
                    && (format != nil || MetricsFormat.detect(window, isComplete: isComplete && window.count == bytes.count) != nil)
            },
            read: { bytes, source, isCompressed in
                Result { () throws(MetricsReadError) in
                    try MetricsReader.read(bytes, source: source, format: format, isCompressed: isCompressed)
                }
            })
    }
}
