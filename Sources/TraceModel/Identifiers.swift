/// A trace id: 16 bytes, held as two big-endian halves so that it hashes,
/// compares and copies as two integers.
public struct TraceID: Hashable, Comparable, Sendable {
    /// The first 8 bytes, big-endian.
    public var high: UInt64
    /// The last 8 bytes, big-endian.
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id, which OTLP declares invalid.
    public static let zero = TraceID(high: 0, low: 0)

    /// Parses 32 hexadecimal digits, either case. Returns nil for any other text.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 32,
              let high = HexDigits.parseUInt64(utf8[0..<16]),
              let low = HexDigits.parseUInt64(utf8[16..<32])
        else { return nil }
        self.init(high: high, low: low)
    }

    public static func < (lhs: TraceID, rhs: TraceID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

extension TraceID: CustomStringConvertible {
    /// 32 lower-case hexadecimal digits.
    public var description: String { HexDigits.format(high) + HexDigits.format(low) }
}

/// A span id: 8 bytes, held as one big-endian integer.
public struct SpanID: Hashable, Comparable, Sendable {
    /// The 8 bytes, big-endian.
    public var value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    /// Parses 16 hexadecimal digits, either case. Returns nil for any other text.
    public init?(hex: some StringProtocol) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 16, let value = HexDigits.parseUInt64(utf8[...]) else { return nil }
        self.init(value)
    }

    public static func < (lhs: SpanID, rhs: SpanID) -> Bool { lhs.value < rhs.value }
}

extension SpanID: CustomStringConvertible {
    /// 16 lower-case hexadecimal digits.
    public var description: String { HexDigits.format(value) }
}

/// Where a span is: its trace and its own id. Unique within a set of traces.
public struct SpanKey: Hashable, Comparable, Sendable {
    public var traceID: TraceID
    public var spanID: SpanID

    public init(traceID: TraceID, spanID: SpanID) {
        self.traceID = traceID
        self.spanID = spanID
    }

    public static func < (lhs: SpanKey, rhs: SpanKey) -> Bool {
        (lhs.traceID, lhs.spanID) < (rhs.traceID, rhs.spanID)
    }
}

/// Hexadecimal digits to and from integers, for the id types and the readers.
public enum HexDigits {
    /// The value of one ASCII hexadecimal digit, or nil.
    @inlinable
    public static func value(of byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(byte &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt64(byte &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt64(byte &- UInt8(ascii: "A") &+ 10)
        default: return nil
        }
    }

    /// Parses up to 16 hexadecimal digits into an integer; nil if any byte is not a digit.
    @inlinable
    public static func parseUInt64<C: Collection>(_ digits: C) -> UInt64? where C.Element == UInt8 {
        var result: UInt64 = 0
        for byte in digits {
            guard let digit = value(of: byte) else { return nil }
            result = result << 4 | digit
        }
        return result
    }

    /// 16 lower-case hexadecimal digits, zero-padded.
    public static func format(_ value: UInt64) -> String {
        let table = Array("0123456789abcdef".utf8)
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                buffer[index] = table[Int((value >> UInt64(60 - 4 * index)) & 0xF)]
            }
            return 16
        }
    }
}
