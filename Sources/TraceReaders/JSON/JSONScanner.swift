#if canImport(Glibc)
import Glibc
#endif

/// A problem the JSON layer found, at a byte offset of its input.
package struct JSONError: Error, Sendable {
    package var offset: Int
    package var problem: TraceReadError.Problem
}

/// The kinds of JSON value, as seen from their first byte.
package enum JSONValueKind: Sendable, Equatable {
    case object, array, string, number, bool, null

    package var name: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "true or false"
        case .null: "null"
        }
    }
}

/// A pull parser over bytes in memory: the caller asks for the value it expects
/// next and gets it without any intermediate tree. Every byte it passes over is
/// checked against RFC 8259, so a document it reads through is valid JSON.
///
/// The bytes must stay alive and unchanged while the scanner is in use.
package struct JSONScanner {
    /// How deeply arrays and objects may nest before the input is refused.
    package static let maximumDepth = 256

    package let bytes: UnsafeRawBufferPointer
    package private(set) var position: Int
    private var depth = 0
    /// True right after `{` or `[`: the next member or element takes no comma.
    private var atContainerStart = false

    package init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// A scanner at an element of an array `depth` containers deep (the document's own array is
    /// at depth 1), as one that read there from the start would be: for a part of a document.
    package init(_ bytes: UnsafeRawBufferPointer, elementAt position: Int, depth: Int) {
        self.bytes = bytes
        self.position = position
        self.depth = depth
    }

    /// A scanner of the same bytes at a position already read past, to read a value there again.
    func rewound(to position: Int) -> JSONScanner {
        JSONScanner(bytes, position: position)
    }

    // MARK: Bytes and white space

    private var isAtEnd: Bool { position >= bytes.count }

    /// The byte at the position, or 0 past the end (0 is never valid outside a string).
    @inline(__always)
    private func peekByte() -> UInt8 {
        position < bytes.count ? bytes[position] : 0
    }

    @inline(__always)
    package mutating func skipWhitespace() {
        var index = position
        let count = bytes.count
        while index < count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default:
                position = index
                return
            }
        }
        position = index
    }

    /// Whether only white space is left.
    package mutating func isAtEndOfInput() -> Bool {
        skipWhitespace()
        return isAtEnd
    }

    func error(_ problem: TraceReadError.Problem, at offset: Int? = nil) -> JSONError {
        JSONError(offset: offset ?? position, problem: problem)
    }

    private func unexpected(expecting expected: String) -> JSONError {
        if isAtEnd { return error(.unexpectedEnd(expected: expected)) }
        return error(.unexpectedCharacter(found: bytes[position], expected: expected))
    }

    // MARK: Containers

    /// The kind of the next value, after white space.
    package mutating func peekKind() throws(JSONError) -> JSONValueKind {
        skipWhitespace()
        switch peekByte() {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: throw unexpected(expecting: "a value")
        }
    }

    /// Consumes `null` if it comes next; JSON readers treat a null field as an absent one.
    mutating func skipNull() throws(JSONError) -> Bool {
        guard try peekKind() == .null else { return false }
        try readLiteral("null")
        return true
    }

    /// Begins an array; false, with the null read, for null, which stands for an empty one.
    mutating func beginArrayUnlessNull() throws(JSONError) -> Bool {
        if try skipNull() { return false }
        try beginArray()
        return true
    }

    @inline(__always)
    private mutating func open(_ byte: UInt8, expected: String) throws(JSONError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else {
            guard let found = try? peekKind() else { throw unexpected(expecting: expected) }
            throw error(.wrongType(expected: expected, found: found.name))
        }
        depth += 1
        if depth > Self.maximumDepth { throw error(.nestingTooDeep(limit: Self.maximumDepth)) }
        position += 1
        atContainerStart = true
    }

    /// Consumes `{`.
    package mutating func beginObject() throws(JSONError) {
        try open(UInt8(ascii: "{"), expected: "an object")
    }

    /// Consumes `[`.
    package mutating func beginArray() throws(JSONError) {
        try open(UInt8(ascii: "["), expected: "an array")
    }

    /// Moves to the next member of the object begun last and returns its key,
    /// leaving the position at its value; returns nil, past the `}`, when there are no more.
    package mutating func nextKey() throws(JSONError) -> JSONKey? {
        let count = bytes.count
        @inline(__always) func isWhitespace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
        }
        var index = position
        while index < count, isWhitespace(bytes[index]) { index += 1 }
        var byte: UInt8 = index < count ? bytes[index] : 0
        if byte == UInt8(ascii: "}") {
            position = index + 1
            depth -= 1
            atContainerStart = false
            return nil
        }
        if atContainerStart {
            atContainerStart = false
        } else {
            guard byte == UInt8(ascii: ",") else {
                position = index
                throw unexpected(expecting: "',' or '}'")
            }
            index += 1
            while index < count, isWhitespace(bytes[index]) { index += 1 }
            byte = index < count ? bytes[index] : 0
        }
        position = index
        guard byte == UInt8(ascii: "\"") else { throw unexpected(expecting: "a member name in double quotes") }
        let key = try readKey()
        index = position
        while index < count, isWhitespace(bytes[index]) { index += 1 }
        position = index
        guard index < count, bytes[index] == UInt8(ascii: ":") else { throw unexpected(expecting: "':'") }
        position = index + 1
        return key
    }

    /// Moves to the next element of the array begun last; returns false, past the `]`, when there are no more.
    package mutating func nextElement() throws(JSONError) -> Bool {
        skipWhitespace()
        let byte: UInt8 = position < bytes.count ? bytes[position] : 0
        if byte == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            atContainerStart = false
            return false
        }
        if atContainerStart {
            atContainerStart = false
        } else {
            guard byte == UInt8(ascii: ",") else { throw unexpected(expecting: "',' or ']'") }
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { throw unexpected(expecting: "a value after ','") }
        }
        return true
    }

    // MARK: Scalars

    private mutating func readLiteral(_ literal: StaticString) throws(JSONError) {
        let start = position
        let length = literal.utf8CodeUnitCount
        guard bytes.count - position >= length else { throw error(.invalidLiteral, at: start) }
        for index in 0..<length where bytes[position + index] != literal.utf8Start[index] {
            throw error(.invalidLiteral, at: start)
        }
        position += length
    }

    /// Reads `true` or `false`.
    package mutating func readBool() throws(JSONError) -> Bool {
        switch try peekKind() {
        case .bool:
            if peekByte() == UInt8(ascii: "t") { try readLiteral("true"); return true }
            try readLiteral("false")
            return false
        case let kind: throw error(.wrongType(expected: "true or false", found: kind.name))
        }
    }

    /// Consumes a number and returns its bytes, checked against JSON's grammar.
    package mutating func readNumberToken() throws(JSONError) -> JSONNumber {
        let kind = try peekKind()
        guard kind == .number else { throw error(.wrongType(expected: "a number", found: kind.name)) }
        let start = position
        var index = position
        let count = bytes.count
        @inline(__always) func at(_ index: Int) -> UInt8 { index < count ? bytes[index] : 0 }
        @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
        var isInteger = true
        if at(index) == UInt8(ascii: "-") { index += 1 }
        switch at(index) {
        case UInt8(ascii: "0"):
            index += 1
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            while isDigit(at(index)) { index += 1 }
        default:
            throw error(.invalidNumber, at: start)
        }
        if at(index) == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard isDigit(at(index)) else { throw error(.invalidNumber, at: start) }
            while isDigit(at(index)) { index += 1 }
        }
        if at(index) | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            index += 1
            if at(index) == UInt8(ascii: "+") || at(index) == UInt8(ascii: "-") { index += 1 }
            guard isDigit(at(index)) else { throw error(.invalidNumber, at: start) }
            while isDigit(at(index)) { index += 1 }
        }
        position = index
        return JSONNumber(bytes: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), isInteger: isInteger, offset: start)
    }

    /// Reads a string, decoding its escapes. Invalid UTF-8 becomes U+FFFD.
    package mutating func readString() throws(JSONError) -> String {
        let kind = try peekKind()
        guard kind == .string else { throw error(.wrongType(expected: "a string", found: kind.name)) }
        let (start, end) = scanPlainString()
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            position = end + 1
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        return String(decoding: try finishString(from: start, at: end), as: UTF8.self)
    }

    /// From an opening quote at the position, runs past the bytes that need no care; returns
    /// where the string's content starts and the index of the first quote, backslash,
    /// control character or the end.
    @inline(__always)
    private func scanPlainString() -> (start: Int, end: Int) {
        let start = position + 1
        var index = start
        let count = bytes.count
        // Eight bytes at a time: stop at the word holding a quote, a backslash or a control character.
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let quotes = word ^ (ones &* 0x22)
            let backslashes = word ^ (ones &* 0x5C)
            let special = ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes | (word &- ones &* 0x20) & ~word) & highs
            if special != 0 {
                index += special.trailingZeroBitCount / 8
                return (start, index)
            }
            index += 8
        }
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            index += 1
        }
        return (start, index)
    }

    /// The slow path of a string: escapes to decode, or an error to report.
    private mutating func finishString(from start: Int, at end: Int) throws(JSONError) -> [UInt8] {
        position = end
        guard end < bytes.count else { throw error(.unexpectedEnd(expected: "'\"' to close the string")) }
        if bytes[end] < 0x20 { throw error(.controlCharacterInString) }
        var decoded = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        try decodeEscapedTail(into: &decoded)
        return decoded
    }

    /// Reads a string and returns its raw bytes when it holds no escapes, else its decoded bytes:
    /// for comparing and parsing without making a `String`.
    package mutating func readRawString() throws(JSONError) -> JSONKey {
        let kind = try peekKind()
        guard kind == .string else { throw error(.wrongType(expected: "a string", found: kind.name)) }
        return try readKey()
    }

    /// A string's bytes (as `readRawString`), or nil for null: one look at the next byte.
    mutating func readRawStringOrNull() throws(JSONError) -> JSONKey? {
        skipWhitespace()
        switch peekByte() {
        case UInt8(ascii: "\""): return try readKey()
        case UInt8(ascii: "n"):
            try readLiteral("null")
            return nil
        default:
            let kind = try peekKind()
            throw error(.wrongType(expected: "a string", found: kind.name))
        }
    }

    /// Consumes `literal` when the bytes at the position are exactly it, white space included.
    @inline(__always)
    mutating func consume(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count,
              bytesAreEqual(bytes.baseAddress! + position, literal.utf8Start, count: count) else { return false }
        position += count
        return true
    }

    /// A string with nothing to decode, from its opening quote at the position through its
    /// closing quote; nil, and nothing consumed, for any other string or value.
    @inline(__always)
    mutating func readPlainString() -> UnsafeRawBufferPointer? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        let (start, end) = scanPlainString()
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        position = end + 1
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// Consumes the next member's name and colon when they are exactly the `count` bytes at
    /// `token` (`"name":`), with the comma before it unless it is the object's first member: no
    /// white space, no escapes.
    @inline(__always)
    mutating func consumeMember(token: UnsafeRawPointer, count: Int) -> Bool {
        var start = position
        if !atContainerStart {
            guard start < bytes.count, bytes[start] == UInt8(ascii: ",") else { return false }
            start += 1
        }
        guard bytes.count - start >= count, bytesAreEqual(bytes.baseAddress! + start, token, count: count) else { return false }
        position = start + count
        atContainerStart = false
        return true
    }

    /// The name of the next member when it is a string with nothing to decode followed directly by
    /// its colon, with the comma before it unless it is the object's first member (no white space);
    /// nil, and nothing consumed, for anything else. The position is then at the member's value.
    @inline(__always)
    mutating func readPlainMemberName() -> UnsafeRawBufferPointer? {
        var start = position
        if !atContainerStart {
            guard start < bytes.count, bytes[start] == UInt8(ascii: ",") else { return nil }
            start += 1
        }
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        let saved = position
        position = start
        let (nameStart, end) = scanPlainString()
        guard end + 1 < bytes.count, bytes[end] == UInt8(ascii: "\""), bytes[end + 1] == UInt8(ascii: ":") else {
            position = saved
            return nil
        }
        position = end + 2
        atContainerStart = false
        return UnsafeRawBufferPointer(rebasing: bytes[nameStart..<end])
    }

    /// Where the scanner is, to go back to after a fast path gave up, or to read a value passed over
    /// once more (``rewind(to:)-(Mark)``).
    package struct Mark {
        fileprivate let position: Int
        fileprivate let atContainerStart: Bool
    }

    package var mark: Mark { Mark(position: position, atContainerStart: atContainerStart) }

    /// Goes to a mark: back within the value being read, after a fast path gave up; or back to a
    /// value skipped in a container read since, to read it now, and then on to where that container ended.
    package mutating func rewind(to mark: Mark) {
        position = mark.position
        atContainerStart = mark.atContainerStart
    }

    /// Moves past bytes a fast path has checked itself.
    @inline(__always)
    mutating func skip(to offset: Int) {
        position = offset
    }

    /// Goes back to an offset within the value being read, after a fast path gave up.
    mutating func rewind(to offset: Int) {
        position = offset
    }

    /// Steps over one byte already checked to be a digit that ends a number.
    mutating func skipDigit() {
        position += 1
    }

    /// Reads the key at the position: its raw bytes when it holds no escapes.
    private mutating func readKey() throws(JSONError) -> JSONKey {
        let (start, end) = scanPlainString()
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            position = end + 1
            return JSONKey(raw: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
        }
        return JSONKey(decoded: try finishString(from: start, at: end))
    }

    /// Decodes the rest of a string from a backslash on, through the closing quote.
    private mutating func decodeEscapedTail(into output: inout [UInt8]) throws(JSONError) {
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return
            case UInt8(ascii: "\\"):
                let escapeStart = position
                position += 1
                guard position < bytes.count else { break }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escaped)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try readHex4(escapeStart: escapeStart)
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate: a low one must follow to make one scalar.
                        if bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                           bytes[position + 1] == UInt8(ascii: "u") {
                            let save = position
                            position += 2
                            let low = try readHex4(escapeStart: save)
                            if (0xDC00..<0xE000).contains(low) {
                                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                position = save
                                scalar = 0xFFFD
                            }
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        scalar = 0xFFFD
                    }
                    output.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                default:
                    throw error(.invalidEscape, at: escapeStart)
                }
            default:
                if byte < 0x20 { throw error(.controlCharacterInString) }
                output.append(byte)
                position += 1
            }
        }
        throw error(.unexpectedEnd(expected: "'\"' to close the string"))
    }

    private mutating func readHex4(escapeStart: Int) throws(JSONError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw error(.invalidEscape, at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = hexValue(bytes[position]) else { throw error(.invalidEscape, at: escapeStart) }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Skips a string without decoding it, still checking its escapes.
    private mutating func skipString() throws(JSONError) {
        let (start, end) = scanPlainString()
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            position = end + 1
            return
        }
        _ = try finishString(from: start, at: end)
    }

    // MARK: Whole values

    /// Skips the next value, whatever it is, checking it as it goes.
    package mutating func skipValue() throws(JSONError) {
        switch try peekKind() {
        case .object:
            try beginObject()
            while try nextKey() != nil { try skipValue() }
        case .array:
            try beginArray()
            while try nextElement() { try skipValue() }
        case .string:
            try skipString()
        case .number:
            _ = try readNumberToken()
        case .bool:
            _ = try readBool()
        case .null:
            try readLiteral("null")
        }
    }

    /// Checks that the bytes hold exactly one JSON value, with white space around it.
    static func validate(_ bytes: UnsafeRawBufferPointer) throws(JSONError) {
        var scanner = JSONScanner(bytes)
        try scanner.skipValue()
        guard scanner.isAtEndOfInput() else { throw scanner.unexpected(expecting: "the end of the document") }
    }
}

/// An object member's name, or a string read raw.
package struct JSONKey {
    private let raw: UnsafeRawBufferPointer?
    private let decoded: [UInt8]?

    package init(raw: UnsafeRawBufferPointer) {
        self.raw = raw
        self.decoded = nil
    }

    init(decoded: [UInt8]) {
        self.raw = nil
        self.decoded = decoded
    }

    /// No bytes: an absent or null string read as empty.
    static var empty: JSONKey { JSONKey(raw: UnsafeRawBufferPointer(start: nil, count: 0)) }

    var isEmpty: Bool { withBytes { $0.isEmpty } }

    /// The bytes as they are in the input, when the text has no escapes to decode.
    @inline(__always)
    var plainBytes: UnsafeRawBufferPointer? { raw }

    /// The bytes, raw or decoded.
    @inline(__always)
    package func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let raw { return body(raw) }
        return decoded!.withUnsafeBytes(body)
    }

    /// Whether the bytes equal these.
    func equals(_ bytes: [UInt8]) -> Bool {
        withBytes { name in
            bytes.withUnsafeBytes { Self.same(name, $0) }
        }
    }

    /// The name as text.
    package var string: String {
        withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether the name is `camelCase` or its `snake_case` spelling, as the
    /// protobuf JSON mapping requires readers to accept both.
    @inline(__always)
    func matches(_ camelCase: StaticString) -> Bool {
        matches(UnsafeRawBufferPointer(start: camelCase.utf8Start, count: camelCase.utf8CodeUnitCount))
    }

    /// ``matches(_:)-(StaticString)`` with the camelCase name's bytes.
    func matches(_ expected: UnsafeRawBufferPointer) -> Bool {
        withBytes { name in
            if name.count == expected.count { return Self.same(name, expected) }
            return name.count > expected.count && name[0] == expected[0] && Self.matchesSnakeCase(name, expected)
        }
    }

    @inline(__always)
    private static func same(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        a.count == b.count && (a.count == 0 || bytesAreEqual(a.baseAddress!, b.baseAddress!, count: a.count))
    }

    /// snake_case: each upper-case letter of the camelCase name is '_' and its lower-case form.
    private static func matchesSnakeCase(_ name: UnsafeRawBufferPointer, _ expected: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        for byte in expected {
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") {
                guard index + 1 < name.count, name[index] == UInt8(ascii: "_"), name[index + 1] == byte | 0x20 else { return false }
                index += 2
            } else {
                guard index < name.count, name[index] == byte else { return false }
                index += 1
            }
        }
        return index == name.count
    }
}

/// A number's bytes, checked against JSON's grammar but not yet converted,
/// so that 64-bit integers keep every digit.
package struct JSONNumber {
    package let bytes: UnsafeRawBufferPointer
    /// No fraction and no exponent.
    let isInteger: Bool
    let offset: Int

    /// The value as an unsigned 64-bit integer, when it is one that fits.
    package var uint64: UInt64? {
        guard isInteger else { return exactIntegerFromDouble.flatMap { $0 >= 0 ? UInt64(exactly: $0) : nil } }
        return Self.parseDigits(bytes[...])
    }

    /// The value as a signed 64-bit integer, when it is one that fits.
    package var int64: Int64? {
        guard isInteger else { return exactIntegerFromDouble.flatMap { Int64(exactly: $0) } }
        if bytes.first == UInt8(ascii: "-") {
            guard let magnitude = Self.parseDigits(bytes.dropFirst()), magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return Self.parseDigits(bytes[...]).flatMap { Int64(exactly: $0) }
    }

    /// The value as a double (the nearest one).
    package var double: Double? {
        Double(String(decoding: bytes, as: UTF8.self))
    }

    private var exactIntegerFromDouble: Double? {
        guard let value = double, value.isFinite, value == value.rounded() else { return nil }
        return value
    }

    /// Parses ASCII digits into a UInt64; nil on overflow or a non-digit.
    static func parseDigits(_ digits: Slice<UnsafeRawBufferPointer>) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        let buffer = UnsafeRawBufferPointer(rebasing: digits)
        if buffer.count <= 19 {
            // Nineteen digits cannot overflow 64 bits: no checks but one for non-digits.
            var value: UInt64 = 0
            var invalid: UInt8 = 0
            for index in 0..<buffer.count {
                let digit = buffer[index] &- UInt8(ascii: "0")
                invalid |= digit > 9 ? 1 : 0
                value = value &* 10 &+ UInt64(digit)
            }
            return invalid == 0 ? value : nil
        }
        var value: UInt64 = 0
        for index in 0..<buffer.count {
            let digit = buffer[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}

/// Whether `count` bytes at two addresses are equal, compared in line a word at a time (the
/// last word overlapping the one before): for the short names and literals of the fast paths,
/// a call to `memcmp` costs more than the comparison itself.
@inline(__always)
func bytesAreEqual(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
    if count >= 8 {
        var offset = 0
        while offset + 8 < count {
            guard a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    if count >= 4 {
        return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
            && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
    }
    for offset in 0..<count where a.load(fromByteOffset: offset, as: UInt8.self) != b.load(fromByteOffset: offset, as: UInt8.self) {
        return false
    }
    return true
}
