import Foundation
import GraphOutputs
import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport
import Tracegraph

/// `--format mermaid`: the chart's text against golden files, names from the traces that would
/// break a chart, Mermaid's limits, and the real mermaid.js parsing and drawing every chart in
/// headless Chromium (`Browser/check_mermaid.py`).
@Suite(.serialized) struct MermaidFlowchartTests {
    static let browserFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser").path
    static let folder = Program.temporaryFolder("mermaid")

    /// What mermaid.js made of a chart.
    struct Drawn: Decodable {
        var parsed: Bool
        var error: String?
        var nodes: Int
        var edges: Int
        var labels: [String]
        var foreign: [String]
    }

    /// Has the browser parse and draw the charts; what it made of each, in their order.
    static func drawn(_ charts: [String]) throws -> [Drawn] {
        let paths = try charts.enumerated().map { index, text in
            let path = folder + "/chart-\(UUID().uuidString)-\(index).mmd"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let result = try Program.run(["python3", browserFolder + "/check_mermaid.py"] + paths)
        try #require(result.status == 0, "check_mermaid.py failed: \(result.text)")
        let json = try #require(result.text.split(separator: "\n").last)
        let byPath = try JSONDecoder().decode([String: Drawn].self, from: Data(json.utf8))
        return paths.map { byPath[$0]! }
    }

    static func chart(_ graph: ServiceGraph, view: GraphView = .full) throws -> MermaidFlowchart {
        MermaidFlowchart(try view.apply(to: graph))
    }

    @Test func chartsReadAsTheirGoldenFilesAndMermaidDrawsEveryNodeAndEdge() throws {
        var charts: [String] = []
        var graphs: [ServiceGraph] = []
        for input in GoldenInputs.all {
            let graph = try input.graph()
            let chart = try Self.chart(graph, view: GraphView())
            Golden.check(chart.text, matches: input.name + ".mmd")
            charts.append(chart.text)
            graphs.append(try GraphView().apply(to: graph).graph)
        }
        for (input, (drawn, graph)) in zip(GoldenInputs.all, zip(try Self.drawn(charts), graphs)) {
            #expect(drawn.parsed, "\(input.name): \(drawn.error ?? "")")
            #expect(drawn.nodes == graph.nodes.count, "\(input.name)")
            #expect(drawn.edges == graph.edgeCount, "\(input.name)")
            #expect(drawn.foreign.isEmpty, "\(input.name): \(drawn.foreign)")
        }
    }

    /// Names a chart's syntax could trip over, and markup.
    static let hostileNames = [
        "end", "class", "subgraph", "a--b", "x-->y", "graph TD", "style", "click", "%% comment",
        "quote \" here", "<img src=x onerror=alert(1)>", "</div><script>alert(1)</script>", "a|b", "semi; colon",
        "#35; entity & amp", "back`tick`", "brackets [x] (y) {z} >w", "line\nbreak\u{1B}[31m", "bidi \u{202E}txt.exe",
    ]

    @Test func namesFromTheTracesNeitherBreakTheChartNorBecomeMarkup() throws {
        // Each hostile name a service calling the next, and a link between them.
        let names = Self.hostileNames
        var spans: [Span] = []
        for (index, name) in names.enumerated() {
            spans.append(Fixture.span(trace: UInt64(index + 1), id: UInt64(index * 10 + 1), service: name, name: name, kind: .server))
            if index + 1 < names.count {
                spans.append(Fixture.span(trace: UInt64(index + 1), id: UInt64(index * 10 + 2), parent: UInt64(index * 10 + 1),
                                          service: names[index + 1], name: "call " + names[index + 1], kind: .server))
            }
        }
        spans.append(Fixture.span(trace: 99, id: 991, service: names[0], name: "linked <b>", links: [(2, 11)]))
        let graph = ServiceGraph(traces: TraceSet(spans))
        let chart = try Self.chart(graph)
        // Outside its quoted labels, a line holds only the chart's own words and ids made here.
        let ours = try Regex(#"^ *(flowchart LR|end|subgraph g\d+\[\]|n\d+(\[\(\)\]|\(\)|>\])|n\d+ (-->|-\.->)\|\| n\d+)$"#)
        for line in chart.text.split(separator: "\n") where !line.hasPrefix("%%") {
            let unquoted = String(line).replacing(try Regex(#""[^"]*""#), with: "")
            let styling = unquoted.hasPrefix("    classDef ") || unquoted.hasPrefix("    class ") || unquoted.hasPrefix("    linkStyle ")
            #expect(styling || unquoted.wholeMatch(of: ours) != nil, "\(line)")
        }
        let drawn = try #require(try Self.drawn([chart.text]).first)
        #expect(drawn.parsed, "\(drawn.error ?? "")")
        #expect(drawn.nodes == graph.nodes.count && drawn.edges == graph.edgeCount)
        #expect(drawn.foreign.isEmpty, "markup from a name became elements: \(drawn.foreign)")
        // Each name shows as written, its controls and marks that reorder text as visible escapes
        // (and a word joiner, which shows nothing, after each backslash).
        let shown = drawn.labels.joined(separator: "\n").replacing("\u{2060}", with: "")
        for name in names {
            #expect(shown.contains(TerminalText.escaping(name)), "\(name.debugDescription) is not shown as written")
        }
    }

    @Test func aGraphPastMermaidsLimitsKeepsTheBusiestEdgesAndSaysSo() throws {
        // 300 services, each calling 4 others: 1,200 edges, past the 500 GitHub's Mermaid draws.
        var random = SplitMix64(seed: 300)
        var edges: [ServiceGraph.CallEdge] = []
        var seen = Set<[Int]>()
        let nodes = (0..<300).map { ServiceGraph.Node(id: NodeID(rawValue: "svc_s\($0)"), name: "service-\($0)", kind: .service, spanCount: 10) }
        for from in 0..<300 {
            while seen.filter({ $0[0] == from }).count < 4 {
                let to = Int(random.next() % 300)
                guard to != from, seen.insert([from, to]).inserted else { continue }
                edges.append(ServiceGraph.CallEdge(from: nodes[from].id, to: nodes[to].id, calls: Int(random.next() % 1_000) + 1, errors: 0,
                                                   latency: LatencySummary(durations: [1_000_000])))
            }
        }
        let graph = ServiceGraph(nodes: nodes, callEdges: edges.sorted { ($0.from, $0.to) < ($1.from, $1.to) }, linkEdges: [])
        let chart = try Self.chart(graph)
        let kept = chart.text.split(separator: "\n").filter { $0.contains(" -->|") }.count
        #expect(kept <= MermaidFlowchart.limits.edges && chart.text.utf16.count <= MermaidFlowchart.limits.characters)
        #expect(kept > 100, "as many as fit, not a handful: \(kept)")
        #expect(chart.graph.edgeCount == kept && chart.graph.nodes.count < 300, "the graph the chart drew, as the command counts it")
        let note = try #require(chart.notes.first)
        #expect(note.hasPrefix("drew the \(kept) busiest of 1,200 edges") && note.hasSuffix("to stay within Mermaid's limits (500 edges, 50,000 characters)"),
                "\(note)")
        #expect(chart.text.hasPrefix("%% Drew the \(kept) busiest"))
        // The busiest edges, whatever the order of the graph's edges.
        let shuffled = ServiceGraph(nodes: nodes, callEdges: edges.reversed(), linkEdges: [])
        #expect(try Self.chart(shuffled).text.split(separator: "\n").filter { $0.contains(" -->|") }.count == kept)
        let drawn = try #require(try Self.drawn([chart.text]).first)
        #expect(drawn.parsed, "\(drawn.error ?? "")")
        #expect(drawn.edges == kept)
    }

    @Test func aGraphWithinTheLimitsIsDrawnWholeWithTheViewsNotes() throws {
        let viewed = try GraphView().apply(to: try GraphReading(builtInExampleWith: .init()).graph)
        let chart = MermaidFlowchart(viewed, title: "Shop, 2026-11-30")
        #expect(chart.notes.isEmpty)
        #expect(chart.text.hasPrefix("---\ntitle: \"Shop, 2026-11-30\"\n---\nflowchart LR\n"))
    }
}

extension MermaidFlowchartTests {
    @Test func aTitleIsTheChartsFrontMatterAndStaysText() throws {
        let graph = try GraphReading(builtInExampleWith: .init()).graph
        let titles = ["Shop \"prod\" -- v2", "</title><script>alert(1)</script>", "---\nbreak: out"]
        let charts = try titles.map { MermaidFlowchart(try GraphView().apply(to: graph), title: $0).text }
        #expect(charts[0].hasPrefix("---\ntitle: \"Shop \\\"prod\\\" -- v2\"\n---\n"))
        for (title, drawn) in zip(titles, try Self.drawn(charts)) {
            #expect(drawn.parsed, "\(title): \(drawn.error ?? "")")
            #expect(drawn.foreign.isEmpty, "\(title): \(drawn.foreign)")
        }
    }
}
