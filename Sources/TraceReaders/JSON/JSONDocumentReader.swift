import TraceModel

/// A reader of JSON documents that come one after another (one document, or JSON lines),
/// which keeps the spans of a document until the whole document has read.
protocol JSONDocumentReader {
    init(_ bytes: UnsafeRawBufferPointer, detail: ReadDetail)
    var scanner: JSONScanner { get set }
    /// The spans left out or repaired so far (``SpanDefect``).
    var defects: SpanDefectLog<JSONError> { get set }
    /// Reads one document, keeping its spans, or with `atOnce` handing them to the sink as soon as
    /// the reader can (when the read stops at an error, the sink is not used).
    mutating func readDocument<Sink: SpanSink>(into sink: inout Sink, atOnce: Bool) throws(JSONError)
    /// Hands the kept spans of the document just read to the sink, and keeps none.
    mutating func passOnDocument<Sink: SpanSink>(to sink: inout Sink)
    /// Drops the kept spans of a document that did not read.
    mutating func dropDocument()
    /// The names of the arrays of spans, and of the batches that hold them (a trace), in the
    /// format; "" for an array that is the document: under `keepGoing`, a broken span of a
    /// pretty-printed document is left out whole, or the batch when the error is outside its spans.
    static var recoverableArrays: Set<String> { get }
}

extension JSONDocumentReader {
    /// Reads every document in the input, one after the other. With `keepGoing`, an error is noted
    /// in `skipped` and ``JSONRecovery`` says how to go on: in JSON lines the rest of the line is
    /// left out, in a document that spans lines the broken span. A span that cannot be used as it
    /// stands (``SpanDefect``) is left out or repaired and noted in `skipped`, or with `strict`
    /// stops the read.
    mutating func readAll<Sink: SpanSink>(into sink: inout Sink, keepGoing: Bool = false, strict: Bool = false,
                                          skipped: inout [JSONError]) throws(JSONError) {
        if scanner.isAtEndOfInput() { throw scanner.error(.emptyInput) }
        try readDocuments(into: &sink, keepGoing: keepGoing, strict: strict, skipped: &skipped)
    }

    /// Reads the documents from the position to the end of the input (none when only white space
    /// is left), as ``readAll(into:keepGoing:strict:skipped:)`` does: the documents after one read
    /// in parts (``DocumentParts``).
    mutating func readDocuments<Sink: SpanSink>(into sink: inout Sink, keepGoing: Bool, strict: Bool,
                                                skipped: inout [JSONError]) throws(JSONError) {
        guard !scanner.isAtEndOfInput() else { return }
        defects.strict = strict
        defer { defects.hand(to: &skipped) }
        var recovery = JSONRecovery(arrays: Self.recoverableArrays)
        repeat {
            let documentStart = scanner.position
            do {
                try readDocument(into: &sink, atOnce: !keepGoing)
                passOnDocument(to: &sink)
            } catch {
                guard keepGoing else { throw error }
                skipped.append(error)
                defects.forget(from: documentStart)
                dropDocument()
                _ = recovery.goOn(after: error, documentStart: documentStart, scanner: &scanner)
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
