import GraphOutputs
import ServiceGraph

extension GraphvizDrawing {
    /// A workflow's groups of traces drawn at most (by ``Workflow/Grouping/drawingPriority``); the rest are one node with a count.
    static let workflowGroupsDrawn = 40

    /// What a box of a workflow says under its root: a trace's duration and errors; a group's
    /// count of traces and of failing ones.
    static func facts(of group: Workflow.Group) -> String {
        if group.traces == 1 {
            return GraphWording.duration(nanos: group.longest)
                + (group.errorSpans > 0 ? " · " + GraphWording.count(group.errorSpans, "error") : "")
        }
        return GraphWording.count(group.traces, "trace")
            + (group.failingTraces > 0 ? " · " + GraphWording.count(group.failingTraces, "failing", plural: "failing") : "")
    }

    /// The drawing of a workflow (``Workflow``): up to ``Workflow/tracesDrawnOneByOne`` traces a
    /// box each, with its duration and errors; past that, its traces grouped by root service and
    /// operation, a box each with the count of traces and of failing ones; red where a trace
    /// failed, and the span links between boxes dashed, cause to effect, with their count, in the
    /// service graph's style.
    init(workflow: Workflow, caption: [String] = [], theme: Theme = .light) {
        graphAttributes = Self.graphAttributes(theme) + [("rankdir", "LR")] + Self.caption(caption, title: nil)
        nodeDefaults = Self.nodeDefaults(theme)
        edgeDefaults = [
            ("fontname", Self.font), ("fontsize", "10"), ("style", "dashed"), ("color", theme.link), ("fontcolor", theme.link),
            ("arrowhead", "vee"), ("arrowsize", "0.7"), ("penwidth", "1.2"),
        ]
        let grouping = workflow.grouping
        let groups = grouping.groups
        // The groups kept when not all fit (drawingPriority), drawn in the order of `groups`.
        let kept = Set(grouping.drawingPriority.prefix(Self.workflowGroupsDrawn))
        /// The node a group is drawn in: its own, or the one of the groups not drawn.
        func nodeName(_ group: Int) -> String { kept.contains(group) ? "group_\(group)" : "group_rest" }
        nodes = groups.enumerated().filter { kept.contains($0.offset) }.map { index, group in
            var lines = [GraphvizText.escaped(group.key.service, limit: 48), GraphvizText.escaped(group.key.name, limit: 48)]
            lines.append(GraphvizText.escaped(Self.facts(of: group)))
            var attributes: Attributes = [("id", nodeName(index)), ("label", GraphvizText.lines(lines)), ("class", "trace-group")]
            if group.failingTraces > 0 { attributes += [("color", theme.errorLine), ("fillcolor", theme.errorFill), ("penwidth", "2")] }
            return Node(name: nodeName(index), attributes: attributes)
        }
        if groups.count > kept.count {
            let rest = groups.indices.filter { !kept.contains($0) }.map { groups[$0] }
            let label = GraphWording.count(rest.count, "more group") + "\\n"
                + GraphWording.count(rest.reduce(0) { $0 + $1.traces }, "trace")
            nodes.append(Node(name: "group_rest", attributes: [
                ("id", "group_rest"), ("label", label), ("style", "rounded,dashed"), ("color", theme.muted),
                ("fontcolor", theme.muted), ("class", "trace-group rest"),
            ]))
        }
        var counts: [String: Int] = [:]
        var order: [String] = []
        for link in grouping.links {
            let pair = nodeName(link.cause) + " " + nodeName(link.effect)
            if counts[pair] == nil { order.append(pair) }
            counts[pair, default: 0] += link.links
        }
        edges = order.map { pair in
            let ends = pair.split(separator: " ").map(String.init)
            let links = counts[pair]!
            var attributes: Attributes = [("id", "links_\(ends[0])_\(ends[1])"), ("class", "link"), ("penwidth", GraphLook.widthText(GraphLook.width(count: links)))]
            // Between two traces a link is the rule: only more than one is counted.
            if !grouping.byTrace || links > 1 { attributes.append(("label", GraphvizText.escaped(GraphWording.count(links, "link")))) }
            return Edge(tail: ends[0], head: ends[1], attributes: attributes)
        }
        clusters = []
    }
}
