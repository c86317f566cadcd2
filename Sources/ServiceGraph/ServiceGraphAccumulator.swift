import TraceModel

extension ServiceGraph {
    /// Builds a graph from spans as a reader streams them, keeping only a compact
    /// record of each span (its ids, parent, service, kind, error and duration,
    /// about 56 bytes) and the targets of its links.
    ///
    /// Accumulators filled from different parts of the input, in parallel, are
    /// merged in input order; a span repeated anywhere is counted once. The graph
    /// does not depend on the order of the spans.
    public struct Accumulator: SpanSink, Sendable {
        public let options: Options
        /// The records of merged accumulators and of closed parts, moved in whole, not copied.
        private var store = RecordStore()
        private var segmentLinks: [[LinkRecord]] = []
        /// The ids of the records in `store`, filled as parts are merged (on the merging thread,
        /// while readers parse the next parts), so that `finish()` has little left to do.
        private var table = SpanKeyTable()
        private var records: [Record] = []
        private var links: [LinkRecord] = []
        private var services: [String] = []
        private var serviceIndex: [String: UInt32] = [:]
        private var peers: [UninstrumentedPeer] = []
        private var peerIndex: [UninstrumentedPeer: UInt32] = [:]
        /// The last service seen and its index: spans of one resource come together.
        private var lastService: (name: String, index: UInt32)?

        public init(options: Options = Options()) {
            self.options = options
        }

        /// What a reader has to decode for a graph: no names, events, link attributes or
        /// scopes, and of the span attributes only those that name peers, on the client and
        /// producer spans that can name one.
        public static let readDetail = ReadDetail(
            names: false, events: false, linkAttributes: false, scopes: false,
            spanAttributeKeys: UninstrumentedPeer.attributeKeys, resourceAttributeKeys: [],
            spanAttributeKinds: [.client, .producer]
        )

        /// Spans received so far, repeats included.
        public var spanCount: Int { store.count + records.count }

        public mutating func receive(_ span: Span) {
            let service = intern(service: span.serviceName)
            var peer = Record.noPeer
            if options.inferUninstrumentedPeers, let named = UninstrumentedPeer(calledBy: span) {
                peer = intern(peer: named)
            }
            let index = UInt32(store.count + records.count)
            records.append(Record(
                traceID: span.traceID, spanID: span.spanID, parent: span.parentSpanID?.value ?? 0,
                duration: span.durationNanos, service: service, peer: peer, kind: span.kind, isError: span.isError
            ))
            for link in span.links { links.append(LinkRecord(span: index, target: link.target)) }
        }

        /// Appends what another accumulator received, as if its spans came after these. Its
        /// records are moved, not copied.
        public mutating func merge(_ other: consuming Accumulator) {
            // Nothing here yet: take the other whole, with the ids it has already looked up.
            if services.isEmpty, store.count == 0, other.options == options {
                self = other
                return
            }
            closeSegment()
            let serviceMap = other.services.map { intern(service: $0) }
            let peerMap = other.peers.map { intern(peer: $0) }
            other.closeSegment()
            let isIdentity = serviceMap.elementsEqual(0..<UInt32(serviceMap.count)) && peerMap.elementsEqual(0..<UInt32(peerMap.count))
            for (var segment, segmentLinkRecords) in zip(other.store.segments, other.segmentLinks) {
                if !isIdentity {
                    for index in segment.indices {
                        segment[index].service = serviceMap[Int(segment[index].service)]
                        if segment[index].peer != Record.noPeer { segment[index].peer = peerMap[Int(segment[index].peer)] }
                    }
                }
                store.append(segment)
                segmentLinks.append(segmentLinkRecords)
            }
            table.catchUp(with: store)
        }

        /// Closes the part received here, on the reader's thread: parents within it are found
        /// now, in parallel with other parts, so that `finish()` looks up only the rest.
        public mutating func finishPart() {
            closeSegment()
        }

        /// Moves the records received here into a segment of their own, with the parents found
        /// among them; its links then count spans from the segment's start.
        private mutating func closeSegment() {
            guard !records.isEmpty || !links.isEmpty else { return }
            let base = UInt32(store.count)
            for index in links.indices { links[index].span -= base }
            Self.findLocalParents(&records)
            store.append(records)
            segmentLinks.append(links)
            records = []
            links = []
        }

        /// Points each record whose parent is in the same segment at it.
        private static func findLocalParents(_ records: inout [Record]) {
            guard records.count > 1 else { return }
            var capacity = 16
            while capacity < records.count * 2 { capacity *= 2 }
            let mask = capacity - 1
            var slots = [Int32](repeating: -1, count: capacity)
            for index in records.indices {
                var slot = keyHash(records[index].traceID, records[index].spanID) & mask
                while slots[slot] >= 0 {
                    let other = records[Int(slots[slot])]
                    if other.spanID == records[index].spanID && other.traceID == records[index].traceID { break }
                    slot = (slot + 1) & mask
                }
                if slots[slot] < 0 { slots[slot] = Int32(index) }
            }
            for index in records.indices where records[index].parent != 0 {
                let traceID = records[index].traceID
                let parent = SpanID(records[index].parent)
                var slot = keyHash(traceID, parent) & mask
                while slots[slot] >= 0 {
                    let candidate = Int(slots[slot])
                    if records[candidate].spanID == parent && records[candidate].traceID == traceID {
                        records[index].localParent = Int32(candidate)
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
        }

        private mutating func intern(service name: String) -> UInt32 {
            if let last = lastService, last.name == name { return last.index }
            let index: UInt32
            if let known = serviceIndex[name] {
                index = known
            } else {
                index = UInt32(services.count)
                services.append(name)
                serviceIndex[name] = index
            }
            lastService = (name, index)
            return index
        }

        private mutating func intern(peer: UninstrumentedPeer) -> UInt32 {
            // Few peers, as usual: a look along the list costs less than hashing, and names of
            // another length are passed over without comparing their text.
            if peers.count <= 16 {
                let length = peer.name.utf8.count
                if let index = peers.firstIndex(where: { $0.name.utf8.count == length && $0 == peer }) { return UInt32(index) }
            } else if let known = peerIndex[peer] {
                return known
            }
            let index = UInt32(peers.count)
            peers.append(peer)
            peerIndex[peer] = index
            return index
        }

        /// The graph, and the numbers of what was read.
        public consuming func finish() -> (graph: ServiceGraph, summary: TraceSetSummary) {
            closeSegment()
            table.catchUp(with: store)
            var nodes = NodeTable(services: services, peers: peers)
            var calls = CallTallies(nodeCount: nodes.count)
            var linkCounts: [EdgeKey: Int] = [:]
            var hasChild = [Bool](repeating: false, count: store.count)
            var errorSpans = 0
            // Inserted one by one: a Set made from the records would reserve room for all of them.
            var traceIDs = TraceIDCounter()
            store.forEach { index, reference, record in
                guard !table.isDuplicate(index) else { return }
                traceIDs.insert(record.traceID)
                nodes.countSpan(service: record.service, isError: record.isError)
                if record.isError { errorSpans += 1 }
                guard record.parent != 0 else { return }
                // The parent found in the same segment, unless it repeats an earlier span: then the first one counts.
                var parentReference: RecordStore.Reference?
                if record.localParent >= 0 {
                    let local = RecordStore.reference(sameSegmentAs: reference, offset: Int(record.localParent))
                    if !table.isDuplicate(store.index(of: local)) { parentReference = local }
                }
                if parentReference == nil {
                    parentReference = table.reference(of: record.traceID, SpanID(record.parent), in: store)
                }
                guard let parentReference else { return }
                hasChild[store.index(of: parentReference)] = true
                let parent = store[parentReference]
                if parent.service != record.service {
                    calls.add(record, from: nodes.serviceNode(parent.service), to: nodes.serviceNode(record.service))
                }
            }
            if options.inferUninstrumentedPeers {
                store.forEach { index, _, record in
                    guard record.peer != Record.noPeer, !table.isDuplicate(index), !hasChild[index] else { return }
                    let from = nodes.serviceNode(record.service)
                    let to = nodes.peerNode(record.peer)
                    if from != to { calls.add(record, from: from, to: to) }
                }
            }
            var unresolved = 0
            var linkCount = 0
            var start = 0
            for (segment, segmentLinkRecords) in zip(store.segments, segmentLinks) {
                for link in segmentLinkRecords where !table.isDuplicate(start + Int(link.span)) {
                    linkCount += 1
                    let to = nodes.serviceNode(segment[Int(link.span)].service)
                    let from: Int
                    if let target = table.reference(of: link.target.traceID, link.target.spanID, in: store) {
                        from = nodes.serviceNode(store[target].service)
                    } else {
                        from = nodes.outsideInputNode()
                        unresolved += 1
                    }
                    linkCounts[EdgeKey(from: from, to: to), default: 0] += 1
                }
                start += segment.count
            }
            let summary = TraceSetSummary(
                traces: traceIDs.count,
                spans: store.count - table.duplicateCount,
                duplicateSpans: table.duplicateCount,
                links: linkCount,
                unresolvedLinks: unresolved,
                services: nodes.serviceNamesWithSpans(),
                errorSpans: errorSpans
            )
            return (nodes.graph(calls: calls.byEdge, links: linkCounts), summary)
        }
    }
}

/// The records of all segments, addressed by one index counted across them, without copying
/// them together; a packed reference holds a record's segment and its offset in it.
private struct RecordStore: Sendable {
    private(set) var segments: [[Record]] = []
    /// The index of each segment's first record.
    private var starts: [Int] = []
    private(set) var count = 0

    /// A record's (segment, offset) in one integer: the offset in the low 32 bits.
    typealias Reference = Int
    private static let offsetBits = 32

    mutating func append(_ segment: [Record]) {
        starts.append(count)
        count += segment.count
        segments.append(segment)
    }

    static func reference(segment: Int, offset: Int) -> Reference { segment << offsetBits | offset }

    /// Another record of the segment that `reference` is in.
    static func reference(sameSegmentAs reference: Reference, offset: Int) -> Reference {
        reference & ~(1 << offsetBits - 1) | offset
    }

    subscript(reference: Reference) -> Record {
        segments[reference >> Self.offsetBits][reference & (1 << Self.offsetBits - 1)]
    }

    /// The index counted across segments.
    func index(of reference: Reference) -> Int {
        starts[reference >> Self.offsetBits] + reference & (1 << Self.offsetBits - 1)
    }

    /// The reference of the record at an index counted across segments.
    func reference(ofIndex index: Int) -> Reference {
        // The last segment that starts at or before the index: an empty one holds no index.
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return Self.reference(segment: low, offset: index - starts[low])
    }

    func forEach(_ body: (Int, Reference, Record) -> Void) {
        var index = 0
        for (segmentIndex, segment) in segments.enumerated() {
            for offset in segment.indices {
                body(index, Self.reference(segment: segmentIndex, offset: offset), segment[offset])
                index += 1
            }
        }
    }
}

/// One span, as much of it as the graph needs.
private struct Record: Sendable {
    static let noPeer = UInt32.max

    var traceID: TraceID
    var spanID: SpanID
    /// The parent's span id; 0 for none.
    var parent: UInt64
    var duration: UInt64
    var service: UInt32
    var peer: UInt32
    /// The parent's position in the same segment, once found there; -1 otherwise.
    var localParent: Int32 = -1
    var kind: SpanKind
    var isError: Bool
}

private struct LinkRecord: Sendable {
    /// The index of the linking span's record.
    var span: UInt32
    var target: SpanKey
}

private struct EdgeKey: Hashable {
    var from: Int
    var to: Int
}

private struct CallTally {
    var errors = 0
    var durations: [UInt64] = []

    mutating func add(_ record: Record) {
        durations.append(record.duration)
        if record.isError { errors += 1 }
    }
}

/// Calls by edge: a dense matrix of tally numbers when there are few nodes (the usual case),
/// so that the hot loop hashes nothing; a dictionary otherwise.
private struct CallTallies {
    private let nodeCount: Int
    private var matrix: [Int32]
    private var sparse: [EdgeKey: Int] = [:]
    private var keys: [EdgeKey] = []
    private var tallies: [CallTally] = []

    init(nodeCount: Int) {
        self.nodeCount = nodeCount
        matrix = nodeCount <= 1024 ? [Int32](repeating: -1, count: nodeCount * nodeCount) : []
    }

    mutating func add(_ record: Record, from: Int, to: Int) {
        let index: Int
        if !matrix.isEmpty {
            let cell = from * nodeCount + to
            if matrix[cell] < 0 {
                matrix[cell] = Int32(tallies.count)
                appendTally(EdgeKey(from: from, to: to))
            }
            index = Int(matrix[cell])
        } else if let known = sparse[EdgeKey(from: from, to: to)] {
            index = known
        } else {
            index = tallies.count
            sparse[EdgeKey(from: from, to: to)] = index
            appendTally(EdgeKey(from: from, to: to))
        }
        tallies[index].add(record)
    }

    private mutating func appendTally(_ key: EdgeKey) {
        keys.append(key)
        tallies.append(CallTally())
    }

    var byEdge: [EdgeKey: CallTally] {
        Dictionary(uniqueKeysWithValues: zip(keys, tallies))
    }
}

/// Counts distinct trace ids with an open-addressing set: no per-insert hashing of the
/// standard library's kind, which the hot loop cannot afford.
private struct TraceIDCounter {
    private var slots = [TraceID](repeating: .zero, count: 1024)
    private var hasZero = false
    private(set) var count = 0
    /// The id counted last: the spans of a trace mostly come together, and it is not looked up again.
    private var last = TraceID.zero

    mutating func insert(_ id: TraceID) {
        if id == last, id != .zero { return }
        last = id
        if id == .zero {
            if !hasZero { hasZero = true; count += 1 }
            return
        }
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Self.hash(id) & mask
        while true {
            let stored = slots[slot]
            if stored == id { return }
            if stored == .zero {
                slots[slot] = id
                count += 1
                return
            }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [TraceID](repeating: .zero, count: old.count * 2)
        let mask = slots.count - 1
        for id in old where id != .zero {
            var slot = Self.hash(id) & mask
            while slots[slot] != .zero { slot = (slot + 1) & mask }
            slots[slot] = id
        }
    }

    private static func hash(_ id: TraceID) -> Int {
        var value = id.low ^ id.high &* 0x9E37_79B9_7F4A_7C15
        value ^= value >> 31
        value = value &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 29
        return Int(truncatingIfNeeded: value)
    }
}

/// An open-addressing hash table from (trace id, span id) to the first record with those ids,
/// filled a segment at a time. A slot holds the upper half of the ids' hash, which also places
/// it, and one more than the record's index across segments (0: empty), in 8 bytes: probes and
/// growth compare hashes and read a record only when they match.
private struct SpanKeyTable: Sendable {
    private var slots = [UInt64](repeating: 0, count: 16)
    private var used = 0
    /// Segments of the store already in the table.
    private var segmentsDone = 0
    /// Records that repeat an earlier record's ids, by index across segments.
    private var duplicates: [Bool] = []
    private(set) var duplicateCount = 0

    func isDuplicate(_ index: Int) -> Bool { duplicates[index] }

    /// The hash half that a slot keeps: it is also where the slot's probe starts.
    private static func tag(_ traceID: TraceID, _ spanID: SpanID) -> UInt64 {
        UInt64(UInt(bitPattern: keyHash(traceID, spanID))) >> 32
    }

    /// Adds the records of the segments added to the store since the last call.
    mutating func catchUp(with store: RecordStore) {
        precondition(store.count < Int(UInt32.max), "more span records than the key table can number")
        while segmentsDone < store.segments.count {
            let segment = store.segments[segmentsDone]
            let segmentStart = duplicates.count
            // At most two thirds full, so that probes stay short.
            while (used + segment.count) * 3 > slots.count * 2 { grow() }
            var slots = self.slots
            self.slots = []
            let mask = slots.count - 1
            for offset in segment.indices {
                let record = segment[offset]
                let tag = Self.tag(record.traceID, record.spanID)
                var slot = Int(tag) & mask
                var isDuplicate = false
                while true {
                    let stored = slots[slot]
                    if stored == 0 {
                        slots[slot] = tag << 32 | UInt64(segmentStart + offset + 1)
                        used += 1
                        break
                    }
                    if stored >> 32 == tag {
                        let other = store[store.reference(ofIndex: Int(stored & 0xFFFF_FFFF) - 1)]
                        if other.spanID == record.spanID && other.traceID == record.traceID {
                            isDuplicate = true
                            duplicateCount += 1
                            break
                        }
                    }
                    slot = (slot + 1) & mask
                }
                duplicates.append(isDuplicate)
            }
            self.slots = slots
            segmentsDone += 1
        }
    }

    private mutating func grow() {
        precondition(slots.count <= 1 << 31, "more span records than the key table can hold")
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        let mask = slots.count - 1
        for stored in old where stored != 0 {
            var slot = Int(stored >> 32) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = stored
        }
    }

    /// The reference of the first record with these ids.
    func reference(of traceID: TraceID, _ spanID: SpanID, in store: RecordStore) -> RecordStore.Reference? {
        let mask = slots.count - 1
        let tag = Self.tag(traceID, spanID)
        var slot = Int(tag) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { return nil }
            if stored >> 32 == tag {
                let reference = store.reference(ofIndex: Int(stored & 0xFFFF_FFFF) - 1)
                let record = store[reference]
                if record.spanID == spanID && record.traceID == traceID { return reference }
            }
            slot = (slot + 1) & mask
        }
    }
}

/// A hash of a span's ids for the open-addressing tables here.
private func keyHash(_ traceID: TraceID, _ spanID: SpanID) -> Int {
    var value = spanID.value ^ traceID.low &* 0x9E37_79B9_7F4A_7C15 ^ traceID.high
    value ^= value >> 29
    value = value &* 0xBF58_476D_1CE4_E5B9
    value ^= value >> 32
    return Int(truncatingIfNeeded: value)
}

/// The graph's nodes: services and peers by name (a peer that is also a service is that
/// service), and the stand-in for spans outside the input.
private struct NodeTable {
    private var nodes: [ServiceGraph.Node] = []
    private var byID: [NodeID: Int] = [:]
    private var serviceNodes: [Int]
    private var peerNodes: [Int] = []

    init(services: [String], peers: [UninstrumentedPeer]) {
        serviceNodes = []
        for name in services {
            serviceNodes.append(node(NodeID(name: name), name: name, kind: .service))
        }
        for peer in peers {
            peerNodes.append(node(NodeID(name: peer.name), name: peer.name, kind: peer.kind))
        }
    }

    private mutating func node(_ id: NodeID, name: String, kind: ServiceGraph.Node.Kind) -> Int {
        if let index = byID[id] { return index }
        nodes.append(ServiceGraph.Node(id: id, name: name, kind: kind))
        byID[id] = nodes.count - 1
        return nodes.count - 1
    }

    func serviceNode(_ service: UInt32) -> Int { serviceNodes[Int(service)] }
    var count: Int { nodes.count }
    func peerNode(_ peer: UInt32) -> Int { peerNodes[Int(peer)] }

    mutating func outsideInputNode() -> Int {
        node(.outsideInput, name: "spans outside the input", kind: .outsideInput)
    }

    mutating func countSpan(service: UInt32, isError: Bool) {
        let index = serviceNodes[Int(service)]
        nodes[index].spanCount += 1
        if isError { nodes[index].errorSpanCount += 1 }
    }

    func serviceNamesWithSpans() -> [String] {
        nodes.filter { $0.kind == .service && $0.spanCount > 0 }.map(\.name).sorted()
    }

    /// The graph: nodes that recorded spans or take part in an edge, everything sorted.
    func graph(calls: [EdgeKey: CallTally], links: [EdgeKey: Int]) -> ServiceGraph {
        var used = Set(calls.keys.flatMap { [$0.from, $0.to] } + links.keys.flatMap { [$0.from, $0.to] })
        for (index, node) in nodes.enumerated() where node.spanCount > 0 { used.insert(index) }
        func byEnds(_ a: (ServiceGraph.CallEdge), _ b: ServiceGraph.CallEdge) -> Bool { (a.from, a.to) < (b.from, b.to) }
        return ServiceGraph(
            nodes: used.map { nodes[$0] }.sorted { $0.id < $1.id },
            callEdges: calls.map { key, tally in
                ServiceGraph.CallEdge(from: nodes[key.from].id, to: nodes[key.to].id, calls: tally.durations.count,
                                      errors: tally.errors, latency: LatencySummary(durations: tally.durations))
            }.sorted(by: byEnds),
            linkEdges: links.map { key, count in
                ServiceGraph.LinkEdge(from: nodes[key.from].id, to: nodes[key.to].id, links: count)
            }.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
        )
    }
}
