/// Which part of a service graph is drawn: the neighbourhood of some services, without what a
/// pattern excludes or what carries too few calls, with a fan-out of leaf peers drawn as one node,
/// and, past the size a person can read, only the busiest edges. The one owner of those rules and
/// of the words that say what was left out; every output draws the graph a view gives.
///
/// The steps run in a fixed order, each on what the step before kept: rename, hide, exclude,
/// minimum calls, focus, collapse, then the busiest edges.
public struct GraphView: Hashable, Sendable {
    /// Names given to services and peers in place of theirs, the first that applies; nodes that
    /// end up with the same kind and name are merged (``ServiceGraph/renaming(_:)``).
    public var renames: [NodeRename]
    /// Nodes whose name matches one of these are left out, with their edges (`--exclude`).
    public var exclude: [NamePattern]
    /// Services and peers a configuration file hides, left out as ``exclude``'s are.
    public var hide: [NodePattern]
    /// Call edges with fewer calls, and link edges with fewer links, are left out.
    public var minimumCalls: Int
    /// Services (and peers) whose neighbourhood is drawn: the nodes they reach along edges and
    /// the nodes that reach them, up to ``depth`` edges away; empty draws every node.
    public var focus: [NamePattern]
    /// How many edges away from a focused node the neighbourhood reaches, downstream and upstream.
    public var depth: Int
    /// A node that calls more than this many leaf peers of one category (databases, topics, other
    /// peers: nodes that nothing else touches) has them drawn as one node with a count; nil never.
    public var collapseLeavesAbove: Int?
    /// How many edges are drawn, the busiest first: a number, the readable default past
    /// ``readableSize``, or all of them.
    public var edgeLimit: EdgeLimit

    public enum EdgeLimit: Hashable, Sendable {
        /// Every edge.
        case all
        /// The busiest edges, at most this many.
        case top(Int)
        /// Every edge while the graph is within ``GraphView/readableSize``; past it, the busiest
        /// edges, as many as fit in it.
        case readable
    }

    public init(exclude: [NamePattern] = [], minimumCalls: Int = 0, focus: [NamePattern] = [], depth: Int = 2,
                collapseLeavesAbove: Int? = GraphView.defaultCollapseLeavesAbove, edgeLimit: EdgeLimit = .readable,
                renames: [NodeRename] = [], hide: [NodePattern] = []) {
        self.renames = renames
        self.hide = hide
        self.exclude = exclude
        self.minimumCalls = minimumCalls
        self.focus = focus
        self.depth = depth
        self.collapseLeavesAbove = collapseLeavesAbove
        self.edgeLimit = edgeLimit
    }

    /// Every node and edge as they are.
    public static let full = GraphView(collapseLeavesAbove: nil, edgeLimit: .all)

    /// A caller's leaf peers are drawn one by one up to this many of a category.
    public static let defaultCollapseLeavesAbove = 8

    /// The most a drawing holds by default: past it, nodes and edges too small to read
    /// and a layout that takes long to find; a person reads the busiest part first.
    public static let readableSize = (nodes: 50, edges: 90)

    /// The graph as this view draws it, and what it left out.
    public func apply(to graph: ServiceGraph) throws(GraphViewError) -> ViewedGraph {
        var viewed = ViewedGraph(graph: graph, whole: graph)
        if !renames.isEmpty {
            let (renamed, count, merged) = graph.renaming(renames)
            if count > 0 {
                viewed = ViewedGraph(graph: renamed, whole: renamed)
                viewed.notes.append("named " + GraphWording.count(count, "node") + " as the configuration's rename says"
                    + (merged > 0 ? ", merging " + GraphWording.count(merged) + " into another (a merged edge's p95 is the largest of its parts')" : ""))
            }
        }
        if !hide.isEmpty {
            let before = viewed.graph.nodes.count
            viewed.graph.keepNodes { node in !hide.contains { $0.matches(node) } }
            let left = before - viewed.graph.nodes.count
            if left > 0 { viewed.notes.append("left out " + GraphWording.count(left, "node") + " the configuration hides") }
        }
        if !exclude.isEmpty {
            let before = viewed.graph.nodes.count
            viewed.graph.keepNodes { node in !exclude.contains { $0.matches(node.name) } }
            let patterns = exclude.map(\.text).joined(separator: ", ")
            let left = before - viewed.graph.nodes.count
            viewed.notes.append(left == 0 ? "--exclude " + patterns + " matched no node"
                : "left out " + GraphWording.count(left, "node") + " matching --exclude " + patterns)
        }
        if minimumCalls > 1 {
            let before = viewed.graph.edgeCount
            viewed.graph.callEdges.removeAll { $0.calls < minimumCalls }
            viewed.graph.linkEdges.removeAll { $0.links < minimumCalls }
            let dropped = viewed.graph.dropNodesLeftWithoutEdges(whole: viewed.whole)
            viewed.notes.append("left out " + GraphWording.count(before - viewed.graph.edgeCount, "edge")
                + " of fewer than " + GraphWording.count(minimumCalls, "call") + " or links (--min-calls)"
                + (dropped > 0 ? " and the " + GraphWording.count(dropped, "node") + " they alone joined" : ""))
        }
        if !focus.isEmpty {
            let centres = Set(viewed.graph.nodes.filter { node in focus.contains { $0.matches(node.name) } }.map(\.id))
            guard !centres.isEmpty else {
                throw GraphViewError.noFocusedNode(patterns: focus.map(\.text), closest: Self.closestNames(to: focus, in: viewed.graph))
            }
            let kept = viewed.graph.neighbourhood(of: centres, depth: depth)
            viewed.graph.keepNodes { kept.contains($0.id) }
            viewed.focused = centres
            viewed.notes.append("drew the " + GraphWording.count(viewed.graph.nodes.count, "node") + " within "
                + GraphWording.count(depth, "edge") + " of " + focus.map(\.text).joined(separator: ", ")
                + " (--focus, --depth), of " + GraphWording.count(viewed.whole.nodes.count))
        }
        if let limit = collapseLeavesAbove {
            let (groups, members) = viewed.graph.collapseLeafFanOuts(above: limit, keeping: viewed.focused)
            if groups > 0 {
                viewed.notes.append("drew " + GraphWording.count(members, "leaf peer") + " as " + GraphWording.count(groups, "node")
                    + ", one for each caller's fan-out of more than \(limit) (--collapse-leaves 0 draws each)")
            }
        }
        let edges: Int?
        switch edgeLimit {
        case .all: edges = nil
        case .top(let count): edges = count
        case .readable:
            let size = Self.readableSize
            edges = viewed.graph.nodes.count > size.nodes || viewed.graph.edgeCount > size.edges ? size.edges : nil
        }
        if let edges, viewed.graph.edgeCount > edges || (edgeLimit == .readable && viewed.graph.nodes.count > Self.readableSize.nodes) {
            let before = (nodes: viewed.graph.nodes.count, edges: viewed.graph.edgeCount, calls: viewed.graph.traffic)
            let nodeLimit = edgeLimit == .readable ? Self.readableSize.nodes : nil
            viewed.graph.keepBusiestEdges(edges, nodeLimit: nodeLimit, keeping: viewed.focused)
            var note = GraphWording.busiest(of: before, drawn: viewed.graph)
            note += edgeLimit == .readable ? "; --full draws every one" : " (--top-edges)"
            viewed.notes.append(note)
        }
        return viewed
    }

    /// Up to three node names nearest to what was asked, for an error that helps.
    private static func closestNames(to patterns: [NamePattern], in graph: ServiceGraph) -> [String] {
        let wanted = patterns.map { $0.text.lowercased().filter { $0 != "*" && $0 != "?" } }
        let scored = graph.nodes.map { node -> (String, Int) in
            let name = node.name.lowercased()
            return (node.name, wanted.map { Self.distance(Array($0), Array(name)) }.min() ?? .max)
        }
        return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
    }

    /// Levenshtein distance, on names cut to 64 characters.
    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        let a = a.prefix(64), b = Array(b.prefix(64))
        var row = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var previous = row[0]
            row[0] = i + 1
            for (j, y) in b.enumerated() {
                let next = min(row[j + 1] + 1, row[j] + 1, previous + (x == y ? 0 : 1))
                previous = row[j + 1]
                row[j + 1] = next
            }
        }
        return row[b.count]
    }
}

/// A graph as a view draws it, the graph it was made from, and what was left out, said for a person.
public struct ViewedGraph: Sendable {
    /// What is drawn.
    public var graph: ServiceGraph
    /// The graph before the view.
    public var whole: ServiceGraph
    /// One sentence for each step that left something out or drew it otherwise; empty when the
    /// graph is drawn whole.
    public var notes: [String] = []
    /// The nodes a focus asked for.
    public var focused: Set<NodeID> = []

    public init(graph: ServiceGraph, whole: ServiceGraph, notes: [String] = []) {
        self.graph = graph
        self.whole = whole
        self.notes = notes
    }
}

/// A view that cannot be drawn.
public enum GraphViewError: Error, Hashable, Sendable {
    /// `--focus` matched no node; the names nearest to what was asked.
    case noFocusedNode(patterns: [String], closest: [String])
}

/// A shell-style pattern on a node's name: `*` any run of characters, `?` any one; everything
/// else matches itself, case and all.
public struct NamePattern: Hashable, Sendable {
    /// The pattern as given.
    public var text: String
    private let scalars: [Unicode.Scalar]

    public init(_ text: String) {
        self.text = text
        scalars = Array(text.unicodeScalars)
    }

    /// Whether the whole of `name` matches: greedy on `*`, going back to the last one on a
    /// mismatch, so time grows with the product of the two lengths at worst.
    public func matches(_ name: String) -> Bool {
        let name = Array(name.unicodeScalars)
        var p = 0, n = 0
        var star: (pattern: Int, name: Int)?
        while n < name.count {
            if p < scalars.count, scalars[p] == "?" || (scalars[p] != "*" && scalars[p] == name[n]) {
                p += 1
                n += 1
            } else if p < scalars.count, scalars[p] == "*" {
                star = (p, n)
                p += 1
            } else if let last = star {
                p = last.pattern + 1
                n = last.name + 1
                star = (last.pattern, last.name + 1)
            } else {
                return false
            }
        }
        while p < scalars.count, scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }
}

extension ServiceGraph {
    /// Call and link edges together.
    public var edgeCount: Int { callEdges.count + linkEdges.count }

    /// Calls and links together: what "busiest" weighs.
    package var traffic: Int { callEdges.reduce(0) { $0 + $1.calls } + linkEdges.reduce(0) { $0 + $1.links } }

    /// Keeps the nodes `isKept` says, and the edges between them.
    mutating func keepNodes(_ isKept: (Node) -> Bool) {
        nodes.removeAll { !isKept($0) }
        let ids = Set(nodes.map(\.id))
        callEdges.removeAll { !ids.contains($0.from) || !ids.contains($0.to) }
        linkEdges.removeAll { !ids.contains($0.from) || !ids.contains($0.to) }
    }

    /// Drops nodes that had edges in `whole` and have none left; returns how many.
    mutating func dropNodesLeftWithoutEdges(whole: ServiceGraph) -> Int {
        let joined = Set(callEdges.flatMap { [$0.from, $0.to] } + linkEdges.flatMap { [$0.from, $0.to] })
        let hadEdges = Set(whole.callEdges.flatMap { [$0.from, $0.to] } + whole.linkEdges.flatMap { [$0.from, $0.to] })
        let before = nodes.count
        nodes.removeAll { hadEdges.contains($0.id) && !joined.contains($0.id) }
        return before - nodes.count
    }

    /// The nodes at most `depth` edges downstream of the centres (along edges) or upstream of them
    /// (against edges), the centres included.
    func neighbourhood(of centres: Set<NodeID>, depth: Int) -> Set<NodeID> {
        var downstream: [NodeID: [NodeID]] = [:]
        var upstream: [NodeID: [NodeID]] = [:]
        for (from, to) in callEdges.map({ ($0.from, $0.to) }) + linkEdges.map({ ($0.from, $0.to) }) {
            downstream[from, default: []].append(to)
            upstream[to, default: []].append(from)
        }
        var reached = centres
        for next in [downstream, upstream] {
            var frontier = centres
            var seen = centres
            for _ in 0..<max(depth, 0) where !frontier.isEmpty {
                frontier = Set(frontier.flatMap { next[$0] ?? [] }).subtracting(seen)
                seen.formUnion(frontier)
            }
            reached.formUnion(seen)
        }
        return reached
    }

    /// Draws each caller's leaf peers of one category as one node when there are more than
    /// `limit` of them; returns how many such nodes were made and how many peers they hold.
    mutating func collapseLeafFanOuts(above limit: Int, keeping kept: Set<NodeID>) -> (groups: Int, members: Int) {
        var degree: [NodeID: Int] = [:]
        for edge in callEdges { degree[edge.from, default: 0] += 1; degree[edge.to, default: 0] += 1 }
        for edge in linkEdges { degree[edge.from, default: 0] += 1; degree[edge.to, default: 0] += 1 }
        let byID = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0) })
        // Each caller's leaf peers, by category, in the order of the edges (sorted, so stable).
        var fanOuts: [FanOutKey: [Int]] = [:]
        for (index, edge) in callEdges.enumerated() {
            guard let leaf = byID[edge.to], let category = leaf.kind.leafCategory, degree[edge.to] == 1,
                  leaf.members.isEmpty, !kept.contains(edge.to) else { continue }
            fanOuts[FanOutKey(caller: edge.from, category: category), default: []].append(index)
        }
        var removedNodes: Set<NodeID> = []
        var removedEdges: Set<Int> = []
        var groups = 0, members = 0
        for (key, edgeIndices) in fanOuts.sorted(by: { ($0.key.caller, $0.key.category) < ($1.key.caller, $1.key.category) })
        where edgeIndices.count > limit {
            let leaves = edgeIndices.map { byID[callEdges[$0].to]! }
            let group = Node.collapsed(leaves, category: key.category, caller: key.caller)
            nodes.append(group)
            callEdges.append(CallEdge(merging: edgeIndices.map { callEdges[$0] }, to: group.id))
            removedNodes.formUnion(leaves.map(\.id))
            removedEdges.formUnion(edgeIndices)
            groups += 1
            members += leaves.count
        }
        guard groups > 0 else { return (0, 0) }
        nodes.removeAll { removedNodes.contains($0.id) }
        nodes.sort { $0.id < $1.id }
        callEdges = callEdges.enumerated().filter { !removedEdges.contains($0.offset) }.map(\.element)
            .sorted { ($0.from, $0.to) < ($1.from, $1.to) }
        return (groups, members)
    }

    /// Keeps the `count` busiest edges (calls or links, ties in the order of their ends), skipping
    /// those that would take the nodes past `nodeLimit`, and the nodes they join, with the
    /// nodes in `kept` whatever their edges.
    package mutating func keepBusiestEdges(_ count: Int, nodeLimit: Int?, keeping kept: Set<NodeID>) {
        enum Ranked { case call(Int), link(Int) }
        var ranked: [(weight: Int, from: NodeID, to: NodeID, operation: String, edge: Ranked)] =
            callEdges.enumerated().map { ($0.element.calls, $0.element.from, $0.element.to, "", .call($0.offset)) }
            + linkEdges.enumerated().map { ($0.element.links, $0.element.from, $0.element.to, $0.element.operation, .link($0.offset)) }
        ranked.sort { ($1.weight, $0.from, $0.to, $0.operation) < ($0.weight, $1.from, $1.to, $1.operation) }
        var shownNodes = kept
        var calls: Set<Int> = [], links: Set<Int> = []
        for entry in ranked where calls.count + links.count < count {
            let added = [entry.from, entry.to].filter { !shownNodes.contains($0) }.count
            if let nodeLimit, shownNodes.count + added > nodeLimit { continue }
            shownNodes.insert(entry.from)
            shownNodes.insert(entry.to)
            switch entry.edge {
            case .call(let index): calls.insert(index)
            case .link(let index): links.insert(index)
            }
        }
        callEdges = callEdges.enumerated().filter { calls.contains($0.offset) }.map(\.element)
        linkEdges = linkEdges.enumerated().filter { links.contains($0.offset) }.map(\.element)
        nodes.removeAll { !shownNodes.contains($0.id) }
    }
}

/// A caller and a category of its leaf peers.
private struct FanOutKey: Hashable {
    var caller: NodeID
    var category: ServiceGraph.Node.Kind.LeafCategory
}

extension ServiceGraph.Node.Kind {
    /// What a fan-out of leaf peers is grouped by.
    enum LeafCategory: Int, Comparable {
        case database, messaging, remote

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The category of a peer that can be drawn in a group; nil for services and the stand-in.
    var leafCategory: LeafCategory? {
        switch self {
        case .database: .database
        case .messaging: .messaging
        case .remote: .remote
        case .service, .outsideInput: nil
        }
    }
}

extension ServiceGraph.Node {
    /// One node for the leaf peers of a caller: named by their number and category, of their kind
    /// when they share one, holding their names.
    static func collapsed(_ leaves: [Self], category: Kind.LeafCategory, caller: NodeID) -> Self {
        let kind: Kind
        if leaves.allSatisfy({ $0.kind == leaves[0].kind }) {
            kind = leaves[0].kind
        } else {
            switch category {
            case .database: kind = .database(system: "")
            case .messaging: kind = .messaging(system: "")
            case .remote: kind = .remote
            }
        }
        let noun: (String, String) = switch category {
        case .database: ("database", "databases")
        case .messaging: ("topic", "topics")
        case .remote: ("peer", "peers")
        }
        var node = Self(id: .collapsed(caller: caller, category: noun.1), name: GraphWording.count(leaves.count, noun.0, plural: noun.1),
                        kind: kind)
        node.members = leaves.map(\.name).sorted()
        return node
    }
}

extension ServiceGraph.CallEdge {
    /// One edge for several from one caller: their calls and errors summed, and each percentile
    /// the largest of theirs (percentiles of a union cannot be had from the parts' percentiles).
    init(merging edges: [Self], to target: NodeID) {
        self.init(from: edges[0].from, to: target, kind: edges[0].kind,
                  connection: edges.allSatisfy { $0.connection == edges[0].connection } ? edges[0].connection : .virtual,
                  calls: edges.reduce(0) { $0 + $1.calls }, errors: edges.reduce(0) { $0 + $1.errors },
                  latency: LatencySummary.largest(edges.map(\.latency))!, clientLatency: LatencySummary.largest(edges.compactMap(\.clientLatency)))
        mergedEdges = edges.reduce(0) { $0 + $1.mergedEdges }
    }
}

extension LatencySummary {
    /// Each percentile the largest of the summaries' (the percentiles of a union cannot be had
    /// from its parts'), of their basis when they share one; nil for none.
    static func largest(_ summaries: [LatencySummary]) -> LatencySummary? {
        summaries.isEmpty ? nil : LatencySummary(
            p50Nanos: summaries.map(\.p50Nanos).max()!, p95Nanos: summaries.map(\.p95Nanos).max()!,
            p99Nanos: summaries.map(\.p99Nanos).max()!, maxNanos: summaries.map(\.maxNanos).max()!,
            basis: summaries.allSatisfy { $0.basis == summaries[0].basis } ? summaries[0].basis : .unknown)
    }
}
