import Foundation
import GraphOutputs
import ServiceGraph
import Testing
import TraceTestSupport
import Tracegraph

/// A service graph saved as JSON (`graph -T json`) and read back (`SavedServiceGraph`), as
/// `tracegraph diff` reads a baseline: every golden graph reads back to the bytes it was written
/// as, and what is not such a graph is refused with its line and column.
@Suite struct SavedServiceGraphTests {
    /// Graphs written and read back: the golden inputs, metrics with histogram latencies and a
    /// view's notes and members.
    static func writtenGraphs() throws -> [(name: String, graph: ServiceGraph, text: String)] {
        var graphs = try GoldenInputs.all.map { input in
            let graph = try input.graph()
            return (input.name, graph, ServiceGraphJSON.text(try GraphView().apply(to: graph)))
        }
        let tempo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ServiceGraphMetricsTests/Fixtures/tempo/query_range.json").path
        let metrics = try GraphReading(paths: [tempo]).graph
        graphs.append(("tempo-query-range", metrics, ServiceGraphJSON.text(try GraphView.full.apply(to: metrics))))
        let shop = try GoldenInputs.all[1].graph()
        let collapsed = try GraphView(collapseLeavesAbove: 1).apply(to: shop)
        graphs.append(("shop-collapsed", collapsed.graph, ServiceGraphJSON.text(collapsed, title: "The shop, \"collapsed\"")))
        return graphs
    }

    @Test func everyGraphReadsBackAsItWasWritten() throws {
        for (name, graph, text) in try Self.writtenGraphs() {
            let saved = try SavedServiceGraph.read(text, source: name + ".json")
            let again = ServiceGraphJSON.text(ViewedGraph(graph: saved.graph, whole: saved.graph, notes: saved.notes), title: saved.title)
            #expect(again == text, "\(name) reads back otherwise")
            let diff = GraphDiff(before: graph, after: saved.graph)
            #expect(diff.addedNodes.isEmpty && diff.removedNodes.isEmpty, "\(name)")
            #expect(diff.edges.allSatisfy { $0.before == $0.after }, "\(name): an edge's numbers changed on the way")
        }
    }

    @Test func aSavedGraphIsToldFromWhatElseTracegraphReads() throws {
        let text = ServiceGraphJSON.text(try GraphView().apply(to: try GoldenInputs.all[0].graph()))
        let others = [
            try String(contentsOfFile: Corpus.folder + "/otlp-json/jaeger-pr9263__hotrod_n_plus_one_full_concurrent.json", encoding: .utf8),
            try String(contentsOfFile: Corpus.folder + "/jaeger/jaeger-ui__genaiTestTrace.json", encoding: .utf8),
            #"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
            #"{"a":1,"b":[{"kind":"service-graph"}],"kind":"trace"}"#,
            // A member the layout does not have ends the look: a trace export is not scanned past its first.
            #"{"resourceSpans":[],"kind":"service-graph"}"#,
            #"{"kind":"service-graph-diff"}"#,
            "[]", "", "{",
        ]
        #expect(Self.detects(text))
        #expect(Self.detects(#"{"kind":"service-graph","schemaVersion":1}"#))
        // Members in another order, as a program that rewrote the file may leave them.
        #expect(Self.detects(#"{"nodes":[{"kind":"service"}],"calls":[],"kind":"service-graph","schemaVersion":1}"#))
        for other in others { #expect(!Self.detects(other), "\(other.prefix(80))") }
    }

    private static func detects(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { SavedServiceGraph.detect(UnsafeRawBufferPointer($0)) }
    }

    /// Broken graphs, each refused at the line and column of what is wrong, in words that say what.
    static let broken: [(document: String, place: String, says: String)] = [
        ("{\"schemaVersion\":1,\"kind\":\"service-graph\",\n\"nodes\":[{\"id\":\"a\",\"name\":\"a\",\"kind\":\"service\"}],\n\"calls\":[{\"from\":\"a\",\"to\":\"b\",\"kind\":\"request\",\"calls\":1,\"errors\":0}]}",
         "g.json:3:27", "to names no node of the graph: \"b\""),
        ("{\"schemaVersion\":2,\"kind\":\"service-graph\"}", "g.json:1:18", "schemaVersion 2, written by a newer tracegraph; this one reads version 1"),
        ("{\"schemaVersion\":1,\"kind\":\"service-graph-diff\"}", "g.json:1:27", "not a service graph tracegraph saved: kind is \"service-graph-diff\""),
        ("{\"kind\":\"service-graph\",\"nodes\":[]}", "g.json:1:1", "the graph has no schemaVersion"),
        ("{\"schemaVersion\":1,\"kind\":\"service-graph\",\"nodes\":[{\"id\":\"a\",\"name\":\"a\",\"kind\":\"service\",\"spans\":-1}]}",
         "g.json:1:98", "spans is a whole number, not negative"),
        ("{\"schemaVersion\":1,\"kind\":\"service-graph\",\"nodes\":[{\"id\":\"a\",\"name\":\"a\",\"kind\":\"planet\"}]}",
         "g.json:1:52", "node kind \"planet\" is none of service, database, messaging, remote, outsideInput"),
        ("{\"schemaVersion\":1,\"kind\":\"service-graph\",\"nodes\":[{\"id\":\"a\",\"name\":\"a\",\"kind\":\"service\"},\n{\"id\":\"a\",\"name\":\"b\",\"kind\":\"service\"}]}",
         "g.json:2:1", "a second node with id \"a\""),
        ("{\"schemaVersion\":1,\"kind\":\"service-graph\",\"nodes\":[{\"id\":\"a\",\"name\":\"a\",\"kind\":\"service\"}],\"calls\":[{\"from\":\"a\",\"to\":\"a\",\"kind\":\"request\",\"calls\":1,\"errors\":2}]}",
         "g.json:1:101", "a call with more errors (2) than calls (1)"),
        ("{\"schemaVersion\":1,\"kind\":\"service-graph\",\"nodes\":[{\"id\":\"a\",\"name\":\"a\",\"kind\":\"service\"}],\"calls\":[{\"from\":\"a\",\"to\":\"a\",\"kind\":\"request\",\"calls\":1,\"latency\":{\"basis\":\"guess\"}}]}",
         "g.json:1:159", "a latency's basis is durations, histogram or unknown, not \"guess\""),
        ("{\"schemaVersion\":1,\"kind\":\"service-graph\"} {}", "g.json:1:44", "something follows the graph"),
        ("{\"schemaVersion\":1,\"kind\":\"service-graph\",\"title\":\"t\u{1B}[2J\"", "g.json:1:", "not a service graph tracegraph saved"),
        ("{\"schemaVersion\":1,\"kind\":\"service-graph\",\"later\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}",
         "g.json:1:", "arrays and objects nest more than 64 deep"),
    ]

    @Test(arguments: broken.indices)
    func aBrokenGraphIsRefusedWhereItIsWrong(index: Int) {
        let (document, place, says) = Self.broken[index]
        #expect {
            _ = try SavedServiceGraph.read(document, source: "g.json")
        } throws: { error in
            let message = "\(error)"
            return message.hasPrefix(place) && message.contains(says) && !message.contains("\u{1B}")
        }
    }

    @Test func aGraphOfMoreElementsThanTheLimitIsRefusedBeforeItIsHeld() {
        var options = MetricsReadOptions()
        options.maximumEdges = 10
        let nodes = (0..<11).map { "{\"id\":\"n\($0)\",\"name\":\"n\($0)\",\"kind\":\"service\"}" }.joined(separator: ",")
        var text = "{\"schemaVersion\":1,\"kind\":\"service-graph\",\"nodes\":[\(nodes)]}"
        #expect {
            _ = try text.withUTF8 { try SavedServiceGraph.read(UnsafeRawBufferPointer($0), source: "many.json", options: options) }
        } throws: { error in "\(error)".contains("more than 10 edges") }
    }
}
