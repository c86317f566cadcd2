import ServiceGraph
#if canImport(Glibc)
import Glibc
#endif

/// How a service graph is laid out: the engine, and the settings that keep its time bounded.
///
/// dot draws callers before callees, left to right, and reads best; but its cost grows much
/// faster than the graph: a random mesh of 100 services and 427 edges takes it 16 s without a
/// single label, where sfdp takes 0.07 s. sfdp's own cost is in routing edges around nodes
/// (`splines=true`): 57 s for 311 services and 1,223 edges, against 0.5 s with straight edges.
/// So a graph is drawn by dot while it is small, or sparse and layered (each service calling a
/// few others, up to ``maximumNodesForSparseDot`` services), and by sfdp with straight edges past
/// that. Past ``maximumEdgesWithLabels`` edges, edges carry their numbers in tooltips only:
/// placing 10,000 edge labels takes sfdp 9 of its 12 s, and no one reads them at that size; and
/// overlapping nodes are moved apart in 20 rounds instead of up to 1,000 (on 1,962 nodes: 2.1 s
/// instead of 4.8 s, two pairs of nodes left touching).
/// `Scripts/layout-benchmark` measures all of it at sizes from 100 to 2,000 services.
public struct LayoutPlan: Sendable, Equatable {
    public var engine: LayoutEngine
    /// Edges drawn as straight lines rather than routed around the nodes.
    public var straightEdges: Bool
    /// Which way dot's layers run: callers left of callees, or above them.
    public var direction: Direction = .leftToRight
    /// Edges labelled with their numbers; without, the numbers are in their tooltips only.
    public var edgeLabels = true
    /// How many rounds sfdp and the other spring layouts spend moving overlapping nodes apart
    /// (Graphviz's `overlap=prismN`); nil leaves Graphviz's default, which runs until no two overlap.
    public var overlapRemovalRounds: Int?
    /// Why the plan was chosen, for a person, when it is not the default drawing; nil when the
    /// graph is drawn as usual or the engine was asked for.
    public var reason: String?

    /// Up to this many edges any graph is drawn by dot.
    public static let maximumEdgesForDot = 200
    /// A sparse graph (at most ``maximumEdgesPerNodeForSparseDot`` edges a node) of up to this
    /// many nodes is still drawn by dot: layered systems read best in layers.
    public static let maximumNodesForSparseDot = 500
    public static let maximumEdgesPerNodeForSparseDot = 2
    /// Up to this many edges, edges are labelled.
    public static let maximumEdgesWithLabels = 1_000

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
        var plan = LayoutPlan(engine: .sfdp, straightEdges: true, reason:
            "laid out \(size) with sfdp and straight edges: dot's layers take minutes on a graph this large or dense "
            + "(--engine dot insists on them)")
        if edges > maximumEdgesWithLabels {
            plan.edgeLabels = false
            plan.overlapRemovalRounds = 20
            plan.reason! += "; edges' numbers are in their tooltips, not labels, past \(GraphWording.count(maximumEdgesWithLabels)) edges"
        }
        return plan
    }

    /// The plan for `graph`, counted as it is drawn.
    public static func automatic(for graph: ServiceGraph) -> LayoutPlan {
        automatic(nodes: graph.nodes.count, edges: graph.callEdges.count + graph.linkEdges.count).oriented(for: graph)
    }

    /// Which way dot's layers run.
    public enum Direction: Sendable, Equatable {
        case leftToRight, topToBottom
    }

    /// The plan with dot's layers running the way that gives `graph` a shape a screen or a page
    /// holds: left to right, unless that makes a picture over ``widestLeftToRight`` times as wide
    /// as it is high and top to bottom makes one nearer to a page's shape. A long chain of calls
    /// drawn left to right runs many screens wide.
    public func oriented(for graph: ServiceGraph) -> LayoutPlan {
        guard engine == .dot else { return self }
        let (layers, widest) = Self.layers(of: graph)
        // Estimated sizes, in inches, measured on drawings of 20 to 50 nodes: a layer, with the edge
        // labels beside it, and a node with the labels of the edges that leave it.
        let leftToRight = (width: Double(layers) * 3.9, height: Double(widest) * 2.0)
        let topToBottom = (width: Double(widest) * 5.0, height: Double(layers) * 1.8)
        func distance(_ box: (width: Double, height: Double)) -> Double { abs(log(box.width / box.height / 1.5)) }
        var plan = self
        if leftToRight.width / leftToRight.height > Self.widestLeftToRight, distance(topToBottom) < distance(leftToRight) {
            plan.direction = .topToBottom
        }
        return plan
    }

    /// Left to right is kept up to this ratio of width to height.
    public static let widestLeftToRight = 3.0

    /// How many layers dot would make of the graph (the nodes on its longest path, going against
    /// no edge that closes a cycle) and how many nodes the widest of them holds.
    static func layers(of graph: ServiceGraph) -> (count: Int, widest: Int) {
        guard !graph.nodes.isEmpty else { return (0, 0) }
        let index = Dictionary(uniqueKeysWithValues: graph.nodes.enumerated().map { ($0.element.id, $0.offset) })
        var next = [[Int]](repeating: [], count: graph.nodes.count)
        for (from, to) in graph.callEdges.map({ ($0.from, $0.to) }) + graph.linkEdges.map({ ($0.from, $0.to) }) {
            if let from = index[from], let to = index[to], from != to { next[from].append(to) }
        }
        // Depth-first, without recursion: the finishing order, reversed, orders the graph with the
        // edges that close cycles left out.
        var state = [UInt8](repeating: 0, count: next.count)  // 0 unseen, 1 on the path, 2 done
        var order: [Int] = []
        for root in next.indices where state[root] == 0 {
            var stack = [(node: root, edge: 0)]
            state[root] = 1
            while let (node, edge) = stack.last {
                if edge < next[node].count {
                    stack[stack.count - 1].edge += 1
                    let target = next[node][edge]
                    if state[target] == 0 { state[target] = 1; stack.append((target, 0)) }
                } else {
                    state[node] = 2
                    order.append(node)
                    stack.removeLast()
                }
            }
        }
        var position = [Int](repeating: 0, count: next.count)
        for (rank, node) in order.reversed().enumerated() { position[node] = rank }
        var layer = [Int](repeating: 0, count: next.count)
        for node in order.reversed() {
            for target in next[node] where position[target] > position[node] { layer[target] = max(layer[target], layer[node] + 1) }
        }
        var counts: [Int: Int] = [:]
        for value in layer { counts[value, default: 0] += 1 }
        return (counts.count, counts.values.max()!)
    }
}
