/// What `tracegraph inspect` prints for a service graph an earlier run saved as JSON: where it
/// came from, what it holds, and what the view that wrote it left out.
public struct SavedGraphInspectReport: Sendable {
    public var saved: SavedServiceGraph

    public init(saved: SavedServiceGraph) {
        self.saved = saved
    }

    private func count(_ kind: (ServiceGraph.Node.Kind) -> Bool) -> Int { saved.graph.nodes.filter { kind($0.kind) }.count }
    private var services: Int { count { $0 == .service } }
    private var databases: Int { count { if case .database = $0 { true } else { false } } }
    private var topics: Int { count { if case .messaging = $0 { true } else { false } } }
    private var peers: Int { count { $0 == .remote } }
    private var calls: Int { saved.graph.callEdges.reduce(0) { $0 + $1.calls } }
    private var failedCalls: Int { saved.graph.callEdges.reduce(0) { $0 + $1.errors } }
    private var links: Int { saved.graph.linkEdges.reduce(0) { $0 + $1.links } }

    /// For people: one line a fact.
    public var text: String {
        let graph = saved.graph
        var lines = ["input: \(TerminalText.escaping(saved.source)): a service graph tracegraph saved (schemaVersion \(ServiceGraphJSONLayout.schemaVersion))"
            + (saved.title.map { ", titled \(TerminalText.escaping($0))" } ?? "")]
        lines += [
            "nodes: \(graph.nodes.count) (services \(services), databases \(databases), topics \(topics), peers that recorded no spans \(peers))",
            "call edges: \(graph.callEdges.count) (\(GraphWording.count(calls, "call")), \(GraphWording.count(failedCalls, "failed", plural: "failed")))",
            "link edges: \(graph.linkEdges.count) (\(GraphWording.count(links, "link")))",
            "notes: \(saved.notes.count)",
        ]
        lines += saved.notes.map { "  \(TerminalText.escaping($0))" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The version of the layout `json` writes; it rises when a key is removed or renamed.
    public static let schemaVersion = 1

    /// For scripts: one JSON object, keys in a fixed order, `schemaVersion` first.
    public var json: String {
        var object = JSONWriter.Object()
        object.append("schemaVersion", String(Self.schemaVersion))
        object.append("path", JSONWriter.string(saved.source))
        object.append("kind", JSONWriter.string(ServiceGraphJSONLayout.documentKind))
        if let title = saved.title { object.append("title", JSONWriter.string(title)) }
        object.append("nodes", String(saved.graph.nodes.count))
        object.append("services", String(services))
        object.append("databases", String(databases))
        object.append("topics", String(topics))
        object.append("peers", String(peers))
        object.append("callEdges", String(saved.graph.callEdges.count))
        object.append("calls", String(calls))
        object.append("failedCalls", String(failedCalls))
        object.append("linkEdges", String(saved.graph.linkEdges.count))
        object.append("links", String(links))
        object.append("notes", JSONWriter.array(saved.notes.map(JSONWriter.string)))
        return object.text + "\n"
    }
}
