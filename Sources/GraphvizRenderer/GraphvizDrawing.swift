import ServiceGraph

/// What to draw, as Graphviz objects and attributes, before any C is involved:
/// the style of the service graph lives here, and every string from the traces
/// is escaped here.
struct GraphvizDrawing: Equatable {
    typealias Attributes = [(name: String, value: String)]

    struct Node {
        var name: String
        var attributes: Attributes
    }

    struct Edge {
        var tail: String
        var head: String
        var attributes: Attributes
    }

    struct Cluster {
        var name: String
        var attributes: Attributes
        var nodes: [Node]
        var edges: [Edge]
    }

    var graphAttributes: Attributes
    var nodeDefaults: Attributes
    var edgeDefaults: Attributes
    var nodes: [Node]
    var edges: [Edge]
    var clusters: [Cluster]

    static func == (lhs: Self, rhs: Self) -> Bool {
        String(describing: lhs) == String(describing: rhs)
    }
}

extension GraphvizDrawing {
    private static let font = "Helvetica,Arial,sans-serif"

    private enum Palette {
        static let ink = "#1f2933"
        static let muted = "#6b7785"
        static let serviceFill = "#eaf2fb"
        static let serviceLine = "#3d6fa8"
        static let errorFill = "#fdecea"
        static let errorLine = "#c0392b"
        static let databaseFill = "#f6f0e3"
        static let databaseLine = "#8a6d3b"
        static let queueFill = "#e9f5ec"
        static let queueLine = "#3c8a55"
        static let remoteFill = "#f4f5f7"
        static let call = "#52606d"
        static let link = "#7b4fb0"
    }

    /// The drawing of a service graph: calls solid, links dashed, with a legend.
    init(_ graph: ServiceGraph, engine: LayoutEngine) {
        graphAttributes = [
            ("fontname", Self.font), ("fontsize", "11"), ("fontcolor", Palette.muted),
            ("bgcolor", "white"), ("pad", "0.3"), ("nodesep", "0.35"), ("ranksep", "0.9"),
            ("outputorder", "edgesfirst"), ("newrank", "true"),
        ]
        if engine == .dot { graphAttributes.append(("rankdir", "LR")) }
        if engine != .dot { graphAttributes += [("overlap", "false"), ("splines", "true"), ("sep", "+12")] }
        nodeDefaults = [
            ("fontname", Self.font), ("fontsize", "12"), ("fontcolor", Palette.ink), ("shape", "box"),
            ("style", "rounded,filled"), ("fillcolor", Palette.serviceFill), ("color", Palette.serviceLine),
            ("penwidth", "1.3"), ("margin", "0.18,0.08"),
        ]
        edgeDefaults = [
            ("fontname", Self.font), ("fontsize", "10"), ("color", Palette.call), ("fontcolor", Palette.muted),
            ("arrowsize", "0.7"), ("penwidth", "1.2"),
        ]
        nodes = graph.nodes.map(Self.node)
        edges = graph.callEdges.map(Self.callEdge) + graph.linkEdges.map(Self.linkEdge)
        clusters = graph.nodes.isEmpty ? [] : [Self.legend]
    }

    private static func node(_ node: ServiceGraph.Node) -> Node {
        let name = GraphvizText.escaped(node.name, limit: 48)
        var attributes: Attributes = [("id", node.id.rawValue)]
        switch node.kind {
        case .service:
            var summary = node.spanCount == 1 ? "1 span" : "\(node.spanCount) spans"
            if node.errorSpanCount > 0 {
                summary += node.errorSpanCount == 1 ? " · 1 error" : " · \(node.errorSpanCount) errors"
                attributes += [("color", Palette.errorLine), ("fillcolor", Palette.errorFill), ("penwidth", "2")]
            }
            attributes += [("label", GraphvizText.lines([name, summary])), ("class", "service")]
        case .database(let system):
            attributes += [
                ("label", GraphvizText.lines([name, GraphvizText.escaped(system, limit: 32)])), ("shape", "cylinder"),
                ("style", "filled"), ("fillcolor", Palette.databaseFill), ("color", Palette.databaseLine),
                ("class", "peer database"),
            ]
        case .messaging(let system):
            attributes += [
                ("label", GraphvizText.lines([name, GraphvizText.escaped(system, limit: 32)])), ("shape", "cds"),
                ("style", "filled"), ("fillcolor", Palette.queueFill), ("color", Palette.queueLine),
                ("class", "peer messaging"),
            ]
        case .remote:
            attributes += [
                ("label", name), ("style", "rounded,dashed,filled"), ("fillcolor", Palette.remoteFill),
                ("color", Palette.muted), ("class", "peer remote"),
            ]
        case .outsideInput:
            attributes += [
                ("label", "spans outside\\nthe input"), ("style", "rounded,dashed"), ("color", Palette.muted),
                ("fontcolor", Palette.muted), ("class", "outside-input"),
            ]
        }
        // No tooltip carries trace text: Graphviz expands `\N` and friends in tooltips even
        // after the backslash is escaped, so tooltips hold only numbers and fixed words.
        return Node(name: node.id.rawValue, attributes: attributes)
    }

    private static func callEdge(_ edge: ServiceGraph.CallEdge) -> Edge {
        var first = edge.calls == 1 ? "1 call" : "\(edge.calls) calls"
        if edge.errors > 0 { first += edge.errors == 1 ? " · 1 error" : " · \(edge.errors) errors" }
        let latency = edge.latency
        let label = GraphvizText.lines([first, "p95 " + DurationText.format(nanos: latency.p95Nanos)])
        let tooltip = "\(first); p50 \(DurationText.format(nanos: latency.p50Nanos)), "
            + "p95 \(DurationText.format(nanos: latency.p95Nanos)), p99 \(DurationText.format(nanos: latency.p99Nanos)), "
            + "max \(DurationText.format(nanos: latency.maxNanos))"
        var attributes: Attributes = [
            ("id", "call_\(edge.from.rawValue)_\(edge.to.rawValue)"), ("class", "call"),
            ("label", label), ("tooltip", tooltip),
            ("penwidth", Self.width(count: edge.calls)),
        ]
        if edge.errors > 0 { attributes += [("color", Palette.errorLine), ("fontcolor", Palette.errorLine)] }
        return Edge(tail: edge.from.rawValue, head: edge.to.rawValue, attributes: attributes)
    }

    private static func linkEdge(_ edge: ServiceGraph.LinkEdge) -> Edge {
        let label = edge.links == 1 ? "1 link" : "\(edge.links) links"
        return Edge(tail: edge.from.rawValue, head: edge.to.rawValue, attributes: [
            ("id", "link_\(edge.from.rawValue)_\(edge.to.rawValue)"), ("class", "link"),
            ("label", label), ("tooltip", label + " (span links; no time flows across a link)"),
            ("style", "dashed"), ("color", Palette.link), ("fontcolor", Palette.link), ("arrowhead", "vee"),
            ("penwidth", Self.width(count: edge.links)),
        ])
    }

    /// Thicker lines for busier edges: 1.2 for one, about 3.6 for ten thousand.
    private static func width(count: Int) -> String {
        var digits = 0
        var rest = max(count, 1)
        while rest >= 10 { rest /= 10; digits += 1 }
        return String(1.2 + 0.6 * Double(min(digits, 4)))
    }

    private static let legend = Cluster(
        name: "cluster_legend",
        attributes: [
            ("label", "Legend"), ("fontcolor", Palette.muted), ("style", "rounded,dashed"), ("color", "#c5ccd3"),
            ("fontsize", "10"), ("margin", "10"),
        ],
        nodes: ["legend_caller", "legend_callee", "legend_linked", "legend_linking"].map { name in
            let label = ["legend_caller": "caller", "legend_callee": "callee",
                         "legend_linked": "linked-to span", "legend_linking": "linking span"][name]!
            return Node(name: name, attributes: [
                ("label", label), ("shape", "plaintext"), ("style", ""), ("fontsize", "10"),
                ("fontcolor", Palette.muted), ("margin", "0.02,0.02"), ("height", "0.2"),
            ])
        },
        edges: [
            Edge(tail: "legend_caller", head: "legend_callee", attributes: [
                ("label", "calls · errors\\np95 latency"), ("fontsize", "9"),
            ]),
            Edge(tail: "legend_linked", head: "legend_linking", attributes: [
                ("label", "span links"), ("style", "dashed"), ("color", Palette.link),
                ("fontcolor", Palette.link), ("arrowhead", "vee"), ("fontsize", "9"),
            ]),
        ]
    )
}
