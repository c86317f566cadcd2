import ServiceGraph

/// Service-graph metrics read from one or more inputs and summed per edge: the calls, failed
/// calls and latency buckets from each client to each server of each connection type, over
/// every series that differs only in other labels (instance, job, `__metrics_gen_instance`,
/// the Collector's `failed`, extra dimensions). A ``ServiceGraph`` is drawn from it.
public struct MetricsGraph: Sendable {
    /// What each input held, in the order they were merged.
    public private(set) var inputs: [MetricsInputReport] = []
    var edges: [EdgeKey: EdgeTally] = [:]

    public init() {}

    init(input: MetricsInputReport, edges: [EdgeKey: EdgeTally]) {
        inputs = [input]
        self.edges = edges
    }

    /// Adds another input's metrics: series of the same edge in both are summed (scrapes of two
    /// Collectors, answers for two tenants).
    public mutating func merge(_ other: MetricsGraph) {
        inputs += other.inputs
        edges.merge(other.edges) { mine, theirs in
            var sum = mine
            sum.merge(theirs)
            return sum
        }
    }

    /// Edges (client, server, connection type) the series name.
    public var edgeCount: Int { edges.count }

    /// The service graph of these metrics, node ids by the graph's own rules.
    ///
    /// - Calls are `…_request_total` (where an edge has none, its server histogram's count),
    ///   rounded to whole calls; failed calls `…_request_failed_total`. An edge with no call (no
    ///   increase in a `query_range`'s range) is not drawn.
    /// - `latency` is estimated from the server histogram's buckets, `clientLatency` from the
    ///   client's (``LatencySummary/Basis/histogram(aboveFiniteBuckets:)``); without buckets the
    ///   latency is unknown.
    /// - Nodes: a client and a server are services; the server of a `database` edge is a database
    ///   (of no known system); one side of a `virtual_node` edge is a peer that recorded no spans
    ///   (`.remote`): the side the `virtual_node` label names, else a client called `user` (Tempo's
    ///   and the Collector's name for a caller that recorded nothing), else the side that is a
    ///   service on no other edge, else the server. Names are kept as the metrics give them:
    ///   `user`, and the Collector's `unknown` for a peer its attributes did not name.
    /// - Two edges that join the same two nodes with other connection types (a direct call and a
    ///   `messaging_system` one) are one edge, as in a graph from spans: `messaging_system` over a
    ///   direct call over `virtual_node`.
    /// - Nodes count no spans (``ServiceGraph/Node/spansCounted`` is false): metrics count calls.
    /// - Without `inferUninstrumentedPeers`, edges to databases and peers are left out.
    public func graph(options: ServiceGraph.Options = .init()) -> ServiceGraph {
        var services = Set<String>()
        for (key, tally) in edges where tally.calls > 0 {
            switch key.connection {
            case .direct, .messaging: services.formUnion([key.client, key.server])
            case .database: services.insert(key.client)
            case .virtual:
                if tally.virtualSide == .client { services.insert(key.server) }
                if tally.virtualSide == .server { services.insert(key.client) }
            }
        }
        var nodes: [ServiceGraph.Node] = []
        var nodeIndex: [NodeKey: Int] = [:]
        func node(_ name: String, _ kind: ServiceGraph.Node.Kind) -> Int {
            let key = NodeKey(name: name, kind: kind)
            if let index = nodeIndex[key] { return index }
            nodes.append(ServiceGraph.Node(id: .outsideInput, name: name, kind: kind, spansCounted: false))
            nodeIndex[key] = nodes.count - 1
            return nodes.count - 1
        }
        var joined: [PairKey: (connection: ServiceGraph.CallEdge.Connection, tally: EdgeTally)] = [:]
        // In a fixed order, so that which tally's details come first does not depend on hashing.
        for (key, tally) in edges.sorted(by: { ($0.key.client, $0.key.server, $0.key.connection.rawValue) < ($1.key.client, $1.key.server, $1.key.connection.rawValue) })
        where tally.calls > 0 {
            var clientKind = ServiceGraph.Node.Kind.service
            var serverKind = ServiceGraph.Node.Kind.service
            switch key.connection {
            case .direct, .messaging: break
            case .database: serverKind = .database(system: "")
            case .virtual:
                switch Self.virtualSide(of: key, tally, services: services) {
                case .client?: clientKind = .remote
                case .server?: serverKind = .remote
                case nil: break
                }
            }
            if !options.inferUninstrumentedPeers, clientKind != .service || serverKind != .service { continue }
            let pair = PairKey(from: node(key.client, clientKind), to: node(key.server, serverKind))
            if var existing = joined[pair] {
                existing.tally.merge(tally)
                existing.connection = Self.stronger(existing.connection, key.connection)
                joined[pair] = existing
            } else {
                joined[pair] = (key.connection, tally)
            }
        }
        let usedNodes = Set(joined.keys.flatMap { [$0.from, $0.to] }).sorted()
        let ids = ServiceGraph.Node.ids(for: usedNodes.map { nodes[$0] })
        var idOf: [Int: NodeID] = [:]
        var graphNodes: [ServiceGraph.Node] = []
        for (index, id) in zip(usedNodes, ids) {
            idOf[index] = id
            var node = nodes[index]
            node.id = id
            graphNodes.append(node)
        }
        let callEdges = joined.map { pair, edge in
            let calls = edge.tally.calls
            return ServiceGraph.CallEdge(
                from: idOf[pair.from]!, to: idOf[pair.to]!, kind: .request, connection: edge.connection, calls: calls,
                // Counters read a moment apart can disagree by a call or two: never more failed than calls.
                errors: min(calls, Self.whole(edge.tally.failed)),
                latency: edge.tally.server.summary ?? .unknown, clientLatency: edge.tally.client.summary)
        }
        return ServiceGraph(nodes: graphNodes.sorted { $0.id < $1.id },
                            callEdges: callEdges.sorted { ($0.from, $0.to) < ($1.from, $1.to) }, linkEdges: [])
    }

    /// Which side of a `virtual_node` edge recorded no spans (``graph(options:)`` says how it is told).
    private static func virtualSide(of key: EdgeKey, _ tally: EdgeTally, services: Set<String>) -> VirtualSide? {
        if let side = tally.virtualSide { return side }
        if key.client == "user", !services.contains("user") { return .client }
        switch (services.contains(key.client), services.contains(key.server)) {
        case (true, true): return nil
        case (false, true): return .client
        default: return .server
        }
    }

    private static func stronger(_ one: ServiceGraph.CallEdge.Connection, _ other: ServiceGraph.CallEdge.Connection)
        -> ServiceGraph.CallEdge.Connection {
        let rank: [ServiceGraph.CallEdge.Connection: Int] = [.messaging: 3, .direct: 2, .database: 1, .virtual: 0]
        return rank[other]! > rank[one]! ? other : one
    }

    static func whole(_ value: Double) -> Int {
        guard value.isFinite, value > 0 else { return 0 }
        return value >= 9e18 ? Int.max : Int(value.rounded())
    }

    private struct NodeKey: Hashable {
        var name: String
        var kind: ServiceGraph.Node.Kind
    }

    private struct PairKey: Hashable {
        var from: Int
        var to: Int
    }
}

extension EdgeTally {
    /// Whole calls: the requests counter, or where the edge has none, its server histogram's count.
    var calls: Int {
        MetricsGraph.whole(hasRequests ? requests : server.isEmpty ? client.observations : server.observations)
    }
}
