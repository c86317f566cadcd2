import TraceModel

/// Why an input could not be read, and where in it.
public struct TraceReadError: Error, Sendable, Equatable {
    /// A place in an input.
    public enum Location: Sendable, Equatable {
        /// Line and column, both counted from 1; columns count Unicode scalars.
        case text(line: Int, column: Int)
        /// A byte offset from the start, for binary inputs.
        case byteOffset(Int)
    }

    /// What is wrong.
    public enum Problem: Sendable, Equatable {
        case cannotOpen(reason: String)
        case emptyInput
        case unexpectedEnd(expected: String)
        case unexpectedCharacter(found: UInt8, expected: String)
        case wrongType(expected: String, found: String)
        case invalidLiteral
        case invalidNumber
        case invalidEscape
        case controlCharacterInString
        case nestingTooDeep(limit: Int)
        /// Valid JSON, but not a trace export this reader knows.
        case unrecognizedDocument(expected: String)
        /// A required field is absent, e.g. a span without `spanId`.
        case missingField(name: String, in: String)
        /// An id that is neither hex nor base64 of the right length.
        case invalidID(field: String, value: String, byteCount: Int)
        /// A number that does not fit the field.
        case numberOutOfRange(field: String)
        /// A value the field cannot take.
        case invalidValue(field: String, value: String)
        /// Binary input that is not a well-formed protobuf message: the reason says what is wrong.
        case malformedProtobuf(reason: String)
        /// Compressed input that does not inflate.
        case malformedCompression(reason: String)
        /// A file whose first bytes say it is something else: a PNG image, a PDF, a ZIP archive, HTML.
        case notATraceExport(looksLike: String)
        /// A well-formed span that cannot be used as it stands (``SpanDefect``): left out or
        /// repaired, or with `strict` the reason the read stopped.
        case spanDefect(SpanDefect, strict: Bool)
    }

    /// The defect of the span this error is about, if it is about one.
    public var spanDefect: SpanDefect? {
        if case .spanDefect(let defect, _) = problem { return defect }
        return nil
    }

    /// The input's path, or `-` for standard input, or a name given by the caller.
    public var source: String
    public var location: Location?
    public var problem: Problem

    public init(source: String, location: Location?, problem: Problem) {
        self.source = source
        self.location = location
        self.problem = problem
    }
}

extension TraceReadError: CustomStringConvertible {
    /// `FILE:LINE:COLUMN: error: WHAT`, the form editors and terminals turn into links.
    public var description: String {
        var place = source
        switch location {
        case .text(let line, let column)?: place += ":\(line):\(column)"
        case .byteOffset(let offset)?: place += ": at byte \(offset)"
        case nil: break
        }
        return "\(place): \(problem)"
    }
}

extension TraceReadError.Problem: CustomStringConvertible {
    public var description: String {
        switch self {
        case .cannotOpen(let reason): "cannot read the file: \(reason)"
        case .emptyInput: "the input is empty: expected a trace export"
        case .unexpectedEnd(let expected): "the input ends too early: expected \(expected) (is the file truncated?)"
        case .unexpectedCharacter(let found, let expected): "unexpected \(Self.show(found)): expected \(expected)"
        case .wrongType(let expected, let found): "expected \(expected), found \(found)"
        case .invalidLiteral: "not valid JSON: expected true, false or null"
        case .invalidNumber: "not a valid JSON number"
        case .invalidEscape: "invalid escape sequence in a string"
        case .controlCharacterInString: "a control character in a string must be escaped"
        case .nestingTooDeep(let limit): "arrays and objects nest more than \(limit) deep"
        case .unrecognizedDocument(let expected): "not a trace export this tool reads: expected \(expected)"
        case .missingField(let name, let container): "\(container) has no \(name)"
        case .invalidID(let field, let value, let byteCount):
            "\(field) \(Self.quote(value)) is not an id of \(byteCount) bytes (\(byteCount * 2) hex digits or base64)"
        case .numberOutOfRange(let field): "\(field) is out of range"
        case .invalidValue(let field, let value): "\(field) cannot be \(Self.quote(value))"
        case .malformedProtobuf(let reason): "not a well-formed OTLP protobuf message: \(reason)"
        case .malformedCompression(let reason): "cannot decompress: \(reason)"
        case .notATraceExport(let kind): "this is \(kind), not a trace export"
        case .spanDefect(let defect, strict: false): "\(defect): \(defect.outcome)"
        case .spanDefect(let defect, strict: true): "\(defect), which --strict does not accept"
        }
    }

    private static func show(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private static func quote(_ value: String) -> String {
        let shown = value.count > 40 ? String(value.prefix(40)) + "…" : value
        return "\"" + TerminalText.escaping(shown) + "\""
    }
}


/// Lines and columns of byte offsets in one text, found going forward from the last offset asked
/// for: the places of many errors (or of many series in a metrics answer), in order, take one
/// pass over the text, not one each, even when it is all one line. Columns count Unicode scalars.
package struct TextLocator {
    private let bytes: UnsafeRawBufferPointer
    /// Where the last scan stopped, and the line and column of the byte there.
    private var scanned = 0
    private var line = 1
    private var column = 1

    package init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The line and column of the byte at `offset` (at most the text's end).
    package mutating func place(of offset: Int) -> (line: Int, column: Int) {
        let end = min(offset, bytes.count)
        if end < scanned { self = TextLocator(bytes) }
        for index in scanned..<end {
            if bytes[index] == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if bytes[index] & 0xC0 != 0x80 {
                // Every byte that is not a UTF-8 continuation byte starts a scalar.
                column += 1
            }
        }
        scanned = end
        return (line, column)
    }

    mutating func location(of offset: Int) -> TraceReadError.Location {
        let (line, column) = place(of: offset)
        return .text(line: line, column: column)
    }
}
