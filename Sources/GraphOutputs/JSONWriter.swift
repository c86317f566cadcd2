/// Writes JSON text: strings escaped so that any text, from any trace, stays a string, and
/// stays one inside an HTML `<script>` element too.
public enum JSONWriter {
    /// A JSON string literal. Besides what JSON requires, `<`, `>`, `&` and the line
    /// separators U+2028/U+2029 are escaped, so `</script>` or `<!--` in the text cannot end
    /// or change the script element it is embedded in.
    public static func string(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 2)
        appendString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` as a JSON string literal, escaped as ``string(_:)`` escapes it.
    ///
    /// Text is also made stream-safe (Unicode's UAX #15): of a run of more than
    /// ``maximumNonStartersInARow`` combining marks only the first are kept. One letter followed
    /// by half a million accents is one character that a browser never finishes laying out.
    public static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var index = 0
            var nonStartersInARow = 0
            while index < utf8.count {
                let byte = utf8[index]
                if byte >= 0x80 {
                    let (scalar, length) = decodeScalar(utf8, at: index)
                    if scalar.properties.canonicalCombiningClass != .notReordered {
                        nonStartersInARow += 1
                        if nonStartersInARow > maximumNonStartersInARow {
                            index += length
                            continue
                        }
                    } else {
                        nonStartersInARow = 0
                    }
                    if scalar == "\u{2028}" || scalar == "\u{2029}" {
                        appendUnicodeEscape(UInt16(scalar.value), to: &bytes)
                    } else {
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[index..<index + length]))
                    }
                    index += length
                    continue
                }
                nonStartersInARow = 0
                if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte != UInt8(ascii: "<"),
                   byte != UInt8(ascii: ">"), byte != UInt8(ascii: "&"), byte != 0x7F {
                    bytes.append(byte)
                    index += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
                case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                default: appendUnicodeEscape(UInt16(byte), to: &bytes)
                }
                index += 1
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Combining marks kept in a row: Unicode's stream-safe text format allows 30.
    public static let maximumNonStartersInARow = 30

    /// The scalar whose UTF-8 starts at `index` of valid UTF-8 (a String's), and its length in bytes.
    private static func decodeScalar(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = UInt32(utf8[index])
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = lead & (0x7F >> length)
        for offset in 1..<length { value = value << 6 | UInt32(utf8[index + offset] & 0x3F) }
        return (Unicode.Scalar(value)!, length)
    }

    private static func appendUnicodeEscape(_ value: UInt16, to bytes: inout [UInt8]) {
        let digits = Array("0123456789abcdef".utf8)
        bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u")]
        for shift in stride(from: 12, through: 0, by: -4) { bytes.append(digits[Int(value >> UInt16(shift) & 0xF)]) }
    }

    /// A JSON array of already written JSON values.
    public static func array(_ elements: [String]) -> String {
        "[" + elements.joined(separator: ",") + "]"
    }

    /// An object whose members keep the order they were appended in.
    public struct Object {
        private var members: [String] = []

        public init() {}

        /// Appends a member whose value is already JSON text.
        public mutating func append(_ key: String, _ jsonValue: String) {
            members.append(JSONWriter.string(key) + ":" + jsonValue)
        }

        /// The object as JSON text.
        public var text: String { "{" + members.joined(separator: ",") + "}" }
    }
}
