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
        #expect(Set(json.keys) == ["files", "traces", "spans", "duplicateSpans", "sharedSpanIDs", "links", "unresolvedLinks",
                                   "droppedLinks", "services", "errorSpans", "emptyServiceNameSpans", "zeroIDSpans", "skipped"])
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
