import TraceModel

/// Services and the peers they call, joined by the calls between them
/// (parent span → child span, client span → peer) and by span links
/// (linked-to span → linking span).
///
/// Everything in it is sorted, so that the same spans give the same graph
/// whatever order they came in.
public struct ServiceGraph: Hashable, Sendable {
    /// Nodes sorted by id.
    public var nodes: [Node]
    /// Call edges sorted by (from, to).
    public var callEdges: [CallEdge]
    /// Link edges sorted by (from, to, operation).
    public var linkEdges: [LinkEdge]

    public init(nodes: [Node], callEdges: [CallEdge], linkEdges: [LinkEdge]) {
        self.nodes = nodes
        self.callEdges = callEdges
        self.linkEdges = linkEdges
    }

    /// The node with this id.
    public func node(_ id: NodeID) -> Node? {
        nodes.first { $0.id == id }
    }

    /// The node of the service with this name, if the graph has it.
    public func serviceNode(named name: String) -> Node? {
        nodes.first { $0.kind == .service && $0.name == name }
    }
}

/// A node's id in one graph: unique in it, the same in every run on the same spans, and safe
/// as an identifier in DOT, SVG, HTML and Mermaid: a prefix for the node's kind (`svc_`, `db_`,
/// `topic_`, `peer_`, and `group_` for a fan-out of peers a view draws as one), the name's ASCII
/// letters, digits, `_` and `-`, and a hash of the node's identity when anything had to be left
/// out, the name is long, or two nodes would otherwise share an id. The graph assigns ids
/// (``ServiceGraph/Node/identity``); nothing else makes them.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    package init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The node that stands for spans outside the input: targets of links that no input holds.
    public static let outsideInput = NodeID(rawValue: "outside_input")

    /// The node that a view draws for a caller's fan-out of leaf peers of one category
    /// (``GraphView``): `group_` and the caller's id, which no node of the graph's own starts with.
    static func collapsed(caller: NodeID, category: String) -> NodeID {
        NodeID(rawValue: "group_" + category + "_" + caller.rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The readable id of a node, before collisions in its graph are resolved: the prefix and the
    /// name's safe characters, with a hash of the identity when the name lost characters or length.
    static func readable(prefix: String, name: String, identity: String) -> NodeID {
        var slug = ""
        var isLossy = false
        for scalar in name.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-" {
                slug.unicodeScalars.append(scalar)
            } else {
                slug.append("_")
                isLossy = true
            }
        }
        if slug.count > 40 {
            slug = String(slug.prefix(40))
            isLossy = true
        }
        if isLossy || slug.isEmpty {
            slug += "_" + hashed(identity)
        }
        return NodeID(rawValue: prefix + slug)
    }

    /// The id with the identity's hash (and, past a collision of hashes, a counter) appended.
    static func disambiguated(_ id: NodeID, identity: String, attempt: Int) -> NodeID {
        NodeID(rawValue: id.rawValue + "_" + hashed(identity + (attempt == 0 ? "" : "#\(attempt)")))
    }

    private static func hashed(_ text: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

extension ServiceGraph {
    /// A service, an uninstrumented peer, or the stand-in for spans outside the input.
    public struct Node: Hashable, Sendable {
        public enum Kind: Hashable, Sendable {
            /// A service that recorded spans.
            case service
            /// A database that client spans call, known only from their attributes; `system` is
            /// `db.system.name` or `db.system`.
            case database(system: String)
            /// A queue or topic that producer spans send to and consumer spans receive from;
            /// `system` is `messaging.system`.
            case messaging(system: String)
            /// Another peer named by a span: `peer.service` or a server address.
            case remote
            /// Spans that links point at but no input holds.
            case outsideInput
        }

        public var id: NodeID
        /// The name shown: the service name, the peer's name, or a description of the stand-in.
        public var name: String
        public var kind: Kind
        /// Where the peer is (`server.address`), when that is part of what tells it apart.
        public var address: String?
        /// Spans the node recorded (services only).
        public var spanCount: Int
        /// Of those, the ones that ended in error.
        public var errorSpanCount: Int
        /// The names of the peers this node stands for, when a view drew a fan-out of leaf peers
        /// as one node (``GraphView/collapseLeavesAbove``); empty for a node of its own.
        public var members: [String]
        /// Whether `spanCount` and `errorSpanCount` were counted: false in a graph drawn from
        /// service-graph metrics, which count the calls between nodes, not the spans of each.
        public var spansCounted: Bool
        /// The group a service is drawn in, with the other services of its group: the value of its
        /// resource's `service.namespace` (or the attribute ``ServiceGraph/Options/groupAttribute``
        /// names); nil for none, and for peers.
        public var group: String?

        public init(id: NodeID, name: String, kind: Kind, address: String? = nil, spanCount: Int = 0, errorSpanCount: Int = 0,
                    spansCounted: Bool = true, members: [String] = [], group: String? = nil) {
            self.id = id
            self.name = name
            self.kind = kind
            self.address = address
            self.spanCount = spanCount
            self.errorSpanCount = errorSpanCount
            self.spansCounted = spansCounted
            self.members = members
            self.group = group
        }
    }

    /// Calls from one node to another: requests from a service to another service or to an
    /// uninstrumented peer, messages sent to a topic, and messages a topic delivered.
    public struct CallEdge: Hashable, Sendable {
        /// What the calls are.
        public enum Kind: Hashable, Sendable {
            /// Requests: a server span under a client span, a child span in another service, or a
            /// client span to a peer.
            case request
            /// Messages that producer spans sent to a topic.
            case publish
            /// Messages that consumer spans received from a topic.
            case deliver
        }

        /// How the two ends are connected, as Tempo's and the Collector's `connection_type` says.
        public enum Connection: String, Hashable, Sendable {
            /// Two instrumented services.
            case direct = ""
            /// A service and the database it calls.
            case database
            /// Through a message broker: producer and consumer, or a topic.
            case messaging = "messaging_system"
            /// A service and a peer that recorded no spans, known from attributes.
            case virtual = "virtual_node"
        }

        public var from: NodeID
        public var to: NodeID
        public var kind: Kind
        public var connection: Connection
        /// How many calls (requests or messages).
        public var calls: Int
        /// Of those, the ones that failed: the callee's span, or the caller's client or producer
        /// span, ended in error.
        public var errors: Int
        /// The called side's durations: the server or child spans, or for a peer, which recorded
        /// nothing, the client spans.
        public var latency: LatencySummary
        /// The calling side's durations (client spans), where pairs were counted (`--edges paired`).
        public var clientLatency: LatencySummary?
        /// How many edges this one stands for: 1, or more on the edge to a fan-out of leaf peers
        /// that a view drew as one node, whose latencies are then the largest of theirs,
        /// percentile by percentile.
        public var mergedEdges = 1

        public init(from: NodeID, to: NodeID, kind: Kind = .request, connection: Connection = .direct, calls: Int, errors: Int,
                    latency: LatencySummary, clientLatency: LatencySummary? = nil) {
            self.from = from
            self.to = to
            self.kind = kind
            self.connection = connection
            self.calls = calls
            self.errors = errors
            self.latency = latency
            self.clientLatency = clientLatency
        }

        /// The share of calls that failed, 0 to 1.
        public var errorRate: Double { calls == 0 ? 0 : Double(errors) / Double(calls) }
    }

    /// Span links from the spans of one node to the spans of another, of one operation: the edge
    /// runs from the linked-to span's node (or its topic) to the linking span's service, the way
    /// causality flows. A link adds to no duration; what it carries is the lag between cause and
    /// effect.
    public struct LinkEdge: Hashable, Sendable {
        public var from: NodeID
        public var to: NodeID
        /// The linking spans' name: links between two nodes are grouped by it, so that a retry, a
        /// compensation and a consumer are edges of their own. Empty when the input names none.
        public var operation: String
        public var links: Int
        /// How long after the linked-to span ended the linking span started, over the links whose
        /// target is in the input and started no earlier than it ended; nil when there are none.
        public var lag: LatencySummary?
        /// Links whose linking span started while the linked-to span was still running (a batch
        /// job's root span that lasts until its items are done, a stream): no lag; left out of `lag`.
        public var overlappingLinks: Int
        /// Links whose linking span started before the linked-to span did: an effect before its
        /// cause, which only clock skew between the two hosts explains; left out of `lag`.
        public var skewedLinks: Int
        /// The link attribute keys seen on these links, with how many links carry each, by key.
        public var attributeKeys: [KeyCount]
        /// Links the linking spans' SDKs dropped (`droppedLinksCount`): causes not counted in `links`.
        public var droppedLinks: Int

        public init(from: NodeID, to: NodeID, operation: String = "", links: Int, lag: LatencySummary? = nil,
                    overlappingLinks: Int = 0, skewedLinks: Int = 0, attributeKeys: [KeyCount] = [], droppedLinks: Int = 0) {
            self.from = from
            self.to = to
            self.operation = operation
            self.links = links
            self.lag = lag
            self.overlappingLinks = overlappingLinks
            self.skewedLinks = skewedLinks
            self.attributeKeys = attributeKeys
            self.droppedLinks = droppedLinks
        }
    }

    /// A key and how often it was seen.
    public struct KeyCount: Hashable, Sendable {
        public var key: String
        public var count: Int

        public init(key: String, count: Int) {
            self.key = key
            self.count = count
        }
    }
}

/// Percentiles of a set of durations: by the nearest-rank method from the durations themselves,
/// or estimated from the buckets of a latency histogram (``Basis``).
public struct LatencySummary: Hashable, Sendable {
    public var p50Nanos: UInt64
    public var p95Nanos: UInt64
    public var p99Nanos: UInt64
    public var maxNanos: UInt64
    /// How the figures were found.
    public var basis: Basis

    /// Where a summary's figures come from.
    public enum Basis: Hashable, Sendable {
        /// Every duration, by nearest rank: the figures are durations that occurred.
        case durations
        /// Estimated from the cumulative buckets of a latency histogram, as Prometheus's
        /// `histogram_quantile` estimates them: linear interpolation within the bucket that holds
        /// the rank, and the highest finite bound for a rank in the `+Inf` bucket. `maxNanos` is
        /// the upper bound of the highest finite bucket that holds an observation (the max is at
        /// most that); with `aboveFiniteBuckets`, some observations fell in the `+Inf` bucket
        /// alone, and all that is known of the max is that it is above `maxNanos`.
        case histogram(aboveFiniteBuckets: Bool)
        /// Nothing is known of the durations (metrics without a histogram for the edge): every
        /// figure is zero and none is shown.
        case unknown
    }

    public init(p50Nanos: UInt64, p95Nanos: UInt64, p99Nanos: UInt64, maxNanos: UInt64, basis: Basis = .durations) {
        self.p50Nanos = p50Nanos
        self.p95Nanos = p95Nanos
        self.p99Nanos = p99Nanos
        self.maxNanos = maxNanos
        self.basis = basis
    }

    /// No durations known.
    public static let unknown = LatencySummary(p50Nanos: 0, p95Nanos: 0, p99Nanos: 0, maxNanos: 0, basis: .unknown)

    /// The summary of these durations; all zero when there are none.
    public init(durations: [UInt64]) {
        guard !durations.isEmpty else {
            self.init(p50Nanos: 0, p95Nanos: 0, p99Nanos: 0, maxNanos: 0)
            return
        }
        // Each rank is found without sorting: it falls in the part at or after the one before.
        var values = durations
        var start = 0
        func rank(_ percent: Int) -> UInt64 {
            // Nearest rank: the smallest value with at least `percent`% of the values at or below it.
            let index = max(0, (percent * values.count + 99) / 100 - 1)
            values.placeSorted(at: index, searching: start..<values.count)
            start = index
            return values[index]
        }
        self.init(p50Nanos: rank(50), p95Nanos: rank(95), p99Nanos: rank(99),
                  maxNanos: values[start...].max()!)
    }
}

extension Array where Element == UInt64 {
    /// Puts at `index` the value a sort would put there, with none larger before it and none
    /// smaller after it within `range`, which must hold `index` and the values a sort would put
    /// there: quickselect, each round partitioning around the median of three, with a sort of
    /// what is left when the partitions keep coming out lopsided.
    mutating func placeSorted(at index: Int, searching range: Range<Int>) {
        var low = range.lowerBound
        var high = range.upperBound - 1
        var rounds = 0
        while low < high {
            rounds += 1
            if rounds > 64 {
                self[low...high].sort()
                return
            }
            let middle = low + (high - low) / 2
            let pivot = Swift.max(Swift.min(self[low], self[middle]), Swift.min(Swift.max(self[low], self[middle]), self[high]))
            var left = low
            var right = high
            while left <= right {
                while self[left] < pivot { left += 1 }
                while self[right] > pivot { right -= 1 }
                if left <= right {
                    swapAt(left, right)
                    left += 1
                    right -= 1
                }
            }
            // Now [low, right] holds values at most the pivot, [left, high] values at least it,
            // and anything between equals it.
            if index <= right {
                high = right
            } else if index >= left {
                low = left
            } else {
                return
            }
        }
    }
}
