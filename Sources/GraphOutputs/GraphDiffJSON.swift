import ServiceGraph

/// A diff of two service graphs as JSON, for scripts: the nodes that came or went, every edge of
/// either graph with its numbers before and after (null where it was not), and what the gate
/// matched. Keys in a fixed order; the same graphs give the same bytes.
public enum GraphDiffJSON {
    /// The version of the layout this writes; it rises when a key is removed or renamed.
    public static let schemaVersion = 1

    public static func text(_ diff: GraphDiff, gate: DiffGate? = nil) -> String {
        var object = JSONWriter.Object()
        object.append("schemaVersion", String(schemaVersion))
        object.append("kind", JSONWriter.string("service-graph-diff"))
        object.append("addedNodes", JSONWriter.array(diff.addedNodes.map(node)))
        object.append("removedNodes", JSONWriter.array(diff.removedNodes.map(node)))
        object.append("edges", JSONWriter.array(diff.edges.map { change in
            var item = JSONWriter.Object()
            item.append("kind", JSONWriter.string(change.key.kind.rawValue))
            item.append("from", JSONWriter.string(change.key.from.rawValue))
            item.append("to", JSONWriter.string(change.key.to.rawValue))
            item.append("detail", JSONWriter.string(change.key.detail))
            item.append("before", numbers(change.before))
            item.append("after", numbers(change.after))
            return item.text
        }))
        if let gate { object.append("gateMatches", JSONWriter.array(gate.matches(diff).map(JSONWriter.string))) }
        return object.text + "\n"
    }

    private static func node(_ node: ServiceGraph.Node) -> String {
        var object = JSONWriter.Object()
        object.append("id", JSONWriter.string(node.id.rawValue))
        object.append("name", JSONWriter.string(node.name))
        return object.text
    }

    private static func numbers(_ numbers: GraphDiff.EdgeNumbers?) -> String {
        guard let numbers else { return "null" }
        var object = JSONWriter.Object()
        object.append("count", String(numbers.count))
        object.append("errors", String(numbers.errors))
        if let p95 = numbers.p95Nanos { object.append("p95Nanos", String(p95)) }
        return object.text
    }
}
