/// Reads the Prometheus text exposition format (version 0.0.4) and OpenMetrics text: `# HELP`,
/// `# TYPE`, `# UNIT` and other comment lines, `# EOF`, and samples
/// `name{label="value",…} value [timestamp] [# exemplar]`, with label values escaped (`\\`, `\"`,
/// `\n`), values such as `NaN`, `+Inf` and `2.6218176E7`, a trailing comma in a label set, and
/// the quoted names of Prometheus 3 and `{__name__="…"}` as a dump of series writes it.
/// Each sample of a service-graph metric is summed into its edge as it is read; nothing else is kept.
struct PrometheusTextReader {
    private let bytes: UnsafeRawBufferPointer
    private let source: String
    private let options: MetricsReadOptions
    private var report: MetricsInputReport
    private var tallies: EdgeTallies

    init(_ bytes: UnsafeRawBufferPointer, source: String, isCompressed: Bool, options: MetricsReadOptions) {
        self.bytes = bytes
        self.source = source
        self.options = options
        report = MetricsInputReport(source: source, format: .prometheusText, shape: .scrape, isCompressed: isCompressed)
        tallies = EdgeTallies(limits: options)
    }

    /// One line being read: where it starts and ends in the input, and its number.
    private struct Line {
        var start: Int
        var end: Int
        var number: Int
    }

    mutating func read() throws(MetricsReadError) -> (MetricsInputReport, EdgeTallies) {
        var start = 0
        var number = 0
        var sawEnd = false
        while start < bytes.count {
            number += 1
            var end = start
            let limit = min(bytes.count, start + options.maximumLineLength + 2)
            while end < limit, bytes[end] != 0x0A { end += 1 }
            var contentEnd = end
            if contentEnd > start, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            // Scanning stops past the longest line allowed, so a line with no end costs no more than that.
            if contentEnd - start > options.maximumLineLength {
                throw error(at: Line(start: start, end: contentEnd, number: number), start + options.maximumLineLength,
                            .lineTooLong(limit: options.maximumLineLength))
            }
            let line = Line(start: start, end: contentEnd, number: number)
            start = end + 1
            var first = line.start
            while first < line.end, MetricsFormat.isBlank(bytes[first]) { first += 1 }
            if first == line.end { continue }
            if sawEnd { throw error(at: line, first, .malformedLine(reason: "nothing may follow # EOF")) }
            if bytes[first] == UInt8(ascii: "#") {
                sawEnd = try readComment(line, from: first)
                continue
            }
            try readSample(line, from: first)
        }
        if let broken = tallies.histogramWithoutInfinity(source: source) { throw broken }
        report.warnings += tallies.warnings
        return (report, tallies)
    }

    /// A comment line: `# HELP name text`, `# TYPE name type`, `# UNIT name unit` are checked; other
    /// comments are skipped. True for `# EOF`.
    private func readComment(_ line: Line, from first: Int) throws(MetricsReadError) -> Bool {
        var index = first + 1
        guard index < line.end, MetricsFormat.isBlank(bytes[index]) else { return false }
        while index < line.end, MetricsFormat.isBlank(bytes[index]) { index += 1 }
        let wordStart = index
        while index < line.end, !MetricsFormat.isBlank(bytes[index]) { index += 1 }
        let word = text(wordStart, index)
        guard ["HELP", "TYPE", "UNIT", "EOF"].contains(word) else { return false }
        if word == "EOF" { return true }
        while index < line.end, MetricsFormat.isBlank(bytes[index]) { index += 1 }
        let nameStart = index
        while index < line.end, PrometheusText.isNameByte(bytes[index], first: index == nameStart) { index += 1 }
        guard index > nameStart, index == line.end || MetricsFormat.isBlank(bytes[index]) else {
            throw error(at: line, index, .malformedLine(reason: "# \(word) is followed by a metric name"))
        }
        guard word == "TYPE" else { return false }
        while index < line.end, MetricsFormat.isBlank(bytes[index]) { index += 1 }
        let typeStart = index
        while index < line.end, !MetricsFormat.isBlank(bytes[index]) { index += 1 }
        let type = text(typeStart, index)
        let types = ["counter", "gauge", "histogram", "summary", "untyped", "unknown", "gaugehistogram", "stateset", "info"]
        guard types.contains(type) else {
            throw error(at: line, typeStart, .malformedLine(reason: "# TYPE names a type (\(types.joined(separator: ", "))), not \(MetricsReadError.Problem.quote(type))"))
        }
        return false
    }

    private mutating func readSample(_ line: Line, from first: Int) throws(MetricsReadError) {
        report.series += 1
        if report.series > options.maximumSeries { throw error(at: line, first, .tooManySeries(limit: options.maximumSeries)) }
        var index = first
        var name: String?
        while index < line.end, PrometheusText.isNameByte(bytes[index], first: index == first) { index += 1 }
        if index > first { name = text(first, index) }
        var labels: [(name: String, value: String)] = []
        if index < line.end, bytes[index] == UInt8(ascii: "{") {
            index += 1
            try readLabels(line, at: &index, name: &name, into: &labels)
        }
        guard let name else { throw error(at: line, first, .malformedLine(reason: "expected a metric name")) }
        guard index < line.end, MetricsFormat.isBlank(bytes[index]) else {
            throw error(at: line, index, .malformedLine(reason: index < line.end
                ? "expected a space and a value after the \(labels.isEmpty && bytes[index] != UInt8(ascii: "}") ? "metric name" : "labels")"
                : "the line ends before its value"))
        }
        while index < line.end, MetricsFormat.isBlank(bytes[index]) { index += 1 }
        let valueStart = index
        while index < line.end, !MetricsFormat.isBlank(bytes[index]) { index += 1 }
        guard let value = PrometheusText.number(UnsafeRawBufferPointer(rebasing: bytes[valueStart..<index])) else {
            throw error(at: line, valueStart, .malformedLine(reason: valueStart == index
                ? "the line ends before its value" : "the value \(MetricsReadError.Problem.quote(text(valueStart, index))) is not a number"))
        }
        while index < line.end, MetricsFormat.isBlank(bytes[index]) { index += 1 }
        if index < line.end, bytes[index] != UInt8(ascii: "#") {
            let timestampStart = index
            while index < line.end, !MetricsFormat.isBlank(bytes[index]) { index += 1 }
            guard PrometheusText.number(UnsafeRawBufferPointer(rebasing: bytes[timestampStart..<index]))?.isFinite == true else {
                throw error(at: line, timestampStart, .malformedLine(reason: "expected a timestamp or the end of the line after the value"))
            }
            while index < line.end, MetricsFormat.isBlank(bytes[index]) { index += 1 }
        }
        // An OpenMetrics exemplar (`# {trace_id="…"} 0.5`) may follow; the graph has no use for it.
        guard index == line.end || bytes[index] == UInt8(ascii: "#") else {
            throw error(at: line, index, .malformedLine(reason: "expected the end of the line after the timestamp"))
        }
        guard let metric = ServiceGraphMetricName(name) else {
            report.noteOther(name)
            return
        }
        if case .notDrawn(let rest) = metric {
            report.notDrawnSeries[rest, default: 0] += 1
            return
        }
        report.drawnSeries += 1
        do {
            try tallies.add(metric, name: name, labels: labels, value: value, at: place(line, first))
        } catch {
            throw MetricsReadError(source: source, line: line.number, column: place(line, first).column, problem: error.problem)
        }
    }

    /// The label set after `{`, up to and past its `}`.
    private func readLabels(_ line: Line, at index: inout Int, name: inout String?,
                            into labels: inout [(name: String, value: String)]) throws(MetricsReadError) {
        // A set, so that a line of a thousand labels is not checked in a million comparisons.
        var names = Set<String>()
        while true {
            skipBlanks(line, &index)
            guard index < line.end else { throw error(at: line, index, .malformedLine(reason: "the label set is not closed with }")) }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            let labelStart = index
            var labelName: String
            if bytes[index] == UInt8(ascii: "\"") {
                labelName = try quoted(line, at: &index)
                skipBlanks(line, &index)
                if index < line.end, bytes[index] == UInt8(ascii: ",") || bytes[index] == UInt8(ascii: "}") {
                    // Prometheus 3's quoted metric name: `{"name", label="value"}`.
                    guard name == nil else { throw error(at: line, labelStart, .malformedLine(reason: "a second metric name in the label set")) }
                    name = labelName
                    if bytes[index] == UInt8(ascii: ",") { index += 1 }
                    continue
                }
            } else {
                while index < line.end, PrometheusText.isLabelNameByte(bytes[index], first: index == labelStart) { index += 1 }
                guard index > labelStart else { throw error(at: line, index, .malformedLine(reason: "expected a label name or }")) }
                labelName = text(labelStart, index)
                skipBlanks(line, &index)
            }
            guard index < line.end, bytes[index] == UInt8(ascii: "=") else {
                throw error(at: line, index, .malformedLine(reason: "expected = after the label name"))
            }
            index += 1
            skipBlanks(line, &index)
            guard index < line.end, bytes[index] == UInt8(ascii: "\"") else {
                throw error(at: line, index, .malformedLine(reason: "expected a label value in double quotes"))
            }
            let value = try quoted(line, at: &index)
            if labelName == "__name__", name == nil {
                name = value
            } else {
                guard names.insert(labelName).inserted else {
                    throw error(at: line, labelStart, .malformedLine(reason: "the label \(MetricsReadError.Problem.quote(labelName)) is given twice"))
                }
                labels.append((labelName, value))
                if labels.count > options.maximumLabels { throw error(at: line, labelStart, .tooManyLabels(limit: options.maximumLabels)) }
            }
            skipBlanks(line, &index)
            guard index < line.end else { throw error(at: line, index, .malformedLine(reason: "the label set is not closed with }")) }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] != UInt8(ascii: "}") {
                throw error(at: line, index, .malformedLine(reason: "expected , or } after the label value"))
            }
        }
    }

    /// A string in double quotes, its escapes (`\\`, `\"`, `\n`) undone; the index ends past its closing quote.
    private func quoted(_ line: Line, at index: inout Int) throws(MetricsReadError) -> String {
        let open = index
        index += 1
        var value: [UInt8] = []
        while index < line.end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: value, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < line.end else { break }
                switch bytes[index + 1] {
                case UInt8(ascii: "\\"): value.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\""): value.append(UInt8(ascii: "\""))
                case UInt8(ascii: "n"): value.append(0x0A)
                default: throw error(at: line, index, .malformedLine(reason: "a label value escapes only \\\\, \\\" and \\n"))
                }
                index += 2
                continue
            }
            value.append(byte)
            index += 1
        }
        throw error(at: line, open, .malformedLine(reason: "the quoted string is not closed"))
    }

    private func skipBlanks(_ line: Line, _ index: inout Int) {
        while index < line.end, MetricsFormat.isBlank(bytes[index]) { index += 1 }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// Line and column of a byte of a line; columns count Unicode scalars.
    private func place(_ line: Line, _ offset: Int) -> Place {
        var column = 1
        for index in line.start..<min(offset, bytes.count) where bytes[index] & 0xC0 != 0x80 { column += 1 }
        return Place(line: line.number, column: column)
    }

    private func error(at line: Line, _ offset: Int, _ problem: MetricsReadError.Problem) -> MetricsReadError {
        let place = place(line, offset)
        return MetricsReadError(source: source, line: place.line, column: place.column, problem: problem)
    }
}

/// The lexical rules of the Prometheus text format that more than one reader needs.
enum PrometheusText {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
        isLabelNameByte(byte, first: first) || byte == UInt8(ascii: ":")
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func isLabelNameByte(_ byte: UInt8, first: Bool) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || (!first && byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    /// A value as Go's `strconv.ParseFloat` reads it in a scrape: a decimal number with an
    /// optional sign and exponent, or `NaN`, `Inf`, `+Inf`, `-Inf` in any case.
    static func number(_ token: UnsafeRawBufferPointer) -> Double? {
        guard !token.isEmpty, token.count <= 64 else { return nil }
        let text = String(decoding: token, as: UTF8.self)
        switch text.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        var sawDigit = false
        for byte in token {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): sawDigit = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): break
            default: return nil
            }
        }
        return sawDigit ? Double(text) : nil
    }

    /// A histogram bucket's `le`: a number, `+Inf` as the last; NaN is no bound.
    static func bucketBound(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { number(UnsafeRawBufferPointer($0)) }.flatMap { $0.isNaN ? nil : $0 }
    }
}
