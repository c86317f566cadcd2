import ServiceGraph

/// What to draw, as Graphviz objects and attributes, before any C is involved:
/// the style of the service graph lives here, and every string from the traces
/// is escaped here.
struct GraphvizDrawing: Equatable, Sendable {
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
    static let font = "Helvetica,Arial,sans-serif"

    enum Palette {
        static let ink = "#1f2933"
        static let muted = "#6b7785"
        static let serviceFill = "#eaf2fb"
        static let serviceLine = "#3d6fa8"
        static let errorFill = "#fdecea"
        static let errorLine = "#c0392b"
        static let degradedFill = "#fff4e0"
        static let degradedLine = "#d68910"
        static let degradedText = "#9a6208"
        static let databaseFill = "#f6f0e3"
        static let databaseLine = "#8a6d3b"
        static let queueFill = "#e9f5ec"
        static let queueLine = "#3c8a55"
        static let remoteFill = "#f4f5f7"
        static let call = "#52606d"
        static let link = "#7b4fb0"
    }

    /// The drawing of a service graph: calls solid, links dashed, with a legend; nodes and edges
    /// coloured by their rate of errors; under it, a line for each note of what was left out.
    init(_ graph: ServiceGraph, plan: LayoutPlan, thresholds: ErrorThresholds = ErrorThresholds(), caption: [String] = []) {
        graphAttributes = [
            ("fontname", Self.font), ("fontsize", "11"), ("fontcolor", Palette.muted),
            ("bgcolor", "white"), ("pad", "0.3"), ("nodesep", "0.35"), ("ranksep", "0.9"),
            ("outputorder", "edgesfirst"), ("newrank", "true"),
        ]
        if !caption.isEmpty {
            // `\l` ends a line flush left; the caption sits under the graph.
            let lines = caption.map { GraphvizText.escaped(GraphWording.sentence($0)) + "\\l" }.joined()
            graphAttributes += [("label", lines), ("labelloc", "b"), ("labeljust", "l")]
        }
        if plan.engine == .dot, plan.direction == .leftToRight { graphAttributes.append(("rankdir", "LR")) }
        if plan.engine != .dot {
            graphAttributes += [
                ("overlap", plan.overlapRemovalRounds.map { "prism\($0)" } ?? "false"), ("splines", plan.straightEdges ? "line" : "true"),
                ("sep", "+12"),
            ]
        }
        nodeDefaults = [
            ("fontname", Self.font), ("fontsize", "12"), ("fontcolor", Palette.ink), ("shape", "box"),
            ("style", "rounded,filled"), ("fillcolor", Palette.serviceFill), ("color", Palette.serviceLine),
            ("penwidth", "1.3"), ("margin", "0.18,0.08"),
        ]
        edgeDefaults = [
            ("fontname", Self.font), ("fontsize", "10"), ("color", Palette.call), ("fontcolor", Palette.muted),
            ("arrowsize", "0.7"), ("penwidth", "1.2"),
        ]
        nodes = graph.nodes.map { Self.node($0, thresholds: thresholds) }
        // Link edges between the same nodes are numbered in their sorted order, for unique ids.
        var linkNumbers: [String: Int] = [:]
        edges = graph.callEdges.map { Self.callEdge($0, thresholds: thresholds) } + graph.linkEdges.map { edge in
            let pair = edge.from.rawValue + " " + edge.to.rawValue
            defer { linkNumbers[pair, default: 0] += 1 }
            return Self.linkEdge(edge, index: linkNumbers[pair, default: 0])
        }
        if !plan.edgeLabels {
            for index in edges.indices { edges[index].attributes.removeAll { $0.name == "label" } }
        }
        clusters = Self.groups(of: graph) + (graph.nodes.isEmpty ? [] : [Self.legend])
    }

    private static func node(_ node: ServiceGraph.Node, thresholds: ErrorThresholds) -> Node {
        var lines = node.labelLines.map { GraphvizText.escaped($0, limit: 48) }
        var attributes: Attributes = [("id", node.id.rawValue)]
        switch node.kind {
        case .service:
            switch node.health(thresholds) {
            case .failing: attributes += [("color", Palette.errorLine), ("fillcolor", Palette.errorFill), ("penwidth", "2")]
            case .degraded: attributes += [("color", Palette.degradedLine), ("fillcolor", Palette.degradedFill), ("penwidth", "1.6")]
            case .healthy: break
            }
            attributes += [("class", "service")]
        case .database:
            attributes += [
                ("shape", "cylinder"), ("style", "filled"), ("fillcolor", Palette.databaseFill), ("color", Palette.databaseLine),
                ("class", "peer database"),
            ]
        case .messaging:
            attributes += [
                ("shape", "cds"), ("style", "filled"), ("fillcolor", Palette.queueFill), ("color", Palette.queueLine),
                ("class", "peer messaging"),
            ]
        case .remote:
            attributes += [
                ("style", "rounded,dashed,filled"), ("fillcolor", Palette.remoteFill), ("color", Palette.muted), ("class", "peer remote"),
            ]
        case .outsideInput:
            lines = node.labelLines
            attributes += [
                ("style", "rounded,dashed"), ("color", Palette.muted), ("fontcolor", Palette.muted), ("class", "outside-input"),
            ]
        }
        attributes.insert(("label", GraphvizText.lines(lines)), at: 1)
        if let details = node.details { attributes += [("tooltip", GraphvizText.tooltip(details))] }
        return Node(name: node.id.rawValue, attributes: attributes)
    }

    private static func callEdge(_ edge: ServiceGraph.CallEdge, thresholds: ErrorThresholds) -> Edge {
        var attributes: Attributes = [
            ("id", "call_\(edge.from.rawValue)_\(edge.to.rawValue)"), ("class", edge.kind == .request ? "call" : "call message"),
            ("label", GraphvizText.lines(edge.labelLines.map { GraphvizText.escaped($0) })),
            ("tooltip", GraphvizText.tooltip(edge.details)),
            ("penwidth", Self.width(count: edge.calls)),
        ]
        switch edge.health(thresholds) {
        case .failing: attributes += [("color", Palette.errorLine), ("fontcolor", Palette.errorLine)]
        case .degraded: attributes += [("color", Palette.degradedLine), ("fontcolor", Palette.degradedText)]
        case .healthy: break
        }
        if edge.kind == .deliver { attributes += [("arrowhead", "normal"), ("color", Palette.queueLine)] }
        return Edge(tail: edge.from.rawValue, head: edge.to.rawValue, attributes: attributes)
    }

    private static func linkEdge(_ edge: ServiceGraph.LinkEdge, index: Int) -> Edge {
        Edge(tail: edge.from.rawValue, head: edge.to.rawValue, attributes: [
            ("id", "link_\(edge.from.rawValue)_\(edge.to.rawValue)_\(index)"), ("class", "link"),
            ("label", GraphvizText.lines(edge.labelLines.map { GraphvizText.escaped($0, limit: 40) })),
            ("tooltip", GraphvizText.tooltip(edge.details)),
            ("style", "dashed"), ("color", Palette.link), ("fontcolor", Palette.link), ("arrowhead", "vee"),
            ("penwidth", Self.width(count: edge.links)),
        ])
    }

    /// A box around the services of each group (``ServiceGraph/Node/group``), labelled with the
    /// group's name, in the order of the names; none when every service is in one group, where a
    /// box would tell nothing apart.
    private static func groups(of graph: ServiceGraph) -> [Cluster] {
        let grouped = Dictionary(grouping: graph.nodes.filter { $0.group != nil }, by: { $0.group! })
        let services = graph.nodes.filter { $0.kind == .service }.count
        if grouped.count == 1, grouped.first!.value.count == services { return [] }
        return grouped.keys.sorted().enumerated().map { index, name in
            Cluster(
                name: "cluster_group_\(index)",
                attributes: [
                    ("label", GraphvizText.escaped(name, limit: 48)), ("fontcolor", Palette.muted), ("fontsize", "11"),
                    ("style", "rounded,filled"), ("fillcolor", "#f7f9fb"), ("color", "#c5ccd3"), ("margin", "12"),
                    ("id", "group_\(index)"), ("class", "group"),
                ],
                nodes: grouped[name]!.map { Node(name: $0.id.rawValue, attributes: []) }, edges: [])
        }
    }

    /// Thicker lines for busier edges: 1.2 for one, about 3.6 for ten thousand.
    static func width(count: Int) -> String {
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
                ("label", "span links\\nlag after cause"), ("style", "dashed"), ("color", Palette.link),
                ("fontcolor", Palette.link), ("arrowhead", "vee"), ("fontsize", "9"),
            ]),
        ]
    )
}
