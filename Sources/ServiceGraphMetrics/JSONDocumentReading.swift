import TraceReaders

/// A reader of one JSON document of a known shape (a Prometheus API answer, a saved service
/// graph), member by member over a ``JSONScanner``, its errors the metrics readers' problems at a
/// byte offset. Every object and array of such a document is read these few ways.
protocol JSONDocumentReading {
    var scanner: JSONScanner { get set }
    /// How deep the document may nest, reported when the scanner refuses deeper nesting (the
    /// scanner is started as deep as makes its own limit this one).
    var nesting: Int { get }
    /// The problem of a document that is not JSON, or not shaped as this reader's documents are.
    static func malformed(_ reason: String) -> MetricsReadError.Problem
}

/// What is wrong with a JSON document, at a byte offset of it.
struct JSONDocumentError: Error {
    var offset: Int
    var problem: MetricsReadError.Problem
}

extension JSONDocumentReading {
    /// Reads the object that comes next, member by member: `member` reads the value of a member it
    /// knows and returns true, or returns false to have the value skipped.
    mutating func readObject(_ member: (inout Self, _ key: String) throws(JSONDocumentError) -> Bool) throws(JSONDocumentError) {
        try scan { json throws(JSONError) in try json.beginObject() }
        while let key = try scan({ json throws(JSONError) in try json.nextKey() })?.string {
            if try !member(&self, key) { try scan { json throws(JSONError) in try json.skipValue() } }
        }
    }

    /// Reads the array that comes next, `element` reading each element.
    mutating func readArray(_ element: (inout Self) throws(JSONDocumentError) -> Void) throws(JSONDocumentError) {
        try scan { json throws(JSONError) in try json.beginArray() }
        while try nextElement() { try element(&self) }
    }

    /// The kind of the value that comes next.
    mutating func peekKind() throws(JSONDocumentError) -> JSONValueKind {
        try scan { json throws(JSONError) in try json.peekKind() }
    }

    /// Moves to the next element of the array begun last; false, past its end, when there are no more.
    mutating func nextElement() throws(JSONDocumentError) -> Bool {
        try scan { json throws(JSONError) in try json.nextElement() }
    }

    /// The string that comes next.
    mutating func string() throws(JSONDocumentError) -> String {
        try scan { json throws(JSONError) in try json.readString() }
    }

    /// Where the value that comes next starts, past white space: where an error about it points.
    mutating func valueStart() -> Int {
        scanner.skipWhitespace()
        return scanner.position
    }

    /// One step of the scanner, its error made the document's: nesting past the scanner's limit is
    /// nesting past ``nesting``, and any other problem says the document is not JSON, in the words
    /// of the trace readers' JSON errors.
    mutating func scan<Value>(_ step: (inout JSONScanner) throws(JSONError) -> Value) throws(JSONDocumentError) -> Value {
        do {
            return try step(&scanner)
        } catch {
            if case .nestingTooDeep = error.problem {
                throw JSONDocumentError(offset: error.offset, problem: .nestingTooDeep(limit: nesting))
            }
            throw malformed(error.problem.description, at: error.offset)
        }
    }

    /// A document that is not JSON, or not shaped as this reader's, for the reason given.
    func malformed(_ reason: String, at offset: Int) -> JSONDocumentError {
        JSONDocumentError(offset: offset, problem: Self.malformed(reason))
    }

    /// The error of the document named `source`, at the line and column of `error`'s offset.
    func readError(_ error: JSONDocumentError, source: String) -> MetricsReadError {
        var locator = TextLocator(scanner.bytes)
        let place = locator.place(of: error.offset)
        return MetricsReadError(source: source, line: place.line, column: place.column, problem: error.problem)
    }
}
