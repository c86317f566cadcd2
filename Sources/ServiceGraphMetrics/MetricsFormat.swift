import TraceReaders

/// The forms of service-graph metrics this library reads.
public enum MetricsFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The Prometheus text exposition format (and OpenMetrics text): a `/metrics` scrape of the
    /// OpenTelemetry Collector's Prometheus exporter or of Tempo, or a dump of series.
    case prometheusText = "prometheus"
    /// An answer of the Prometheus (or Mimir) HTTP API in JSON: `query` (a vector) or
    /// `query_range` (a matrix).
    case prometheusJSON = "prometheus-json"

    public var description: String { rawValue }

    /// The format of content that starts with these bytes, when they are service-graph metrics'
    /// forms at all: a Prometheus API answer (`{"status": "success"|"error", …}`), or text whose
    /// first line that is not blank is a `# HELP`, `# TYPE`, `# UNIT` or `# EOF` line, another
    /// comment followed by such a line, or a sample (`name{label="value"} 1`). Nil for anything
    /// else: trace exports, JSON of other kinds, text that is no exposition.
    public static func detect(_ bytes: UnsafeRawBufferPointer, isComplete: Bool = true) -> MetricsFormat? {
        var index = 0
        while index < bytes.count, isBlank(bytes[index]) || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "{"), looksLikeAPIAnswer(bytes, from: index) { return .prometheusJSON }
        // Comment lines first: a scrape may open with any; the first line that is not one decides.
        // Only the first 64 KiB are looked at, the longest line a scrape may have: the first line of
        // a trace export of gigabytes may end at the end of the file.
        let window = min(bytes.count, index + detectionWindow)
        var lines = 0
        while index < window, lines < 64 {
            var end = index
            while end < window, bytes[end] != 0x0A { end += 1 }
            let line = UnsafeRawBufferPointer(rebasing: bytes[index..<end])
            if line.first == UInt8(ascii: "#") {
                if startsWith(line, "# HELP ") || startsWith(line, "# TYPE ") || startsWith(line, "# UNIT ") || startsWith(line, "# EOF") {
                    return .prometheusText
                }
            } else if !line.allSatisfy({ isBlank($0) || $0 == 0x0D }) {
                return looksLikeSample(line) ? .prometheusText : nil
            }
            index = end + 1
            lines += 1
        }
        return nil
    }

    /// How much of an input detection looks at.
    static let detectionWindow = 64 << 10

    /// Whether the object at `start` opens as an API answer does: with its `status` (`success` or
    /// `error`), or with its `data` and that object's `resultType`.
    private static func looksLikeAPIAnswer(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Bool {
        var scanner = JSONScanner(bytes, position: start)
        do throws(JSONError) {
            try scanner.beginObject()
            switch try scanner.nextKey()?.string {
            case "status":
                guard try scanner.peekKind() == .string else { return false }
                let status = try scanner.readString()
                return status == "success" || status == "error"
            case "data":
                try scanner.beginObject()
                return try scanner.nextKey()?.string == "resultType"
            default:
                return false
            }
        } catch {
            return false
        }
    }

    /// A sample line's start: a metric name and a label set, or a metric name and a number.
    private static func looksLikeSample(_ line: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        while index < line.count, isBlank(line[index]) { index += 1 }
        let nameStart = index
        while index < line.count, PrometheusText.isNameByte(line[index], first: index == nameStart) { index += 1 }
        let hasName = index > nameStart
        guard index < line.count else { return false }
        if line[index] == UInt8(ascii: "{") {
            index += 1
            while index < line.count, isBlank(line[index]) { index += 1 }
            guard index < line.count else { return false }
            if line[index] == UInt8(ascii: "}") { return hasName }
            if line[index] == UInt8(ascii: "\"") {
                // A quoted metric name (`{"name", …}`) or label name (`{"label"="…"}`).
                index += 1
                while index < line.count, line[index] != UInt8(ascii: "\"") { index += line[index] == UInt8(ascii: "\\") ? 2 : 1 }
                index += 1
                while index < line.count, isBlank(line[index]) { index += 1 }
                return index < line.count && [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "=")].contains(line[index])
            }
            let labelStart = index
            while index < line.count, PrometheusText.isLabelNameByte(line[index], first: index == labelStart) { index += 1 }
            guard index > labelStart else { return false }
            while index < line.count, isBlank(line[index]) { index += 1 }
            guard index < line.count, line[index] == UInt8(ascii: "=") else { return false }
            index += 1
            while index < line.count, isBlank(line[index]) { index += 1 }
            return index < line.count && line[index] == UInt8(ascii: "\"")
        }
        guard hasName, isBlank(line[index]) else { return false }
        while index < line.count, isBlank(line[index]) { index += 1 }
        var end = index
        while end < line.count, !isBlank(line[end]), line[end] != 0x0D { end += 1 }
        return PrometheusText.number(UnsafeRawBufferPointer(rebasing: line[index..<end])) != nil
    }

    private static func startsWith(_ line: UnsafeRawBufferPointer, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard line.count >= count else { return false }
        return prefix.withUTF8Buffer { prefixBytes in (0..<count).allSatisfy { line[$0] == prefixBytes[$0] } }
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}

/// The query whose answer tracegraph reads: every series of the service-graph counters and
/// latency buckets, unaggregated, so that each keeps its `__name__`.
public enum MetricsQuery {
    /// For Prometheus's or Mimir's `query_range` (the calls of a time range: each counter's
    /// increase over it) or `query` (the counts since the series began).
    public static let recommended =
        #"{__name__=~"traces_service_graph_request_(total|failed_total|server_seconds_bucket|client_seconds_bucket)"}"#
}
