/// Reads service-graph metrics: the series that Grafana Tempo's metrics-generator and the
/// OpenTelemetry Collector's `servicegraph` connector write, as a Prometheus scrape or a
/// Prometheus API answer.
public enum MetricsReader {
    /// Reads one input held in memory (inflated already, if it was compressed); `source` names it
    /// in errors, and `format` nil tells the format from the content.
    ///
    /// An input that holds no service-graph series at all is an error: it is not what a graph of
    /// calls can be drawn from.
    public static func read(_ bytes: UnsafeRawBufferPointer, source: String, format: MetricsFormat? = nil, isCompressed: Bool = false,
                            options: MetricsReadOptions = MetricsReadOptions()) throws(MetricsReadError) -> MetricsGraph {
        let chosen = format ?? MetricsFormat.detect(bytes) ?? (bytes.first { !MetricsFormat.isBlank($0) && $0 != 0x0A && $0 != 0x0D } == UInt8(ascii: "{")
            ? .prometheusJSON : .prometheusText)
        var (report, tallies): (MetricsInputReport, EdgeTallies)
        switch chosen {
        case .prometheusText:
            var reader = PrometheusTextReader(bytes, source: source, isCompressed: isCompressed, options: options)
            (report, tallies) = try reader.read()
        case .prometheusJSON:
            var reader = PrometheusAnswerReader(bytes, source: source, isCompressed: isCompressed, options: options)
            (report, tallies) = try reader.read()
        }
        if report.drawnSeries == 0 {
            throw MetricsReadError(source: source, line: nil, column: nil,
                                   problem: .noServiceGraphMetrics(series: report.series, examples: report.otherMetricExamples))
        }
        return MetricsGraph(input: report, edges: tallies.edges)
    }

    /// Reads an input held in a string.
    public static func read(_ text: String, source: String, format: MetricsFormat? = nil,
                            options: MetricsReadOptions = MetricsReadOptions()) throws(MetricsReadError) -> MetricsGraph {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(MetricsReadError) in try read(UnsafeRawBufferPointer(buffer), source: source, format: format, options: options) }
        }.get()
    }
}
