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
    ///   peer through its attributes (`peer.service`, `db.system.name` or `db.system`,
    ///   `messaging.system`, `server.address`), and a call edge joins its service to that peer.
    public init(traces: TraceSet, options: Options = Options()) {
        var accumulator = Accumulator(options: options)
        for span in traces.spans { accumulator.receive(span) }
        self = accumulator.finish().graph
    }
}

/// A peer that a client or producer span names in its attributes.
struct UninstrumentedPeer: Hashable, Sendable {
    var name: String
    var kind: ServiceGraph.Node.Kind

    /// The attributes that name a peer: what a reader must keep for peer inference.
    static let attributeKeys = [
        "peer.service", "db.system.name", "db.system", "db.namespace", "db.name", "messaging.system",
        "messaging.destination.name", "messaging.destination", "server.address", "net.peer.name", "http.host",
    ]

    init?(span: Span) {
        let attributes = span.attributes
        guard !attributes.isEmpty else { return nil }
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
