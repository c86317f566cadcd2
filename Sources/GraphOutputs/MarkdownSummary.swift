import ServiceGraph
import TraceModel

/// A service graph as Markdown for a CI job's summary or a pull request's comment: a line of
/// totals, the Mermaid chart when it fits, and tables of the services, the calls and the span
/// links, busiest first. It stays within the place it is for (``Destination``): past it, the
/// chart goes first, then the tables' quietest rows, and a line says what was left out.
public struct MarkdownSummary: Sendable {
    /// Where the Markdown goes, and the most it may hold there.
    public enum Destination: String, Sendable, CaseIterable {
        /// A pull or merge request's comment: GitHub takes 65,536 characters.
        case comment
        /// A GitHub Actions job summary (`$GITHUB_STEP_SUMMARY`): 1 MiB.
        case jobSummary = "job-summary"

        /// The most characters (UTF-16 units, as GitHub counts a comment) or bytes (a job summary).
        public var limit: Int {
            switch self {
            case .comment: 65_536
            case .jobSummary: 1 << 20
            }
        }

        /// The size of `text` as the destination counts it.
        func size(of text: String) -> Int {
            switch self {
            case .comment: text.utf16.count
            case .jobSummary: text.utf8.count
            }
        }
    }

    /// The Markdown, ending in a line break.
    public var text: String
    /// What was left out to stay within the destination's limit, for a person; empty when nothing.
    public var notes: [String] = []

    /// The summary of `viewed` for `destination`, under a `## title` heading.
    public init(_ viewed: ViewedGraph, look: GraphLook = GraphLook(), title: String = "Service graph",
                for destination: Destination = .comment) {
        let graph = viewed.graph
        let chart = MermaidFlowchart(viewed, look: look)
        let services = graph.nodes.filter { $0.kind == .service }.sorted { ($1.spanCount, $0.name) < ($0.spanCount, $1.name) }
        let calls = graph.callEdges.sorted { ($1.calls, $0.from, $0.to) < ($0.calls, $1.from, $1.to) }
        let links = graph.linkEdges.sorted { ($1.links, $0.from, $0.to, $0.operation) < ($0.links, $1.from, $1.to, $1.operation) }
        var names: [NodeID: String] = [:]
        for node in graph.nodes { names[node.id] = node.name }
        let tables = Tables(look: look, names: names, services: services, calls: calls, links: links)
        // As much as fits: everything; then no chart; then fewer rows, halving until it fits.
        var withChart = true
        var rows = max(services.count, calls.count, links.count)
        var left: [String] = []
        while true {
            left = []
            if !withChart { left.append("the Mermaid chart, which would take the summary past " + Self.limitWording(destination)) }
            if rows < max(services.count, calls.count, links.count) {
                left.append("rows past the busiest " + GraphWording.count(rows) + " of each table")
            }
            let text = Self.markdown(title: title, graph: graph, viewedNotes: viewed.notes + chart.notes, left: left,
                                     chart: withChart ? chart.text : nil, tables: tables, rows: rows)
            if destination.size(of: text) <= destination.limit || rows == 0 {
                self.text = text
                break
            }
            if withChart { withChart = false } else { rows /= 2 }
        }
        notes = left.isEmpty ? [] : ["left out of the Markdown " + left.joined(separator: " and ")]
    }

    private static func limitWording(_ destination: Destination) -> String {
        switch destination {
        case .comment: "a comment's " + GraphWording.count(destination.limit, "character")
        case .jobSummary: "a job summary's 1 MiB"
        }
    }

    private static func markdown(title: String, graph: ServiceGraph, viewedNotes: [String], left: [String], chart: String?,
                                 tables: Tables, rows: Int) -> String {
        var lines = ["## " + Escaped.text(title), ""]
        let services = graph.nodes.filter { $0.kind == .service }.count
        var totals = [GraphWording.count(services, "service"), GraphWording.count(graph.nodes.count - services, "peer"),
                      GraphWording.count(graph.callEdges.count, "call edge"), GraphWording.count(graph.linkEdges.count, "link edge")]
        let errors = graph.nodes.reduce(0) { $0 + $1.errorSpanCount }
        if errors > 0 { totals.append(GraphWording.count(errors, "error span")) }
        lines.append("**" + totals.joined(separator: " · ") + "**")
        for note in viewedNotes + left.map({ "left out " + $0 }) {
            lines.append("")
            lines.append("> " + Escaped.text(GraphWording.sentence(note)))
        }
        if let chart {
            lines += ["", "```mermaid", chart.hasSuffix("\n") ? String(chart.dropLast()) : chart, "```"]
        }
        lines += tables.markdown(rows: rows)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The three tables, busiest rows first.
    private struct Tables {
        var look: GraphLook
        var names: [NodeID: String]
        var services: [ServiceGraph.Node]
        var calls: [ServiceGraph.CallEdge]
        var links: [ServiceGraph.LinkEdge]

        func markdown(rows: Int) -> [String] {
            var lines: [String] = []
            func table(_ heading: String, _ header: [String], alignments: String, _ body: [[String]], total: Int) {
                guard total > 0 else { return }
                lines += ["", "### " + heading, "", "| " + header.joined(separator: " | ") + " |", alignments]
                lines += body.prefix(rows).map { "| " + $0.joined(separator: " | ") + " |" }
                if total > rows { lines += ["", "… and " + GraphWording.count(total - rows, "more row") + "."] }
            }
            table("Services", ["Service", "Spans", "Errors", "Health"], alignments: "|---|---:|---:|---|",
                  services.map { node in
                      [Escaped.text(node.name), GraphWording.count(node.spanCount), Self.errors(node.errorSpanCount, of: node.spanCount),
                       Self.health(look.node(node).health)]
                  }, total: services.count)
            table("Calls", ["From", "To", "Calls", "Errors", "p95", "Health"], alignments: "|---|---|---:|---:|---:|---|",
                  calls.map { edge in
                      [name(edge.from), name(edge.to), GraphWording.count(edge.calls), Self.errors(edge.errors, of: edge.calls),
                       Self.p95(edge.latency), Self.health(look.edge(edge).health)]
                  }, total: calls.count)
            table("Span links", ["Linked-to service", "Linking service", "Operation", "Links", "Lag p50", "Lag p95"],
                  alignments: "|---|---|---|---:|---:|---:|",
                  links.map { edge in
                      [name(edge.from), name(edge.to), Escaped.text(edge.operation),
                       GraphWording.count(edge.links) + (edge.droppedLinks > 0 ? " + " + GraphWording.count(edge.droppedLinks) + " dropped" : ""),
                       edge.lag.map { GraphWording.duration(nanos: $0.p50Nanos) } ?? "–",
                       edge.lag.map { GraphWording.duration(nanos: $0.p95Nanos) } ?? "–"]
                  }, total: links.count)
            return lines
        }

        private func name(_ id: NodeID) -> String { Escaped.text(names[id] ?? id.rawValue) }

        private static func errors(_ errors: Int, of total: Int) -> String {
            errors == 0 ? "0" : GraphWording.count(errors) + " (" + GraphWording.percent(Double(errors) / Double(max(total, 1))) + ")"
        }

        private static func p95(_ latency: LatencySummary) -> String {
            switch latency.basis {
            case .durations: GraphWording.duration(nanos: latency.p95Nanos)
            case .histogram: "≈ " + GraphWording.duration(nanos: latency.p95Nanos)
            case .unknown: "–"
            }
        }

        /// Health in words, in bold unless healthy.
        private static func health(_ health: ErrorThresholds.Health) -> String {
            health == .healthy ? health.rawValue : "**" + health.rawValue + "**"
        }
    }

    /// Text from the traces as Markdown shows it as text, in a table cell too.
    enum Escaped {
        /// The marks Markdown reads as emphasis, code, links, images, headings or strikethrough
        /// backslash-escaped, and `|`, which would end a cell; `<`, `>` and `&` as entities (no
        /// HTML, no entity of the text's own); controls and the marks that reorder text as
        /// visible escapes, so a name stays on its line. A cell never starts a line, so list and
        /// quote markers need nothing.
        static func text(_ text: String) -> String {
            var out = ""
            for scalar in TerminalText.escaping(GraphWording.shortened(text, limit: 120)).unicodeScalars {
                switch scalar {
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "&": out += "&amp;"
                case "\\", "`", "*", "_", "[", "]", "#", "!", "|", "~":
                    out += "\\" + String(scalar)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out
        }
    }
}
