import ServiceGraph
import TraceModel

/// A diff of two service graphs as Markdown, for a pull request's comment or a job's summary: a
/// line of totals, what the gate matched, and a table of the changes, the most significant first
/// (services that came or went, edges that went, edges that came, then the largest changes in
/// error rate, p95 and count).
public enum GraphDiffMarkdown {
    public static func text(_ diff: GraphDiff, gate: DiffGate? = nil, title: String = "Service graph diff") -> String {
        var lines = ["## " + MarkdownSummary.Escaped.text(title), ""]
        lines.append("**" + GraphWording.totals(of: diff) + "**")
        if let gate {
            let matches = gate.matches(diff)
            let verdict = GraphWording.gateVerdict(matches.map(MarkdownSummary.Escaped.text))
            lines.append("")
            lines.append("> " + (matches.isEmpty ? verdict.head : "**" + verdict.head + "**") + verdict.rest + ".")
        }
        var rows: [[String]] = []
        let name = { (id: NodeID) in MarkdownSummary.Escaped.text(diff.names[id] ?? id.rawValue) }
        let edge = { (key: GraphDiff.EdgeKey) in
            name(key.from) + " → " + name(key.to) + (key.kind == .link ? " (links, " + MarkdownSummary.Escaped.text(key.detail) + ")" : "")
        }
        for node in diff.addedNodes { rows.append(["added " + kind(node), name(node.id), "–", "present"]) }
        for node in diff.removedNodes { rows.append(["removed " + kind(node), name(node.id), "present", "–"]) }
        for change in diff.removedEdges { rows.append(["removed edge", edge(change.key), numbers(change.before, change.key), "–"]) }
        for change in diff.addedEdges { rows.append(["added edge", edge(change.key), "–", numbers(change.after, change.key)]) }
        /// Larger first: the change in error rate, then in p95, then in count; then by key.
        func precedes(_ a: GraphDiff.Edge, _ b: GraphDiff.Edge) -> Bool {
            let weight = { (change: GraphDiff.Edge) -> (Double, Double, Int) in
                (abs(change.errorRateChange ?? 0), abs(change.p95Change ?? 0), abs((change.after?.count ?? 0) - (change.before?.count ?? 0)))
            }
            let (x, y) = (weight(a), weight(b))
            if x != y { return (x.0, x.1, x.2) > (y.0, y.1, y.2) }
            return a.key < b.key
        }
        for change in diff.changedEdges.sorted(by: precedes) {
            rows.append([GraphWording.changes(of: change).joined(separator: ", "), edge(change.key), numbers(change.before, change.key),
                         numbers(change.after, change.key)])
        }
        if rows.isEmpty {
            lines += ["", "Nothing changed."]
        } else {
            lines += ["", "| Change | Where | Before | After |", "|---|---|---|---|"]
            lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func kind(_ node: ServiceGraph.Node) -> String {
        switch node.kind {
        case .service: "service"
        case .database: "database"
        case .messaging: "topic"
        case .remote, .outsideInput: "peer"
        }
    }

    private static func numbers(_ numbers: GraphDiff.EdgeNumbers?, _ key: GraphDiff.EdgeKey) -> String {
        numbers.map { GraphWording.numbers($0, of: key) } ?? "–"
    }
}
