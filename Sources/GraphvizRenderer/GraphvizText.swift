import ServiceGraph

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

    /// Untrusted text for a tooltip. Graphviz unescapes a tooltip once and then expands `\N` and
    /// the like, so no escaping makes it show a backslash as written: a backslash becomes `∖`
    /// (U+2216, set minus), which looks like one and means nothing to Graphviz.
    static func tooltip(_ text: String) -> String {
        escaped(text.replacingBackslashes())
    }

    /// Escaped text cut to `limit` Unicode scalars, with an ellipsis when cut (``GraphWording/shortened(_:limit:)``).
    static func escaped(_ text: String, limit: Int) -> String {
        escaped(GraphWording.shortened(text, limit: limit))
    }

    /// Lines joined with Graphviz's centred line break, `\n`.
    static func lines(_ lines: [String]) -> String {
        lines.joined(separator: "\\n")
    }
}

extension String {
    fileprivate func replacingBackslashes() -> String {
        guard utf8.contains(0x5C) else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\\" ? "\u{2216}" : $0 }))
    }
}
