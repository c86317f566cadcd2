import ServiceGraph

/// How a diff of two service graphs (``GraphDiff``) is drawn, whatever draws it: what came is
/// drawn in the theme's `added` colour with a thicker line, what went in its `errorLine` colour,
/// dashed, and what stayed quiet in grey, so that the changes stand out; an edge in both whose
/// numbers changed (``GraphWording/changes(of:)``) keeps its colour and says what changed, in amber
/// when it got worse by a reviewer's measure (``worseErrorRatePoints``, ``worseP95Share``). Each
/// change is also a word on the node or edge and a class, so that it is told apart without colour
/// (in the mono theme, in print).
public struct GraphDiffLook: Sendable {
    public var theme: Theme

    public init(theme: Theme = .light) {
        self.theme = theme
    }

    /// An edge in both whose error rate rose by this many percentage points, or whose p95 rose by
    /// this share, is labelled in the colour of degraded edges: worse enough for a reviewer to look
    /// at, where two runs' numbers always differ a little.
    public static let worseErrorRatePoints = 1.0
    public static let worseP95Share = 0.1

    /// What happened to a node or an edge between the two graphs.
    public enum Change: String, Sendable, CaseIterable {
        case added, removed, changed, unchanged
    }

    /// What happened to a node: added, removed or unchanged (a node's own numbers are not compared).
    public func change(of node: ServiceGraph.Node, in diff: GraphDiff) -> Change {
        if diff.addedNodes.contains(where: { $0.id == node.id }) { return .added }
        if diff.removedNodes.contains(where: { $0.id == node.id }) { return .removed }
        return .unchanged
    }

    /// What happened to an edge.
    public func change(of edge: GraphDiff.Edge) -> Change {
        if edge.before == nil { return .added }
        if edge.after == nil { return .removed }
        return GraphWording.changes(of: edge).isEmpty ? .unchanged : .changed
    }

    /// A node's look: its kind's shape (``GraphLook/node(_:)``), without the colours of health,
    /// which a diff does not compare, and the colours of its change.
    public func node(_ node: ServiceGraph.Node, change: Change) -> GraphLook.Node {
        var look = GraphLook(theme: theme).node(node)
        if node.kind == .service { (look.fill, look.line, look.lineWidth) = (theme.serviceFill, theme.serviceLine, 1.3) }
        look.health = .healthy
        switch change {
        case .added: (look.line, look.lineWidth) = (theme.added, 2.6)
        case .removed: (look.line, look.text, look.dashed, look.fill) = (theme.errorLine, theme.muted, true, theme.background)
        case .changed, .unchanged: break
        }
        look.classes += " " + change.rawValue
        return look
    }

    /// An edge's look: a call solid with a filled arrow, a link dashed with an open one, in the
    /// colours of its change; a removed call dashed as well.
    public func edge(_ edge: GraphDiff.Edge, change: Change) -> GraphLook.Edge {
        let isLink = edge.key.kind == .link
        var look = GraphLook.Edge(color: theme.muted, text: theme.muted, dashed: isLink, width: 1.2, arrow: isLink ? .vee : .normal,
                                  classes: (isLink ? "link " : "call ") + change.rawValue, health: .healthy)
        switch change {
        case .added: (look.color, look.text, look.width) = (theme.added, theme.added, 2.6)
        case .removed: (look.color, look.text, look.dashed, look.width) = (theme.errorLine, theme.errorLine, true, 2)
        case .changed:
            let worse = (edge.errorRateChange ?? 0) >= Self.worseErrorRatePoints || (edge.p95Change ?? 0) >= Self.worseP95Share
            (look.color, look.text, look.width) = (isLink ? theme.link : theme.call, worse ? theme.degradedText : theme.ink, 2)
        case .unchanged: break
        }
        return look
    }
}
