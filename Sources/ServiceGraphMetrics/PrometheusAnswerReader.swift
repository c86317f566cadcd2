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
struct PrometheusAnswerReader {
    private var scanner: JSONScanner
    private let source: String
    private let options: MetricsReadOptions
    /// How deep the answer's arrays and objects may nest: the options' limit, within the scanner's own.
    private let nesting: Int
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
            var locator = TextLocator(scanner.bytes)
            let place = locator.place(of: error.offset)
            throw MetricsReadError(source: source, line: place.line, column: place.column, problem: error.problem)
        }
        if let broken = tallies.histogramWithoutInfinity(source: source) { throw broken }
        report.warnings += tallies.warnings
        return (report, tallies)
    }

    private mutating func readAnswer() throws(AnswerError) {
        var status: (value: String, offset: Int)?
        var errorType = ""
        var errorText = ""
        var sawData = false
        try readObject { reader, key throws(AnswerError) in
            switch key {
            case "status":
                let offset = reader.valueStart()
                status = (try reader.string(), offset)
            case "errorType": errorType = try reader.scan { json throws(JSONError) in try json.readOptionalString() }
            case "error": errorText = try reader.scan { json throws(JSONError) in try json.readOptionalString() }
            case "warnings", "infos":
                var kept = 0
                try reader.readArray { reader throws(AnswerError) in
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
        case "error": throw AnswerError(offset: status.offset, problem: .queryFailed(errorType: errorType, error: errorText))
        default: throw malformed("status is \(MetricsReadError.Problem.quote(status.value)), not success or error", at: status.offset)
        }
        guard sawData else { throw malformed("the answer has no data", at: 0) }
    }

    private mutating func readData() throws(AnswerError) {
        try readObject { reader, key throws(AnswerError) in
            switch key {
            case "resultType":
                let offset = reader.valueStart()
                let type = try reader.string()
                guard type == "vector" || type == "matrix" else {
                    throw AnswerError(offset: offset, problem: .unsupportedResultType(type))
                }
                reader.report.shape = type == "matrix" ? .rangeMatrix : .instantVector
            case "result":
                try reader.readArray { reader throws(AnswerError) in try reader.readSeries() }
            default: return false
            }
            return true
        }
    }

    /// One series: its labels, then its value or values, which are skipped on the way and read
    /// again from where they start once the labels say what the series is.
    private mutating func readSeries() throws(AnswerError) {
        let seriesStart = valueStart()
        let kind = try peekKind()
        guard kind == .object else { throw malformed("expected a series object {\"metric\": …}, found \(kind.name)", at: seriesStart) }
        let (line, column) = places.place(of: seriesStart)
        let place = Place(line: line, column: column)
        report.series += 1
        if report.series > options.maximumSeries {
            throw AnswerError(offset: seriesStart, problem: .tooManySeries(limit: options.maximumSeries))
        }
        var labels: [(name: String, value: String)] = []
        var name: String?
        var samples: (at: JSONScanner.Mark, isRange: Bool)?
        var isNative = false
        try readObject { reader, key throws(AnswerError) in
            switch key {
            case "metric":
                try reader.readObject { reader, label throws(AnswerError) in
                    let offset = reader.valueStart()
                    let value = try reader.string()
                    if label == "__name__" {
                        name = value
                    } else {
                        labels.append((label, value))
                        if labels.count > reader.options.maximumLabels {
                            throw AnswerError(offset: offset, problem: .tooManyLabels(limit: reader.options.maximumLabels))
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
            throw AnswerError(offset: seriesStart, problem: .seriesWithoutName(labels: shown))
        }
        guard let metric = ServiceGraphMetricName(name) else {
            report.noteOther(name)
            return
        }
        if case .notDrawn(let rest) = metric {
            report.notDrawnSeries[rest, default: 0] += 1
            return
        }
        if isNative { throw AnswerError(offset: seriesStart, problem: .nativeHistogram(metric: name)) }
        guard let samples else { throw malformed("the series has neither value nor values", at: seriesStart) }
        report.drawnSeries += 1
        scanner.rewind(to: samples.at)
        let value = samples.isRange ? try increase(of: name) : try sample(of: name)
        scanner.rewind(to: end)
        do {
            try tallies.add(metric, name: name, labels: labels, value: value, at: place)
        } catch {
            throw AnswerError(offset: seriesStart, problem: error.problem)
        }
    }

    /// `[time, "value"]`: the value.
    private mutating func sample(of metric: String) throws(AnswerError) -> Double {
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
            throw AnswerError(offset: offset, problem: .invalidCount(metric: metric, value: text.string))
        }
        guard try !nextElement() else { throw malformed(shape + ", two elements", at: start) }
        return value
    }

    /// `[[time, "value"], …]`: the increase from the first sample to the last, resets counted in.
    private mutating func increase(of metric: String) throws(AnswerError) -> Double {
        var increase = CounterIncrease()
        try readArray { reader throws(AnswerError) in increase.add(try reader.sample(of: metric)) }
        return increase.value
    }

    // MARK: The answer's JSON

    /// Reads the object that comes next, member by member: `member` reads the value of a member it
    /// knows and returns true, or returns false to have the value skipped. Every object of an answer
    /// is read this one way.
    private mutating func readObject(_ member: (inout Self, _ key: String) throws(AnswerError) -> Bool) throws(AnswerError) {
        try scan { json throws(JSONError) in try json.beginObject() }
        while let key = try scan({ json throws(JSONError) in try json.nextKey() })?.string {
            if try !member(&self, key) { try scan { json throws(JSONError) in try json.skipValue() } }
        }
    }

    /// Reads the array that comes next, `element` reading each element.
    private mutating func readArray(_ element: (inout Self) throws(AnswerError) -> Void) throws(AnswerError) {
        try scan { json throws(JSONError) in try json.beginArray() }
        while try nextElement() { try element(&self) }
    }

    /// The kind of the value that comes next.
    private mutating func peekKind() throws(AnswerError) -> JSONValueKind {
        try scan { json throws(JSONError) in try json.peekKind() }
    }

    /// Moves to the next element of the array begun last; false, past its end, when there are no more.
    private mutating func nextElement() throws(AnswerError) -> Bool {
        try scan { json throws(JSONError) in try json.nextElement() }
    }

    /// The string that comes next.
    private mutating func string() throws(AnswerError) -> String {
        try scan { json throws(JSONError) in try json.readString() }
    }

    /// Where the value that comes next starts, past white space: where an error about it points.
    private mutating func valueStart() -> Int {
        scanner.skipWhitespace()
        return scanner.position
    }

    /// One step of the scanner, its error made the answer's: nesting past the scanner's limit is
    /// nesting past the options' (``init(_:source:isCompressed:options:)``), and any other problem
    /// says the answer is not JSON, in the words of the trace readers' JSON errors.
    private mutating func scan<Value>(_ step: (inout JSONScanner) throws(JSONError) -> Value) throws(AnswerError) -> Value {
        do {
            return try step(&scanner)
        } catch {
            if case .nestingTooDeep = error.problem {
                throw AnswerError(offset: error.offset, problem: .nestingTooDeep(limit: nesting))
            }
            throw malformed(error.problem.description, at: error.offset)
        }
    }

    /// An answer that is not JSON, or not shaped as an API answer, for the reason given.
    private func malformed(_ reason: String, at offset: Int) -> AnswerError {
        AnswerError(offset: offset, problem: .malformedAnswer(reason: reason))
    }
}

/// What is wrong with an answer, at a byte offset of it.
private struct AnswerError: Error {
    var offset: Int
    var problem: MetricsReadError.Problem
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
