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

    /// The peer a span's attributes name, if they name one.
    init?(attributes: [Attribute]) {
        guard !attributes.isEmpty else { return nil }
        // One pass over the attributes picks out the ones that name a peer (the first of each key).
        var peerService, dbSystemName, dbSystem, dbNamespace, dbName, messagingSystem: String?
        var destinationName, destination, serverAddress, netPeerName, httpHost: String?
        for attribute in attributes {
            guard case .string(let value) = attribute.value, !value.isEmpty else { continue }
            switch attribute.key {
            case "peer.service": peerService = peerService ?? value
            case "db.system.name": dbSystemName = dbSystemName ?? value
            case "db.system": dbSystem = dbSystem ?? value
            case "db.namespace": dbNamespace = dbNamespace ?? value
            case "db.name": dbName = dbName ?? value
            case "messaging.system": messagingSystem = messagingSystem ?? value
            case "messaging.destination.name": destinationName = destinationName ?? value
            case "messaging.destination": destination = destination ?? value
            case "server.address": serverAddress = serverAddress ?? value
            case "net.peer.name": netPeerName = netPeerName ?? value
            case "http.host": httpHost = httpHost ?? value
            default: continue
            }
        }
        let address = serverAddress ?? netPeerName ?? httpHost
        if let peerService {
            name = peerService
            kind = (dbSystemName ?? dbSystem).map { .database(system: $0) } ?? .remote
        } else if let system = dbSystemName ?? dbSystem {
            name = address ?? dbNamespace ?? dbName ?? system
            kind = .database(system: system)
        } else if let system = messagingSystem {
            name = destinationName ?? destination ?? system
            kind = .messaging(system: system)
        } else if let address {
            name = address
            kind = .remote
        } else {
            return nil
        }
    }
}
