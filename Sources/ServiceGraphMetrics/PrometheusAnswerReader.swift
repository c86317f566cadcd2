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
struct PrometheusAnswerReader {
    private var scanner: JSONScanner
    private let source: String
    private let options: MetricsReadOptions
    private var places: TextPlaces
    private var report: MetricsInputReport
    private var tallies: EdgeTallies
    private var resultType: String?

    init(_ bytes: UnsafeRawBufferPointer, source: String, isCompressed: Bool, options: MetricsReadOptions) {
        scanner = JSONScanner(bytes, limits: options)
        self.source = source
        self.options = options
        places = TextPlaces(bytes)
        report = MetricsInputReport(source: source, format: .prometheusJSON, shape: .instantVector, isCompressed: isCompressed)
        tallies = EdgeTallies(limits: options)
    }

    mutating func read() throws(MetricsReadError) -> (MetricsInputReport, EdgeTallies) {
        do {
            try readAnswer()
        } catch {
            var locator = TextPlaces(scanner.bytes)
            let place = locator.place(of: error.offset)
            throw MetricsReadError(source: source, line: place.line, column: place.column, problem: error.problem)
        }
        if let broken = tallies.histogramWithoutInfinity(source: source) { throw broken }
        report.warnings += tallies.warnings
        return (report, tallies)
    }

    private mutating func readAnswer() throws(JSONScanner.Failure) {
        var status: (value: String, offset: Int)?
        var errorType = ""
        var errorText = ""
        var sawData = false
        try scanner.expect(UInt8(ascii: "{"))
        if try !scanner.consume(UInt8(ascii: "}")) {
            repeat {
                let key = try scanner.string()
                try scanner.expect(UInt8(ascii: ":"))
                switch key {
                case "status":
                    let offset = scanner.position
                    status = (try scanner.string(), offset)
                case "errorType": errorType = try stringOrNull()
                case "error": errorText = try stringOrNull()
                case "warnings", "infos": report.warnings += try strings()
                case "data":
                    if try scanner.peekByte() == UInt8(ascii: "{") {
                        sawData = true
                        try readData()
                    } else {
                        try scanner.skipValue(depth: 1)
                    }
                default: try scanner.skipValue(depth: 1)
                }
            } while try scanner.consume(UInt8(ascii: ","))
            try scanner.expect(UInt8(ascii: "}"))
        }
        guard scanner.isAtEnd else { throw scanner.failure("something follows the answer") }
        guard let status else { throw scanner.failure("the answer has no status", at: 0) }
        switch status.value {
        case "success": break
        case "error": throw JSONScanner.Failure(offset: status.offset, problem: .queryFailed(errorType: errorType, error: errorText))
        default: throw scanner.failure("status is \(MetricsReadError.Problem.quote(status.value)), not success or error", at: status.offset)
        }
        guard sawData else { throw scanner.failure("the answer has no data", at: 0) }
    }

    private mutating func stringOrNull() throws(JSONScanner.Failure) -> String {
        if try scanner.peekByte() == UInt8(ascii: "n") {
            try scanner.skipValue(depth: 1)
            return ""
        }
        return try scanner.string()
    }

    private mutating func strings() throws(JSONScanner.Failure) -> [String] {
        var values: [String] = []
        try scanner.expect(UInt8(ascii: "["))
        if try scanner.consume(UInt8(ascii: "]")) { return values }
        repeat {
            let value = try scanner.string()
            if values.count < 20 { values.append(value) }
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"))
        return values
    }

    private mutating func readData() throws(JSONScanner.Failure) {
        try scanner.expect(UInt8(ascii: "{"))
        if try scanner.consume(UInt8(ascii: "}")) { return }
        repeat {
            let key = try scanner.string()
            try scanner.expect(UInt8(ascii: ":"))
            switch key {
            case "resultType":
                let offset = scanner.position
                let type = try scanner.string()
                guard type == "vector" || type == "matrix" else {
                    throw JSONScanner.Failure(offset: offset, problem: .unsupportedResultType(type))
                }
                resultType = type
                report.shape = type == "matrix" ? .rangeMatrix : .instantVector
            case "result":
                try scanner.expect(UInt8(ascii: "["))
                if try scanner.consume(UInt8(ascii: "]")) { continue }
                repeat {
                    try readSeries()
                } while try scanner.consume(UInt8(ascii: ","))
                try scanner.expect(UInt8(ascii: "]"))
            default:
                try scanner.skipValue(depth: 2)
            }
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"))
    }

    /// One series: its labels, then its value or values, which are skipped on the way and read
    /// again from where they start once the labels say what the series is.
    private mutating func readSeries() throws(JSONScanner.Failure) {
        guard try scanner.peekByte() == UInt8(ascii: "{") else { throw scanner.failure("expected a series object {\"metric\": …}") }
        let seriesStart = scanner.position
        let place = places.place(of: seriesStart)
        report.series += 1
        if report.series > options.maximumSeries {
            throw JSONScanner.Failure(offset: seriesStart, problem: .tooManySeries(limit: options.maximumSeries))
        }
        var labels: [(name: String, value: String)] = []
        var name: String?
        var samples: (offset: Int, isRange: Bool)?
        var isNative = false
        try scanner.expect(UInt8(ascii: "{"))
        if try !scanner.consume(UInt8(ascii: "}")) {
            repeat {
                let key = try scanner.string()
                try scanner.expect(UInt8(ascii: ":"))
                switch key {
                case "metric":
                    try scanner.expect(UInt8(ascii: "{"))
                    if try scanner.consume(UInt8(ascii: "}")) { continue }
                    repeat {
                        let labelOffset = scanner.position
                        let label = try scanner.string()
                        try scanner.expect(UInt8(ascii: ":"))
                        let value = try scanner.string()
                        if label == "__name__" {
                            name = value
                        } else {
                            labels.append((label, value))
                            if labels.count > options.maximumLabels {
                                throw JSONScanner.Failure(offset: labelOffset, problem: .tooManyLabels(limit: options.maximumLabels))
                            }
                        }
                    } while try scanner.consume(UInt8(ascii: ","))
                    try scanner.expect(UInt8(ascii: "}"))
                case "value", "values":
                    samples = (scanner.position, key == "values")
                    try scanner.skipValue(depth: 3)
                case "histogram", "histograms":
                    isNative = true
                    try scanner.skipValue(depth: 3)
                default:
                    try scanner.skipValue(depth: 3)
                }
            } while try scanner.consume(UInt8(ascii: ","))
            try scanner.expect(UInt8(ascii: "}"))
        }
        let end = scanner.position
        guard let name else {
            let shown = "{" + labels.map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ", ") + "}"
            throw JSONScanner.Failure(offset: seriesStart, problem: .seriesWithoutName(labels: shown))
        }
        guard let metric = ServiceGraphMetricName(name) else {
            report.noteOther(name)
            return
        }
        if case .notDrawn(let rest) = metric {
            report.notDrawnSeries[rest, default: 0] += 1
            return
        }
        if isNative { throw JSONScanner.Failure(offset: seriesStart, problem: .nativeHistogram(metric: name)) }
        guard let samples else { throw scanner.failure("the series has neither value nor values", at: seriesStart) }
        report.drawnSeries += 1
        scanner.position = samples.offset
        let value = samples.isRange ? try increase(of: name) : try sample(of: name)
        scanner.position = end
        do {
            try tallies.add(metric, name: name, labels: labels, value: value, at: place)
        } catch {
            throw JSONScanner.Failure(offset: seriesStart, problem: error.problem)
        }
    }

    /// `[time, "value"]`: the value.
    private mutating func sample(of metric: String) throws(JSONScanner.Failure) -> Double {
        try scanner.expect(UInt8(ascii: "["))
        _ = try scanner.number()
        try scanner.expect(UInt8(ascii: ","))
        let offset = scanner.position
        let text = try scanner.peekByte() == UInt8(ascii: "\"") ? try scanner.string() : String(try scanner.number())
        var copy = text
        guard let value = copy.withUTF8({ PrometheusText.number(UnsafeRawBufferPointer($0)) }) else {
            throw scanner.failure("the sample value \(MetricsReadError.Problem.quote(text)) is not a number", at: offset)
        }
        guard value.isFinite, value >= 0 else {
            throw JSONScanner.Failure(offset: offset, problem: .invalidCount(metric: metric, value: text))
        }
        try scanner.expect(UInt8(ascii: "]"))
        return value
    }

    /// `[[time, "value"], …]`: the increase from the first sample to the last, resets counted in.
    private mutating func increase(of metric: String) throws(JSONScanner.Failure) -> Double {
        var increase = CounterIncrease()
        try scanner.expect(UInt8(ascii: "["))
        if try scanner.consume(UInt8(ascii: "]")) { return 0 }
        repeat {
            increase.add(try sample(of: metric))
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "]"))
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
