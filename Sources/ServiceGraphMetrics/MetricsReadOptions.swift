/// Limits on what one input may hold, so that hostile input can neither stall the reader nor
/// fill the memory: what is read is summed per edge as it is read, and these bound the rest.
public struct MetricsReadOptions: Sendable, Equatable {
    /// The longest line of the text format, in bytes. A scrape's lines are a name, a few labels
    /// and a number: hundreds of bytes.
    public var maximumLineLength = 65_536
    /// Series read in one input (sample lines of a scrape, series of an API answer).
    public var maximumSeries = 2_000_000
    /// Distinct edges (client, server, connection type) in one input: past this no graph is legible
    /// and Tempo's and the Collector's own limits on series have long been passed.
    public var maximumEdges = 100_000
    /// Distinct bucket bounds of one edge's histogram (Tempo's default has 8, the Collector's 16).
    public var maximumBuckets = 1_000
    /// Labels of one series.
    public var maximumLabels = 1_000
    /// How deep the JSON of an API answer may nest (a real one nests 5 deep); 256 at the most, the
    /// limit of the JSON scanner it is read with.
    public var maximumNesting = 64

    public init() {}
}

/// What was read from one input of metrics.
public struct MetricsInputReport: Sendable, Equatable {
    /// What the input is.
    public enum Shape: String, Sendable {
        /// Text exposition: the values as they were when it was written.
        case scrape = "text exposition"
        /// An API answer of `query`: the values at one time.
        case instantVector = "query answer (vector)"
        /// An API answer of `query_range`: each counter's increase over the range.
        case rangeMatrix = "query_range answer (matrix, increase over the range)"
    }

    /// The input's path, `-` for standard input, or the name the caller gave.
    public var source: String
    public var format: MetricsFormat
    public var shape: Shape
    public var isCompressed: Bool
    /// Series read: sample lines of a scrape, series of an API answer.
    public var series = 0
    /// Of those, the service-graph series the graph is drawn from (counters and buckets).
    public var drawnSeries = 0
    /// Service-graph series the graph does not draw, by name without namespace
    /// (`request_server_seconds_sum`, `unpaired_spans_total`, …), with how many of each.
    public var notDrawnSeries: [String: Int] = [:]
    /// Series of other metrics, left alone.
    public var otherSeries = 0
    /// A few names of other metrics, to say what the input held instead.
    public var otherMetricExamples: [String] = []
    /// What the input says a person should know (an API answer's `warnings` and `infos`), and
    /// what the reader noticed (`connection_type` values it does not know).
    public var warnings: [String] = []

    init(source: String, format: MetricsFormat, shape: Shape, isCompressed: Bool) {
        self.source = source
        self.format = format
        self.shape = shape
        self.isCompressed = isCompressed
    }

    /// For example `prometheus (text exposition, gzip)`.
    public var formatDescription: String {
        "\(format.rawValue) (\(shape.rawValue)\(isCompressed ? ", gzip" : ""))"
    }

    mutating func noteOther(_ name: String) {
        otherSeries += 1
        if otherMetricExamples.count < 3, !otherMetricExamples.contains(name) { otherMetricExamples.append(name) }
    }
}
