import ServiceGraph
import TraceModel

/// A service graph as a Mermaid flowchart, which GitHub, GitLab and many wikis draw from a
/// Markdown code block: services as rounded boxes, databases as cylinders, topics and queues as
/// flags, remote peers dashed; calls as solid arrows and span links dashed, each with its
/// numbers; the colours of ``GraphLook``, so it looks like the SVG.
///
/// Node ids are `n0`, `n1`… in the graph's order, never a name from the traces (a service called
/// `end`, `class` or `a--b` cannot break the chart), and every label is quoted with what would end
/// it written as an entity. Past Mermaid's limits as GitHub ships them (500 edges, 50,000
/// characters) it draws nothing at all: the chart then keeps the busiest edges that fit, the
/// same for the same graph, and says so in `%%` comments at its top and in ``notes``.
public struct MermaidFlowchart: Sendable {
    /// The most edges and characters (UTF-16 units, as Mermaid counts) GitHub's Mermaid draws.
    public static let limits = (edges: 500, characters: 50_000)

    /// The chart, ending in a line break.
    public var text: String
    /// What the chart left out to stay within ``limits``, for a person; empty when nothing.
    public var notes: [String] = []
    /// The graph the chart draws: the view's, or the busiest part of it that fits the limits.
    public var graph: ServiceGraph

    /// The chart of `viewed`, its notes as comments at the top, with `title` (Mermaid's front
    /// matter, which GitHub shows above the chart) when given.
    public init(_ viewed: ViewedGraph, look: GraphLook = GraphLook(), title: String? = nil) {
        var graph = viewed.graph
        var notes: [String] = []
        var text = Self.chart(graph, title: title, comments: viewed.notes, look: look)
        var budget = min(graph.edgeCount, Self.limits.edges)
        while graph.edgeCount > Self.limits.edges || text.utf16.count > Self.limits.characters {
            graph = viewed.graph
            let before = (nodes: graph.nodes.count, edges: graph.edgeCount, calls: graph.traffic)
            graph.keepBusiestEdges(budget, nodeLimit: nil, keeping: [])
            notes = [GraphWording.busiest(of: before, drawn: graph) + " to stay within Mermaid's limits ("
                + GraphWording.count(Self.limits.edges, "edge") + ", " + GraphWording.count(Self.limits.characters, "character") + ")"]
            text = Self.chart(graph, title: title, comments: viewed.notes + notes, look: look)
            if budget == 0 { break }
            budget = budget * 4 / 5
        }
        self.text = text
        self.graph = graph
        self.notes = notes
    }

    private static func chart(_ graph: ServiceGraph, title: String?, comments: [String], look: GraphLook) -> String {
        // A JSON string is a YAML one: quoted, its quotes, controls and markup escaped.
        var lines = title.map { ["---", "title: " + JSONWriter.string(GraphWording.shortened($0, limit: 200)), "---"] } ?? []
        lines += comments.map { "%% " + Escaped.comment(GraphWording.sentence($0)) }
        lines.append("flowchart LR")
        var idOf: [NodeID: String] = [:]
        for (index, node) in graph.nodes.enumerated() { idOf[node.id] = "n\(index)" }
        // Nodes, those of a group inside its box.
        var classes: [String: (definition: String, members: [String])] = [:]
        var classOrder: [String] = []
        func declare(_ node: ServiceGraph.Node, indent: String) {
            let id = idOf[node.id]!
            let nodeLook = look.node(node)
            let label = Escaped.label(node.labelLines, limit: 48)
            let shape = switch nodeLook.shape {
            case .cylinder: "[(\(label))]"
            case .topic: ">\(label)]"
            case .box: "(\(label))"
            }
            lines.append(indent + id + shape)
            let name = Self.className(nodeLook)
            if classes[name] == nil {
                classOrder.append(name)
                classes[name] = (Self.classDefinition(nodeLook), [])
            }
            classes[name]!.members.append(id)
        }
        let groups = GraphLook.groups(of: graph)
        let grouped = Set(groups.flatMap { $0.nodes.map(\.id) })
        for (index, group) in groups.enumerated() {
            lines.append("    subgraph g\(index)[\(Escaped.label([group.name], limit: 48))]")
            for node in group.nodes { declare(node, indent: "        ") }
            lines.append("    end")
        }
        for node in graph.nodes where !grouped.contains(node.id) { declare(node, indent: "    ") }
        // Edges: calls, then links, each styled by its look; styles shared by index.
        var styles: [String: [Int]] = [:]
        var styleOrder: [String] = []
        var index = 0
        func connect(from: NodeID, to: NodeID, arrow: String, label: String, edgeLook: GraphLook.Edge) {
            lines.append("    \(idOf[from]!) \(arrow)|\(label)| \(idOf[to]!)")
            let style = "stroke:\(edgeLook.color),stroke-width:\(GraphLook.widthText(edgeLook.width))px,color:\(edgeLook.text)"
                + (edgeLook.dashed ? ",stroke-dasharray:5 4" : "")
            if styles[style] == nil { styleOrder.append(style) }
            styles[style, default: []].append(index)
            index += 1
        }
        for edge in graph.callEdges {
            connect(from: edge.from, to: edge.to, arrow: "-->", label: Escaped.label(edge.labelLines, limit: 48), edgeLook: look.edge(edge))
        }
        for edge in graph.linkEdges {
            connect(from: edge.from, to: edge.to, arrow: "-.->", label: Escaped.label(edge.labelLines, limit: 40), edgeLook: look.edge(edge))
        }
        for name in classOrder {
            lines.append("    classDef \(name) \(classes[name]!.definition)")
            lines.append("    class \(classes[name]!.members.joined(separator: ",")) \(name)")
        }
        for style in styleOrder {
            lines.append("    linkStyle \(styles[style]!.map(String.init).joined(separator: ",")) \(style)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A class for each look a node can have: `service`, `serviceFailing`, `database`…
    private static func className(_ look: GraphLook.Node) -> String {
        let base = look.classes.split(separator: " ").last.map(String.init) ?? "node"
        // `outside-input` → `outsideInput`.
        let words = base.split(separator: "-").map(String.init)
        let name = words.enumerated().map { $0.offset == 0 ? $0.element : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
        switch look.health {
        case .healthy: return name
        case .degraded: return name + "Degraded"
        case .failing: return name + "Failing"
        }
    }

    private static func classDefinition(_ look: GraphLook.Node) -> String {
        "fill:\(look.fill ?? "none"),stroke:\(look.line),stroke-width:\(GraphLook.widthText(look.lineWidth))px,color:\(look.text)"
            + (look.dashed ? ",stroke-dasharray:5 3" : "")
    }

    /// Text from the traces as Mermaid reads it safely.
    enum Escaped {
        /// Lines in double quotes, joined by `<br/>`, each cut to `limit` characters. Inside,
        /// what could end the label or the edge's `|…|`, start markup, an entity or Markdown, or
        /// end a statement is written as an entity (`#34;`, `#60;`…, which Mermaid turns into the
        /// character, shown as text); a backslash is followed by an invisible word joiner (else
        /// `\n` would break the line); controls and the marks that reorder text are visible
        /// escapes (``TerminalText``).
        static func label(_ lines: [String], limit: Int) -> String {
            "\"" + lines.map { entities(TerminalText.escaping(GraphWording.shortened($0, limit: limit))) }.joined(separator: "<br/>") + "\""
        }

        /// A comment's text on one line.
        static func comment(_ text: String) -> String {
            TerminalText.escaping(text)
        }

        private static func entities(_ text: String) -> String {
            var out = ""
            out.reserveCapacity(text.utf8.count)
            for character in text.unicodeScalars {
                switch character {
                // Mermaid reads a backslash and `n` as a line break, even from entities: an
                // invisible word joiner after each backslash keeps it a backslash.
                case "\\": out += "#92;#8288;"
                case "\"", "#", "<", ">", "&", "|", "`", ";": out += "#\(character.value);"
                default: out.unicodeScalars.append(character)
                }
            }
            return out
        }
    }
}
