/// Text from inputs, file names and arguments made safe to show on a terminal.
public enum TerminalText {
    /// `text` with every character that a terminal acts on or that reorders what it shows
    /// written as a visible escape: C0 controls (`\n`, `\r`, `\t`, others as `\u{1B}`), DEL,
    /// C1 controls (U+0080–U+009F: U+009B is CSI on its own), and the bidirectional embeddings,
    /// overrides and isolates (U+202A–U+202E, U+2066–U+2069). Everything else is kept, and
    /// escaping twice changes nothing more.
    public static func escaping(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                escaped.append(scalar)
                continue
            }
            let visible = switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            default: "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
            escaped.append(contentsOf: visible.unicodeScalars)
        }
        return String(escaped)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
