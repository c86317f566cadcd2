import TraceModel

/// Tells an export's format from its first bytes.
enum FormatSniffer {
    enum Verdict: Equatable {
        case format(TraceInputFormat)
        /// The bytes end before the format shows: look at more of them.
        case needMoreBytes
    }

    static func isGzip(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Text (JSON, or something that is not an export at all) or binary protobuf: a protobuf
    /// message holds ids and lengths as raw bytes, which text never does. Bytes that open with `{`
    /// or `[` (after white space) are JSON whatever follows, so that one bad byte near the start
    /// is reported by the JSON reader, where it is, instead of making the whole file protobuf.
    static func isText(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let first = bytes.first(where: { !isWhitespace($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            return true
        }
        for byte in bytes.prefix(64) where byte < 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 {
            return false
        }
        return true
    }

    /// What a file is, when its first bytes say it is no export at all: an image, a document,
    /// an archive or a web page sent instead of traces.
    static func foreignKind(_ bytes: UnsafeRawBufferPointer) -> String? {
        func starts(with magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && zip(bytes[offset...], magic).allSatisfy { $0 == $1 }
        }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "a PNG image" }
        if starts(with: Array("%PDF-".utf8)) { return "a PDF document" }
        if starts(with: [0x50, 0x4B, 0x03, 0x04]) || starts(with: [0x50, 0x4B, 0x05, 0x06]) { return "a ZIP archive" }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return "a JPEG image" }
        if starts(with: Array("GIF8".utf8)) { return "a GIF image" }
        // Markup: HTML pages (an error page of a proxy, say) and XML.
        let start = bytes.firstIndex { !isWhitespace($0) } ?? bytes.count
        let head = String(decoding: bytes[start..<min(bytes.count, start + 15)], as: UTF8.self).lowercased()
        if head.hasPrefix("<!doctype html") || head.hasPrefix("<html") || head.hasPrefix("<head") || head.hasPrefix("<body") {
            return "an HTML page"
        }
        if head.hasPrefix("<?xml") { return "an XML document" }
        return nil
    }

    static func detect(_ bytes: UnsafeRawBufferPointer, isComplete: Bool) -> Verdict {
        guard isText(bytes) else { return .format(.otlpProtobuf) }
        var scanner = JSONScanner(bytes)
        do {
            return .format(try detect(&scanner, depth: 0) ?? .otlpJSON)
        } catch {
            // Bad JSON is reported by the OTLP/JSON reader, with its position.
            if case .unexpectedEnd = error.problem, !isComplete { return .needMoreBytes }
            return .format(.otlpJSON)
        }
    }

    /// The format of the value at the scanner, from the names of its members.
    private static func detect(_ scanner: inout JSONScanner, depth: Int) throws(JSONError) -> TraceInputFormat? {
        guard depth < 4 else { return nil }
        switch try scanner.peekKind() {
        case .object:
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                if key.matches("resourceSpans") || key.matches("batches") || key.matches("scopeSpans") {
                    return .otlpJSON
                }
                if key.equals(Array("traceID".utf8)) || key.equals(Array("processes".utf8))
                    || key.equals(Array("spanID".utf8)) || key.equals(Array("operationName".utf8)) {
                    return .jaegerJSON
                }
                if key.equals(Array("localEndpoint".utf8)) || key.equals(Array("remoteEndpoint".utf8))
                    || key.equals(Array("id".utf8)) || key.equals(Array("traceId".utf8)) && depth > 0 {
                    return .zipkinJSON
                }
                if key.matches("spans") {
                    // Jaeger's trace object has spans; so does an OTLP scope, handled above.
                    return .jaegerJSON
                }
                if key.matches("data") || key.matches("result") || key.matches("trace") {
                    let kind = try scanner.peekKind()
                    if kind == .object || kind == .array, let format = try detect(&scanner, depth: depth + 1) { return format }
                    continue
                }
                try scanner.skipValue()
            }
            return nil
        case .array:
            try scanner.beginArray()
            // An empty array is an empty Zipkin export; otherwise the first element tells.
            guard try scanner.nextElement() else { return depth == 0 ? .zipkinJSON : nil }
            return try detect(&scanner, depth: depth + 1)
        default:
            return nil
        }
    }

    /// The end of the last complete line of a JSON-lines chunk: the index just past a newline
    /// that has `}` before it and `{` after it (white space aside). Such a newline can only
    /// stand between two top-level values: JSON strings hold no raw newlines, and inside a
    /// value a comma would stand between `}` and `{`.
    static func lastLineBoundary(in bytes: UnsafeRawBufferPointer) -> Int? {
        var searchEnd = bytes.count
        while searchEnd > 1, let index = lastNewline(in: bytes, before: searchEnd) {
            var after = index + 1
            while after < bytes.count, isWhitespace(bytes[after]) { after += 1 }
            var before = index - 1
            while before > 0, isWhitespace(bytes[before]) { before -= 1 }
            if after < bytes.count, before >= 0, bytes[after] == UInt8(ascii: "{"), bytes[before] == UInt8(ascii: "}") {
                return index + 1
            }
            searchEnd = index
        }
        return nil
    }

    /// The index of the last newline before `end`, 32 bytes at a time.
    private static func lastNewline(in bytes: UnsafeRawBufferPointer, before end: Int) -> Int? {
        var index = end
        // Four words at once: a word has a zero byte where it had a newline, and the test below
        // marks a byte only in a word that has a zero byte.
        let ones = SIMD4<UInt64>(repeating: 0x0101_0101_0101_0101)
        let highs = SIMD4<UInt64>(repeating: 0x8080_8080_8080_8080)
        while index >= 32 {
            let words = bytes.loadUnaligned(fromByteOffset: index - 32, as: SIMD4<UInt64>.self) ^ (ones &* 0x0A)
            let marks = (words &- ones) & ~words & highs
            if marks[0] | marks[1] | marks[2] | marks[3] != 0 { break }
            index -= 32
        }
        while index > 0 {
            index -= 1
            if bytes[index] == 0x0A { return index }
        }
        return nil
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
