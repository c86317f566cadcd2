import Foundation
import Testing
import TraceTestSupport

/// `tracegraph inspect`, the input options, and inputs of every kind through the command line.
@Suite struct InspectCommandTests {
    private func inspectJSON(_ arguments: [String], in folder: String? = nil) throws -> [String: Any] {
        let result = try Tool.run(["inspect", "--json"] + arguments, in: folder ?? temporaryFolder())
        #expect(result.status == 0, "\(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any])
    }

    @Test func jsonHasTheDocumentedKeysAndCounts() throws {
        let json = try inspectJSON([Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl"])
        #expect(Set(json.keys) == ["schemaVersion", "files", "traces", "spans", "duplicateSpans", "conflictingSpans", "sharedSpanIDs", "links",
                                   "unresolvedLinks", "droppedLinks", "services", "errorSpans", "emptyServiceNameSpans", "zeroIDSpans",
                                   "skippedSpans", "repairedSpans", "skippedCount", "skipped", "repairedCount", "repaired"])
        #expect(json["schemaVersion"] as? Int == 1)
        #expect(json["skippedSpans"] as? [String: Int] == ["missingTraceID": 0, "missingSpanID": 0, "zeroTraceID": 0, "zeroSpanID": 0])
        #expect(json["repairedSpans"] as? [String: Int] == ["endBeforeStart": 0])
        #expect(json["skippedCount"] as? Int == 0)
        #expect(json["repairedCount"] as? Int == 0)
        #expect(json["traces"] as? Int == 5)
        #expect(json["spans"] as? Int == 10)
        #expect(json["links"] as? Int == 4)
        #expect(json["unresolvedLinks"] as? Int == 0)
        #expect(json["errorSpans"] as? Int == 2)
        #expect(json["services"] as? [String] == ["analytics-batch", "billing-worker", "order-api", "shipping-worker"])
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.first?["format"] as? String == "otlp-json")
        #expect(files.first?["layout"] as? String == "JSON lines")
    }

    @Test func linksTheSDKDroppedAreCounted() throws {
        // Made with the OpenTelemetry Python SDK: a summary span linking to 1,000 items keeps 128.
        let json = try inspectJSON([Fixtures.pythonSDKShop])
        #expect(json["links"] as? Int == 1_251)
        #expect(json["droppedLinks"] as? Int == 872)
        #expect(json["zeroIDSpans"] as? Int == 0)
    }

    @Test func everyFormatAndAFolderTogether() throws {
        let json = try inspectJSON([
            Corpus.folder + "/otlp-proto/python-sdk-links.binpb",
            Corpus.folder + "/jaeger/jaeger__ui_01.json",
            Corpus.folder + "/zipkin",
        ])
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.count == 11)
        #expect(Set(files.compactMap { $0["format"] as? String }) == ["otlp-proto", "jaeger", "zipkin"])
    }

    @Test func theSameSpansInTwoFormatsCountOnce() throws {
        let json = try inspectJSON([
            Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl",
            Corpus.folder + "/otlp-proto/python-sdk-links.fileexporter-proto.bin",
        ])
        #expect(json["spans"] as? Int == 10)
        #expect(json["duplicateSpans"] as? Int == 10)
    }

    @Test func standardInputIsRead() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["inspect", "-"], in: folder,
                                  standardInput: Corpus.folder + "/otlp-proto/python-sdk-links.fileexporter-proto.bin")
        #expect(result.status == 0, "\(result.standardError)")
        let text = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(text.contains("-: otlp-proto (length-prefixed messages), 10 spans"))
        #expect(text.contains("traces: 5"))
    }

    @Test func keepGoingSkipsABadLineAndSaysWhere() throws {
        let folder = try temporaryFolder()
        let good = try String(contentsOfFile: Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl", encoding: .utf8)
        let lines = good.split(separator: "\n")
        try (lines[0] + "\n{\"resourceSpans\": [oops]}\n" + lines[1] + "\n").write(toFile: folder + "/bad.jsonl", atomically: true, encoding: .utf8)
        let failing = try Tool.run(["graph", "bad.jsonl", "-o", "graph.svg"], in: folder)
        #expect(failing.status == 65)
        #expect(failing.standardError.contains("bad.jsonl:2:20: unexpected 'o'"))
        let kept = try Tool.run(["graph", "bad.jsonl", "--keep-going", "-o", "graph.svg"], in: folder)
        #expect(kept.status == 0, "\(kept.standardError)")
        #expect(kept.standardError.contains("skipped 1 part that did not read:"))
        #expect(kept.standardError.contains("bad.jsonl:2:20"))
        let json = try inspectJSON(["bad.jsonl", "--keep-going"], in: folder)
        let skipped = try #require(json["skipped"] as? [[String: Any]])
        #expect(skipped.count == 1)
        #expect(skipped.first?["line"] as? Int == 2)
        #expect(json["spans"] as? Int == 9)
    }

    /// An OTLP/JSON export of service api whose spans are on lines 2 and on.
    static func export(_ spans: [String]) -> String {
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"api\"}}]},"
            + "\"scopeSpans\":[{\"spans\":[\n" + spans.joined(separator: ",\n") + "]}]}]}"
    }

    static let good = #"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0102030405060708","startTimeUnixNano":"1","endTimeUnixNano":"3"}"#
    static let endsBeforeStart =
        #"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"010203040506070a","startTimeUnixNano":"9","endTimeUnixNano":"3"}"#

    /// One span of each kind that cannot be used as it is, a repeat and a conflicting repeat.
    static let defects = export([
        good,
        #"{"spanId":"0102030405060709"}"#,
        #"{"traceId":"5b8efff798038103d269b633813fc60c"}"#,
        #"{"traceId":"00000000000000000000000000000000","spanId":"0102030405060709"}"#,
        #"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"0000000000000000"}"#,
        endsBeforeStart,
        good,
        good.replacingOccurrences(of: #""3""#, with: #""4""#),
    ])

    @Test func spansThatCannotBeUsedAreCountedByReasonAndPlaced() throws {
        let folder = try temporaryFolder()
        try Self.defects.write(toFile: folder + "/defects.json", atomically: true, encoding: .utf8)
        let json = try inspectJSON(["defects.json"], in: folder)
        #expect(json["spans"] as? Int == 2)
        #expect(json["duplicateSpans"] as? Int == 1)
        #expect(json["conflictingSpans"] as? Int == 1)
        #expect(json["zeroIDSpans"] as? Int == 2)
        #expect(json["skippedSpans"] as? [String: Int] == ["missingTraceID": 1, "missingSpanID": 1, "zeroTraceID": 1, "zeroSpanID": 1])
        #expect(json["repairedSpans"] as? [String: Int] == ["endBeforeStart": 1])
        let skipped = try #require(json["skipped"] as? [[String: Any]])
        #expect(skipped.compactMap { $0["defect"] as? String } == ["missingTraceID", "missingSpanID", "zeroTraceID", "zeroSpanID"])
        #expect(skipped.compactMap { $0["line"] as? Int } == [3, 4, 5, 6])
        #expect(skipped.first?["reason"] as? String == "a span without a trace id: left out")
        let repaired = try #require(json["repaired"] as? [[String: Any]])
        #expect(repaired.count == 1)
        #expect(repaired.first?["line"] as? Int == 7)
        #expect(repaired.first?["column"] as? Int == 1)
        #expect(repaired.first?["defect"] as? String == "endBeforeStart")

        let text = try Tool.run(["inspect", "defects.json"], in: folder)
        let lines = String(decoding: text.standardOutput, as: UTF8.self)
        #expect(lines.contains("spans left out: 4 (missingTraceID 1, missingSpanID 1, zeroTraceID 1, zeroSpanID 1)\n"))
        #expect(lines.contains("spans repaired: 1 (endBeforeStart 1)\n"))
        #expect(lines.contains("repaired: 1\n  defects.json:7:1: a span that ends before it starts: read as ending when it starts (a duration of 0)\n"))
        #expect(lines.contains("conflicting spans: 1"))
    }

    @Test func theyAreNamedOnStandardErrorOrStopAStrictRead() throws {
        let folder = try temporaryFolder()
        try Self.defects.write(toFile: folder + "/defects.json", atomically: true, encoding: .utf8)
        let read = try Tool.run(["graph", "defects.json", "-o", "graph.svg"], in: folder)
        #expect(read.status == 0, "\(read.standardError)")
        #expect(read.standardError.contains("""
            tracegraph: warning: left out 4 spans that cannot be used:
              defects.json:3:1: a span without a trace id: left out
              defects.json:4:1: a span without a span id: left out
              defects.json:5:1: a span whose trace id is all zeros (invalid in W3C and OTLP): left out
              defects.json:6:1: a span whose span id is all zeros (invalid in W3C and OTLP): left out
            tracegraph: warning: repaired 1 span:
              defects.json:7:1: a span that ends before it starts: read as ending when it starts (a duration of 0)

            """), "\(read.standardError)")
        #expect(read.standardError.contains("tracegraph: warning: 1 record with the ids of a span already read (not the other half of its call) "
            + "but another parent, start, duration, kind or status: conflicting, left out, the first read kept\n"))
        #expect(read.standardError.contains("1 duplicate span counted once"))
        let quiet = try Tool.run(["graph", "defects.json", "-q", "-o", "graph.svg"], in: folder)
        #expect(quiet.status == 0)
        #expect(quiet.standardError.isEmpty)

        let strict = try Tool.run(["graph", "defects.json", "--strict", "-o", "strict.svg"], in: folder)
        #expect(strict.status == 65)
        #expect(strict.standardError == "tracegraph: error: defects.json:3:1: a span without a trace id, which --strict does not accept\n")
        #expect(!FileManager.default.fileExists(atPath: folder + "/strict.svg"))
    }

    @Test func aStrictReadStopsAtASpanThatWouldBeRepairedToo() throws {
        let folder = try temporaryFolder()
        try Self.export([Self.good, Self.endsBeforeStart]).write(toFile: folder + "/late.json", atomically: true, encoding: .utf8)
        let read = try Tool.run(["inspect", "late.json"], in: folder)
        #expect(read.status == 0, "\(read.standardError)")
        let strict = try Tool.run(["inspect", "--strict", "late.json"], in: folder)
        #expect(strict.status == 65)
        #expect(strict.standardError == "tracegraph: error: late.json:3:1: a span that ends before it starts, which --strict does not accept\n")
    }

    @Test func aForcedInputFormatIsUsed() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["inspect", Corpus.folder + "/otlp-json/otel-proto__trace.json", "--input-format", "jaeger"], in: folder)
        #expect(result.status == 65)
        #expect(result.standardError.contains("otel-proto__trace.json"))
    }

    @Test func gzipThroughTheCommandLine() throws {
        let folder = try temporaryFolder()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -c '\(Corpus.folder)/zipkin/zipkin-lens__yelp.json' > '\(folder)/yelp.json.gz'"]
        try process.run()
        process.waitUntilExit()
        let json = try inspectJSON(["yelp.json.gz"], in: folder)
        let files = try #require(json["files"] as? [[String: Any]])
        #expect(files.first?["format"] as? String == "zipkin")
        #expect(files.first?["compressed"] as? Bool == true)
        #expect(json["services"] as? [String] == ["mobile_api", "routing", "spectre", "unknown", "yelp-main", "yelp_main/api_proxy"])
    }
}
