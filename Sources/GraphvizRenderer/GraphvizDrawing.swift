import GraphOutputs
import ServiceGraph
import TraceModel

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

    /// The graph's name: an SVG's `<title>`.
    var name = "services"
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

    /// The drawing of a service graph: calls solid, links dashed, with a legend; nodes and edges
    /// coloured by their rate of errors; under it, a line for each note of what was left out.
    init(_ graph: ServiceGraph, plan: LayoutPlan, look: GraphLook = GraphLook(), caption: [String] = [], title: String? = nil) {
        let theme = look.theme
        graphAttributes = Self.graphAttributes(theme) + Self.caption(caption, title: title) + Self.layoutAttributes(plan)
        nodeDefaults = Self.nodeDefaults(theme)
        edgeDefaults = Self.edgeDefaults(theme)
        nodes = graph.nodes.map { Self.node($0, look: look.node($0), theme: theme) }
        // Link edges between the same nodes are numbered in their sorted order, for unique ids.
        var linkNumbers: [String: Int] = [:]
        edges = graph.callEdges.map { Self.callEdge($0, look: look.edge($0), theme: theme) } + graph.linkEdges.map { edge in
            let pair = edge.from.rawValue + " " + edge.to.rawValue
            defer { linkNumbers[pair, default: 0] += 1 }
            return Self.linkEdge(edge, index: linkNumbers[pair, default: 0], look: look.edge(edge), theme: theme)
        }
        if !plan.edgeLabels {
            for index in edges.indices { edges[index].attributes.removeAll { $0.name == "label" } }
        }
        clusters = Self.groups(of: graph, theme: theme) + (graph.nodes.isEmpty ? [] : [Self.legend(theme)])
    }

    /// What every drawing's graph is: its font, its background, the room between nodes.
    static func graphAttributes(_ theme: Theme) -> Attributes {
        [
            ("fontname", Self.font), ("fontsize", "11"), ("fontcolor", theme.muted),
            ("bgcolor", theme.background), ("pad", "0.3"), ("nodesep", "0.35"), ("ranksep", "0.9"),
            ("outputorder", "edgesfirst"), ("newrank", "true"),
        ]
    }

    /// How a plan lays the graph out: dot from left to right, or the other engines' overlap removal and splines.
    static func layoutAttributes(_ plan: LayoutPlan) -> Attributes {
        if plan.engine == .dot { return plan.direction == .leftToRight ? [("rankdir", "LR")] : [] }
        return [
            ("overlap", plan.overlapRemovalRounds.map { "prism\($0)" } ?? "false"), ("splines", plan.straightEdges ? "line" : "true"),
            ("sep", "+12"),
        ]
    }

    /// The graph's label: under the graph, flush left, the title (as given) on its first line and
    /// a sentence of the caption on each of the others; none when there is neither.
    static func caption(_ caption: [String], title: String?) -> Attributes {
        guard !caption.isEmpty || title != nil else { return [] }
        // `\l` ends a line flush left.
        let titleLine = title.map { GraphvizText.escaped(TerminalText.escaping($0), limit: 200) + "\\l" } ?? ""
        let lines = titleLine + caption.map { GraphvizText.escaped(GraphWording.sentence($0)) + "\\l" }.joined()
        return [("label", lines), ("labelloc", "b"), ("labeljust", "l")]
    }

    /// What every node is unless its look says otherwise: a healthy service's box.
    static func nodeDefaults(_ theme: Theme) -> Attributes {
        [
            ("fontname", Self.font), ("fontsize", "12"), ("fontcolor", theme.ink), ("shape", "box"),
            ("style", "rounded,filled"), ("fillcolor", theme.serviceFill), ("color", theme.serviceLine),
            ("penwidth", "1.3"), ("margin", "0.18,0.08"),
        ]
    }

    /// What every edge is unless its look says otherwise: a healthy call.
    static func edgeDefaults(_ theme: Theme) -> Attributes {
        [
            ("fontname", Self.font), ("fontsize", "10"), ("color", theme.call), ("fontcolor", theme.muted),
            ("arrowsize", "0.7"), ("penwidth", "1.2"),
        ]
    }

    /// A node's look as the attributes that differ from ``nodeDefaults(_:)``, in one order.
    static func attributes(of look: GraphLook.Node, theme: Theme) -> Attributes {
        var attributes: Attributes = []
        switch look.shape {
        case .box: break
        case .cylinder: attributes.append(("shape", "cylinder"))
        case .topic: attributes.append(("shape", "cds"))
        }
        let style = ((look.shape == .box ? ["rounded"] : []) + (look.dashed ? ["dashed"] : []) + (look.fill == nil ? [] : ["filled"]))
            .joined(separator: ",")
        if style != "rounded,filled" { attributes.append(("style", style)) }
        if look.line != theme.serviceLine { attributes.append(("color", look.line)) }
        if let fill = look.fill, fill != theme.serviceFill { attributes.append(("fillcolor", fill)) }
        if look.text != theme.ink { attributes.append(("fontcolor", look.text)) }
        if look.lineWidth != 1.3 { attributes.append(("penwidth", GraphLook.widthText(look.lineWidth))) }
        attributes.append(("class", look.classes))
        return attributes
    }

    /// An edge's look as the attributes that differ from ``edgeDefaults(_:)``, in one order.
    static func attributes(of look: GraphLook.Edge, theme: Theme) -> Attributes {
        var attributes: Attributes = [("penwidth", GraphLook.widthText(look.width))]
        if look.dashed { attributes.append(("style", "dashed")) }
        if look.color != theme.call { attributes.append(("color", look.color)) }
        if look.text != theme.muted { attributes.append(("fontcolor", look.text)) }
        if look.arrow == .vee { attributes.append(("arrowhead", "vee")) }
        return attributes
    }

    private static func node(_ node: ServiceGraph.Node, look: GraphLook.Node, theme: Theme) -> Node {
        // Text from the traces is cut; the words of the node for spans outside the input are ours.
        let lines = node.kind == .outsideInput ? node.labelLines : node.labelLines.map { GraphvizText.escaped($0, limit: 48) }
        var attributes: Attributes = [("id", node.id.rawValue), ("label", GraphvizText.lines(lines))]
        attributes += Self.attributes(of: look, theme: theme)
        if let details = node.details { attributes += [("tooltip", GraphvizText.tooltip(details))] }
        return Node(name: node.id.rawValue, attributes: attributes)
    }

    private static func callEdge(_ edge: ServiceGraph.CallEdge, look: GraphLook.Edge, theme: Theme) -> Edge {
        let attributes: Attributes = [
            ("id", "call_\(edge.from.rawValue)_\(edge.to.rawValue)"), ("class", look.classes),
            ("label", GraphvizText.lines(edge.labelLines.map { GraphvizText.escaped($0) })),
            ("tooltip", GraphvizText.tooltip(edge.details)),
        ]
        return Edge(tail: edge.from.rawValue, head: edge.to.rawValue, attributes: attributes + Self.attributes(of: look, theme: theme))
    }

    private static func linkEdge(_ edge: ServiceGraph.LinkEdge, index: Int, look: GraphLook.Edge, theme: Theme) -> Edge {
        let attributes: Attributes = [
            ("id", "link_\(edge.from.rawValue)_\(edge.to.rawValue)_\(index)"), ("class", look.classes),
            ("label", GraphvizText.lines(edge.labelLines.map { GraphvizText.escaped($0, limit: 40) })),
            ("tooltip", GraphvizText.tooltip(edge.details)),
        ]
        return Edge(tail: edge.from.rawValue, head: edge.to.rawValue, attributes: attributes + Self.attributes(of: look, theme: theme))
    }

    /// A box around the services of each group (``GraphLook/groups(of:)``), labelled with the group's name.
    private static func groups(of graph: ServiceGraph, theme: Theme) -> [Cluster] {
        GraphLook.groups(of: graph).enumerated().map { index, group in
            Cluster(
                name: "cluster_group_\(index)",
                attributes: [
                    ("label", GraphvizText.escaped(group.name, limit: 48)), ("fontcolor", theme.muted), ("fontsize", "11"),
                    ("style", "rounded,filled"), ("fillcolor", theme.groupFill), ("color", theme.groupLine), ("margin", "12"),
                    ("id", "group_\(index)"), ("class", "group"),
                ],
                nodes: group.nodes.map { Node(name: $0.id.rawValue, attributes: []) }, edges: [])
        }
    }

    private static func legend(_ theme: Theme) -> Cluster {
        Cluster(
        name: "cluster_legend",
        attributes: [
            ("label", "Legend"), ("fontcolor", theme.muted), ("style", "rounded,dashed"), ("color", theme.groupLine),
            ("fontsize", "10"), ("margin", "10"),
        ],
        nodes: ["legend_caller", "legend_callee", "legend_linked", "legend_linking"].map { name in
            let label = ["legend_caller": "caller", "legend_callee": "callee",
                         "legend_linked": "linked-to span", "legend_linking": "linking span"][name]!
            return Node(name: name, attributes: [
                ("label", label), ("shape", "plaintext"), ("style", ""), ("fontsize", "10"),
                ("fontcolor", theme.muted), ("margin", "0.02,0.02"), ("height", "0.2"),
            ])
        },
        edges: [
            Edge(tail: "legend_caller", head: "legend_callee", attributes: [
                ("label", "calls · errors\\np95 latency"), ("fontsize", "9"),
            ]),
            Edge(tail: "legend_linked", head: "legend_linking", attributes: [
                ("label", "span links\\nlag after cause"), ("style", "dashed"), ("color", theme.link),
                ("fontcolor", theme.link), ("arrowhead", "vee"), ("fontsize", "9"),
            ]),
        ]
        )
    }
}
