import GraphOutputs
import GraphvizRenderer
import ServiceGraph

/// The formats a service graph is written in: Graphviz's (laid out in process) and those written
/// in Swift alone. The one place a format is turned into bytes: a new format is a case here and a
/// writer of its own.
public enum GraphFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    case svg, dot, png, pdf
    /// A Mermaid flowchart (``MermaidFlowchart``), for Markdown on GitHub and GitLab.
    case mermaid
    /// Every node and edge with all their numbers (``ServiceGraphJSON``), for scripts.
    case json
    /// Tables of services, calls and links with the Mermaid chart (``MarkdownSummary``), for a
    /// pull request's comment or a CI job's summary.
    case markdown

    public var description: String { rawValue }

    /// The usual file name extension.
    public var fileExtension: String {
        switch self {
        case .mermaid: "mmd"
        case .markdown: "md"
        default: rawValue
        }
    }

    /// The Graphviz format this is, if it is one.
    public var graphviz: GraphvizFormat? {
        switch self {
        case .svg: .svg
        case .dot: .dot
        case .png: .png
        case .pdf: .pdf
        case .mermaid, .json, .markdown: nil
        }
    }

    /// Binary formats, which are not written to a terminal.
    public var isBinary: Bool { self == .png || self == .pdf }

    /// The graph a view drew in this format, what the writer left out on top of what the view
    /// did (a Mermaid chart past Mermaid's limits), said for a person, and the graph it drew.
    /// `title` names the drawing (a heading, a chart's title, an SVG's caption and `<title>`);
    /// `destination` is where Markdown goes, and how much it may hold there.
    public func write(_ viewed: ViewedGraph, renderer: GraphvizRenderer, title: String? = nil,
                      destination: MarkdownSummary.Destination = .comment)
        throws(GraphvizError) -> (bytes: [UInt8], notes: [String], drawn: ServiceGraph) {
        switch self {
        case .svg, .dot, .png, .pdf:
            return (try renderer.render(viewed, format: graphviz!, title: title), [], viewed.graph)
        case .mermaid:
            let chart = MermaidFlowchart(viewed, look: renderer.look, title: title)
            return (Array(chart.text.utf8), chart.notes, chart.graph)
        case .json:
            return (Array(ServiceGraphJSON.text(viewed, look: renderer.look, title: title).utf8), [], viewed.graph)
        case .markdown:
            let summary = MarkdownSummary(viewed, look: renderer.look, title: title ?? "Service graph", for: destination)
            return (Array(summary.text.utf8), summary.notes, viewed.graph)
        }
    }
}
