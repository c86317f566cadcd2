import TraceReaders

/// Reads an answer of the Prometheus (or Mimir) HTTP API in JSON:
/// `{"status": "success", "data": {"resultType": "vector" | "matrix", "result": [series…]}}`, each
/// series `{"metric": {"__name__": …, labels…}, "value": [time, "v"]}` (a `query`) or
/// `"values": [[time, "v"], …]` (a `query_range`), and `{"status": "error", "errorType": …, "error": …}`.
///
/// A vector gives each series' value; a matrix each counter's increase over the range, as
/// Prometheus's `increase` computes it but without extrapolation to the range's ends: the last
/// sample minus the first, plus, wherever a sample is below the one before it (a counter reset:
/// a restarted metrics-generator or Collector), the value before the reset. Series are read one at
/// a time and summed into their edge; their samples are never held.
struct PrometheusAnswerReader: JSONDocumentReading {
    var scanner: JSONScanner
    private let source: String
    private let options: MetricsReadOptions
    /// How deep the answer's arrays and objects may nest: the options' limit, within the scanner's own.
    let nesting: Int
    private var places: TextLocator
    private var report: MetricsInputReport
    private var tallies: EdgeTallies

    init(_ bytes: UnsafeRawBufferPointer, source: String, isCompressed: Bool, options: MetricsReadOptions) {
        nesting = min(max(options.maximumNesting, 0), JSONScanner.maximumDepth)
        // The scanner refuses what nests deeper than its own limit: started as if the answer sat
        // that limit less the options' deep, it refuses what nests deeper than the options' limit.
        scanner = JSONScanner(bytes, elementAt: 0, depth: JSONScanner.maximumDepth - nesting)
        self.source = source
        self.options = options
        places = TextLocator(bytes)
        report = MetricsInputReport(source: source, format: .prometheusJSON, shape: .instantVector, isCompressed: isCompressed)
        tallies = EdgeTallies(limits: options)
    }

    mutating func read() throws(MetricsReadError) -> (MetricsInputReport, EdgeTallies) {
        do {
            try readAnswer()
        } catch {
            throw readError(error, source: source)
        }
        if let broken = tallies.histogramWithoutInfinity(source: source) { throw broken }
        report.warnings += tallies.warnings
        return (report, tallies)
    }

    static func malformed(_ reason: String) -> MetricsReadError.Problem { .malformedAnswer(reason: reason) }

    private mutating func readAnswer() throws(JSONDocumentError) {
        var status: (value: String, offset: Int)?
        var errorType = ""
        var errorText = ""
        var sawData = false
        try readObject { reader, key throws(JSONDocumentError) in
            switch key {
            case "status":
                let offset = reader.valueStart()
                status = (try reader.string(), offset)
            case "errorType": errorType = try reader.scan { json throws(JSONError) in try json.readOptionalString() }
            case "error": errorText = try reader.scan { json throws(JSONError) in try json.readOptionalString() }
            case "warnings", "infos":
                var kept = 0
                try reader.readArray { reader throws(JSONDocumentError) in
                    let warning = try reader.string()
                    if kept < 20 { reader.report.warnings.append(warning) }
                    kept += 1
                }
            case "data":
                guard try reader.peekKind() == .object else { return false }
                sawData = true
                try reader.readData()
            default: return false
            }
            return true
        }
        guard scanner.isAtEndOfInput() else { throw malformed("something follows the answer", at: scanner.position) }
        guard let status else { throw malformed("the answer has no status", at: 0) }
        switch status.value {
        case "success": break
        case "error": throw JSONDocumentError(offset: status.offset, problem: .queryFailed(errorType: errorType, error: errorText))
        default: throw malformed("status is \(MetricsReadError.Problem.quote(status.value)), not success or error", at: status.offset)
        }
        guard sawData else { throw malformed("the answer has no data", at: 0) }
    }

    private mutating func readData() throws(JSONDocumentError) {
        try readObject { reader, key throws(JSONDocumentError) in
            switch key {
            case "resultType":
                let offset = reader.valueStart()
                let type = try reader.string()
                guard type == "vector" || type == "matrix" else {
                    throw JSONDocumentError(offset: offset, problem: .unsupportedResultType(type))
                }
                reader.report.shape = type == "matrix" ? .rangeMatrix : .instantVector
            case "result":
                try reader.readArray { reader throws(JSONDocumentError) in try reader.readSeries() }
            default: return false
            }
            return true
        }
    }

    /// One series: its labels, then its value or values, which are skipped on the way and read
    /// again from where they start once the labels say what the series is.
    private mutating func readSeries() throws(JSONDocumentError) {
        let seriesStart = valueStart()
        let kind = try peekKind()
        guard kind == .object else { throw malformed("expected a series object {\"metric\": …}, found \(kind.name)", at: seriesStart) }
        let (line, column) = places.place(of: seriesStart)
        let place = Place(line: line, column: column)
        report.series += 1
        if report.series > options.maximumSeries {
            throw JSONDocumentError(offset: seriesStart, problem: .tooManySeries(limit: options.maximumSeries))
        }
        var labels: [(name: String, value: String)] = []
        var name: String?
        var samples: (at: JSONScanner.Mark, isRange: Bool)?
        var isNative = false
        try readObject { reader, key throws(JSONDocumentError) in
            switch key {
            case "metric":
                try reader.readObject { reader, label throws(JSONDocumentError) in
                    let offset = reader.valueStart()
                    let value = try reader.string()
                    if label == "__name__" {
                        name = value
                    } else {
                        labels.append((label, value))
                        if labels.count > reader.options.maximumLabels {
                            throw JSONDocumentError(offset: offset, problem: .tooManyLabels(limit: reader.options.maximumLabels))
                        }
                    }
                    return true
                }
                return true
            case "value", "values":
                samples = (reader.scanner.mark, key == "values")
            case "histogram", "histograms":
                isNative = true
            default: break
            }
            return false
        }
        let end = scanner.mark
        guard let name else {
            let shown = "{" + labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ") + "}"
            throw JSONDocumentError(offset: seriesStart, problem: .seriesWithoutName(labels: shown))
        }
        guard let metric = ServiceGraphMetricName(name) else {
            report.noteOther(name)
            return
        }
        if case .notDrawn(let rest) = metric {
            report.notDrawnSeries[rest, default: 0] += 1
            return
        }
        if isNative { throw JSONDocumentError(offset: seriesStart, problem: .nativeHistogram(metric: name)) }
        guard let samples else { throw malformed("the series has neither value nor values", at: seriesStart) }
        report.drawnSeries += 1
        scanner.rewind(to: samples.at)
        let value = samples.isRange ? try increase(of: name) : try sample(of: name)
        scanner.rewind(to: end)
        do {
            try tallies.add(metric, name: name, labels: labels, value: value, at: place)
        } catch {
            throw JSONDocumentError(offset: seriesStart, problem: error.problem)
        }
    }

    /// `[time, "value"]`: the value.
    private mutating func sample(of metric: String) throws(JSONDocumentError) -> Double {
        let start = valueStart()
        let shape = "a sample is [time, \"value\"]"
        try scan { json throws(JSONError) in try json.beginArray() }
        guard try nextElement() else { throw malformed(shape, at: start) }
        _ = try scan { json throws(JSONError) in try json.readNumberToken() }
        guard try nextElement() else { throw malformed(shape, at: start) }
        let offset = valueStart()
        // The value is a string in Prometheus's answers; a number is taken as well.
        let text = try scan { json throws(JSONError) in
            try json.peekKind() == .string ? json.readRawString() : JSONKey(raw: json.readNumberToken().bytes)
        }
        guard let value = text.withBytes({ PrometheusText.number($0) }) else {
            throw malformed("the sample value \(MetricsReadError.Problem.quote(text.string)) is not a number", at: offset)
        }
        guard value.isFinite, value >= 0 else {
            throw JSONDocumentError(offset: offset, problem: .invalidCount(metric: metric, value: text.string))
        }
        guard try !nextElement() else { throw malformed(shape + ", two elements", at: start) }
        return value
    }

    /// `[[time, "value"], …]`: the increase from the first sample to the last, resets counted in.
    private mutating func increase(of metric: String) throws(JSONDocumentError) -> Double {
        var increase = CounterIncrease()
        try readArray { reader throws(JSONDocumentError) in increase.add(try reader.sample(of: metric)) }
        return increase.value
    }
}

/// How much a counter grew over its samples, in order: Prometheus's `increase` without the
/// extrapolation to the ends of the range. A sample below the one before it is a reset (the
/// process that counts restarted from zero), and the value before it is added back, so that the
/// increase counts what was counted before and after. One sample or none: no increase.
struct CounterIncrease {
    private var first: Double?
    private var last = 0.0
    private var resets = 0.0

    mutating func add(_ value: Double) {
        if first == nil {
            first = value
        } else if value < last {
            resets += last
        }
        last = value
    }

    var value: Double {
        guard let first else { return 0 }
        return last - first + resets
    }
}
