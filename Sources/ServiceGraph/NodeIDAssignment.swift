extension ServiceGraph.Node {
    /// The ids of the nodes of one graph, in their order: the one rule every way of building a
    /// graph uses (from spans, from service-graph metrics), so that a node has the same id whatever
    /// it was read from.
    ///
    /// Ids are unique in the graph, whatever the input order: readable ones first, then, in the
    /// order of the nodes' identities, a hash of the identity for every node whose readable id
    /// another node shares or has taken. The stand-in for spans outside the input is
    /// ``NodeID/outsideInput``.
    package static func ids(for nodes: [ServiceGraph.Node]) -> [NodeID] {
        var ids = [NodeID](repeating: .outsideInput, count: nodes.count)
        // Each identity made once, not in every comparison of the sort.
        let identities = nodes.map(\.identity)
        let order = nodes.indices.sorted { identities[$0] < identities[$1] }
        var readableCount: [NodeID: Int] = [:]
        var readable: [Int: NodeID] = [:]
        for index in order where nodes[index].kind != .outsideInput {
            let node = nodes[index]
            let id = NodeID.readable(prefix: node.kind.idPrefix, name: node.name, identity: identities[index])
            readable[index] = id
            readableCount[id, default: 0] += 1
        }
        var taken: Set<NodeID> = [.outsideInput]
        // Ids no other node wants, first, so that a collision elsewhere cannot take them.
        for index in order where readable[index].map({ readableCount[$0] == 1 }) == true {
            ids[index] = readable[index]!
            taken.insert(ids[index])
        }
        for index in order where readable[index].map({ readableCount[$0]! > 1 }) == true {
            let identity = identities[index]
            var attempt = 0
            var id = NodeID.disambiguated(readable[index]!, identity: identity, attempt: 0)
            while taken.contains(id) {
                attempt += 1
                id = NodeID.disambiguated(readable[index]!, identity: identity, attempt: attempt)
            }
            ids[index] = id
            taken.insert(id)
        }
        return ids
    }

    /// The node's identity as text, to sort and hash: its kind, system, name and address.
    var identity: String {
        let kind: String
        switch self.kind {
        case .service: kind = "service"
        case .database(let system): kind = "database\u{1}" + system
        case .messaging(let system): kind = "messaging\u{1}" + system
        case .remote: kind = "remote"
        case .outsideInput: kind = "outside"
        }
        return kind + "\u{1}" + name + "\u{1}" + (address ?? "")
    }
}

extension ServiceGraph.Node.Kind {
    /// What a node id of this kind starts with.
    fileprivate var idPrefix: String {
        switch self {
        case .service: "svc_"
        case .database: "db_"
        case .messaging: "topic_"
        case .remote: "peer_"
        case .outsideInput: ""
        }
    }
}
