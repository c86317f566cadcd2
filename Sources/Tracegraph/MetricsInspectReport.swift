/// What `tracegraph inspect` prints for inputs of service-graph metrics: each input, its format and
/// series, and the graph they make: nodes by kind, and every edge with its calls and failures.
public struct MetricsInspectReport: Sendable {
    public var metrics: MetricsGraph
    public var graph: ServiceGraph

    public init(metrics: MetricsGraph, graph: ServiceGraph) {
        self.metrics = metrics
        self.graph = graph
    }

    /// Edges listed in the text, busiest first; the rest are counted.
    public static let listedEdges = 100

    private var names: [NodeID: ServiceGraph.Node] { Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.id, $0) }) }

    private func nodes(where kind: (ServiceGraph.Node.Kind) -> Bool) -> [String] {
        graph.nodes.filter { kind($0.kind) }.map(\.name).sorted()
    }

    private var services: [String] { nodes { $0 == .service } }
    private var databases: [String] { nodes { if case .database = $0 { true } else { false } } }
    private var peers: [String] { nodes { $0 == .remote } }
    private var calls: Int { graph.callEdges.reduce(0) { $0 + $1.calls } }
    private var failedCalls: Int { graph.callEdges.reduce(0) { $0 + $1.errors } }
    private var warnings: [String] { metrics.inputs.flatMap { input in input.warnings.map { "\(input.source): \($0)" } } }

    private static func notDrawn(_ counts: [String: Int]) -> [(name: String, count: Int)] {
        counts.map { ($0.key, $0.value) }.sorted { $0.name < $1.name }
    }

    /// For people: one line a fact.
    public var text: String {
        var lines = ["inputs:"]
        for input in metrics.inputs {
            var line = "  \(input.source): \(input.formatDescription), \(GraphWording.count(input.series, "series", plural: "series")): "
                + "\(GraphWording.count(input.drawnSeries)) drawn"
            let notDrawn = Self.notDrawn(input.notDrawnSeries)
            if !notDrawn.isEmpty {
                line += ", \(GraphWording.count(notDrawn.reduce(0) { $0 + $1.count })) of service-graph metrics not drawn ("
                    + notDrawn.map { "\($0.name) \(GraphWording.count($0.count))" }.joined(separator: ", ") + ")"
            }
            if input.otherSeries > 0 { line += ", \(GraphWording.count(input.otherSeries)) of other metrics" }
            lines.append(line)
        }
        let nodes = names
        lines += [
            "services: \(services.count)" + (services.isEmpty ? "" : " (" + services.joined(separator: ", ") + ")"),
            "databases: \(databases.count)" + (databases.isEmpty ? "" : " (" + databases.joined(separator: ", ") + ")"),
            "peers that recorded no spans: \(peers.count)" + (peers.isEmpty ? "" : " (" + peers.joined(separator: ", ") + ")"),
            "calls: \(GraphWording.count(calls)), failed: \(GraphWording.count(failedCalls))",
            "edges: \(graph.callEdges.count)",
        ]
        for edge in graph.callEdges.sorted(by: { ($1.calls, $0.from, $0.to) < ($0.calls, $1.from, $1.to) }).prefix(Self.listedEdges) {
            let connection = edge.connection == .direct ? "" : " [\(edge.connection.rawValue)]"
            lines.append("  \(nodes[edge.from]!.name) → \(nodes[edge.to]!.name)\(connection): \(edge.details)")
        }
        if graph.callEdges.count > Self.listedEdges { lines.append("  … and \(graph.callEdges.count - Self.listedEdges) more, not listed") }
        lines.append("warnings: \(warnings.count)")
        lines += warnings.map { "  \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The version of the layout `json` writes; it rises when a key is removed or renamed.
    public static let schemaVersion = 1

    /// For scripts: one JSON object, keys in a fixed order, `schemaVersion` first.
    public var json: String {
        var object = JSONWriter.Object()
        object.append("schemaVersion", String(Self.schemaVersion))
        object.append("files", JSONWriter.array(metrics.inputs.map { input in
            var file = JSONWriter.Object()
            file.append("path", JSONWriter.string(input.source))
            file.append("format", JSONWriter.string(input.format.rawValue))
            file.append("shape", JSONWriter.string(input.shape.rawValue))
            file.append("compressed", input.isCompressed ? "true" : "false")
            file.append("series", String(input.series))
            file.append("drawnSeries", String(input.drawnSeries))
            var notDrawn = JSONWriter.Object()
            for (name, count) in Self.notDrawn(input.notDrawnSeries) { notDrawn.append(name, String(count)) }
            file.append("notDrawnSeries", notDrawn.text)
            file.append("otherSeries", String(input.otherSeries))
            return file.text
        }))
        object.append("services", JSONWriter.array(services.map(JSONWriter.string)))
        object.append("databases", JSONWriter.array(databases.map(JSONWriter.string)))
        object.append("peers", JSONWriter.array(peers.map(JSONWriter.string)))
        object.append("calls", String(calls))
        object.append("failedCalls", String(failedCalls))
        let nodes = names
        object.append("edges", JSONWriter.array(graph.callEdges.map { edge in
            var entry = JSONWriter.Object()
            entry.append("client", JSONWriter.string(nodes[edge.from]!.name))
            entry.append("server", JSONWriter.string(nodes[edge.to]!.name))
            entry.append("connectionType", JSONWriter.string(edge.connection.rawValue))
            entry.append("calls", String(edge.calls))
            entry.append("failed", String(edge.errors))
            if edge.latency.basis != .unknown { entry.append("serverP95Nanos", String(edge.latency.p95Nanos)) }
            if let client = edge.clientLatency, client.basis != .unknown { entry.append("clientP95Nanos", String(client.p95Nanos)) }
            return entry.text
        }))
        object.append("warnings", JSONWriter.array(warnings.map(JSONWriter.string)))
        return object.text + "\n"
    }
}
