import GraphOutputs
import ServiceGraph

extension GraphvizDrawing {
    /// The drawing of a diff of two service graphs (``GraphDiff``): every node and edge of either
    /// graph, in ``GraphDiffLook``'s colours: what came and what went, each labelled so, with its
    /// numbers; an edge whose numbers changed labelled with what changed
    /// (``GraphWording/changes(of:)``); the rest in grey, unlabelled. Under it the title, the
    /// totals, and what the gate matched.
    init(diff: GraphDiff, plan: LayoutPlan, look: GraphDiffLook, caption: [String], title: String?) {
        let theme = look.theme
        graphAttributes = Self.graphAttributes(theme) + Self.caption(caption, title: title) + Self.layoutAttributes(plan)
        nodeDefaults = Self.nodeDefaults(theme)
        edgeDefaults = Self.edgeDefaults(theme)
        nodes = diff.nodes.map { node in
            let change = look.change(of: node, in: diff)
            // A peer's label as in the service graph; a service's name alone, its spans not being compared.
            var lines = node.kind == .outsideInput ? node.labelLines
                : (node.kind == .service ? [node.name] : node.labelLines).map { GraphvizText.escaped($0, limit: 48) }
            if change == .added || change == .removed { lines.append(change.rawValue) }
            let attributes: Attributes = [("id", node.id.rawValue), ("label", GraphvizText.lines(lines))]
                + Self.attributes(of: look.node(node, change: change), theme: theme)
            return Node(name: node.id.rawValue, attributes: attributes)
        }
        var linkNumbers: [String: Int] = [:]
        edges = diff.edges.map { edge in
            let change = look.change(of: edge)
            let key = edge.key
            let id: String
            if key.kind == .link {
                let pair = key.from.rawValue + " " + key.to.rawValue
                id = "link_\(key.from.rawValue)_\(key.to.rawValue)_\(linkNumbers[pair, default: 0])"
                linkNumbers[pair, default: 0] += 1
            } else {
                id = "call_\(key.from.rawValue)_\(key.to.rawValue)_\(key.detail)"
            }
            var lines: [String] = []
            if key.kind == .link, change != .unchanged { lines.append(GraphvizText.escaped(key.detail, limit: 40)) }
            switch change {
            case .added: lines += ["added", GraphvizText.escaped(GraphWording.numbers(edge.after!, of: key))]
            case .removed: lines += ["removed", GraphvizText.escaped(GraphWording.numbers(edge.before!, of: key))]
            case .changed: lines += GraphWording.changes(of: edge).map(GraphvizText.escaped)
            case .unchanged: break
            }
            var attributes: Attributes = [("id", id)]
            if !lines.isEmpty { attributes.append(("label", GraphvizText.lines(lines))) }
            let before = edge.before.map { "before: " + GraphWording.numbers($0, of: key) } ?? "before: none"
            let after = edge.after.map { "after: " + GraphWording.numbers($0, of: key) } ?? "after: none"
            attributes.append(("tooltip", GraphvizText.tooltip(before + "; " + after)))
            let edgeLook = look.edge(edge, change: change)
            attributes += Self.attributes(of: edgeLook, theme: theme) + [("class", edgeLook.classes)]
            return Edge(tail: key.from.rawValue, head: key.to.rawValue, attributes: attributes)
        }
        clusters = diff.nodes.isEmpty ? [] : [Self.diffLegend(look)]
    }

    /// The graph of both sides, for choosing a layout by its size.
    static func union(of diff: GraphDiff) -> ServiceGraph {
        ServiceGraph(
            nodes: diff.nodes,
            callEdges: diff.edges.filter { $0.key.kind == .call }.map { edge in
                ServiceGraph.CallEdge(from: edge.key.from, to: edge.key.to, calls: (edge.after ?? edge.before)!.count, errors: 0, latency: .unknown)
            },
            linkEdges: diff.edges.filter { $0.key.kind == .link }.map { edge in
                ServiceGraph.LinkEdge(from: edge.key.from, to: edge.key.to, operation: edge.key.detail, links: (edge.after ?? edge.before)!.count)
            })
    }

    private static func diffLegend(_ look: GraphDiffLook) -> Cluster {
        let theme = look.theme
        let rows: [(change: GraphDiffLook.Change, label: String)] = [(.added, "added"), (.removed, "removed"), (.changed, "what changed")]
        var nodes: [Node] = []
        var edges: [Edge] = []
        for (index, row) in rows.enumerated() {
            for end in ["from", "to"] {
                nodes.append(Node(name: "legend_\(end)_\(index)", attributes: [
                    ("label", ""), ("shape", "point"), ("width", "0.05"), ("style", "filled"), ("color", theme.muted),
                ]))
            }
            let key = GraphDiff.EdgeKey(kind: .call, from: NodeID.outsideInput, to: NodeID.outsideInput, detail: "request")
            let numbers = GraphDiff.EdgeNumbers(count: 1, errors: 0, p95Nanos: nil)
            let edge = GraphDiff.Edge(key: key, before: row.change == .added ? nil : numbers, after: row.change == .removed ? nil : numbers)
            edges.append(Edge(tail: "legend_from_\(index)", head: "legend_to_\(index)",
                              attributes: [("label", row.label), ("fontsize", "9")] + Self.attributes(of: look.edge(edge, change: row.change), theme: theme)))
        }
        return Cluster(
            name: "cluster_legend",
            attributes: [
                ("label", "Legend"), ("fontcolor", theme.muted), ("style", "rounded,dashed"), ("color", theme.groupLine),
                ("fontsize", "10"), ("margin", "10"),
            ],
            nodes: nodes, edges: edges)
    }
}
