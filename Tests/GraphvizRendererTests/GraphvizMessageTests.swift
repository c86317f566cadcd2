@testable import GraphvizRenderer
import ServiceGraph
import Testing
import TraceTestSupport

/// Graphviz's messages belong to the render that caused them.
@Suite(.serialized) struct GraphvizMessageTests {
    @Test(arguments: [GraphvizFormat.dot, .svg])
    func aRenderStartsWithNoMessagesOfAnEarlierOne(format: GraphvizFormat) throws {
        let node = ServiceGraph.Node(id: .service("checkout"), name: "checkout", kind: .service, spanCount: 1)
        // A warning left over from some earlier render.
        GraphvizContext.shared.withLock { _ in GraphvizMessages.append("Warning: left over from an earlier render\n") }
        _ = try GraphvizRenderer().render(ServiceGraph(nodes: [node], callEdges: [], linkEdges: []), format: format)
        let left = GraphvizContext.shared.withLock { _ in GraphvizMessages.take() }
        #expect(!left.contains { $0.contains("left over") }, "\(left)")
    }
}
