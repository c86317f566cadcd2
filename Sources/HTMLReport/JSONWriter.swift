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
    public static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte != UInt8(ascii: "<"),
                   byte != UInt8(ascii: ">"), byte != UInt8(ascii: "&"), byte != 0x7F, byte != 0xE2 {
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
                case 0xE2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR
                    appendUnicodeEscape(utf8[index + 2] == 0xA8 ? 0x2028 : 0x2029, to: &bytes)
                    index += 3
                    continue
                case 0xE2: bytes.append(byte)
                default: appendUnicodeEscape(UInt16(byte), to: &bytes)
                }
                index += 1
            }
        }
        bytes.append(UInt8(ascii: "\""))
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
