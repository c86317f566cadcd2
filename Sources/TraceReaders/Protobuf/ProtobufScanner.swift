/// A problem found in protobuf input: what is wrong, and the byte offset in the
/// whole input (not in the enclosing message) where the offending element starts.
struct ProtobufError: OffsetReadError, Sendable, Equatable, CustomStringConvertible {
    var offset: Int
    var reason: String
    /// What is wrong in the input's terms when the message itself is well formed: a span's defect.
    var problem: TraceReadError.Problem?

    init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    init(offset: Int, problem: TraceReadError.Problem) {
        self.init(offset: offset, reason: problem.description)
        self.problem = problem
    }

    var description: String { "at byte \(offset): \(reason)" }
}

/// The wire types of the protobuf encoding: how a field's value is laid out after its tag.
enum ProtobufWireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5

    var name: String {
        switch self {
        case .varint: "0 (varint)"
        case .fixed64: "1 (fixed64)"
        case .lengthDelimited: "2 (length-delimited)"
        case .startGroup: "3 (start group)"
        case .endGroup: "4 (end group)"
        case .fixed32: "5 (fixed32)"
        }
    }
}

/// The key of one field: its number, its wire type, and where its tag starts.
struct ProtobufField: Sendable {
    var number: UInt32
    var wireType: ProtobufWireType
    /// The offset of the field's tag in the whole input.
    var offset: Int
}

/// Reads the fields of one protobuf message from bytes in memory, without copying:
/// tags, varints, fixed-width numbers, and length-delimited values as ranges of the
/// input. Every read is checked against the end of the message, so a length or a
/// varint that runs past it is an error, never a read out of bounds.
///
/// Offsets in errors and ranges are offsets in the whole input, so that a message
/// nested in another, or a frame in a stream, reports where it is in the file.
/// The bytes must stay alive and unchanged while the scanner is in use.
struct ProtobufScanner {
    /// The longest varint the encoding allows: 10 bytes carry 64 bits.
    static let maximumVarintLength = 10

    let bytes: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    private(set) var position: Int
    /// The offset just past the message.
    let end: Int

    /// A scanner over the message in `range` of `bytes`; the range must lie within `bytes`.
    init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "message range outside the input")
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    // MARK: Tags

    /// The key of the next field, or nil at the end of the message. A field number of 0,
    /// a tag wider than 32 bits, wire types 6 and 7, and groups (wire types 3 and 4,
    /// which OTLP never uses) are errors.
    @inline(__always)
    mutating func nextField() throws(ProtobufError) -> ProtobufField? {
        guard position < end else { return nil }
        let start = position
        let key: UInt64
        let first = bytes[position]
        if first < 0x80 {
            position += 1
            key = UInt64(first)
        } else {
            key = try readVarintSlow()
        }
        guard key <= UInt64(UInt32.max) else {
            throw ProtobufError(offset: start, reason: "a field tag wider than 32 bits")
        }
        let number = UInt32(truncatingIfNeeded: key >> 3)
        guard number != 0 else {
            throw ProtobufError(offset: start, reason: "a field with number 0 (byte 0x\(Self.hex(first)) is not a valid tag)")
        }
        guard let wireType = ProtobufWireType(rawValue: UInt8(truncatingIfNeeded: key & 7)) else {
            throw ProtobufError(offset: start, reason: "field \(number) has the invalid wire type \(key & 7)")
        }
        if wireType == .startGroup || wireType == .endGroup {
            throw ProtobufError(offset: start, reason: "field \(number) is a group (wire type \(key & 7)), which OTLP does not use")
        }
        return ProtobufField(number: number, wireType: wireType, offset: start)
    }

    // MARK: Values

    /// A varint of up to 10 bytes; the 10th may only carry the 64th bit.
    @inline(__always)
    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        if position < end {
            let first = bytes[position]
            if first < 0x80 {
                position += 1
                return UInt64(first)
            }
        }
        return try readVarintSlow()
    }

    private mutating func readVarintSlow() throws(ProtobufError) -> UInt64 {
        let start = position
        var index = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < end else {
                throw ProtobufError(offset: start, reason: "a varint is cut short by the end of its message")
            }
            let byte = bytes[index]
            index += 1
            if shift == 63 {
                if byte >= 0x80 {
                    throw ProtobufError(offset: start, reason: "a varint longer than \(Self.maximumVarintLength) bytes")
                }
                if byte > 1 {
                    throw ProtobufError(offset: start, reason: "a varint that does not fit in 64 bits")
                }
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 {
                position = index
                return result
            }
            shift += 7
        }
    }

    @inline(__always)
    mutating func readFixed64() throws(ProtobufError) -> UInt64 {
        guard end - position >= 8 else {
            throw ProtobufError(offset: position, reason: "an 8-byte value is cut short by the end of its message")
        }
        let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position += 8
        return value
    }

    @inline(__always)
    mutating func readFixed32() throws(ProtobufError) -> UInt32 {
        guard end - position >= 4 else {
            throw ProtobufError(offset: position, reason: "a 4-byte value is cut short by the end of its message")
        }
        let value = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
        position += 4
        return value
    }

    /// The range of a length-delimited value, checked against the end of the message
    /// before anything uses it.
    @inline(__always)
    mutating func readLengthDelimited() throws(ProtobufError) -> Range<Int> {
        let start = position
        let length = try readVarint()
        let left = end - position
        guard length <= UInt64(left) else {
            throw ProtobufError(
                offset: start,
                reason: "a length of \(length) bytes runs past the end of its message (\(left) bytes left)"
            )
        }
        let valueStart = position
        position += Int(length)
        return valueStart..<position
    }

    /// Passes over the value of a field this reader does not use, by its wire type.
    mutating func skip(_ field: ProtobufField) throws(ProtobufError) {
        switch field.wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup:
            // `nextField` refuses groups; kept for completeness.
            throw ProtobufError(offset: field.offset, reason: "field \(field.number) is a group, which OTLP does not use")
        }
    }

    // MARK: Fields of a known type

    /// Refuses a known field whose wire type is not the one its declaration gives.
    @inline(__always)
    func expect(_ wireType: ProtobufWireType, _ field: ProtobufField, _ name: StaticString) throws(ProtobufError) {
        guard field.wireType == wireType else {
            throw ProtobufError(
                offset: field.offset,
                reason: "\(name) (field \(field.number)) has wire type \(field.wireType.name), expected \(wireType.name)"
            )
        }
    }

    /// The value of a `string`, `bytes` or message field.
    @inline(__always)
    mutating func lengthDelimited(_ field: ProtobufField, _ name: StaticString) throws(ProtobufError) -> Range<Int> {
        try expect(.lengthDelimited, field, name)
        return try readLengthDelimited()
    }

    /// The value of a `uint32`, `uint64`, `int64`, `bool` or enum field.
    @inline(__always)
    mutating func varint(_ field: ProtobufField, _ name: StaticString) throws(ProtobufError) -> UInt64 {
        try expect(.varint, field, name)
        return try readVarint()
    }

    /// The value of a `fixed64` or `double` field.
    @inline(__always)
    mutating func fixed64(_ field: ProtobufField, _ name: StaticString) throws(ProtobufError) -> UInt64 {
        try expect(.fixed64, field, name)
        return try readFixed64()
    }

    /// The value of a `fixed32` field.
    @inline(__always)
    mutating func fixed32(_ field: ProtobufField, _ name: StaticString) throws(ProtobufError) -> UInt32 {
        try expect(.fixed32, field, name)
        return try readFixed32()
    }

    /// Checks the wire type of a known field and passes over its value.
    @inline(__always)
    mutating func skip(_ field: ProtobufField, expecting wireType: ProtobufWireType, _ name: StaticString) throws(ProtobufError) {
        try expect(wireType, field, name)
        try skip(field)
    }

    // MARK: Reading values

    /// The bytes in `range` as a string; invalid UTF-8 becomes U+FFFD.
    @inline(__always)
    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// A scanner over a nested message found by `readLengthDelimited`.
    @inline(__always)
    func message(_ range: Range<Int>) -> ProtobufScanner {
        ProtobufScanner(bytes, range: range)
    }

    /// Eight bytes at `offset` as a big-endian integer (the halves of an id).
    @inline(__always)
    func bigEndianUInt64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
