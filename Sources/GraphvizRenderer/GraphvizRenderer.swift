import GraphOutputs
import TraceModel
import ServiceGraph
import SystemCalls

/// The output formats Graphviz writes for us.
public enum GraphvizFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    case svg, dot, png, pdf

    public var description: String { rawValue }

    /// The usual file name extension.
    public var fileExtension: String { rawValue }
}

/// Graphviz's layout engines that suit a service graph.
public enum LayoutEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Layered, left to right: callers before callees.
    case dot
    /// Spring model.
    case neato
    /// Force-directed.
    case fdp
    /// Force-directed, for large graphs.
    case sfdp
    /// Circular.
    case circo

    public var description: String { rawValue }
}

/// Draws a service graph through Graphviz's C library, in process.
///
/// Calls solid, span links dashed, with labels and a small legend. The same graph
/// gives byte-identical SVG and DOT; PNG and PDF also depend on fonts, and PDF
/// embeds a creation date.
public struct GraphvizRenderer: Sendable {
    /// The layout engine asked for; nil lets the graph's size choose (``LayoutPlan/automatic(for:)``).
    public var engine: LayoutEngine?
    /// When nodes and edges are drawn as degraded or failing.
    public var errorThresholds: ErrorThresholds
    /// How long a layout may take before `render` gives up on it and throws; nil waits for ever.
    /// Graphviz cannot be stopped: a layout given up on runs on, on a thread of its own, and a
    /// later render waits for it to end.
    public var layoutTimeout: Duration?
    /// The colours drawn with.
    public var theme: Theme

    public init(engine: LayoutEngine? = nil, errorThresholds: ErrorThresholds = ErrorThresholds(), layoutTimeout: Duration? = nil,
                theme: Theme = .light) {
        self.engine = engine
        self.errorThresholds = errorThresholds
        self.layoutTimeout = layoutTimeout
        self.theme = theme
    }

    /// How what it draws looks: its theme, and health by its thresholds.
    public var look: GraphLook { GraphLook(theme: theme, thresholds: errorThresholds) }

    /// How `graph` is laid out: with the engine asked for, or as its size says.
    public func plan(for graph: ServiceGraph) -> LayoutPlan {
        engine.map { LayoutPlan.chosen($0).oriented(for: graph) } ?? .automatic(for: graph)
    }

    /// The version of the Graphviz library in use (`gvcVersion`), for example `2.43.0`.
    public static var graphvizVersion: String {
        GraphvizContext.shared.withLock { $0.version }
    }

    /// Loads what Graphviz needs to lay out and write `format` (its plugins, and the fonts that
    /// labels are measured with) by drawing a one-node graph and dropping it. Called on another
    /// thread while the graph is still being built, it takes that time off the first `render`.
    public func prepare(for format: GraphvizFormat) {
        guard format != .dot else { return }
        let node = ServiceGraph.Node(id: NodeID(rawValue: "svc_service"), name: "service", kind: .service, spanCount: 1)
        _ = try? render(ServiceGraph(nodes: [node], callEdges: [], linkEdges: []), format: format)
    }

    /// The graph a view drew, with a caption under it that says what the view left out.
    /// With a `title`, the drawing is named after it (an SVG's `<title>`) and it is the caption's first line.
    public func render(_ viewed: ViewedGraph, format: GraphvizFormat, title: String? = nil) throws(GraphvizError) -> [UInt8] {
        try render(viewed.graph, format: format, caption: viewed.notes, title: title)
    }

    /// The graph in a format: DOT as built (no layout), the others laid out by `engine`; the
    /// caption's lines, if any, under it.
    public func render(_ graph: ServiceGraph, format: GraphvizFormat, caption: [String] = [], title: String? = nil) throws(GraphvizError) -> [UInt8] {
        let plan = plan(for: graph)
        var drawing = GraphvizDrawing(graph, plan: plan, look: look, caption: caption, title: title)
        if let title { drawing.name = GraphWording.shortened(TerminalText.escaping(title), limit: 200) }
        return try render(drawing,
                          engine: plan.engine, format: format)
    }

    /// A diff of two service graphs (``GraphDiff``) in a format: what came, what went and what
    /// changed, in ``GraphDiffLook``'s colours of the renderer's theme; the caption's lines under it.
    public func render(_ diff: GraphDiff, format: GraphvizFormat, caption: [String] = [], title: String? = nil) throws(GraphvizError) -> [UInt8] {
        let plan = plan(for: GraphvizDrawing.union(of: diff))
        var drawing = GraphvizDrawing(diff: diff, plan: plan, look: GraphDiffLook(theme: theme), caption: caption, title: title)
        if let title { drawing.name = GraphWording.shortened(TerminalText.escaping(title), limit: 200) }
        return try render(drawing, engine: plan.engine, format: format)
    }

    /// A workflow (``Workflow``) in a format: its traces grouped by root service and operation,
    /// and the links between the groups, laid out by dot from left to right.
    public func render(_ workflow: Workflow, format: GraphvizFormat, caption: [String] = []) throws(GraphvizError) -> [UInt8] {
        try render(GraphvizDrawing(workflow: workflow, caption: caption, theme: theme), engine: .dot, format: format)
    }

    private func render(_ drawing: GraphvizDrawing, engine layoutEngine: LayoutEngine, format: GraphvizFormat) throws(GraphvizError) -> [UInt8] {
        let engine = layoutEngine.rawValue
        // All of it on the thread Graphviz works on, lock included: a layout given up on keeps the
        // lock until it ends, so that no other layout runs beside it.
        let work: @Sendable () -> Result<[UInt8], GraphvizError> = {
            GraphvizContext.shared.withLock { (context: inout GraphvizContext) in
                Result { () throws(GraphvizError) in
                    // Every render starts with no messages: an earlier render's warnings must not reach
                    // this one's error, on the DOT path as on the others.
                    GraphvizMessages.clear()
                    let cGraph = try CGraph(drawing)
                    if format == .dot { return try cGraph.writeDOT() }
                    let bytes = try context.layoutAndRender(cGraph, engine: engine, format: format.rawValue)
                    return format == .svg ? Self.withoutGeneratorComments(bytes) : bytes
                }
            }
        }
        guard let layoutTimeout, format != .dot else { return try LargeStackThread.run(work).get() }
        guard let result = LargeStackThread.run(timeout: layoutTimeout, work) else {
            throw GraphvizError(problem: .timedOut(after: layoutTimeout, engine: layoutEngine))
        }
        return try result.get()
    }
}

extension GraphvizRenderer {
    /// An SVG without the two comments Graphviz writes at its top: the one that names the
    /// Graphviz version it was made with (a diagram kept in git then changes only where the
    /// architecture changed, not with the machine), and the one that repeats the title, where
    /// a `--` of the title's would make the XML ill-formed (the `<title>` element keeps it).
    static func withoutGeneratorComments(_ svg: [UInt8]) -> [UInt8] {
        var svg = svg
        for opening in ["<!-- Generated by graphviz", "<!-- Title: "] {
            guard let start = svg.firstRange(of: Array(opening.utf8)),
                  let end = svg[start.upperBound...].firstRange(of: Array("-->\n".utf8)) else { continue }
            svg.removeSubrange(start.lowerBound..<end.upperBound)
        }
        return svg
    }
}

/// What went wrong inside Graphviz.
public struct GraphvizError: Error, Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// Graphviz knows no plugin for a layout engine or output format: its plugin
        /// configuration is missing or the plugin is not installed.
        case pluginMissing(kind: String, name: String)
        case layoutFailed
        /// The layout ran past the time it was given (``GraphvizRenderer/layoutTimeout``).
        case timedOut(after: Duration, engine: LayoutEngine)
        case renderFailed
        case outOfMemory
    }

    public var problem: Problem
    /// What Graphviz itself said, if anything.
    public var messages: [String]

    public init(problem: Problem, messages: [String] = []) {
        self.problem = problem
        self.messages = messages
    }
}

extension GraphvizError: CustomStringConvertible {
    public var description: String {
        var text: String
        switch problem {
        case .pluginMissing(let kind, let name):
            text = "Graphviz has no \(kind) plugin \"\(name)\". Its plugins are missing or not registered: "
                + "install them (`apt-get install libgraphviz-dev`, which brings libgvc6) and, if that does not help, "
                + "register them as root with `libgvc6-config-update -c` (Debian's name for `dot -c`)."
        case .layoutFailed: text = "Graphviz could not lay out the graph"
        case .timedOut(let limit, let engine):
            text = "Graphviz's \(engine) layout was still running after \(limit.components.seconds) s (--layout-timeout): "
                + "draw fewer nodes and edges (--top-edges, --focus, --min-calls) or let the graph's size choose the engine"
        case .renderFailed: text = "Graphviz could not render the graph"
        case .outOfMemory: text = "Graphviz ran out of memory"
        }
        let said = messages.map { $0.trimmingCharacters(in: " \n") }.filter { !$0.isEmpty }
        if !said.isEmpty { text += " (Graphviz said: " + said.joined(separator: "; ") + ")" }
        return text
    }
}

extension String {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
