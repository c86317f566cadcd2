/// Services, or peers, whose names match a pattern: what a configuration file's `rename` and
/// `hide` apply to.
public struct NodePattern: Hashable, Sendable {
    /// Which nodes a pattern is for.
    public enum Scope: String, Hashable, Sendable {
        /// Services that recorded spans.
        case services
        /// Databases, topics and other peers.
        case peers
    }

    public var scope: Scope
    /// `*` any characters, `?` any one.
    public var pattern: NamePattern

    public init(scope: Scope, pattern: NamePattern) {
        self.scope = scope
        self.pattern = pattern
    }

    /// Whether `node` is of the scope and its name matches; never the stand-in for spans outside the input.
    public func matches(_ node: ServiceGraph.Node) -> Bool {
        switch node.kind {
        case .service: scope == .services && pattern.matches(node.name)
        case .database, .messaging, .remote: scope == .peers && pattern.matches(node.name)
        case .outsideInput: false
        }
    }
}

/// A name given to services or peers in place of theirs (a configuration file's `rename`): a
/// service that a release renamed, instances that report under several names, a peer known only
/// by its address. Nodes that end up with the same kind and name are one node.
public struct NodeRename: Hashable, Sendable {
    /// The nodes it renames.
    public var nodes: NodePattern
    /// The name they are given.
    public var name: String

    public init(scope: NodePattern.Scope, pattern: NamePattern, name: String) {
        nodes = NodePattern(scope: scope, pattern: pattern)
        self.name = name
    }
}

extension ServiceGraph {
    /// The graph with each node named by the first of `renames` that applies to it, and the nodes
    /// that share a kind and a name after that merged: their spans summed, and their edges to the
    /// same node, of the same kind (a link's, of the same operation), merged, the counts summed and
    /// each percentile the largest of theirs (as in a fan-out of peers drawn as one,
    /// ``CallEdge/mergedEdges`` says so). Node ids are made again by the graph's rule from the new
    /// names. Returns how many nodes were renamed and how many merged into another.
    package func renaming(_ renames: [NodeRename]) -> (graph: ServiceGraph, renamed: Int, merged: Int) {
        var renamed = 0
        var merged: [Node] = []
        // Nodes by identity (kind, system, name, address), the rule node ids are made by.
        var mergedIndex: [String: Int] = [:]
        var target: [NodeID: Int] = [:]
        for var node in nodes {
            if let rename = renames.first(where: { $0.nodes.matches(node) }), rename.name != node.name {
                node.name = rename.name
                renamed += 1
            }
            if let index = mergedIndex[node.identity] {
                merged[index].spanCount += node.spanCount
                merged[index].errorSpanCount += node.errorSpanCount
                merged[index].spansCounted = merged[index].spansCounted && node.spansCounted
                merged[index].members = Array(Set(merged[index].members + node.members)).sorted()
                merged[index].group = merged[index].group ?? node.group
                target[node.id] = index
            } else {
                mergedIndex[node.identity] = merged.count
                target[node.id] = merged.count
                merged.append(node)
            }
        }
        guard renamed > 0 else { return (self, 0, 0) }
        let ids = Node.ids(for: merged)
        for index in merged.indices { merged[index].id = ids[index] }
        let newID = { (id: NodeID) in ids[target[id]!] }
        // Edges that join the same nodes now are the same edge, as a diff matches them.
        var calls: [GraphDiff.EdgeKey: [CallEdge]] = [:]
        for var edge in callEdges {
            (edge.from, edge.to) = (newID(edge.from), newID(edge.to))
            calls[GraphDiff.EdgeKey(edge), default: []].append(edge)
        }
        var links: [GraphDiff.EdgeKey: [LinkEdge]] = [:]
        for var edge in linkEdges {
            (edge.from, edge.to) = (newID(edge.from), newID(edge.to))
            links[GraphDiff.EdgeKey(edge), default: []].append(edge)
        }
        let graph = ServiceGraph(
            nodes: merged.sorted { $0.id < $1.id },
            callEdges: calls.values.map { $0.count == 1 ? $0[0] : CallEdge(merging: $0, to: $0[0].to) }
                .sorted { ($0.from, $0.to, "\($0.kind)") < ($1.from, $1.to, "\($1.kind)") },
            linkEdges: links.values.map { $0.count == 1 ? $0[0] : LinkEdge(merging: $0) }
                .sorted { ($0.from, $0.to, $0.operation) < ($1.from, $1.to, $1.operation) })
        return (graph, renamed, nodes.count - merged.count)
    }
}

extension ServiceGraph.LinkEdge {
    /// One edge for several between the same nodes, of the same operation: their counts summed,
    /// their attribute keys' counts summed (by key, as the graph sorts them), and each percentile of the lag the largest of theirs.
    init(merging edges: [Self]) {
        var keys: [String: Int] = [:]
        for edge in edges { for key in edge.attributeKeys { keys[key.key, default: 0] += key.count } }
        self.init(from: edges[0].from, to: edges[0].to, operation: edges[0].operation, links: edges.reduce(0) { $0 + $1.links },
                  lag: LatencySummary.largest(edges.compactMap(\.lag)), overlappingLinks: edges.reduce(0) { $0 + $1.overlappingLinks },
                  skewedLinks: edges.reduce(0) { $0 + $1.skewedLinks },
                  attributeKeys: keys.map { ServiceGraph.KeyCount(key: $0.key, count: $0.value) }.sorted { $0.key < $1.key },
                  droppedLinks: edges.reduce(0) { $0 + $1.droppedLinks })
    }
}
