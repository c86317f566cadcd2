/// Comparisons of text as bytes, for the readers' fast paths: what they answer is what `String`
/// would, for the bytes they take (ASCII where they say so), without making one.
enum TextBytes {
    /// Whether every byte is below 0x80.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Up to eight bytes as one little-endian word, the ASCII capitals among them in lower case; nil
    /// for more than eight bytes or any byte that is not ASCII. Equal words are equal texts up to
    /// ASCII case: what `lowercased()` tells apart, for ASCII.
    @inline(__always)
    static func foldedWord(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count <= 8 else { return nil }
        var word: UInt64 = 0
        for index in 0..<bytes.count { word |= UInt64(bytes[index]) << UInt64(8 * index) }
        guard word & 0x8080_8080_8080_8080 == 0 else { return nil }
        // A byte is a capital when adding 0x3F carries it past 0x7F and adding 0x25 does not: 'A'...'Z'.
        let capitals = (word &+ 0x3F3F_3F3F_3F3F_3F3F) & ~(word &+ 0x2525_2525_2525_2525) & 0x8080_8080_8080_8080
        return word | capitals >> 2
    }

    /// ``foldedWord(_:)`` of an ASCII literal of up to eight bytes, written in lower case.
    static func word(_ literal: StaticString) -> UInt64 {
        precondition(literal.utf8CodeUnitCount <= 8)
        var word: UInt64 = 0
        for index in 0..<literal.utf8CodeUnitCount { word |= UInt64(literal.utf8Start[index]) << UInt64(8 * index) }
        return word
    }

    /// Whether ASCII bytes spell `literal` (ASCII) in any mix of cases: what comparing their
    /// `uppercased()` or `lowercased()` with the literal's says, for ASCII bytes.
    @inline(__always)
    static func asciiCaseInsensitiveEquals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let expected = literal.utf8Start
        for index in 0..<count where lowered(bytes[index]) != lowered(expected[index]) { return false }
        return true
    }

    @inline(__always)
    private static func lowered(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// Whether the bytes are exactly the literal's.
    @inline(__always)
    static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && (bytes.isEmpty || bytesAreEqual(bytes.baseAddress!, literal.utf8Start, count: bytes.count))
    }

    /// Whether the two texts read as equal `String`s (as UTF-8, invalid bytes replaced): the same
    /// bytes are; other bytes are not when both are ASCII, and are compared as `String`s otherwise
    /// (canonical equivalence).
    @inline(__always)
    static func sameString(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        if a.count == b.count && (a.isEmpty || bytesAreEqual(a.baseAddress!, b.baseAddress!, count: a.count)) { return true }
        if isASCII(a) && isASCII(b) { return false }
        return String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
    }

    /// A quick hash of the bytes, eight at a time (not for anything an attacker chooses to collide:
    /// callers compare the bytes too).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var index = 0
        while index + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        hash = (hash ^ tail) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }
}
