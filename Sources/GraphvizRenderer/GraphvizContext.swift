import CGraphviz
import SystemCalls
import Synchronization

/// The one Graphviz context of the process, behind the one lock every call into
/// cgraph and gvc takes.
///
/// Graphviz is not thread-safe (concurrent layouts abort in `mincross.c`), and a
/// second context after `gvFreeContext` hits a use-after-free in the pango
/// plugin; so the context is made once, on first use, and lives as long as the
/// process: it is never freed.
struct GraphvizContext: ~Copyable {
    private let context: OpaquePointer

    private init() {
        agseterr(AGWARN)
        _ = agseterrf(graphvizMessageSink)
        context = gvContext()
    }

    /// The context, for use only inside `withLock`.
    static let shared = Mutex(GraphvizContext())

    /// The version of the Graphviz library loaded, as it says itself.
    var version: String {
        gvcVersion(context).map { String(cString: $0) } ?? "unknown"
    }

    /// Lays the graph out and renders it; the layout is freed before returning. Graphviz recurses
    /// as deep as the graph is large: call it on a ``LargeStackThread``, as `GraphvizRenderer` does.
    func layoutAndRender(_ cGraph: CGraph, engine: String, format: String) throws(GraphvizError) -> [UInt8] {
        let graph = cGraph.pointer
        guard gvLayout(context, graph, engine) == 0 else {
            let messages = GraphvizMessages.take()
            if messages.contains(where: { $0.contains("not recognized") }) {
                throw GraphvizError(problem: .pluginMissing(kind: "layout", name: engine), messages: messages)
            }
            throw GraphvizError(problem: .layoutFailed, messages: messages)
        }
        defer { gvFreeLayout(context, graph) }
        var data: UnsafeMutablePointer<CChar>?
        var length: UInt32 = 0
        let status = gvRenderData(context, graph, format, &data, &length)
        let rendered = CBuffer(data, count: Int(length), free: gvFreeRenderData)
        guard status == 0, let bytes = rendered.bytes else {
            let messages = GraphvizMessages.take()
            if messages.contains(where: { $0.contains("not recognized") }) {
                throw GraphvizError(problem: .pluginMissing(kind: "output format", name: format), messages: messages)
            }
            throw GraphvizError(problem: .renderFailed, messages: messages)
        }
        return bytes
    }
}

/// Bytes that a C library allocated, owned: freed exactly once, with the library's own function.
struct CBuffer: ~Copyable {
    private let pointer: UnsafeMutablePointer<CChar>?
    private let count: Int
    private let release: (UnsafeMutablePointer<CChar>?) -> Void

    init(_ pointer: UnsafeMutablePointer<CChar>?, count: Int, free release: @escaping (UnsafeMutablePointer<CChar>?) -> Void) {
        self.pointer = pointer
        self.count = count
        self.release = release
    }

    /// A copy of the bytes, or nil when the library returned none.
    var bytes: [UInt8]? {
        pointer.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) }
    }

    deinit { if pointer != nil { release(pointer) } }
}

/// Graphviz's messages, which `agseterrf` sends here instead of to standard error.
/// Only touched while the context's lock is held.
enum GraphvizMessages {
    nonisolated(unsafe) private static var messages: [String] = []

    static func append(_ message: String) { messages.append(message) }

    static func clear() { messages.removeAll() }

    /// The messages so far, one a line: Graphviz sends a message in several pieces.
    static func take() -> [String] {
        defer { messages.removeAll() }
        return messages.joined().split(separator: "\n").map(String.init)
    }
}

private func graphvizMessageSink(_ message: UnsafeMutablePointer<CChar>?) -> Int32 {
    if let message { GraphvizMessages.append(String(cString: message)) }
    return 0
}

/// A cgraph graph, owned: closed exactly once, when the value goes away.
/// Made and used only while the context's lock is held.
final class CGraph {
    let pointer: UnsafeMutablePointer<Agraph_t>
    /// The ids of its objects, by the order they were named; released after the graph closes.
    private let ids = GraphvizObjectIDs()

    init(_ drawing: GraphvizDrawing) throws(GraphvizError) {
        guard let pointer = cgraphviz_open_with_ids(drawing.name, ids.graphDiscipline, ids.discipline) else {
            throw GraphvizError(problem: .outOfMemory)
        }
        self.pointer = pointer
        for (name, value) in drawing.graphAttributes { _ = cgraphviz_declare(pointer, AGRAPH, name, value) }
        for (name, value) in drawing.nodeDefaults { _ = cgraphviz_declare(pointer, AGNODE, name, value) }
        for (name, value) in drawing.edgeDefaults { _ = cgraphviz_declare(pointer, AGEDGE, name, value) }
        try add(nodes: drawing.nodes, edges: drawing.edges, to: pointer)
        for cluster in drawing.clusters {
            guard let subgraph = cgraphviz_subgraph(pointer, cluster.name) else { throw GraphvizError(problem: .outOfMemory) }
            for (name, value) in cluster.attributes { _ = cgraphviz_set(UnsafeMutableRawPointer(subgraph), name, value) }
            try add(nodes: cluster.nodes, edges: cluster.edges, to: subgraph)
        }
    }

    deinit { agclose(pointer) }

    private func add(nodes: [GraphvizDrawing.Node], edges: [GraphvizDrawing.Edge], to graph: UnsafeMutablePointer<Agraph_t>) throws(GraphvizError) {
        for node in nodes {
            guard let cNode = cgraphviz_node(graph, node.name) else { throw GraphvizError(problem: .outOfMemory) }
            for (name, value) in node.attributes { _ = cgraphviz_set(UnsafeMutableRawPointer(cNode), name, value) }
        }
        for edge in edges {
            guard let tail = cgraphviz_node(graph, edge.tail), let head = cgraphviz_node(graph, edge.head),
                  let cEdge = cgraphviz_edge(graph, tail, head, nil)
            else { throw GraphvizError(problem: .outOfMemory) }
            for (name, value) in edge.attributes { _ = cgraphviz_set(UnsafeMutableRawPointer(cEdge), name, value) }
        }
    }

    /// The graph as DOT, without layout.
    func writeDOT() throws(GraphvizError) -> [UInt8] {
        var buffer: UnsafeMutablePointer<CChar>?
        var length = 0
        let status = cgraphviz_write(pointer, &buffer, &length)
        let written = CBuffer(buffer, count: length, free: { free($0) })
        guard status == 0, let bytes = written.bytes else {
            throw GraphvizError(problem: .renderFailed, messages: GraphvizMessages.take())
        }
        return bytes
    }
}
