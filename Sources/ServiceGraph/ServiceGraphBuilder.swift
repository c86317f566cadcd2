import TraceModel

extension ServiceGraph {
    /// Choices for building a graph.
    public struct Options: Hashable, Sendable {
        /// Add nodes for databases, queues and other peers that client and
        /// producer spans call but that recorded no spans of their own.
        public var inferUninstrumentedPeers: Bool
        /// Which spans make a call edge.
        public var edgeRule: EdgeRule
        /// The resource attribute whose value puts a service in a group (``Node/group``), drawn as
        /// a box around its services; nil groups none.
        public var groupAttribute: String?

        /// OpenTelemetry's attribute for a group of services, the default ``groupAttribute``.
        public static let namespaceAttribute = "service.namespace"

        public init(inferUninstrumentedPeers: Bool = true, edgeRule: EdgeRule = .boundary,
                    groupAttribute: String? = Options.namespaceAttribute) {
            self.inferUninstrumentedPeers = inferUninstrumentedPeers
            self.edgeRule = edgeRule
            self.groupAttribute = groupAttribute
        }
    }

    /// Which spans make a call edge.
    public enum EdgeRule: String, Hashable, Sendable, CaseIterable {
        /// Every crossing of a service boundary: a child span under a parent of another service
        /// (when the kinds say which child is the request, only that one), a server span under a
        /// client span of its own service, a client span to the peer it names when no callee
        /// recorded the call; producers to their topic and the topic to its consumers.
        case boundary
        /// Pairs, as Grafana Tempo's metrics-generator and the OpenTelemetry Collector's
        /// `servicegraph` connector count them: a client or producer span and each server or
        /// consumer span under it, with both sides' latency; a client span with database
        /// attributes and no server span calls its database; other unpaired client spans and root
        /// server spans call or are called by the virtual peer their attributes name, and by none
        /// when they name none (no generic `user` or `unknown` node).
        case paired
    }

    /// Builds the graph of a set of traces.
    ///
    /// - Calls follow `options.edgeRule` (``EdgeRule``): by default a child span under a parent of
    ///   another service (only the server or consumer child, when the kinds say which child is the
    ///   request), a server span under a client span of its own service, and, with
    ///   `inferUninstrumentedPeers`, a client span to the peer its attributes name unless a callee
    ///   recorded the call, a producer to its topic and the topic to its consumers. A call failed
    ///   when the callee's span or the caller's client or producer span failed.
    /// - A link edge joins the linked-to span's service (or its topic) to the linking span's
    ///   service, one per linking operation, with the lag; a link whose target no input holds
    ///   comes from the `outsideInput` node.
    /// - Records that share a span id are the halves of one call (``SharedSpanID``).
    public init(traces: TraceSet, options: Options = Options()) {
        var accumulator = Accumulator(options: options)
        for span in traces.spans { accumulator.receive(span) }
        self = accumulator.finish().graph
    }
}

/// A peer that a span names in its attributes: what a client span calls, the topic a producer
/// sends to or a consumer receives from, the caller a server span names. Its identity is its
/// kind, system, name and address: a PostgreSQL and a MySQL database called `orders` and a Kafka
/// topic `orders` are three peers; two databases called `postgres` on different hosts are two.
struct UninstrumentedPeer: Hashable, Sendable {
    var name: String
    var kind: ServiceGraph.Node.Kind
    /// `server.address` (or `net.peer.name`, `http.host`) of a database named otherwise.
    var address: String?
    /// Whether `peer.service` names it: then it is the service of that name when one recorded spans.
    var isNamedService: Bool

    /// The attributes that name a peer: what a reader must keep for peer inference.
    static let attributeKeys = PeerAttribute.allCases.map(\.key)

    /// The kinds of span whose attributes can name a peer.
    static let spanKinds: Set<SpanKind> = [.client, .producer, .consumer, .server]

    /// The peer a span names, if its attributes name one: a client or producer span its callee or
    /// topic, a consumer span its topic or broker, a server span its caller (`peer.service` only,
    /// as Zipkin's `remoteEndpoint.serviceName` reads). Inlined: for most spans, the kind alone answers.
    @inline(__always)
    init?(namedBy span: Span) {
        // Most spans keep no attribute that names a peer: no call for them.
        guard !span.attributes.isEmpty else { return nil }
        switch span.kind {
        case .client, .producer: self.init(attributes: span.attributes, messagingOnly: false)
        case .consumer: self.init(attributes: span.attributes, messagingOnly: true)
        case .server: self.init(attributes: span.attributes, peerServiceOnly: true)
        case .internal, .unspecified: return nil
        }
    }

    /// The peer a span's attributes name, if they name one. `messagingOnly`: a topic or the
    /// `peer.service` broker only; `peerServiceOnly`: `peer.service` only.
    @inline(__always)
    init?(attributes: [Attribute], messagingOnly: Bool = false, peerServiceOnly: Bool = false) {
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
        let databaseSystem = dbSystemName ?? dbSystem
        isNamedService = false
        self.address = nil
        if peerServiceOnly {
            guard let peerService else { return nil }
            name = peerService
            kind = .remote
            isNamedService = true
        } else if let system = messagingSystem, let topic = destinationName ?? destination {
            name = topic
            kind = .messaging(system: system)
        } else if let peerService {
            name = peerService
            kind = (messagingOnly ? nil : databaseSystem).map { .database(system: $0) } ?? .remote
            isNamedService = true
        } else if messagingOnly {
            return nil
        } else if let system = databaseSystem {
            if let named = dbNamespace ?? dbName {
                name = named
                self.address = address
            } else {
                name = address ?? system
            }
            kind = .database(system: system)
        } else if let system = messagingSystem {
            name = system
            kind = .messaging(system: system)
        } else if let address {
            name = address
            kind = .remote
        } else {
            return nil
        }
    }

    /// Whether this is a topic or queue.
    var isTopic: Bool {
        if case .messaging = kind { return true }
        return false
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
