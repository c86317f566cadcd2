import TraceModel

/// A reader's error at a byte offset of its input, which the input's terms (line and column, or
/// byte offset) are made from later.
protocol OffsetReadError: Error {
    init(offset: Int, problem: TraceReadError.Problem)
    var offset: Int { get }
}

extension JSONError: OffsetReadError {}

/// The spans a reader leaves out or repairs (``SpanDefect``), each noted with where it starts;
/// with `strict`, the first one stops the read instead.
struct SpanDefectLog<Located: OffsetReadError> {
    var strict = false
    private var noted: [Located] = []

    /// Checks a span read at `offset` by the rule of ``SpanDefect``: returns false, having noted why,
    /// when it is to be left out; otherwise gives it its ids and repairs its times, noting that too.
    @inline(__always)
    mutating func check(_ span: inout Span, traceID: TraceID?, spanID: SpanID?, at offset: Int) throws(Located) -> Bool {
        if let defect = SpanDefect.ofIDs(traceID: traceID, spanID: spanID) {
            try note(defect, at: offset)
            return false
        }
        span.traceID = traceID!
        span.spanID = spanID!
        if let repair = SpanDefect.repairTimes(of: &span) { try note(repair, at: offset) }
        return true
    }

    private mutating func note(_ defect: SpanDefect, at offset: Int) throws(Located) {
        let error = Located(offset: offset, problem: .spanDefect(defect, strict: strict))
        if strict { throw error }
        noted.append(error)
    }

    /// Forgets what was noted from `offset` on: a document that did not read is left out whole,
    /// or read again, and its spans are noted (again) only as they are read.
    mutating func forget(from offset: Int) {
        while let last = noted.last, last.offset >= offset { noted.removeLast() }
    }

    /// Adds what was noted to `skipped`, all in input order, and keeps none.
    mutating func hand(to skipped: inout [Located]) {
        guard !noted.isEmpty else { return }
        skipped += noted
        skipped.sort { $0.offset < $1.offset }
        noted = []
    }
}
