/// A forward-only reader of JSON tokens over bytes in memory, for the few shapes of a
/// Prometheus API answer; errors carry the byte offset where they are.
struct JSONScanner {
    struct Failure: Error {
        var offset: Int
        var problem: MetricsReadError.Problem
    }

    let bytes: UnsafeRawBufferPointer
    var position = 0
    let limits: MetricsReadOptions

    init(_ bytes: UnsafeRawBufferPointer, limits: MetricsReadOptions) {
        self.bytes = bytes
        self.limits = limits
    }

    func failure(_ reason: String, at offset: Int? = nil) -> Failure {
        Failure(offset: offset ?? position, problem: .malformedAnswer(reason: reason))
    }

    mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    var isAtEnd: Bool {
        mutating get {
            skipWhitespace()
            return position == bytes.count
        }
    }

    /// The next byte that is not white space, not consumed.
    mutating func peekByte() throws(Failure) -> UInt8 {
        skipWhitespace()
        guard position < bytes.count else { throw failure("the answer ends too early (is it truncated?)") }
        return bytes[position]
    }

    mutating func expect(_ byte: UInt8) throws(Failure) {
        guard try peekByte() == byte else {
            throw failure("expected '\(Character(Unicode.Scalar(byte)))', found \(Self.show(bytes[position]))")
        }
        position += 1
    }

    /// Consumes `byte` if it comes next.
    mutating func consume(_ byte: UInt8) throws(Failure) -> Bool {
        guard try peekByte() == byte else { return false }
        position += 1
        return true
    }

    mutating func string() throws(Failure) -> String {
        guard try peekByte() == UInt8(ascii: "\"") else { throw failure("expected a string, found \(Self.show(bytes[position]))") }
        let open = position
        position += 1
        var value: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard position + 1 < bytes.count else { break }
                let escaped = bytes[position + 1]
                position += 2
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): value.append(escaped)
                case UInt8(ascii: "b"): value.append(0x08)
                case UInt8(ascii: "f"): value.append(0x0C)
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "r"): value.append(0x0D)
                case UInt8(ascii: "t"): value.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar), position + 1 < bytes.count,
                       bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                        position += 2
                        let low = try hex4()
                        scalar = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                    }
                    value.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                default:
                    throw failure("invalid escape sequence in a string", at: position - 2)
                }
                continue
            case 0x00..<0x20:
                throw failure("a control character in a string must be escaped")
            default:
                value.append(byte)
                position += 1
                continue
            }
            break
        }
        throw failure("the string is not closed (is the answer truncated?)", at: open)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("invalid escape sequence in a string") }
        var value: UInt32 = 0
        for byte in bytes[position..<position + 4] {
            guard let digit = Character(Unicode.Scalar(byte)).hexDigitValue else { throw failure("invalid escape sequence in a string") }
            value = value << 4 | UInt32(digit)
        }
        position += 4
        return value
    }

    /// A JSON number.
    mutating func number() throws(Failure) -> Double {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        var digits = 0
        func skipDigits() { while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1; digits += 1 } }
        skipDigits()
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") { position += 1; skipDigits() }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            skipDigits()
        }
        guard digits > 0, position - start <= 64,
              let value = Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self))
        else { throw failure("not a valid number", at: start) }
        return value
    }

    /// Skips one value of any kind, nested no deeper than the limit.
    mutating func skipValue(depth: Int = 0) throws(Failure) {
        guard depth < limits.maximumNesting else {
            throw Failure(offset: position, problem: .nestingTooDeep(limit: limits.maximumNesting))
        }
        switch try peekByte() {
        case UInt8(ascii: "{"):
            position += 1
            if try consume(UInt8(ascii: "}")) { return }
            repeat {
                _ = try string()
                try expect(UInt8(ascii: ":"))
                try skipValue(depth: depth + 1)
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"))
        case UInt8(ascii: "["):
            position += 1
            if try consume(UInt8(ascii: "]")) { return }
            repeat {
                try skipValue(depth: depth + 1)
            } while try consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"))
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default:
            _ = try number()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        let matches = position + count <= bytes.count
            && word.withUTF8Buffer { expected in (0..<count).allSatisfy { bytes[position + $0] == expected[$0] } }
        guard matches else { throw failure("expected a value") }
        position += count
    }

    static func show(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
