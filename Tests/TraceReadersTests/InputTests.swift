import Foundation
import Testing
@testable import TraceReaders
import TraceModel
import TraceTestSupport

func temporaryFile(_ name: String, _ data: Data) throws -> String {
    let folder = NSTemporaryDirectory() + "tracegraph-input-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let path = folder + "/" + name
    try data.write(to: URL(fileURLWithPath: path))
    return path
}

private func gzip(_ path: String) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return data
}

private let sdkLinks = Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl"

/// A JSON-lines export larger than a chunk, with a bad line where asked: the SDK file's lines
/// repeated, each copy with its own trace ids so that no span repeats.
private func bigJSONLines(lines: Int, badLine: Int? = nil) throws -> (path: String, spansPerLine: [Int]) {
    let source = try String(contentsOfFile: sdkLinks, encoding: .utf8).split(separator: "\n").map(String.init)
    var text = ""
    var spansPerLine: [Int] = []
    for index in 0..<lines {
        if index + 1 == badLine {
            text += "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}\n"
            spansPerLine.append(0)
            continue
        }
        let line = source[index % source.count]
        let prefix = String(format: "%08x", index)
        // Every trace id in the line gets the copy's number as its first 8 hex digits.
        text += line.replacingOccurrences(of: "\"traceId\":\"", with: "\"traceId\":\"" + prefix)
            .replacingOccurrences(of: #"("traceId":"[0-9a-f]{8})[0-9a-f]{8}"#, with: "$1", options: .regularExpression) + "\n"
        spansPerLine.append(try TraceReader.read(line, source: "line").spans.count)
    }
    return (try temporaryFile("big.jsonl", Data(text.utf8)), spansPerLine)
}

@Suite struct InputTests {
    @Test func gzipFilesReadLikeTheOriginal() throws {
        let original = try TraceReader.read(contentsOf: sdkLinks)
        let path = try temporaryFile("links.jsonl.gz", try gzip(sdkLinks))
        let compressed = try TraceReader.read(contentsOf: path)
        #expect(compressed.spans == original.spans)
        #expect(compressed.report.isCompressed)
        #expect(compressed.report.formatDescription == "otlp-json (JSON lines, gzip)")
    }

    @Test func aGzipBombIsRefusedBeforeItFillsTheMemory() throws {
        // 100 MB of zeros in about 100 KB: it inflates a thousand times its size.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "head -c 100000000 /dev/zero | /bin/gzip -9"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let bomb = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let path = try temporaryFile("bomb.json.gz", bomb)
        for read in [{ try TraceReader.read(contentsOf: path) }, { try bomb.withUnsafeBytes { try TraceReader.read($0, source: path) } }] {
            #expect {
                _ = try read()
            } throws: { error in
                guard let error = error as? TraceReadError, case .malformedCompression(let reason) = error.problem else { return false }
                return reason.contains("inflates more than 200 times")
            }
        }
    }

    @Test func gzipBytesInMemoryReadLikeTheFile() throws {
        let original = try TraceReader.read(contentsOf: sdkLinks)
        let compressed = try gzip(sdkLinks)
        let inMemory = try compressed.withUnsafeBytes { try TraceReader.read($0, source: "links.jsonl.gz") }
        #expect(inMemory.spans == original.spans)
        #expect(inMemory.report.isCompressed)
        #expect(inMemory.report.formatDescription == "otlp-json (JSON lines, gzip)")
    }

    @Test func aLineLongerThanManyChunksFromStandardInputIsReadInGrowingSteps() throws {
        // One JSON line of over three chunks piped in: the same spans as from the file.
        let line = try String(contentsOfFile: Corpus.folder + "/otlp-json/otel-proto__trace.json", encoding: .utf8)
            .replacingOccurrences(of: "\n", with: "")
        // The request's resourceSpans repeated until the line is over three chunks long.
        let key = try #require(line.range(of: "\"resourceSpans\"")).upperBound
        let listStart = line.index(after: try #require(line[key...].firstIndex(of: "[")))
        let listEnd = try #require(line.range(of: "]", options: .backwards)).lowerBound
        let inner = String(line[listStart..<listEnd])
        let copies = 3 * (2 << 20) / inner.utf8.count + 2
        let big = Data((String(line[..<listStart]) + Array(repeating: inner, count: copies).joined(separator: ",") + String(line[listEnd...])).utf8)
        let path = try temporaryFile("big.jsonl", big + Data("\n".utf8) + Data(line.utf8) + Data("\n".utf8))
        let fromFile = try TraceReader.read(contentsOf: path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/cat")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let saved = dup(STDIN_FILENO)
        dup2(pipe.fileHandleForReading.fileDescriptor, STDIN_FILENO)
        defer { dup2(saved, STDIN_FILENO); close(saved) }
        let fromStandardInput = try TraceReader.read(contentsOf: "-")
        process.waitUntilExit()
        #expect(big.count > 3 * (2 << 20))
        #expect(fromStandardInput.spans.count == fromFile.spans.count)
        #expect(fromStandardInput.spans == fromFile.spans)
    }

    @Test func concatenatedGzipMembersReadAsOneStream() throws {
        let member = try gzip(Corpus.folder + "/otlp-json/otel-proto__trace.json")
        let path = try temporaryFile("two.json.gz", member + member)
        let file = try TraceReader.read(contentsOf: path)
        #expect(file.spans.count == 2)
        #expect(TraceSet(file.spans).duplicateSpanCount == 1)
    }

    @Test func aFewEmptyGzipMembersAreReadButAStreamOfThemIsRefused() throws {
        let empty = try gzip("/dev/null")
        let member = try gzip(Corpus.folder + "/otlp-json/otel-proto__trace.json")
        // `cat` of a few empty files and an export reads as the export.
        let few = try TraceReader.read(contentsOf: try temporaryFile("few.json.gz", empty + empty + member + empty))
        #expect(few.spans.count == 1)
        // A run of members that hold nothing would stall a reader of standard input for ever.
        let run = Data((0...GzipSource.maximumEmptyMembersInARow).map { _ in empty }.joined()) + member
        let error = #expect(throws: TraceReadError.self) { try TraceReader.read(contentsOf: try temporaryFile("stall.json.gz", run)) }
        #expect(error?.description.contains("gzip members in a row hold nothing") == true, "\(String(describing: error))")
    }

    @Test func truncatedGzipIsAnError() throws {
        let data = try gzip(sdkLinks)
        let path = try temporaryFile("cut.jsonl.gz", data.prefix(data.count / 2))
        #expect(throws: TraceReadError.self) { try TraceReader.read(contentsOf: path) }
    }

    @Test func aFolderStandsForItsFilesInPathOrder() throws {
        let files = try TraceReader.expand([Corpus.folder + "/otlp-json"])
        #expect(files.count == 9)
        #expect(files == files.sorted())
        #expect(files.allSatisfy { $0.hasSuffix(".json") })
    }

    @Test(arguments: [false, true])
    func jsonLinesLargerThanAChunkReadInChunksWithEverySpan(compressed: Bool) throws {
        let (plain, spansPerLine) = try bigJSONLines(lines: 3_000)
        #expect(try FileManager.default.attributesOfItem(atPath: plain)[.size] as! Int > 2 * TraceReader.chunkSize)
        // A plain file is mapped and cut in place; a gzip file is inflated and cut as it streams.
        let path = compressed ? try temporaryFile("big.jsonl.gz", try gzip(plain)) : plain
        var chunks = 0
        var spans = 0
        let report = try TraceReader.read(path: path, makeSink: { SpanList() }, take: { list in
            chunks += 1
            spans += list.spans.count
        })
        #expect(chunks > 2)
        #expect(report.layout == .jsonLines)
        #expect(report.isCompressed == compressed)
        #expect(spans == spansPerLine.reduce(0, +))
        #expect(report.spans == spans)
    }

    @Test func anErrorInALaterChunkNamesItsLineInTheWholeFile() throws {
        let (path, _) = try bigJSONLines(lines: 3_000, badLine: 2_321)
        let error = try #require(throws: TraceReadError.self) { try TraceReader.read(contentsOf: path) }
        #expect(error.location == .text(line: 2_321, column: 55))
        if case .invalidID = error.problem {} else { Issue.record("unexpected problem \(error.problem)") }
    }

    @Test func aMappedDocumentLargerThanTheReleaseStepIsReadWhole() throws {
        // One request of about 18 MB, a span a line: the pages the reader passes go back to the
        // system, and come back from the file when read again (an error's line is counted from the start).
        var generator = SplitMix64(seed: 11)
        let count = 14_000
        var ids: [String] = []
        var lines = [#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"big"}}]},"#,
                     #""scopeSpans":[{"spans":["#]
        for index in 0..<count {
            let trace = String(format: "%016llx%016llx", generator.next(), generator.next())
            ids.append(String(format: "%016llx", generator.next()))
            lines.append((index == 0 ? "" : ",") + #"{"traceId":"\#(trace)","spanId":"\#(ids[index])","name":"GET /\#(index)","kind":2,"#
                + #""startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000","#
                + #""attributes":[{"key":"http.route","value":{"stringValue":"\#(String(repeating: "r", count: 1_100))"}}]}"#)
        }
        lines.append("]}]}]}")
        let data = Data(lines.joined(separator: "\n").utf8)
        #expect(data.count > 16 << 20)
        let file = try TraceReader.read(contentsOf: try temporaryFile("big.json", data))
        #expect(file.report.layout == .document)
        #expect(file.spans.map { String(format: "%016llx", $0.spanID.value) } == ids)
        lines[count - 10 + 2] = lines[count - 10 + 2].replacingOccurrences(of: ids[count - 10], with: "xyz")
        let broken = try temporaryFile("broken.json", Data(lines.joined(separator: "\n").utf8))
        let error = try #require(throws: TraceReadError.self) { try TraceReader.read(contentsOf: broken) }
        #expect(error.location == .text(line: count - 10 + 3, column: 57))
    }

    @Test func everySkippedLineIsPlacedOnItsOwnLine() throws {
        // Many bad lines, each placed by one pass over the text, not a scan from the start each.
        let lines = (0..<5_000).map { "{\"resourceSpans\":[bad \($0) é" }
        let path = try temporaryFile("bad.jsonl", Data((lines.joined(separator: "\n") + "\n").utf8))
        let file = try TraceReader.read(contentsOf: path, options: ReadOptions(keepGoing: true))
        // All counted; the first thousand recorded with where they are, the rest only counted.
        #expect(file.report.skippedCount == 5_000)
        #expect(file.report.unreadCount == 5_000)
        #expect(file.report.skipped.count == InputReport.maximumRecordedParts)
        for (index, error) in file.report.skipped.enumerated() {
            guard case .text(let line, let column)? = error.location else {
                Issue.record("no text location: \(error)")
                break
            }
            #expect(line == index + 1)
            #expect(column == 19)  // at the b of "bad"
            if line != index + 1 { break }
        }
    }

    @Test func keepGoingSkipsTheBadLineAndSaysSo() throws {
        let (path, spansPerLine) = try bigJSONLines(lines: 3_000, badLine: 2_321)
        let file = try TraceReader.read(contentsOf: path, options: ReadOptions(keepGoing: true))
        #expect(file.spans.count == spansPerLine.reduce(0, +))
        #expect(file.report.skipped.map(\.location) == [.text(line: 2_321, column: 55)])
    }

    @Test func manyLengthPrefixedMessagesAreDecodedInGroupsInOrder() throws {
        let frames = try Data(contentsOf: URL(fileURLWithPath: Corpus.folder + "/otlp-proto/python-sdk-links.fileexporter-proto.bin"))
        // 600 copies: more than a chunk (2 MiB), which a stream has to be to be cut into groups.
        let path = try temporaryFile("many.bin", Data(repeatElement(frames, count: 600).joined()))
        var parts = 0
        var spans: [Span] = []
        let report = try TraceReader.read(path: path, makeSink: { SpanList() }, take: { list in
            parts += 1
            spans += list.spans
        })
        #expect(parts > 1)
        #expect(report.layout == .lengthPrefixed)
        #expect(spans.count == 6_000)
        let once = try TraceReader.read(contentsOf: Corpus.folder + "/otlp-proto/python-sdk-links.fileexporter-proto.bin").spans
        #expect(Array(spans.prefix(10)) == once)
        #expect(Array(spans.suffix(10)) == once)
    }

    @Test func aStreamOfNoMoreThanAChunkIsReadInOnePart() throws {
        let frames = try Data(contentsOf: URL(fileURLWithPath: Corpus.folder + "/otlp-proto/python-sdk-links.fileexporter-proto.bin"))
        let path = try temporaryFile("few.bin", Data(repeatElement(frames, count: 200).joined()))
        var parts = 0
        var spans = 0
        let report = try TraceReader.read(path: path, makeSink: { SpanList() }, take: { list in
            parts += 1
            spans += list.spans.count
        })
        #expect(parts == 1)
        #expect(report.layout == .lengthPrefixed)
        #expect(spans == 2_000)
    }

    @Test func aBrokenMessageDeepInAStreamIsFoundAtItsByteOffset() throws {
        let frames = try Data(contentsOf: URL(fileURLWithPath: Corpus.folder + "/otlp-proto/python-sdk-links.fileexporter-proto.bin"))
        var data = Data(repeatElement(frames, count: 200).joined())
        // The first message of copy 150 says its trace id field is 200 bytes long, past its end.
        let broken = 150 * frames.count
        let firstLength = frames.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        #expect(firstLength > 100)
        data[broken + 4] = 0x0A
        data[broken + 5] = 0x7F
        data[broken + 6] = 0x0A
        let path = try temporaryFile("broken.bin", data)
        let error = try #require(throws: TraceReadError.self) { try TraceReader.read(contentsOf: path) }
        guard case .byteOffset(let offset)? = error.location else { Issue.record("no byte offset: \(error)"); return }
        #expect(offset >= broken && offset < broken + frames.count / 3, "\(error)")
        let kept = try TraceReader.read(contentsOf: path, options: ReadOptions(keepGoing: true))
        #expect(kept.report.skipped.count == 1)
        #expect(kept.spans.count > 1_900)
    }

    @Test func everyTruncationOfAFileIsReadOrRefusedNeverACrash() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: sdkLinks))
        var refused = 0
        for length in stride(from: 0, to: data.count, by: 7) {
            let prefix = data.prefix(length)
            let result = prefix.withUnsafeBytes { bytes in
                Result { () throws(TraceReadError) in try TraceReader.read(bytes, source: "cut") }
            }
            if case .failure = result { refused += 1 }
        }
        // Cut anywhere but between lines, the file does not read.
        #expect(refused > data.count / 7 - 5)
    }

    @Test(arguments: [
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102","spanId":"0102030405060708"}]}]}]}"#, "traceId"),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"01"}]}]}]}"#, "spanId"),
        (#"{"resourceSpans":5}"#, "array"),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","startTimeUnixNano":"-5"}]}]}]}"#, "startTimeUnixNano"),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","kind":"SPAN_KIND_BOGUS"}]}]}]}"#, "kind"),
    ])
    func wrongValuesAreErrorsThatSayWhich(json: String, mention: String) throws {
        let error = try #require(throws: TraceReadError.self) { try TraceReader.read(json, source: "bad.json") }
        #expect(error.description.contains(mention), "\(error)")
        #expect(error.location != nil)
    }

    @Test func invalidUTF8InNamesBecomesReplacementCharacters() throws {
        var data = Data(#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"caf"#.utf8)
        data.append(0xE9)
        data.append(contentsOf: Array(#""}}]},"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708"}]}]}]}"#.utf8))
        let file = try data.withUnsafeBytes { bytes in
            try Result { () throws(TraceReadError) in try TraceReader.read(bytes, source: "latin1.json") }.get()
        }
        #expect(file.spans.map(\.serviceName) == ["caf\u{FFFD}"])
    }

    @Test(arguments: ["otlp-jsonl/python-sdk-links.jsonl", "otlp-json/jaeger__link_attributes_trace.json",
                      "otlp-json/jaeger-pr9263__hotrod_n_plus_one_full_concurrent.json"])
    func compactAndPrettyPrintedDocumentsGiveTheSameSpans(file: String) throws {
        // Compact attributes take a fast path, pretty-printed ones the general one: both must agree.
        let text = try String(contentsOfFile: Corpus.folder + "/" + file, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let documents = file.hasSuffix(".jsonl") ? lines : [text]
        func read(_ data: Data) throws -> [Span] {
            try data.withUnsafeBytes { bytes in try Result { () throws(TraceReadError) in try TraceReader.read(bytes, source: "doc") }.get() }.spans
        }
        var compact: [Span] = []
        var pretty: [Span] = []
        for document in documents {
            let object = try JSONSerialization.jsonObject(with: Data(document.utf8))
            let small = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            #expect(String(decoding: small, as: UTF8.self).contains(#"{"key":""#))
            compact += try read(small)
            pretty += try read(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]))
        }
        #expect(!compact.isEmpty)
        #expect(compact == pretty)
        #expect(compact == (try TraceReader.read(contentsOf: Corpus.folder + "/" + file).spans))
    }

    @Test func spansWhoseMembersComeInDifferentOrdersReadAlike() throws {
        // The reader predicts each span's member order from the last span's; misses must not matter.
        let spans = [
            #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000001","name":"a","kind":2,"startTimeUnixNano":"5","endTimeUnixNano":"9"}"#,
            #"{"spanId":"0000000000000002","traceId":"0102030405060708090a0b0c0d0e0f10","kind":3,"name":"b","parentSpanId":"0000000000000001"}"#,
            #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000003","extra":{"x":[1,2]},"name":"c","kind":"SPAN_KIND_CLIENT"}"#,
            #"{"trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"0000000000000004","name":"d","start_time_unix_nano":7}"#,
            #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000005","name":"e","kind":2,"startTimeUnixNano":"5","endTimeUnixNano":"9","status":{"code":2}}"#,
            #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000006","name":"f"}"#,
        ]
        func document(_ spans: [String]) -> String { #"{"resourceSpans":[{"scopeSpans":[{"spans":["# + spans.joined(separator: ",") + "]}]}]}" }
        let together = try TraceReader.read(document(spans), source: "together").spans
        let alone = try spans.flatMap { try TraceReader.read(document([$0]), source: "alone").spans }
        #expect(together == alone)
        #expect(together.map(\.name) == ["a", "b", "c", "d", "e", "f"])
        #expect(together.map(\.kind) == [.server, .client, .client, .unspecified, .server, .unspecified])
        #expect(together[3].startTimeUnixNano == 7)
        #expect(together[4].isError)
    }

    @Test(arguments: ["0", "7", "1234567", "12345678", "123456789", "1234567890123456", "12345678901234567",
                      "1700000000022732048", "9999999999999999999", "18446744073709551615", "00000000000000000042"])
    func timestampsOfEveryLengthReadExactly(digits: String) throws {
        // Unquoted, leading zeros are not JSON: only the quoted form of those.
        for quoted in digits.hasPrefix("0") && digits.count > 1 ? [true] : [true, false] {
            let value = quoted ? "\"\(digits)\"" : digits
            let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000001","startTimeUnixNano":"#
                + value + "}]}]}]}"
            let span = try #require(try TraceReader.read(json, source: "time.json").spans.first)
            #expect(span.startTimeUnixNano == UInt64(digits)!, "\(value)")
        }
    }

    @Test func aTimestampThatDoesNotFitIsAnError() throws {
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000001","startTimeUnixNano":"18446744073709551616"}]}]}]}"#
        #expect(throws: TraceReadError.self) { try TraceReader.read(json, source: "big.json") }
        let notDigits = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000001","startTimeUnixNano":"12345678x"}]}]}]}"#
        #expect(throws: TraceReadError.self) { try TraceReader.read(notDigits, source: "x.json") }
    }

    @Test func attributesAreKeptOnlyForTheKindsAsked() throws {
        let detail = ReadDetail(names: false, events: false, linkAttributes: false, scopes: false,
                                spanAttributeKeys: ["peer.service"], resourceAttributeKeys: [], spanAttributeKinds: [.client])
        let attributes = #""attributes":[{"key":"peer.service","value":{"stringValue":"cart"}}]"#
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":["#
            + #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000001","kind":3,\#(attributes)},"#
            + #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000002","kind":2,\#(attributes)}"#
            + "]}]}]}"
        let spans = try TraceReader.read(json, source: "kinds.json", options: ReadOptions(detail: detail)).spans
        #expect(spans.map(\.attributes.count) == [1, 0])
    }

    @Test func emptyArraysAndNullsReadAsNothing() throws {
        let file = try TraceReader.read(#"{"resourceSpans":[{"resource":null,"scopeSpans":[{"spans":[]}, {"spans":null}]}, {"scopeSpans":[]}]}"#, source: "empty.json")
        #expect(file.spans.isEmpty)
    }
}

/// Real files of every format with random bytes changed, read through detection and every reader:
/// each is read or refused with an error, never a crash or a hang.
@Suite struct MutatedInputTests {
    static let files = ["otlp-json/jaeger-pr9263__sibling_errors.json", "otlp-jsonl/python-sdk-links.jsonl",
                        "otlp-proto/python-sdk-links.binpb", "otlp-proto/python-sdk-links.fileexporter-proto.bin",
                        "jaeger/jaeger__ui_01.json", "zipkin/zipkin-lens__skew.json", "tempo/tempo__tempopb_trace.json"]

    @Test(arguments: files)
    func mutatedFilesReadOrFailCleanly(file: String) throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Corpus.folder + "/" + file))
        var generator = SplitMix64(seed: UInt64(file.utf8.count))
        let interesting: [UInt8] = Array("{}[]\",:0-9eE.\\u\0".utf8) + [0x00, 0xFF, 0x0A, 0x80]
        var outcomes = (read: 0, refused: 0)
        for _ in 0..<300 {
            var data = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<data.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: data[index] = interesting.randomElement(using: &generator)!
                case 1: data.remove(at: index)
                default: data.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                }
            }
            let result = data.withUnsafeBytes { bytes in
                Result { () throws(TraceReadError) in try TraceReader.read(bytes, source: "mutated") }
            }
            switch result {
            case .success: outcomes.read += 1
            case .failure(let error):
                outcomes.refused += 1
                #expect(!error.description.isEmpty)
            }
        }
        #expect(outcomes.read + outcomes.refused == 300)
    }
}

@Suite struct LineBoundaryTests {
    /// The boundary the definition gives, found the slow way.
    private func naive(_ bytes: [UInt8]) -> Int? {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
        for index in stride(from: bytes.count - 1, to: 0, by: -1) where bytes[index] == 0x0A {
            var after = index + 1
            while after < bytes.count, isSpace(bytes[after]) { after += 1 }
            var before = index - 1
            while before > 0, isSpace(bytes[before]) { before -= 1 }
            if after < bytes.count, bytes[after] == UInt8(ascii: "{"), bytes[before] == UInt8(ascii: "}") { return index + 1 }
        }
        return nil
    }

    @Test func agreesWithTheDefinitionOnRandomText() {
        var generator = SplitMix64(seed: 42)
        let alphabet = Array("{}\n \t,\"a1".utf8)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            let found = bytes.withUnsafeBytes(FormatSniffer.lastLineBoundary)
            #expect(found == naive(bytes), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
    }
}
