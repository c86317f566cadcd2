import Foundation
import Testing
import Tracegraph

/// What tracegraph says on standard error cannot drive the terminal: control characters and
/// bidirectional overrides from file names, trace values and arguments are shown as escapes.
@Suite struct TerminalEscapeTests {
    /// Characters a terminal acts on: ESC (starts an OSC that retitles the window), BEL, DEL,
    /// C1 CSI, a right-to-left override and a left-to-right isolate, a newline.
    static let hostile = "\u{1B}]0;owned\u{07}\u{7F}\u{9B}31m\u{202E}txt.\u{2066}\n"
    static let shown = #"\u{1B}]0;owned\u{7}\u{7F}\u{9B}31m\u{202E}txt.\u{2066}\n"#

    static func isDangerous(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 && scalar != "\n" || (0x7F...0x9F).contains(scalar.value)
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    @Test func aFileNameIsEscaped() throws {
        let folder = try temporaryFolder()
        let name = "bad" + Self.hostile + ".json"
        try "hello".write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        let result = try Tool.run(["graph", name, "-o", "graph.svg"], in: folder)
        #expect(result.status == 65)
        #expect(result.standardError.contains("tracegraph: error: bad" + Self.shown + ".json:1:1: unexpected 'h'"),
                "\(result.standardError.debugDescription)")
        #expect(!result.standardError.unicodeScalars.contains(where: Self.isDangerous))
        #expect(result.standardError.split(separator: "\n").count == 1, "the newline in the name is shown, not written")
    }

    @Test func aMissingFileNameIsEscaped() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["graph", "gone" + Self.hostile, "-o", "graph.svg"], in: folder)
        #expect(result.status == 66)
        #expect(result.standardError.contains("gone" + Self.shown + ": cannot read the file"), "\(result.standardError.debugDescription)")
        #expect(!result.standardError.unicodeScalars.contains(where: Self.isDangerous))
    }

    @Test func aValueInTheJSONIsEscaped() throws {
        let folder = try temporaryFolder()
        // JSON escapes, so that the file itself is plain text: the reader turns them into the characters.
        let traceID = #"\u001b[2J\u0007\u007f\u009b31m\u202e\u2069"#
        try #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"\#(traceID)","spanId":"0102030405060708"}]}]}]}"#
            .write(toFile: folder + "/export.json", atomically: true, encoding: .utf8)
        let result = try Tool.run(["graph", "export.json", "-o", "graph.svg"], in: folder)
        #expect(result.status == 65)
        #expect(result.standardError.contains(#"traceId "\u{1B}[2J\u{7}\u{7F}\u{9B}31m\u{202E}\u{2069}" is not an id of 16 bytes"#),
                "\(result.standardError.debugDescription)")
        #expect(!result.standardError.unicodeScalars.contains(where: Self.isDangerous))
    }

    @Test func anArgumentInAUsageErrorIsEscaped() throws {
        // ArgumentParser's message has lines of its own, so a newline in it stays one.
        let result = try Tool.run(["graph", "--engine", "dot" + Self.hostile.dropLast()], in: try temporaryFolder())
        #expect(result.status == 64)
        #expect(result.standardError.contains("dot" + Self.shown.dropLast(2) + "' is invalid"), "\(result.standardError.debugDescription)")
        #expect(!result.standardError.unicodeScalars.contains(where: Self.isDangerous))
    }

    @Test func everyControlCharacterAndNothingElse() {
        for value in Array(0x00...0x1F) + Array(0x7F...0x9F) + Array(0x202A...0x202E) + Array(0x2066...0x2069) {
            let scalar = Unicode.Scalar(UInt32(value))!
            let escaped = TerminalText.escaping("a" + String(Character(scalar)) + "b")
            #expect(escaped.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "U+\(String(value, radix: 16))")
            #expect(escaped.hasPrefix("a\\") && escaped.hasSuffix("b"))
        }
        #expect(TerminalText.escaping("\u{9B}") == #"\u{9B}"#)
        #expect(TerminalText.escaping("a\tb\r\n") == #"a\tb\r\n"#)
        let kept = "café 中文 👩‍💻 \u{A0}\u{200F}\u{2029} \\ \" ~"
        #expect(TerminalText.escaping(kept) == kept)
        #expect(TerminalText.escaping(TerminalText.escaping(Self.hostile)) == TerminalText.escaping(Self.hostile))
    }
}
