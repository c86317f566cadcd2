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

extension ServiceGraph {
    /// The node of the peer that a client or producer span names in its attributes (`peer.service`,
    /// a database, a topic, a server address), if it names one. The graph draws such a peer for
    /// spans without children when it infers uninstrumented peers.
    public static func peerNodeID(of span: Span) -> NodeID? {
        UninstrumentedPeer(calledBy: span).map { NodeID(name: $0.name) }
    }
}

/// A peer that a client or producer span names in its attributes.
struct UninstrumentedPeer: Hashable, Sendable {
    var name: String
    var kind: ServiceGraph.Node.Kind

    /// The attributes that name a peer: what a reader must keep for peer inference.
    static let attributeKeys = PeerAttribute.allCases.map(\.key)

    /// The peer a client or producer span calls, if its attributes name one. Inlined: for most
    /// spans, the kind alone answers, without a call.
    @inline(__always)
    init?(calledBy span: Span) {
        guard span.kind == .client || span.kind == .producer else { return nil }
        self.init(attributes: span.attributes)
    }

    /// The peer a span's attributes name, if they name one.
    init?(attributes: [Attribute]) {
        guard !attributes.isEmpty else { return nil }
        // One pass over the attributes picks out the ones that name a peer (the first of each key).
        var peerService, dbSystemName, dbSystem, dbNamespace, dbName, messagingSystem: String?
        var destinationName, destination, serverAddress, netPeerName, httpHost: String?
        for attribute in attributes {
            guard case .string(let value) = attribute.value, !value.isEmpty,
                  let named = PeerAttribute(key: attribute.key) else { continue }
            switch named {
            case .peerService: peerService = peerService ?? value
            case .dbSystemName: dbSystemName = dbSystemName ?? value
            case .dbSystem: dbSystem = dbSystem ?? value
            case .dbNamespace: dbNamespace = dbNamespace ?? value
            case .dbName: dbName = dbName ?? value
            case .messagingSystem: messagingSystem = messagingSystem ?? value
            case .destinationName: destinationName = destinationName ?? value
            case .destination: destination = destination ?? value
            case .serverAddress: serverAddress = serverAddress ?? value
            case .netPeerName: netPeerName = netPeerName ?? value
            case .httpHost: httpHost = httpHost ?? value
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

/// An attribute that names a peer.
enum PeerAttribute: CaseIterable, Sendable {
    case peerService, dbSystemName, dbSystem, dbNamespace, dbName, messagingSystem, destinationName, destination,
         serverAddress, netPeerName, httpHost

    var key: String {
        switch self {
        case .peerService: "peer.service"
        case .dbSystemName: "db.system.name"
        case .dbSystem: "db.system"
        case .dbNamespace: "db.namespace"
        case .dbName: "db.name"
        case .messagingSystem: "messaging.system"
        case .destinationName: "messaging.destination.name"
        case .destination: "messaging.destination"
        case .serverAddress: "server.address"
        case .netPeerName: "net.peer.name"
        case .httpHost: "http.host"
        }
    }

    /// Each attribute with its key and the key's length in bytes.
    private static let keys = allCases.map { (attribute: $0, key: $0.key, length: $0.key.utf8.count) }

    /// The attribute a key names, if any: only keys of the same length are compared as text.
    init?(key: String) {
        let length = key.utf8.count
        guard let match = Self.keys.first(where: { $0.length == length && $0.key == key }) else { return nil }
        self = match.attribute
    }
}
