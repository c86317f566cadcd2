import HTMLReport
import ServiceGraph
import TraceReaders
import TraceModel

/// What `tracegraph workflows` prints: the traces that span links join, largest first, each with
/// its size, services, errors, time and longest chain of links, and its traces grouped by root service and
/// operation, so that a batch of 10,000 items is one line with a count.
public struct WorkflowList: Sendable {
    public var workflows: [Workflow]
    /// How many workflows are listed at most; the rest are counted.
    public var limit: Int
    /// How many groups of traces a workflow lists at most; the rest are counted.
    public static let groupsListed = 12

    public init(workflows: [Workflow], limit: Int) {
        self.workflows = workflows
        self.limit = limit
    }

    /// Workflows of more than one trace: those links join.
    private var joined: Int { workflows.lazy.filter { $0.traces.count > 1 }.count }

    /// For people: a paragraph a workflow.
    public var text: String {
        let traces = workflows.reduce(0) { $0 + $1.traces.count }
        var lines = [GraphWording.count(workflows.count, "workflow") + " in " + GraphWording.count(traces, "trace")
            + " (" + GraphWording.count(joined, "joins", plural: "join") + " traces by links; a trace no link joins is a workflow of its own)"]
        for (rank, workflow) in workflows.prefix(limit).enumerated() {
            lines.append("")
            lines.append("#\(rank + 1)  " + Self.facts(of: workflow).joined(separator: " · "))
            let groups = workflow.groups
            for group in groups.prefix(Self.groupsListed) {
                var line = "    " + Self.shown(group.key.service) + "  " + Self.shown(group.key.name)
                    + "  ×" + GraphWording.count(group.traces)
                if group.failingTraces > 0 { line += " (" + GraphWording.count(group.failingTraces) + " failing)" }
                lines.append(line)
            }
            if groups.count > Self.groupsListed {
                lines.append("    … and " + GraphWording.count(groups.count - Self.groupsListed, "more group"))
            }
            if workflow.traces.count <= 3 {
                lines.append("    " + workflow.traces.map(\.description).joined(separator: " "))
            }
        }
        if workflows.count > limit {
            lines.append("")
            lines.append("… and " + GraphWording.count(workflows.count - limit, "more workflow") + " (--limit lists more)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the caption under a workflow's drawing says: its place, size, services, errors, time and chain.
    public static func caption(of workflow: Workflow, rank: Int) -> [String] {
        ["workflow #\(rank): " + facts(of: workflow).joined(separator: ", ")]
    }

    /// A workflow's size, services, errors, time and longest chain, as the list and the caption say them.
    private static func facts(of workflow: Workflow) -> [String] {
        var facts = [GraphWording.count(workflow.traces.count, "trace"), GraphWording.count(workflow.spans, "span"),
                     GraphWording.count(workflow.services.count, "service")]
        if workflow.failingTraces > 0 { facts.append(GraphWording.count(workflow.failingTraces, "failing trace")) }
        facts.append(GraphWording.duration(nanos: workflow.end &- workflow.start) + " from first span to last")
        facts.append("longest chain " + GraphWording.count(workflow.longestChain, "link"))
        return facts
    }

    /// A name from the input as a terminal shows it: cut, its controls escaped.
    private static func shown(_ name: String) -> String {
        TerminalText.escaping(GraphWording.shortened(name, limit: 120))
    }

    /// For scripts: one JSON object, keys in a fixed order.
    public var json: String {
        var object = JSONWriter.Object()
        object.append("workflowCount", String(workflows.count))
        object.append("workflows", JSONWriter.array(workflows.prefix(limit).map { workflow in
            var entry = JSONWriter.Object()
            entry.append("traces", String(workflow.traces.count))
            entry.append("spans", String(workflow.spans))
            entry.append("services", JSONWriter.array(workflow.services.map(JSONWriter.string)))
            entry.append("errorSpans", String(workflow.errorSpans))
            entry.append("failingTraces", String(workflow.failingTraces))
            entry.append("startUnixNano", String(workflow.start))
            entry.append("endUnixNano", String(workflow.end))
            entry.append("longestChain", String(workflow.longestChain))
            entry.append("links", String(workflow.links.count))
            entry.append("groups", JSONWriter.array(workflow.groups.map { group in
                var item = JSONWriter.Object()
                item.append("rootService", JSONWriter.string(group.key.service))
                item.append("rootName", JSONWriter.string(group.key.name))
                item.append("traces", String(group.traces))
                item.append("failingTraces", String(group.failingTraces))
                item.append("spans", String(group.spans))
                item.append("longestNanos", String(group.longest))
                return item.text
            }))
            entry.append("traceIDs", JSONWriter.array(workflow.traces.map { JSONWriter.string($0.description) }))
            return entry.text
        }))
        return object.text + "\n"
    }
}
