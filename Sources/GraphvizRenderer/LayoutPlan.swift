import ServiceGraph

/// How a service graph is laid out: the engine, and the settings that keep its time bounded.
///
/// dot draws callers before callees, left to right, and reads best; but its cost grows much
/// faster than the graph: a random mesh of 100 services and 427 edges takes it 16 s without a
/// single label, where sfdp takes 0.07 s. sfdp's own cost is in routing edges around nodes
/// (`splines=true`): 57 s for 311 services and 1,223 edges, against 0.5 s with straight edges.
/// So a graph is drawn by dot while it is small, or sparse and layered (each service calling a
/// few others, up to ``maximumNodesForSparseDot`` services), and by sfdp with straight edges past
/// that. `Scripts/layout-benchmark` measures both at sizes from 100 to 2,000 services.
public struct LayoutPlan: Sendable, Equatable {
    public var engine: LayoutEngine
    /// Edges drawn as straight lines rather than routed around the nodes.
    public var straightEdges: Bool
    /// Why the plan was chosen, for a person, when it is not the default drawing; nil when the
    /// graph is drawn as usual or the engine was asked for.
    public var reason: String?

    /// Up to this many edges any graph is drawn by dot.
    public static let maximumEdgesForDot = 200
    /// A sparse graph (at most ``maximumEdgesPerNodeForSparseDot`` edges a node) of up to this
    /// many nodes is still drawn by dot: layered systems read best in layers.
    public static let maximumNodesForSparseDot = 500
    public static let maximumEdgesPerNodeForSparseDot = 2

    /// The engine a person asked for, with its usual settings.
    public static func chosen(_ engine: LayoutEngine) -> LayoutPlan {
        LayoutPlan(engine: engine, straightEdges: false, reason: nil)
    }

    /// The plan for a graph of `nodes` nodes and `edges` edges (calls and links).
    public static func automatic(nodes: Int, edges: Int) -> LayoutPlan {
        if edges <= maximumEdgesForDot
            || (nodes <= maximumNodesForSparseDot && edges <= maximumEdgesPerNodeForSparseDot * nodes) {
            return .chosen(.dot)
        }
        let size = "\(GraphWording.count(nodes)) nodes and \(GraphWording.count(edges)) edges"
        return LayoutPlan(engine: .sfdp, straightEdges: true, reason:
            "laid out \(size) with sfdp and straight edges: dot's layers take minutes on a graph this large or dense "
            + "(--engine dot insists on them)")
    }

    /// The plan for `graph`, counted as it is drawn.
    public static func automatic(for graph: ServiceGraph) -> LayoutPlan {
        automatic(nodes: graph.nodes.count, edges: graph.callEdges.count + graph.linkEdges.count)
    }
}
