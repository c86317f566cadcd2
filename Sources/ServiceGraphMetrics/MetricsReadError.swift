/// Why service-graph metrics, or a service graph saved as JSON, could not be read, and where in the input.
public struct MetricsReadError: Error, Sendable, Equatable {
    /// What is wrong.
    public enum Problem: Sendable, Equatable {
        /// A line of the text exposition format that does not parse; the reason says what was expected.
        case malformedLine(reason: String)
        /// JSON that does not parse, or is not shaped as a Prometheus HTTP API answer.
        case malformedAnswer(reason: String)
        /// JSON that does not parse, or is not shaped as a service graph tracegraph saved
        /// (``SavedServiceGraph``).
        case malformedSavedGraph(reason: String)
        /// A saved service graph of a newer layout than this reader's.
        case newerSavedGraph(version: Int, read: Int)
        /// A line longer than the reader takes.
        case lineTooLong(limit: Int)
        /// More series than the reader takes.
        case tooManySeries(limit: Int)
        /// More edges (client, server, connection type) than the reader takes.
        case tooManyEdges(limit: Int)
        /// More histogram buckets on one edge than the reader takes.
        case tooManyBuckets(limit: Int)
        /// More labels on one series than the reader takes.
        case tooManyLabels(limit: Int)
        /// JSON nested deeper than the reader takes.
        case nestingTooDeep(limit: Int)
        /// A count that is negative, not a number, or infinite.
        case invalidCount(metric: String, value: String)
        /// A histogram bucket whose `le` is not a number.
        case invalidBucketBound(metric: String, value: String)
        /// A series without a label the service graph needs (`client`, `server`, `le`).
        case missingLabel(metric: String, label: String)
        /// The buckets of a latency histogram, summed for one edge, without the `+Inf` bucket that
        /// holds every observation.
        case histogramWithoutInfinity(metric: String, client: String, server: String)
        /// A series of a Prometheus API answer without `__name__`: the query aggregated or applied
        /// a function, and the series cannot be told apart.
        case seriesWithoutName(labels: String)
        /// A Prometheus API answer of status `error`.
        case queryFailed(errorType: String, error: String)
        /// A Prometheus API answer of another result type than `vector` or `matrix`.
        case unsupportedResultType(String)
        /// A series of a Prometheus API answer that holds native histograms.
        case nativeHistogram(metric: String)
        /// An input with no series of service-graph metrics at all.
        case noServiceGraphMetrics(series: Int, examples: [String])
    }

    /// The input's path, `-` for standard input, or the name the caller gave.
    public var source: String
    /// Line and column, both counted from 1; columns count Unicode scalars. Nil where the problem
    /// is with the input as a whole.
    public var line: Int?
    public var column: Int?
    public var problem: Problem

    public init(source: String, line: Int?, column: Int?, problem: Problem) {
        self.source = source
        self.line = line
        self.column = column
        self.problem = problem
    }
}

extension MetricsReadError: CustomStringConvertible {
    /// `FILE:LINE:COLUMN: WHAT`, the form editors and terminals turn into links.
    public var description: String {
        var place = source
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): \(problem)"
    }
}

extension MetricsReadError.Problem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .malformedLine(let reason): "not the Prometheus text format: \(reason)"
        case .malformedAnswer(let reason): "not a Prometheus HTTP API answer: \(reason)"
        case .malformedSavedGraph(let reason): "not a service graph tracegraph saved: \(reason)"
        case .newerSavedGraph(let version, let read):
            "a service graph of schemaVersion \(version), written by a newer tracegraph; this one reads version \(read): "
                + "write the baseline again with this version, or update tracegraph"
        case .lineTooLong(let limit): "a line longer than \(limit) bytes: not a scrape tracegraph reads"
        case .tooManySeries(let limit): "more than \(limit) series: more than tracegraph reads in one input"
        case .tooManyEdges(let limit): "more than \(limit) edges (client, server, connection_type): more than tracegraph draws"
        case .tooManyBuckets(let limit): "more than \(limit) histogram buckets for one edge"
        case .tooManyLabels(let limit): "a series with more than \(limit) labels"
        case .nestingTooDeep(let limit): "arrays and objects nest more than \(limit) deep"
        case .invalidCount(let metric, let value):
            "\(metric) is \(Self.quote(value)): a count is a number, not negative and not infinite"
        case .invalidBucketBound(let metric, let value): "\(metric) has le=\(Self.quote(value)), which is not a number"
        case .missingLabel(let metric, let label): "\(metric) has no \(label) label"
        case .histogramWithoutInfinity(let metric, let client, let server):
            "\(metric) of \(Self.quote(client)) → \(Self.quote(server)) has no le=\"+Inf\" bucket, which holds every observation"
        case .seriesWithoutName(let labels):
            "a series without __name__ (\(Self.quote(labels, limit: 80))): the query aggregated (sum by …) or applied a function "
                + "(rate, increase), and the counters and buckets can no longer be told apart. Ask for the series themselves: "
                + "query_range (or query) with \(MetricsQuery.recommended)"
        case .queryFailed(let errorType, let error):
            "the query failed: Prometheus said \(errorType.isEmpty ? "" : "(\(Self.quote(errorType))) ")\(Self.quote(error, limit: 400))"
        case .unsupportedResultType(let type):
            "the answer's resultType is \(Self.quote(type)); tracegraph reads vector (query) and matrix (query_range)"
        case .nativeHistogram(let metric):
            "\(metric) is a native histogram; tracegraph reads classic histograms (_bucket series with le)"
        case .noServiceGraphMetrics(let series, let examples):
            "no service-graph metrics (traces_service_graph_request_total, …) among its \(series) series"
                + (examples.isEmpty ? "" : " (" + examples.map { Self.quote($0) }.joined(separator: ", ") + ", …)")
        }
    }

    /// Text from the input, cut and with control characters escaped, so that a message cannot
    /// move the cursor or hide what follows.
    static func quote(_ value: String, limit: Int = 60) -> String {
        var shown = ""
        var count = 0
        for scalar in value.unicodeScalars {
            if count == limit { shown += "…"; break }
            switch scalar.value {
            case 0x0A: shown += "\\n"
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                shown += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: shown.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return "\"" + shown + "\""
    }
}
