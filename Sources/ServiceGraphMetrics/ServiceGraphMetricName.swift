/// What a series is, by its metric name, among the metrics that Tempo's metrics-generator
/// (`modules/generator/processor/servicegraphs`) and the OpenTelemetry Collector's `servicegraph`
/// connector write: `traces_service_graph_request_total`, `…_request_failed_total`, and the latency
/// histograms `…_request_server_seconds` and `…_request_client_seconds` (older Collectors:
/// `…_request_duration_seconds`, the server's), as `_bucket`, `_sum` and `_count` series.
///
/// The Collector's Prometheus exporter may put a namespace before the name (`ns_traces_service_graph_…`),
/// and writes the histograms' unit from the metric's: `_seconds`, or `_milliseconds` under its
/// legacy feature gate; a name without a unit is read as seconds.
enum ServiceGraphMetricName: Equatable {
    /// Calls between two nodes: `traces_service_graph_request_total`.
    case requests
    /// Of those, the failed ones: `traces_service_graph_request_failed_total`.
    case failedRequests
    /// A cumulative bucket of a latency histogram; `nanosPerUnit` turns its `le` into nanoseconds.
    case latencyBucket(LatencySide, nanosPerUnit: Double)
    /// Another service-graph series that the graph does not draw (`_sum`, `_count`,
    /// `unpaired_spans_total`, `dropped_spans_total`, `request_messaging_system_seconds_…`),
    /// named without its namespace.
    case notDrawn(String)

    /// Which side of a call a latency histogram times.
    enum LatencySide: Hashable {
        /// The server span's durations (or the client span's, for a database or other peer).
        case server
        /// The client span's durations.
        case client
    }

    static let root = "traces_service_graph_"

    /// The series' meaning, or nil for a metric that is not a service-graph metric.
    init?(_ name: String) {
        guard let rest = Self.rest(of: name) else { return nil }
        switch rest {
        case "request_total": self = .requests
        case "request_failed_total": self = .failedRequests
        default:
            guard rest.hasSuffix("_bucket") else {
                self = .notDrawn(String(rest))
                return
            }
            var base = rest.dropLast("_bucket".count)
            var nanosPerUnit = 1e9
            if base.hasSuffix("_seconds") {
                base = base.dropLast("_seconds".count)
            } else if base.hasSuffix("_milliseconds") {
                base = base.dropLast("_milliseconds".count)
                nanosPerUnit = 1e6
            }
            switch base {
            case "request_server", "request_duration": self = .latencyBucket(.server, nanosPerUnit: nanosPerUnit)
            case "request_client": self = .latencyBucket(.client, nanosPerUnit: nanosPerUnit)
            default: self = .notDrawn(String(rest))
            }
        }
    }

    /// What follows `traces_service_graph_` where it starts the name, or follows a namespace and `_`.
    private static func rest(of name: String) -> Substring? {
        let bytes = Array(name.utf8)
        let wanted = Array(root.utf8)
        guard bytes.count >= wanted.count else { return nil }
        for start in 0...(bytes.count - wanted.count) where start == 0 || bytes[start - 1] == UInt8(ascii: "_") {
            if bytes[start..<start + wanted.count].elementsEqual(wanted) {
                return Substring(name.utf8.dropFirst(start + wanted.count))
            }
        }
        return nil
    }
}
