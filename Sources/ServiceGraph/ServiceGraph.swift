import TraceModel

/// Services and the peers they call, joined by the calls between them
/// (parent span → child span) and by span links (linked-to span → linking span).
///
/// Everything in it is sorted, so that the same spans give the same graph
/// whatever order they came in.
public struct ServiceGraph: Hashable, Sendable {
    /// Nodes sorted by id.
    public var nodes: [Node]
    /// Call edges sorted by (from, to).
    public var callEdges: [CallEdge]
    /// Link edges sorted by (from, to).
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
}

/// A node's id: derived from its name alone, so that it is the same in every
/// run and every input, and safe to use as an identifier in DOT and SVG.
public struct NodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// The id of the service, or peer, with this name: `svc_` and the name's
    /// ASCII letters, digits, `_` and `-`, followed by a hash of the whole name
    /// when anything had to be left out. Safe as an XML or HTML id.
    public init(name: String) {
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
        if slug.count > 48 {
            slug = String(slug.prefix(48))
            isLossy = true
        }
        if isLossy || slug.isEmpty {
            slug += "_" + Self.fnv1a32(name)
        }
        rawValue = "svc_" + slug
    }

    private init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The node that stands for spans outside the input: targets of links that no input holds.
    public static let outsideInput = NodeID(rawValue: "outside_input")

    public var description: String { rawValue }

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func fnv1a32(_ text: String) -> String {
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
            /// A database that client spans call, known only from their attributes; `system` is `db.system`.
            case database(system: String)
            /// A queue or topic that producer spans send to; `system` is `messaging.system`.
            case messaging(system: String)
            /// Another peer named by a client span: `peer.service` or a server address.
            case remote
            /// Spans that links point at but no input holds.
            case outsideInput
        }

        public var id: NodeID
        /// The name shown: the service name, the peer's name, or a description of the stand-in.
        public var name: String
        public var kind: Kind
        /// Spans the node recorded (services only).
        public var spanCount: Int
        /// Of those, the ones that ended in error.
        public var errorSpanCount: Int

        public init(id: NodeID, name: String, kind: Kind, spanCount: Int = 0, errorSpanCount: Int = 0) {
            self.id = id
            self.name = name
            self.kind = kind
            self.spanCount = spanCount
            self.errorSpanCount = errorSpanCount
        }
    }

    /// Calls from one node to another: child spans of another service under
    /// spans of this one, or client spans to an uninstrumented peer.
    public struct CallEdge: Hashable, Sendable {
        public var from: NodeID
        public var to: NodeID
        /// How many calls: child spans (or, to a peer, client spans).
        public var calls: Int
        /// Of those, the ones that ended in error.
        public var errors: Int
        /// The called spans' durations.
        public var latency: LatencySummary

        public init(from: NodeID, to: NodeID, calls: Int, errors: Int, latency: LatencySummary) {
            self.from = from
            self.to = to
            self.calls = calls
            self.errors = errors
            self.latency = latency
        }
    }

    /// Span links from the spans of one node to the spans of another: the
    /// edge runs from the linked-to span's node to the linking span's node,
    /// the way causality flows. No timing is attached: none flows across a link.
    public struct LinkEdge: Hashable, Sendable {
        public var from: NodeID
        public var to: NodeID
        public var links: Int

        public init(from: NodeID, to: NodeID, links: Int) {
            self.from = from
            self.to = to
            self.links = links
        }
    }
}

/// Percentiles of a set of durations, by the nearest-rank method.
public struct LatencySummary: Hashable, Sendable {
    public var p50Nanos: UInt64
    public var p95Nanos: UInt64
    public var p99Nanos: UInt64
    public var maxNanos: UInt64

    public init(p50Nanos: UInt64, p95Nanos: UInt64, p99Nanos: UInt64, maxNanos: UInt64) {
        self.p50Nanos = p50Nanos
        self.p95Nanos = p95Nanos
        self.p99Nanos = p99Nanos
        self.maxNanos = maxNanos
    }

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
