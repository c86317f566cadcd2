#if canImport(Glibc)
import Glibc
#endif
import TraceModel

/// Typed fields on top of the scanner, shared by the JSON readers: numbers that
/// arrive as strings or numbers, ids in hex or base64, enums by number or name.
/// A null field reads as the field's default.
extension JSONScanner {
    /// A string, or "" for null.
    package mutating func readOptionalString() throws(JSONError) -> String {
        if try skipNull() { return "" }
        return try readString()
    }

    /// A 64-bit unsigned integer, written as a decimal string (OTLP/JSON) or as a JSON number.
    mutating func readUInt64(field: StaticString) throws(JSONError) -> UInt64 {
        skipWhitespace()
        let start = position
        // The usual case: up to 19 digits in quotes, which cannot overflow, read directly,
        // eight at a time while eight digits follow.
        if start < bytes.count, bytes[start] == UInt8(ascii: "\"") {
            var index = start + 1
            var value: UInt64 = 0
            let limit = min(bytes.count, index + 19)
            while index + 8 <= limit, let eight = Self.eightDigits(bytes, at: index) {
                value = value &* 100_000_000 &+ eight
                index += 8
            }
            while index < limit {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                value = value &* 10 &+ UInt64(digit)
                index += 1
            }
            if index > start + 1, index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                skip(to: index + 1)
                return value
            }
            // Anything else in quotes: the general way, with its errors.
            let text = try readRawString()
            guard let value = text.withBytes({ JSONNumber.parseDigits($0[...]) }) else {
                throw error(.invalidValue(field: field.description, value: text.string), at: start)
            }
            return value
        }
        if try skipNull() { return 0 }
        guard let value = try readNumberToken().uint64 else { throw error(.numberOutOfRange(field: field.description), at: start) }
        return value
    }

    /// The value of the eight ASCII digits at `offset`, or nil when any byte is not a digit.
    @inline(__always)
    private static func eightDigits(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64? {
        let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        // Digits are 0x30...0x39: high nibble 3, and adding 6 must not carry into it.
        guard word & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030,
              (word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0 == 0x3030_3030_3030_3030 else { return nil }
        // Pairs, then fours, then all eight; the first digit is the lowest byte.
        var value = word & 0x0F0F_0F0F_0F0F_0F0F
        value = (value &* 10 &+ (value >> 8)) & 0x00FF_00FF_00FF_00FF
        value = (value &* 100 &+ (value >> 16)) & 0x0000_FFFF_0000_FFFF
        value = (value &* 10_000 &+ (value >> 32)) & 0x0000_0000_FFFF_FFFF
        return value
    }

    /// A time or duration in microseconds, as Jaeger and Zipkin write them, in nanoseconds.
    mutating func readMicrosecondsAsNanoseconds(field: StaticString) throws(JSONError) -> UInt64 {
        skipWhitespace()
        let start = position
        let (nanos, overflow) = try readUInt64(field: field).multipliedReportingOverflow(by: 1000)
        if overflow { throw error(.numberOutOfRange(field: field.description), at: start) }
        return nanos
    }

    /// A duration in microseconds, as Jaeger and Zipkin write them, in nanoseconds; negative when
    /// the producer's clock said so (the span ends before it starts).
    mutating func readSignedMicrosecondsAsNanoseconds(field: StaticString) throws(JSONError) -> Int64 {
        skipWhitespace()
        let start = position
        if try skipNull() { return 0 }
        let (nanos, overflow) = try readInt64(field: field).multipliedReportingOverflow(by: 1000)
        if overflow { throw error(.numberOutOfRange(field: field.description), at: start) }
        return nanos
    }

    /// ``readMicrosecondsAsNanoseconds(field:)``, with whole microseconds written as a plain JSON
    /// number (as Jaeger and Zipkin write them) read without the general number path.
    mutating func readWholeMicrosecondsAsNanoseconds(field: StaticString) throws(JSONError) -> UInt64 {
        skipWhitespace()
        let start = position
        guard let micros = readPlainDigits(maximumCount: 19) else { return try readMicrosecondsAsNanoseconds(field: field) }
        let (nanos, overflow) = micros.multipliedReportingOverflow(by: 1000)
        if overflow { throw error(.numberOutOfRange(field: field.description), at: start) }
        return nanos
    }

    /// ``readSignedMicrosecondsAsNanoseconds(field:)``, with whole non-negative microseconds written as
    /// a plain JSON number read without the general number path.
    mutating func readSignedWholeMicrosecondsAsNanoseconds(field: StaticString) throws(JSONError) -> Int64 {
        skipWhitespace()
        let start = position
        // Eighteen digits fit an Int64.
        guard let micros = readPlainDigits(maximumCount: 18) else { return try readSignedMicrosecondsAsNanoseconds(field: field) }
        let (nanos, overflow) = Int64(micros).multipliedReportingOverflow(by: 1000)
        if overflow { throw error(.numberOutOfRange(field: field.description), at: start) }
        return nanos
    }

    /// A JSON number at the position that is a plain integer of 1 to `maximumCount` digits (no
    /// sign, fraction or exponent, no leading zero), consumed; nil, and nothing consumed, for
    /// anything else, which the general number path reads with its errors.
    @inline(__always)
    mutating func readPlainDigits(maximumCount: Int) -> UInt64? {
        let start = position
        let count = bytes.count
        let limit = min(count, start + maximumCount)
        var index = start
        var value: UInt64 = 0
        while index < limit {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value &* 10 &+ UInt64(digit)
            index += 1
        }
        guard index > start, bytes[start] != UInt8(ascii: "0") || index == start + 1 else { return nil }
        if index < count {
            let next = bytes[index]
            guard next &- UInt8(ascii: "0") >= 10, next != UInt8(ascii: "."), next | 0x20 != UInt8(ascii: "e") else { return nil }
        }
        skip(to: index)
        return value
    }

    /// A trace id of 32 or 16 hex digits in quotes at the position (16 digits are a 64-bit id, its high
    /// half zero), consumed; nil, and nothing consumed, for anything else.
    @inline(__always)
    mutating func readQuotedHexTraceID() -> TraceID? {
        let start = position
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        if bytes.count - start >= 34, bytes[start + 33] == UInt8(ascii: "\""),
           let high = IDText.hex16(bytes, at: start + 1), let low = IDText.hex16(bytes, at: start + 17) {
            skip(to: start + 34)
            return TraceID(high: high, low: low)
        }
        if bytes.count - start >= 18, bytes[start + 17] == UInt8(ascii: "\""), let low = IDText.hex16(bytes, at: start + 1) {
            skip(to: start + 18)
            return TraceID(high: 0, low: low)
        }
        return nil
    }

    /// A span id of 16 hex digits in quotes at the position, consumed; nil, and nothing consumed, for anything else.
    @inline(__always)
    mutating func readQuotedHexSpanID() -> SpanID? {
        let start = position
        guard bytes.count - start >= 18, bytes[start] == UInt8(ascii: "\""), bytes[start + 17] == UInt8(ascii: "\""),
              let value = IDText.hex16(bytes, at: start + 1) else { return nil }
        skip(to: start + 18)
        return SpanID(value)
    }

    /// The end of a span that starts at `start` (nanoseconds) and lasts `duration`: before the start
    /// when the duration is negative, at 0 at the earliest, as ``SpanDefect`` repairs it.
    func end(of start: UInt64, lasting duration: Int64, spanAt offset: Int) throws(JSONError) -> UInt64 {
        if duration < 0 { return start >= duration.magnitude ? start - duration.magnitude : 0 }
        let (end, overflow) = start.addingReportingOverflow(UInt64(duration))
        if overflow { throw error(.numberOutOfRange(field: "duration"), at: offset) }
        return end
    }

    mutating func readUInt32(field: StaticString) throws(JSONError) -> UInt32 {
        let start = position
        guard let value = UInt32(exactly: try readUInt64(field: field)) else {
            throw error(.numberOutOfRange(field: field.description), at: start)
        }
        return value
    }

    mutating func readInt64(field: StaticString) throws(JSONError) -> Int64 {
        let start = position
        if try peekKind() == .string {
            let text = try readString()
            guard let value = Int64(text) else { throw error(.invalidValue(field: field.description, value: text), at: start) }
            return value
        }
        guard let value = try readNumberToken().int64 else { throw error(.numberOutOfRange(field: field.description), at: start) }
        return value
    }

    /// A double, written as a JSON number or as a string ("NaN", "Infinity", "-Infinity" or a number).
    mutating func readDouble(field: StaticString) throws(JSONError) -> Double {
        let start = position
        if try peekKind() == .string {
            let text = try readString()
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let value = Double(text) else { throw error(.invalidValue(field: field.description, value: text), at: start) }
                return value
            }
        }
        guard let value = try readNumberToken().double else { throw error(.numberOutOfRange(field: field.description), at: start) }
        return value
    }

    /// An enum as its number or its name, with or without the name's prefix.
    mutating func readEnum(field: StaticString, prefix: String, names: [String]) throws(JSONError) -> Int64 {
        skipWhitespace()
        let start = position
        // The usual case, a one-digit number, without the general number path.
        if start + 1 < bytes.count, case UInt8(ascii: "0")...UInt8(ascii: "9") = bytes[start] {
            switch bytes[start + 1] {
            case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09:
                skipDigit()
                return Int64(bytes[start] - UInt8(ascii: "0"))
            default: break
            }
        }
        if try skipNull() { return 0 }
        if try peekKind() == .string {
            let text = try readString()
            let bare = text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
            guard let index = names.firstIndex(of: bare) else { throw error(.invalidValue(field: field.description, value: text), at: start) }
            return Int64(index)
        }
        guard let number = try readNumberToken().int64 else { throw error(.numberOutOfRange(field: field.description), at: start) }
        return number
    }

    /// A trace id in hex (32 digits) or base64 (16 bytes); nil for an empty string or null.
    mutating func readTraceID(field: StaticString) throws(JSONError) -> TraceID? {
        skipWhitespace()
        let start = position
        // The usual case: 32 hex digits in quotes.
        if bytes.count - start >= 34, bytes[start] == UInt8(ascii: "\""), bytes[start + 33] == UInt8(ascii: "\""),
           let high = IDText.hex16(bytes, at: start + 1), let low = IDText.hex16(bytes, at: start + 17) {
            skip(to: start + 34)
            return TraceID(high: high, low: low)
        }
        guard let text = try readRawStringOrNull() else { return nil }
        if text.withBytes({ $0.isEmpty }) { return nil }
        guard let id = text.withBytes({ IDText.traceID($0) }) else {
            throw error(.invalidID(field: field.description, value: text.string, byteCount: 16), at: start)
        }
        return id
    }

    /// A span id in hex (16 digits) or base64 (8 bytes); nil for an empty string or null.
    mutating func readSpanID(field: StaticString) throws(JSONError) -> SpanID? {
        skipWhitespace()
        let start = position
        // The usual case: 16 hex digits in quotes.
        if bytes.count - start >= 18, bytes[start] == UInt8(ascii: "\""), bytes[start + 17] == UInt8(ascii: "\""),
           let value = IDText.hex16(bytes, at: start + 1) {
            skip(to: start + 18)
            return SpanID(value)
        }
        guard let text = try readRawStringOrNull() else { return nil }
        if text.withBytes({ $0.isEmpty }) { return nil }
        guard let id = text.withBytes({ IDText.spanID($0) }) else {
            throw error(.invalidID(field: field.description, value: text.string, byteCount: 8), at: start)
        }
        return id
    }
}

/// Ids as text: hexadecimal (OTLP/JSON), or base64 (the protobuf JSON mapping, as Tempo writes them).
enum IDText {
    /// Attributes that keep an id as the input wrote it, where a reader had to change it.
    static let originalTraceIDKey = "tracegraph.original_trace_id"
    static let originalSpanIDKey = "tracegraph.original_span_id"

    static func traceID(_ text: UnsafeRawBufferPointer) -> TraceID? {
        if text.count == 32 {
            guard let high = hex16(text, at: 0), let low = hex16(text, at: 16) else { return nil }
            return TraceID(high: high, low: low)
        }
        guard let bytes = Base64.decode(text), bytes.count == 16 else { return nil }
        return TraceID(high: uint64(bytes[0..<8]), low: uint64(bytes[8..<16]))
    }

    static func spanID(_ text: UnsafeRawBufferPointer) -> SpanID? {
        if text.count == 16 {
            return hex16(text, at: 0).map(SpanID.init)
        }
        guard let bytes = Base64.decode(text), bytes.count == 8 else { return nil }
        return SpanID(uint64(bytes[...]))
    }

    /// 16 hex digits from `offset` on, as an integer; nil if any is not a digit.
    @inline(__always)
    static func hex16(_ text: UnsafeRawBufferPointer, at offset: Int) -> UInt64? {
        precondition(offset >= 0 && offset + 16 <= text.count)
        let first = UInt64(littleEndian: text.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        let second = UInt64(littleEndian: text.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
        guard let high = hex8(first), let low = hex8(second) else { return nil }
        return UInt64(high) << 32 | UInt64(low)
    }

    /// Eight hex digits, either case, the first in the lowest byte of the word, as an integer; nil if
    /// any byte is not a digit. Eight at a time: each byte's range is tested by adding to it, which
    /// carries into its top bit and never into the next byte, as every byte is below 0x80.
    @inline(__always)
    static func hex8(_ word: UInt64) -> UInt32? {
        let highs: UInt64 = 0x8080_8080_8080_8080
        guard word & highs == 0 else { return nil }
        let lower = word | 0x2020_2020_2020_2020
        let isDigit = (word &+ 0x5050_5050_5050_5050) & ~(word &+ 0x4646_4646_4646_4646) & highs
        let isLetter = (lower &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(lower &+ 0x1919_1919_1919_1919) & highs
        guard isDigit | isLetter == highs else { return nil }
        // Each byte's value: its low nibble, plus 9 for a letter.
        var value = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ (isLetter >> 7) &* 9
        // The first digit is the most significant: pairs, then fours, then all eight.
        value = (value & 0x000F_000F_000F_000F) << 4 | (value >> 8) & 0x000F_000F_000F_000F
        value = (value & 0x0000_00FF_0000_00FF) << 8 | (value >> 16) & 0x0000_00FF_0000_00FF
        value = (value & 0x0000_0000_0000_FFFF) << 16 | (value >> 32) & 0x0000_0000_0000_FFFF
        return UInt32(truncatingIfNeeded: value)
    }

    static func uint64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// Base64, standard or URL-safe alphabet, padded or not.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }

    static func decode(_ text: UnsafeRawBufferPointer) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            if padding > 0 { return nil }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard padding <= 2, bits < 6 else { return nil }
        return output
    }
}

/// Which attribute keys a reader keeps, compared on raw bytes so that a dropped
/// key costs no `String`; a kept key is returned as the one shared `String`.
struct AttributeKeyFilter {
    private let keys: [(bytes: [UInt8], string: String)]?
    /// Bit n set when a kept key has n bytes (bit 63: 63 or more): most keys are dropped on their length.
    private let lengths: UInt64
    /// Each kept key's length and first eight bytes (``firstWord(_:)``), compared before its bytes.
    private let heads: [(count: Int, word: UInt64)]

    init(_ keys: [String]?) {
        self.keys = keys.map { $0.map { (Array($0.utf8), $0) } }
        lengths = (keys ?? []).reduce(0) { $0 | 1 << UInt64(min($1.utf8.count, 63)) }
        heads = (self.keys ?? []).map { key in (key.bytes.count, key.bytes.withUnsafeBytes { Self.firstWord($0) }) }
    }

    /// The first eight bytes (fewer for a shorter key, zero-padded) as one word.
    @inline(__always)
    private static func firstWord(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        if bytes.count >= 8 { return bytes.loadUnaligned(as: UInt64.self) }
        var word: UInt64 = 0
        for index in 0..<bytes.count { word |= UInt64(bytes[index]) << UInt64(8 * index) }
        return word
    }

    /// The key's bytes as a `String` when they are kept, else nil.
    @inline(__always)
    func kept(raw name: UnsafeRawBufferPointer) -> String? {
        guard let keys else { return String(decoding: name, as: UTF8.self) }
        guard lengths & 1 << UInt64(min(name.count, 63)) != 0 else { return nil }
        let word = Self.firstWord(name)
        return heads.withUnsafeBufferPointer { heads -> String? in
            for index in heads.indices where heads[index].count == name.count && heads[index].word == word {
                if name.count <= 8 { return keys[index].string }
                let same = keys[index].bytes.withUnsafeBytes { bytesAreEqual($0.baseAddress!, name.baseAddress!, count: name.count) }
                if same { return keys[index].string }
            }
            return nil
        }
    }

    /// The key as a `String` when it is kept, else nil.
    func kept(_ key: JSONKey) -> String? {
        guard let keys else { return key.string }
        return key.withBytes { name in
            for candidate in keys where candidate.bytes.count == name.count {
                let same = candidate.bytes.withUnsafeBytes { bytesAreEqual($0.baseAddress!, name.baseAddress!, count: name.count) }
                if same { return candidate.string }
            }
            return nil
        }
    }
}
