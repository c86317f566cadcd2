import TraceModel

extension ServiceGraph {
    /// Choices for building a graph.
    public struct Options: Hashable, Sendable {
        /// Add nodes for databases, queues and other peers that client and
        /// producer spans call but that recorded no spans of their own.
        public var inferUninstrumentedPeers: Bool

        public init(inferUninstrumentedPeers: Bool = true) {
            self.inferUninstrumentedPeers = inferUninstrumentedPeers
        }
    }

    /// Builds the graph of a set of traces.
    ///
    /// - A call edge joins a parent span's service to a child span's service when they differ.
    /// - A link edge joins the linked-to span's service to the linking span's service; a link
    ///   whose target no input holds comes from the `outsideInput` node.
    /// - With `inferUninstrumentedPeers`, a client or producer span with no child names its
    ///   peer through its attributes (`peer.service`, `db.system.name` or `db.system`, `messaging.system`,
    ///   `server.address`), and a call edge joins its service to that peer.
    public init(traces: TraceSet, options: Options = Options()) {
        var builder = Builder()
        let spans = traces.spans
        var hasChild = Set<SpanKey>()
        hasChild.reserveCapacity(spans.count)
        for span in spans {
            if let parent = span.parentSpanID { hasChild.insert(SpanKey(traceID: span.traceID, spanID: parent)) }
        }
        for span in spans {
            let service = builder.service(span.serviceName, countingSpan: span)
            if let parentID = span.parentSpanID,
               let parent = traces[SpanKey(traceID: span.traceID, spanID: parentID)],
               parent.serviceName != span.serviceName {
                builder.addCall(from: NodeID(name: parent.serviceName), to: service, span: span)
            }
            for link in span.links {
                let from = traces[link.target].map { NodeID(name: $0.serviceName) } ?? .outsideInput
                builder.addLink(from: from, to: service)
            }
            if options.inferUninstrumentedPeers, span.kind == .client || span.kind == .producer,
               !hasChild.contains(span.key), let peer = UninstrumentedPeer(span: span) {
                let peerID = builder.peer(peer)
                if peerID != service { builder.addCall(from: service, to: peerID, span: span) }
            }
        }
        self = builder.graph()
    }
}

/// A peer that a client or producer span names in its attributes.
struct UninstrumentedPeer {
    var name: String
    var kind: ServiceGraph.Node.Kind

    init?(span: Span) {
        let attributes = span.attributes
        func text(_ key: String) -> String? {
            guard let value = attributes[key]?.stringValue, !value.isEmpty else { return nil }
            return value
        }
        let address = text("server.address") ?? text("net.peer.name") ?? text("http.host")
        if let peerService = text("peer.service") {
            name = peerService
            kind = (text("db.system.name") ?? text("db.system")).map { .database(system: $0) } ?? .remote
        } else if let system = text("db.system.name") ?? text("db.system") {
            name = address ?? text("db.namespace") ?? text("db.name") ?? system
            kind = .database(system: system)
        } else if let system = text("messaging.system") {
            name = text("messaging.destination.name") ?? text("messaging.destination") ?? system
            kind = .messaging(system: system)
        } else if let address {
            name = address
            kind = .remote
        } else {
            return nil
        }
    }
}

/// Counts what the graph needs as spans go by, then sorts it all into a graph.
private struct Builder {
    var nodes: [NodeID: ServiceGraph.Node] = [:]
    var calls: [EdgeKey: CallTally] = [:]
    var links: [EdgeKey: Int] = [:]

    struct EdgeKey: Hashable {
        var from: NodeID
        var to: NodeID
    }

    struct CallTally {
        var errors = 0
        var durations: [UInt64] = []
    }

    mutating func service(_ name: String, countingSpan span: Span) -> NodeID {
        let id = NodeID(name: name)
        nodes[id, default: ServiceGraph.Node(id: id, name: name, kind: .service)].spanCount += 1
        if span.isError { nodes[id]!.errorSpanCount += 1 }
        // A name first seen as a peer turns out to be a service that recorded spans.
        nodes[id]!.kind = .service
        return id
    }

    mutating func peer(_ peer: UninstrumentedPeer) -> NodeID {
        let id = NodeID(name: peer.name)
        if nodes[id] == nil { nodes[id] = ServiceGraph.Node(id: id, name: peer.name, kind: peer.kind) }
        return id
    }

    mutating func addCall(from: NodeID, to: NodeID, span: Span) {
        let key = EdgeKey(from: from, to: to)
        calls[key, default: CallTally()].durations.append(span.durationNanos)
        if span.isError { calls[key]!.errors += 1 }
    }

    mutating func addLink(from: NodeID, to: NodeID) {
        if from == .outsideInput, nodes[from] == nil {
            nodes[from] = ServiceGraph.Node(id: from, name: "spans outside the input", kind: .outsideInput)
        }
        links[EdgeKey(from: from, to: to), default: 0] += 1
    }

    func graph() -> ServiceGraph {
        func byEnds(_ a: EdgeKey, _ b: EdgeKey) -> Bool { (a.from, a.to) < (b.from, b.to) }
        return ServiceGraph(
            nodes: nodes.values.sorted { $0.id < $1.id },
            callEdges: calls.keys.sorted(by: byEnds).map { key in
                let tally = calls[key]!
                return ServiceGraph.CallEdge(from: key.from, to: key.to, calls: tally.durations.count,
                                             errors: tally.errors, latency: LatencySummary(durations: tally.durations))
            },
            linkEdges: links.keys.sorted(by: byEnds).map { ServiceGraph.LinkEdge(from: $0.from, to: $0.to, links: links[$0]!) }
        )
    }
}
