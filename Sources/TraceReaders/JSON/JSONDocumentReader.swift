import TraceModel

/// A reader of JSON documents that come one after another (one document, or JSON lines),
/// which keeps the spans of a document until the whole document has read.
protocol JSONDocumentReader {
    init(_ bytes: UnsafeRawBufferPointer, detail: ReadDetail)
    var scanner: JSONScanner { get set }
    /// The spans left out or repaired so far (``SpanDefect``).
    var defects: SpanDefectLog<JSONError> { get set }
    /// Reads one document, keeping its spans.
    mutating func readDocument() throws(JSONError)
    /// Hands the kept spans of the document just read to the sink, and keeps none.
    mutating func passOnDocument<Sink: SpanSink>(to sink: inout Sink)
    /// Drops the kept spans of a document that did not read.
    mutating func dropDocument()
}

extension JSONDocumentReader {
    /// Reads every document in the input, one after the other. With `keepGoing`, a document that
    /// does not read is left out, with the rest of its line, and noted in `skipped`. A span that
    /// cannot be used as it stands (``SpanDefect``) is left out or repaired and noted in `skipped`,
    /// or with `strict` stops the read.
    mutating func readAll<Sink: SpanSink>(into sink: inout Sink, keepGoing: Bool = false, strict: Bool = false,
                                          skipped: inout [JSONError]) throws(JSONError) {
        if scanner.isAtEndOfInput() { throw scanner.error(.emptyInput) }
        defects.strict = strict
        defer { defects.hand(to: &skipped) }
        repeat {
            do {
                try readDocument()
                passOnDocument(to: &sink)
            } catch {
                guard keepGoing else { throw error }
                skipped.append(error)
                dropDocument()
                scanner.restart(atLineAfter: error.offset)
            }
        } while !scanner.isAtEndOfInput()
    }

    /// Every span of an input, repeats included: for tests and small inputs.
    static func spans(in bytes: UnsafeRawBufferPointer, detail: ReadDetail = .full) throws(JSONError) -> [Span] {
        var reader = Self(bytes, detail: detail)
        var collected = SpanList()
        var skipped: [JSONError] = []
        try reader.readAll(into: &collected, skipped: &skipped)
        return collected.spans
    }
}
