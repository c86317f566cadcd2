import ServiceGraph
import TraceModel

/// A diff of two service graphs as Markdown, for a pull request's comment or a job's summary: a
/// line of totals, what the gate matched, and a table of the changes, the most significant first
/// (services that came or went, edges that went, edges that came, then the largest changes in
/// error rate, p95 and count).
public enum GraphDiffMarkdown {
    public static func text(_ diff: GraphDiff, gate: DiffGate? = nil, title: String = "Service graph diff") -> String {
        var lines = ["## " + MarkdownSummary.Escaped.text(title), ""]
        let changed = diff.keptEdges.filter { $0.before != $0.after }
        lines.append("**" + [
            GraphWording.count(diff.addedNodes.count, "node") + " added", GraphWording.count(diff.removedNodes.count) + " removed",
            GraphWording.count(diff.addedEdges.count, "edge") + " added", GraphWording.count(diff.removedEdges.count) + " removed",
            GraphWording.count(changed.count) + " changed",
        ].joined(separator: " · ") + "**")
        if let gate {
            let matches = gate.matches(diff)
            lines.append("")
            lines.append(matches.isEmpty ? "> The gate passes: nothing it fails on changed."
                : "> **The gate fails** on " + GraphWording.count(matches.count, "change") + ": "
                    + matches.map(MarkdownSummary.Escaped.text).joined(separator: "; ") + ".")
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
        for change in changed.sorted(by: precedes) {
            var what: [String] = []
            if let points = change.errorRateChange, abs(points) >= 0.05 { what.append("error rate " + GraphWording.points(points)) }
            if let share = change.p95Change, abs(share) >= 0.0005 {
                what.append((change.key.kind == .link ? "lag p95 " : "p95 ") + (share < 0 ? "-" : "+") + GraphWording.percent(abs(share)))
            }
            let delta = (change.after?.count ?? 0) - (change.before?.count ?? 0)
            if delta != 0 { what.append((change.key.kind == .link ? "links " : "calls ") + (delta > 0 ? "+" : "-") + GraphWording.count(abs(delta))) }
            rows.append([what.joined(separator: ", "), edge(change.key), numbers(change.before, change.key), numbers(change.after, change.key)])
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

    /// `100 calls · 7 errors (7%) · p95 13 ms`, `44 links · lag p95 2 s`.
    private static func numbers(_ numbers: GraphDiff.EdgeNumbers?, _ key: GraphDiff.EdgeKey) -> String {
        guard let numbers else { return "–" }
        var parts = [GraphWording.count(numbers.count, key.kind == .link ? "link" : "call")]
        if numbers.errors > 0 { parts.append(GraphWording.count(numbers.errors, "error") + " (" + GraphWording.percent(numbers.errorRate) + ")") }
        if let p95 = numbers.p95Nanos { parts.append((key.kind == .link ? "lag p95 " : "p95 ") + GraphWording.duration(nanos: p95)) }
        return parts.joined(separator: " · ")
    }
}
