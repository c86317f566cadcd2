/// Turns untrusted text (service names, span names) into Graphviz strings that
/// show exactly that text and nothing else.
enum GraphvizText {
    /// Graphviz expands `\N`, `\G`, `\L`, `\l`… and `&…;` entities in ordinary labels and
    /// writes control characters raw into SVG, which is then not XML.
    /// So `\` is doubled, `&` becomes `&amp;`, line breaks and tabs become spaces and
    /// other characters XML cannot hold are dropped.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x5C: result += "\\\\"
            case 0x26: result += "&amp;"
            case 0x09, 0x0A, 0x0D: result += " "
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0xFFFE, 0xFFFF: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    // Not for tooltips: Graphviz unescapes them once and then expands `\N` and the like,
    // so no escaping makes a tooltip show a backslash as written.

    /// Escaped text cut to `limit` characters, with an ellipsis when cut.
    static func escaped(_ text: String, limit: Int) -> String {
        text.count > limit ? escaped(String(text.prefix(limit - 1))) + "…" : escaped(text)
    }

    /// Lines joined with Graphviz's centred line break, `\n`.
    static func lines(_ lines: [String]) -> String {
        lines.joined(separator: "\\n")
    }
}

/// Durations as people read them: 850 µs, 3.4 ms, 120 ms, 1.2 s.
enum DurationText {
    static func format(nanos: UInt64) -> String {
        let units: [(size: UInt64, name: String)] = [(60_000_000_000, "min"), (1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "µs")]
        for unit in units where nanos >= unit.size {
            return scaled(nanos, unit.size) + " " + unit.name
        }
        return "\(nanos) ns"
    }

    /// One decimal below 10, whole numbers above.
    private static func scaled(_ value: UInt64, _ unit: UInt64) -> String {
        let tenths = (value * 10 + unit / 2) / unit
        if tenths < 100 { return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)" }
        return "\((value + unit / 2) / unit)"
    }
}
