import Foundation
import GraphOutputs
import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport
import Tracegraph

/// `--format json`: golden files, the JSON Schema in Documentation/schemas checked with PyPI's
/// jsonschema (`Scripts/validate_json.py`), the same bytes for the same spans, and text from the
/// traces kept as strings.
@Suite struct ServiceGraphJSONTests {
    static let scriptsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Scripts").path
    static let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Documentation/schemas/service-graph.schema.json").path
    static let folder = Program.temporaryFolder("json")

    /// What validate_json.py said of the documents: nil when every one is valid, else its errors.
    static func schemaErrors(_ documents: [String]) throws -> String? {
        let paths = try documents.enumerated().map { index, text in
            let path = folder + "/graph-\(UUID().uuidString)-\(index).json"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let result = try Program.run(["python3", scriptsFolder + "/validate_json.py", schema] + paths)
        return result.status == 0 ? nil : result.text
    }

    @Test func graphsReadAsTheirGoldenFilesAndTheSchemaHoldsThem() throws {
        var documents: [String] = []
        for input in GoldenInputs.all {
            let text = ServiceGraphJSON.text(try GraphView().apply(to: try input.graph()))
            Golden.check(text, matches: input.name + ".json")
            documents.append(text)
        }
        // Service-graph metrics: latencies estimated from histogram buckets, edges without spans.
        let tempo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ServiceGraphMetricsTests/Fixtures/tempo/query_range.json").path
        let metrics = try GraphReading(paths: [tempo]).graph
        documents.append(ServiceGraphJSON.text(try GraphView.full.apply(to: metrics)))
        // A view's notes and a collapsed fan-out's members.
        documents.append(ServiceGraphJSON.text(try GraphView(collapseLeavesAbove: 1).apply(to: try GoldenInputs.all[1].graph())))
        #expect(try Self.schemaErrors(documents) == nil)
    }

    @Test func theSchemaRefusesWhatTheWriterNeverWrites() throws {
        let text = ServiceGraphJSON.text(try GraphView().apply(to: try GoldenInputs.all[0].graph()))
        let broken = [
            text.replacingOccurrences(of: "\"schemaVersion\":1", with: "\"schemaVersion\":2"),
            text.replacingOccurrences(of: "\"health\":\"healthy\"", with: "\"health\":\"fine\""),
            text.replacingOccurrences(of: "\"calls\":[{", with: "\"calls\":[{\"extra\":1,"),
        ]
        for document in broken {
            #expect(try Self.schemaErrors([document]) != nil, "the schema let through: \(document.prefix(200))")
        }
    }

    @Test func theSameSpansInAnyOrderGiveTheSameBytes() throws {
        let spans = LoadedTraces.builtInExample().traces.spans
        var random = SplitMix64(seed: 13)
        let shuffled = spans.shuffled(using: &random)
        let texts = try [spans, shuffled].map { ServiceGraphJSON.text(try GraphView().apply(to: ServiceGraph(traces: TraceSet($0)))) }
        #expect(texts[0] == texts[1])
    }

    @Test func namesFromTheTracesStayStrings() throws {
        let names = ["\"quoted\" and \\ back", "</script><!--", "line\nbreak\u{0}\u{1B}", "\u{2028}separator", "emoji 🧭"]
        let spans = names.enumerated().map { index, name in
            Fixture.span(trace: UInt64(index + 1), id: UInt64(index + 1), service: name, name: name)
        }
        let text = ServiceGraphJSON.text(try GraphView.full.apply(to: ServiceGraph(traces: TraceSet(spans))))
        #expect(!text.contains("</script>") && !text.contains("<!--"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(Set(nodes.compactMap { $0["name"] as? String }) == Set(names))
    }
}
