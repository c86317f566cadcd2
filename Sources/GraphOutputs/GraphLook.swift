import ServiceGraph

/// How each node and edge of a service graph is drawn, whatever draws it: its shape, its colours
/// from the ``Theme`` by its kind and its health (``ErrorThresholds``), its line, and the classes
/// scripts and style sheets know it by. Graphviz's drawing and the pure-Swift writers (Mermaid)
/// draw from it, so that they cannot disagree; the words on them are ``GraphWording``'s.
public struct GraphLook: Sendable {
    public var theme: Theme
    public var thresholds: ErrorThresholds

    public init(theme: Theme = .light, thresholds: ErrorThresholds = ErrorThresholds()) {
        self.theme = theme
        self.thresholds = thresholds
    }

    /// A node's look.
    public struct Node: Hashable, Sendable {
        public enum Shape: Hashable, Sendable {
            /// Services and remote peers: a box with rounded corners.
            case box
            /// Databases.
            case cylinder
            /// Topics and queues: a flag.
            case topic
        }

        public var shape: Shape
        /// Nil: not filled.
        public var fill: String?
        public var line: String
        public var text: String
        public var lineWidth: Double
        public var dashed: Bool
        /// `service`, `peer database`, `peer messaging`, `peer remote`, `outside-input`.
        public var classes: String
        public var health: ErrorThresholds.Health
    }

    /// An edge's look.
    public struct Edge: Hashable, Sendable {
        public enum Arrow: Hashable, Sendable {
            /// A call's filled arrowhead.
            case normal
            /// A link's open arrowhead.
            case vee
        }

        public var color: String
        public var text: String
        public var dashed: Bool
        public var width: Double
        public var arrow: Arrow
        /// `call`, `call message`, `link`.
        public var classes: String
        public var health: ErrorThresholds.Health
    }

    public func node(_ node: ServiceGraph.Node) -> Node {
        let health = node.kind == .service ? node.health(thresholds) : .healthy
        var look = Node(shape: .box, fill: theme.serviceFill, line: theme.serviceLine, text: theme.ink, lineWidth: 1.3,
                        dashed: false, classes: "service", health: health)
        switch node.kind {
        case .service:
            switch health {
            case .failing: (look.fill, look.line, look.lineWidth) = (theme.errorFill, theme.errorLine, 2)
            case .degraded: (look.fill, look.line, look.lineWidth) = (theme.degradedFill, theme.degradedLine, 1.6)
            case .healthy: break
            }
        case .database:
            (look.shape, look.fill, look.line, look.classes) = (.cylinder, theme.databaseFill, theme.databaseLine, "peer database")
        case .messaging:
            (look.shape, look.fill, look.line, look.classes) = (.topic, theme.queueFill, theme.queueLine, "peer messaging")
        case .remote:
            (look.fill, look.line, look.dashed, look.classes) = (theme.remoteFill, theme.muted, true, "peer remote")
        case .outsideInput:
            (look.fill, look.line, look.text, look.dashed, look.classes) = (nil, theme.muted, theme.muted, true, "outside-input")
        }
        return look
    }

    public func edge(_ edge: ServiceGraph.CallEdge) -> Edge {
        let health = edge.health(thresholds)
        var look = Edge(color: theme.call, text: theme.muted, dashed: false, width: Self.width(count: edge.calls), arrow: .normal,
                        classes: edge.kind == .request ? "call" : "call message", health: health)
        switch health {
        case .failing: (look.color, look.text) = (theme.errorLine, theme.errorLine)
        case .degraded: (look.color, look.text) = (theme.degradedLine, theme.degradedText)
        case .healthy: break
        }
        if edge.kind == .deliver { look.color = theme.queueLine }
        return look
    }

    public func edge(_ edge: ServiceGraph.LinkEdge) -> Edge {
        Edge(color: theme.link, text: theme.link, dashed: true, width: Self.width(count: edge.links), arrow: .vee, classes: "link",
             health: .healthy)
    }

    /// The groups drawn as boxes around their services (``ServiceGraph/Node/group``), in the order
    /// of their names, each with its nodes in the graph's order; none when every service is in
    /// one group, where a box would tell nothing apart.
    public static func groups(of graph: ServiceGraph) -> [(name: String, nodes: [ServiceGraph.Node])] {
        let grouped = Dictionary(grouping: graph.nodes.filter { $0.group != nil }, by: { $0.group! })
        let services = graph.nodes.filter { $0.kind == .service }.count
        if grouped.count == 1, grouped.first!.value.count == services { return [] }
        return grouped.keys.sorted().map { ($0, grouped[$0]!) }
    }

    /// A line's width as every output writes it, to one decimal: `1.8`, `2` (not `1.7999999999999998`).
    public static func widthText(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return tenths % 10 == 0 ? String(tenths / 10) : "\(tenths / 10).\(tenths % 10)"
    }

    /// Thicker lines for busier edges: 1.2 for one, 3.6 for ten thousand and more.
    public static func width(count: Int) -> Double {
        var digits = 0
        var rest = max(count, 1)
        while rest >= 10 {
            rest /= 10
            digits += 1
        }
        return 1.2 + 0.6 * Double(min(digits, 4))
    }
}
