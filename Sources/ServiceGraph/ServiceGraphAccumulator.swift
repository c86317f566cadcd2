import TraceModel

extension ServiceGraph {
    /// Builds a graph from spans as a reader streams them, keeping only a compact
    /// record of each span (its span id, parent, start and duration, its trace and the
    /// service, peer, kind and error it shares with others by number: 40 bytes) and of each
    /// link (its target, the linking span's name and attribute keys).
    ///
    /// Accumulators filled from different parts of the input, in parallel, are
    /// merged in input order; a span repeated anywhere is counted once. The graph
    /// does not depend on the order of the spans.
    public struct Accumulator: SpanSink, Sendable {
        public let options: Options
        /// Which traces the graph counts; the others are read for what their spans are (a link
        /// into them still has its source), and counted as traces of the input.
        public let query: TraceQuery
        /// For each trace by number, a bit for each of the query's conditions that a span of it met.
        private var conditionMarks: [UInt64] = []
        /// The records of merged accumulators and of closed parts, moved in whole, not copied.
        private var store = RecordStore()
        private var segmentLinks: [[LinkRecord]] = []
        private var records: [Record] = []
        /// The trace ids of the records, numbered: a record keeps its trace's number.
        private var traces = TraceIDTable()
        /// What records share besides their trace (service, peer, kind, error), numbered.
        private var shapes = ShapeTable()
        private var links: [LinkRecord] = []
        private var services = Interned<String>()
        private var peers = Interned<UninstrumentedPeer>()
        /// Names of linking spans, and the sets of link attribute keys seen, numbered.
        private var operations = Interned<String>()
        private var keySets = Interned<[String]>()
        /// Links the SDKs dropped, by the linking span's service and name.
        private var droppedLinks: [DroppedLinksKey: Int] = [:]
        /// Links dropped, by the trace of the span that dropped them: kept only for a query, which
        /// counts those of the traces it selects.
        private var droppedLinksByTrace: [(trace: UInt32, key: DroppedLinksKey, count: Int)] = []
        private var emptyServiceNameSpans = 0
        /// Each service's group, by the service's number: the first value of `options.groupAttribute`
        /// its spans' resources carried; nil for none yet.
        private var groups: [String?] = []
        /// The last service seen and its index: spans of one resource come together.
        private var lastService: (name: String, index: UInt32)?
        private var lastKeySet: (keys: [String], index: UInt32)?
        /// The peers that recent attribute lists named, by span kind (``peerNamed(by:)``).
        private var recentPeers: [RecentPeer?] = []

        public init(options: Options = Options(), query: TraceQuery = TraceQuery()) {
            self.options = options
            var query = query
            // An accumulator is filled on one thread: its regular expressions are its own.
            query.conditions = query.conditions.map { $0.copiedForThisThread() }
            self.query = query
            _ = keySets.intern([])
        }

        /// What a reader has to decode for a graph: no events or scopes; the names of spans with
        /// links (links are grouped by them), link attribute keys, and of the span attributes
        /// only those that name peers, on the kinds of span that can name one.
        public static let readDetail = readDetail(for: Options())

        /// What a reader has to decode for a graph made with `options`: ``readDetail``, and the
        /// resource attribute that groups services.
        public static func readDetail(for options: Options) -> ReadDetail {
            ReadDetail(
                names: false, linkingSpanNames: true, events: false, linkAttributes: true, scopes: false,
                spanAttributeKeys: UninstrumentedPeer.attributeKeys, resourceAttributeKeys: options.groupAttribute.map { [$0] } ?? [],
                spanAttributeKinds: UninstrumentedPeer.spanKinds
            )
        }

        /// Spans received so far, repeats included.
        public var spanCount: Int { store.count + records.count }

        public mutating func receive(_ span: Span) {
            let service = intern(service: span.serviceName)
            if let key = options.groupAttribute, Int(service) >= groups.count || groups[Int(service)] == nil {
                noteGroup(of: service, in: span.resource, key: key)
            }
            var peer = Record.noPeer
            if options.inferUninstrumentedPeers, !span.attributes.isEmpty {
                peer = peerNamed(by: span)
            }
            if span.resource.hasEmptyServiceName { emptyServiceNameSpans += 1 }
            let index = UInt32(store.count + records.count)
            let trace = traces.intern(span.traceID)
            if !query.conditions.isEmpty { markConditions(metBy: span, trace: trace) }
            records.append(Record(
                trace: trace, spanID: span.spanID.value, parent: span.parentSpanID?.value ?? 0,
                start: span.startTimeUnixNano, duration: span.durationNanos,
                shape: shapes.intern(Shape(service: service, peer: peer, kind: span.kind, isError: span.isError))
            ))
            guard !span.links.isEmpty || span.droppedLinksCount > 0 else { return }
            let operation = operations.intern(span.name)
            for link in span.links {
                links.append(LinkRecord(span: index, target: link.target, operation: operation,
                                        attributeKeys: link.attributes.isEmpty ? 0 : intern(keysOf: link.attributes)))
            }
            if span.droppedLinksCount > 0 {
                let key = DroppedLinksKey(service: service, operation: operation)
                droppedLinks[key, default: 0] += Int(span.droppedLinksCount)
                if !query.selectsEverything { droppedLinksByTrace.append((records[records.count - 1].trace, key, Int(span.droppedLinksCount))) }
            }
        }

        /// Notes the query's conditions that `span` meets, on its trace.
        private mutating func markConditions(metBy span: Span, trace: UInt32) {
            var bits: UInt64 = 0
            for (bit, condition) in query.conditions.prefix(TraceQuery.maximumConditions).enumerated() where condition.isMet(by: span) {
                bits |= 1 << UInt64(bit)
            }
            guard bits != 0 else { return }
            if Int(trace) >= conditionMarks.count {
                conditionMarks += repeatElement(0, count: Int(trace) + 1 - conditionMarks.count)
            }
            conditionMarks[Int(trace)] |= bits
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
            let serviceMap = other.services.elements.map { intern(service: $0) }
            let peerMap = other.peers.elements.map { peers.intern($0) }
            let shapeMap = other.shapes.elements.map { shape in
                var mapped = shape
                mapped.service = serviceMap[Int(shape.service)]
                if shape.peer != Record.noPeer { mapped.peer = peerMap[Int(shape.peer)] }
                return shapes.intern(mapped)
            }
            let traceMap = other.traces.elements.map { traces.intern($0) }
            for (trace, bits) in other.conditionMarks.enumerated() where bits != 0 {
                let mapped = Int(traceMap[trace])
                if mapped >= conditionMarks.count { conditionMarks += repeatElement(0, count: mapped + 1 - conditionMarks.count) }
                conditionMarks[mapped] |= bits
            }
            let operationMap = other.operations.elements.map { operations.intern($0) }
            let keySetMap = other.keySets.elements.map { keySets.intern($0) }
            for (trace, key, count) in other.droppedLinksByTrace {
                droppedLinksByTrace.append((traceMap[Int(trace)],
                                            DroppedLinksKey(service: serviceMap[Int(key.service)], operation: operationMap[Int(key.operation)]), count))
            }
            for (key, count) in other.droppedLinks {
                droppedLinks[DroppedLinksKey(service: serviceMap[Int(key.service)], operation: operationMap[Int(key.operation)]),
                             default: 0] += count
            }
            emptyServiceNameSpans += other.emptyServiceNameSpans
            for (index, group) in other.groups.enumerated() {
                guard let group else { continue }
                let service = Int(serviceMap[index])
                if service >= groups.count { groups += Array(repeating: nil, count: service + 1 - groups.count) }
                if groups[service] == nil { groups[service] = group }
            }
            other.closeSegment()
            let isIdentity = shapeMap.isIdentity && traceMap.isIdentity
            let linksAreIdentity = operationMap.isIdentity && keySetMap.isIdentity
            for (var segment, var segmentLinkRecords) in zip(other.store.segments, other.segmentLinks) {
                if !isIdentity {
                    for index in segment.indices {
                        segment[index].shape = shapeMap[Int(segment[index].shape)]
                        segment[index].trace = traceMap[Int(segment[index].trace)]
                    }
                }
                if !linksAreIdentity {
                    for index in segmentLinkRecords.indices {
                        segmentLinkRecords[index].operation = operationMap[Int(segmentLinkRecords[index].operation)]
                        segmentLinkRecords[index].attributeKeys = keySetMap[Int(segmentLinkRecords[index].attributeKeys)]
                    }
                }
                store.append(segment)
                segmentLinks.append(segmentLinkRecords)
            }
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
                var slot = keyHash(records[index].trace, records[index].spanID) & mask
                while slots[slot] >= 0 {
                    let other = records[Int(slots[slot])]
                    if other.spanID == records[index].spanID && other.trace == records[index].trace { break }
                    slot = (slot + 1) & mask
                }
                if slots[slot] < 0 { slots[slot] = Int32(index) }
            }
            for index in records.indices where records[index].parentSpanID != 0 {
                let trace = records[index].trace
                let parent = records[index].parentSpanID
                var slot = keyHash(trace, parent) & mask
                while slots[slot] >= 0 {
                    let candidate = Int(slots[slot])
                    if records[candidate].spanID == parent && records[candidate].trace == trace {
                        records[index].setLocalParent(candidate)
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
        }

        /// The peer a span names, or `noPeer`: the spans of one call site carry the same attributes,
        /// so the answers for recent attribute lists are kept, in slots picked by the kind and the
        /// lengths of the first attribute, and compared first.
        private mutating func peerNamed(by span: Span) -> UInt32 {
            let kind = span.kind
            let first = span.attributes[0]
            var slotHash = Int(kind.rawValue) &* 31 &+ span.attributes.count &* 7
            slotHash = slotHash &+ first.key.utf8.count &* 13 &+ (first.value.stringValue?.utf8.count ?? 0) &* 17
            let slot = slotHash & (RecentPeer.slotCount - 1)
            if recentPeers.isEmpty { recentPeers = Array(repeating: nil, count: RecentPeer.slotCount) }
            if let entry = recentPeers[slot], entry.kind == kind, entry.attributes == span.attributes { return entry.peer }
            let peer = UninstrumentedPeer(namedBy: span).map { intern(peer: $0) } ?? Record.noPeer
            recentPeers[slot] = RecentPeer(kind: kind, attributes: span.attributes, peer: peer)
            return peer
        }

        private mutating func intern(peer: UninstrumentedPeer) -> UInt32 {
            // Few peers, as usual: a look along the list costs less than hashing, and names of
            // another length are passed over without comparing their text.
            if peers.count <= 16 {
                let length = peer.name.utf8.count
                for (index, known) in peers.elements.enumerated() where known.name.utf8.count == length && known == peer {
                    return UInt32(index)
                }
            }
            return peers.intern(peer)
        }

        /// The keys as the link lists them (its SDK lists them the same way each time), numbered;
        /// the set of the link before is tried first, as the links of a span mostly carry the same keys.
        private mutating func intern(keysOf attributes: [Attribute]) -> UInt32 {
            if let last = lastKeySet, last.keys.count == attributes.count,
               zip(last.keys, attributes).allSatisfy({ $0 == $1.key }) { return last.index }
            let keys = attributes.map(\.key)
            let index = keySets.intern(keys)
            lastKeySet = (keys, index)
            return index
        }

        /// Takes a service's group from a resource, when it names one.
        private mutating func noteGroup(of service: UInt32, in resource: Resource, key: String) {
            let index = Int(service)
            if index >= groups.count { groups += Array(repeating: nil, count: index + 1 - groups.count) }
            if let value = resource.attributes[key]?.stringValue, !value.isEmpty { groups[index] = value }
        }

        private mutating func intern(service name: String) -> UInt32 {
            if let last = lastService, last.name == name { return last.index }
            let index = services.intern(name)
            lastService = (name, index)
            return index
        }

        /// The graph, and the numbers of what was read.
        public consuming func finish() -> (graph: ServiceGraph, summary: TraceSetSummary) {
            let result = finish(attributingSpans: false)
            return (result.graph, result.summary)
        }

        /// The graph, the numbers of what was read and, when asked, which parent and which peer
        /// the graph gave each span: for a report that shows the graph's own reading of the spans.
        /// - Parameter listingTraces: whether the reading lists the ids of the traces counted even
        ///   when the query selects every trace.
        public consuming func finish(attributingSpans: Bool, listingTraces: Bool = false) -> Reading {
            closeSegment()
            // Sized once, now that the number of records is known.
            let table = SpanKeyTable(store)
            let selected = query.selectsEverything ? nil : selectedTraces(table: table)
            var droppedLinks = droppedLinks
            if let selected {
                droppedLinks = [:]
                for (trace, key, count) in droppedLinksByTrace where selected[Int(trace)] { droppedLinks[key, default: 0] += count }
            }
            var reading = EdgeBuilder(store: store, table: table, segmentLinks: segmentLinks, traces: traces, selected: selected,
                                      shapes: shapes.elements,
                                       services: services.elements, peers: options.inferUninstrumentedPeers ? peers.elements : [],
                                       operations: operations.elements, keySets: keySets.elements, droppedLinks: droppedLinks,
                                      rule: options.edgeRule)
            var (graph, attribution) = reading.build(attributingSpans: attributingSpans)
            var groupOfService: [String: String] = [:]
            for (index, group) in groups.enumerated() {
                if let group { groupOfService[services.elements[index]] = group }
            }
            if !groupOfService.isEmpty {
                for index in graph.nodes.indices where graph.nodes[index].kind == .service {
                    graph.nodes[index].group = groupOfService[graph.nodes[index].name]
                }
            }
            var summary = reading.summary
            summary.emptyServiceNameSpans = emptyServiceNameSpans
            summary.droppedLinks = droppedLinks.values.reduce(0, +)
            var traceIDs: [TraceID]?
            if let selected {
                summary.tracesInInput = traces.count
                traceIDs = selected.indices.filter { selected[$0] }.map { traces.elements[$0] }.sorted()
            } else if listingTraces {
                traceIDs = traces.elements.sorted()
            }
            return Reading(graph: graph, summary: summary, attribution: attribution, traceIDs: traceIDs)
        }

        /// The traces the query selects, by number (``CausalWalk``).
        private func selectedTraces(table: SpanKeyTable) -> [Bool] {
            var parents = [Int32](repeating: -1, count: store.count)
            var traceOf = [UInt32](repeating: 0, count: store.count)
            store.forEach { index, reference, record in
                traceOf[index] = record.trace
                if record.localParent >= 0 {
                    parents[index] = Int32(store.index(of: RecordStore.reference(sameSegmentAs: reference, offset: record.localParent)))
                } else if record.hasParent, let parent = table.reference(of: record.trace, store.parentSpanID(of: reference), in: store) {
                    parents[index] = Int32(store.index(of: parent))
                }
            }
            var links: [(linking: Int32, target: Int32)] = []
            var outside: [(target: SpanKey, linking: Int32)] = []
            var start = 0
            for (segment, segmentLinkRecords) in zip(store.segments, segmentLinks) {
                for link in segmentLinkRecords {
                    let linking = Int32(start + Int(link.span))
                    if let trace = traces.index(of: link.target.traceID),
                       let target = table.reference(of: trace, link.target.spanID.value, in: store) {
                        links.append((linking, Int32(store.index(of: target))))
                    } else {
                        outside.append((link.target, linking))
                    }
                }
                start += segment.count
            }
            let walk = CausalWalk(parents: parents, traceOf: traceOf, traceCount: traces.count, links: links, linksOutside: outside)
            let shapes = shapes.elements
            return walk.select(query, marks: conditionMarks, isError: { shapes[Int(store[store.reference(ofIndex: $0)].shape)].isError },
                               spansOf: { traceID, spanID in
                guard let trace = traces.index(of: traceID) else { return [] }
                if let spanID {
                    return table.reference(of: trace, spanID.value, in: store).map { [store.index(of: $0)] } ?? []
                }
                return traceOf.indices.filter { traceOf[$0] == trace }
            })
        }
    }

    /// What an accumulator made of its spans.
    public struct Reading: Sendable {
        public var graph: ServiceGraph
        public var summary: TraceSetSummary
        /// The graph's reading of each span, when it was asked for.
        public var attribution: SpanAttribution?
        /// The ids of the traces counted, sorted, when a query selected some or they were asked
        /// for (``Accumulator/finish(attributingSpans:listingTraces:)``); nil otherwise.
        public var traceIDs: [TraceID]?
    }

    /// The graph's reading of each span, by the order the accumulator received them: the one
    /// owner of which span is whose parent and which span calls which peer, for outputs that
    /// show spans (the report) as well as the graph.
    public struct SpanAttribution: Sendable {
        /// Each span's parent as the graph found it (the halves of a shared span id sorted out),
        /// by position; -1 for none, and for a repeated span.
        public var parents: [Int32]
        /// The spans the graph counts on an edge to or from a peer (a call to a database or remote
        /// peer, a message to or from a topic, a call from a named caller), with that peer's node.
        public var peerSpans: [(span: Int, node: NodeID)]
    }
}

/// One finish of an accumulator: the records read into nodes, edges and counts.
private struct EdgeBuilder {
    let store: RecordStore
    var table: SpanKeyTable
    let segmentLinks: [[LinkRecord]]
    let traces: TraceIDTable
    /// The traces counted, by number; nil for all.
    let selected: [Bool]?
    let shapes: [Shape]
    let services: [String]
    let peers: [UninstrumentedPeer]
    let operations: [String]
    let keySets: [[String]]
    let droppedLinks: [DroppedLinksKey: Int]
    let rule: ServiceGraph.EdgeRule
    var summary = TraceSetSummary(traces: 0, spans: 0, duplicateSpans: 0, links: 0, unresolvedLinks: 0,
                                  services: [], errorSpans: 0)

    /// What the graph knows of a record's place among its parent's children.
    private struct ChildFacts: OptionSet {
        let rawValue: UInt8
        /// A child in another service.
        static let childElsewhere = ChildFacts(rawValue: 1)
        /// A server or consumer child, in any service: the callee recorded the call.
        static let calleeChild = ChildFacts(rawValue: 2)
        /// A server or consumer child in another service: the kinds say which child is the request.
        static let calleeChildElsewhere = ChildFacts(rawValue: 4)
        /// A consumer whose message the graph counts through a topic already.
        static let deliveredViaTopic = ChildFacts(rawValue: 8)
    }

    /// Whether the record's trace is one the graph counts.
    private func isCounted(_ record: Record) -> Bool {
        selected.map { $0[Int(record.trace)] } ?? true
    }

    mutating func build(attributingSpans: Bool) -> (ServiceGraph, ServiceGraph.SpanAttribution?) {
        let (halves, conflicting) = sortOutSharedSpanIDs()
        var nodes = NodeTable(services: services, peers: peers)
        let count = store.count
        // Each record's parent by index, kept only for the attribution.
        var parents = [Int32](repeating: -1, count: attributingSpans ? count : 0)
        var errorSpans = 0

        let paired = rule == .paired
        // The client and producer spans that a callee child pairs with, for pairs.
        var isPaired = [Bool](repeating: false, count: paired ? count : 0)
        var facts = [ChildFacts](repeating: [], count: paired ? 0 : count)
        var calls = CallTallies(nodeCount: nodes.count)
        var peerSpans = PeerSpans(isKept: attributingSpans)
        func topic(of shape: Shape) -> UInt32? {
            guard shape.peer != Record.noPeer, peers[Int(shape.peer)].isTopic else { return nil }
            return shape.peer
        }
        /// Children of another service, not of a callee kind, under a client or producer span: a
        /// call only if no server or consumer child in another service says which child is the
        /// request, which is known once all children are seen.
        var undecided: [(index: Int, record: Record, parent: Shape)] = []

        // Each record's parent (in its own segment, else anywhere, then the right half of a shared
        // id), what the record says about it, and the call it is: a child span under a parent of
        // another service, a server span under a client span of its own (a loopback call), a
        // consumer under its producer (through the topic when either names one).
        var countedSpans = 0
        store.forEach { index, reference, record in
            guard !table.isDuplicate(index), isCounted(record) else { return }
            countedSpans += 1
            let shape = shapes[Int(record.shape)]
            nodes.countSpan(service: shape.service, isError: shape.isError)
            if shape.isError { errorSpans += 1 }
            var found: RecordStore.Reference
            if let group = halves.group(of: index), shape.kind.side == .callee, let caller = halves.caller(of: group) {
                found = store.reference(ofIndex: caller)
            } else {
                guard record.hasParent else { return }
                var parent: RecordStore.Reference?
                if record.localParent >= 0 {
                    let local = RecordStore.reference(sameSegmentAs: reference, offset: record.localParent)
                    if !table.isDuplicate(store.index(of: local)) { parent = local }
                }
                if parent == nil {
                    parent = table.reference(of: record.trace, store.parentSpanID(of: reference), in: store)
                }
                guard let parent else { return }
                found = parent
                if let group = halves.group(of: store.index(of: found)) {
                    let half = halves.half(of: group, forChildIn: shape.service)
                    if half == index { return }
                    found = store.reference(ofIndex: half)
                }
            }
            let parentIndex = store.index(of: found)
            if attributingSpans { parents[index] = Int32(parentIndex) }
            if paired {
                // Pairs are counted from the parents alone (each server or consumer span under a
                // client or producer span, failed when either side failed, with both sides'
                // durations); the children's facts serve the boundary rule.
                let parentRecord = store[found]
                let parent = shapes[Int(parentRecord.shape)]
                guard shape.kind.side == .callee, parent.kind.isOutgoing else { return }
                isPaired[parentIndex] = true
                calls.add(from: nodes.serviceNode(parent.service), to: nodes.serviceNode(shape.service), duration: record.duration,
                          failed: parent.isError || shape.isError, clientDuration: parentRecord.duration,
                          connection: parent.kind == .producer || shape.kind == .consumer ? .messaging : .direct)
                return
            }
            let parent = shapes[Int(store[found].shape)]
            let elsewhere = parent.service != shape.service
            let callee = shape.kind.side == .callee
            if elsewhere { facts[parentIndex].insert(.childElsewhere) }
            if callee { facts[parentIndex].insert(elsewhere ? [.calleeChild, .calleeChildElsewhere] : .calleeChild) }
            if shape.kind == .consumer, parent.kind == .producer, let topic = topic(of: parent) ?? topic(of: shape) {
                let topicNode = nodes.peerNode(topic)
                calls.add(from: topicNode, to: nodes.serviceNode(shape.service), duration: record.duration, failed: shape.isError)
                facts[index].insert(.deliveredViaTopic)
                peerSpans.append((index, topicNode))
                return
            }
            let failed = shape.isError || (parent.kind.isOutgoing && parent.isError)
            if elsewhere {
                if parent.kind.isOutgoing, !callee {
                    undecided.append((parentIndex, record, parent))
                    return
                }
                calls.add(from: nodes.serviceNode(parent.service), to: nodes.serviceNode(shape.service),
                          duration: record.duration, failed: failed)
            } else if parent.kind.isOutgoing, callee {
                let node = nodes.serviceNode(shape.service)
                calls.add(from: node, to: node, duration: record.duration, failed: failed)
            }
        }
        for (parentIndex, record, parent) in undecided where !facts[parentIndex].contains(.calleeChildElsewhere) {
            let shape = shapes[Int(record.shape)]
            calls.add(from: nodes.serviceNode(parent.service), to: nodes.serviceNode(shape.service),
                      duration: record.duration, failed: shape.isError || parent.isError)
        }
        if paired {
            addPeerCalls(paired: isPaired, nodes: nodes, calls: &calls, peerSpans: &peerSpans)
        }

        // Links, grouped by the linking span's name: from the linked-to span's service, or from
        // the topic when it is a producer span that names one (or the consumer linking to it does).
        var linkTallies: [LinkKey: LinkTally] = [:]
        var linkCount = 0
        var unresolved = 0
        var start = 0
        for (segment, segmentLinkRecords) in zip(store.segments, segmentLinks) {
            for link in segmentLinkRecords where !table.isDuplicate(start + Int(link.span)) && isCounted(segment[Int(link.span)]) {
                linkCount += 1
                let linkingIndex = start + Int(link.span)
                let linking = segment[Int(link.span)]
                let linkingShape = shapes[Int(linking.shape)]
                let to = nodes.serviceNode(linkingShape.service)
                let from: Int
                var lag: Int64?
                var targetDuration: UInt64 = 0
                if let trace = traces.index(of: link.target.traceID),
                   let target = table.reference(of: trace, link.target.spanID.value, in: store) {
                    let linked = store[target]
                    let linkedShape = shapes[Int(linked.shape)]
                    if !paired, linkedShape.kind == .producer,
                       let topic = topic(of: linkedShape) ?? (linkingShape.kind == .consumer ? topic(of: linkingShape) : nil) {
                        from = nodes.peerNode(topic)
                        if linkingShape.kind == .consumer {
                            facts[linkingIndex].insert(.deliveredViaTopic)
                            peerSpans.append((linkingIndex, from))
                        }
                    } else {
                        from = nodes.serviceNode(linkedShape.service)
                    }
                    lag = Int64(bitPattern: linking.start &- (linked.start &+ linked.duration))
                    targetDuration = linked.duration
                } else {
                    from = nodes.outsideInputNode()
                    unresolved += 1
                }
                linkTallies[LinkKey(from: from, to: to, operation: link.operation), default: LinkTally()]
                    .add(lag: lag, targetDuration: targetDuration, attributeKeys: link.attributeKeys)
            }
            start += segment.count
        }
        for (key, dropped) in droppedLinks {
            let to = nodes.serviceNode(key.service)
            let groups = linkTallies.filter { $0.key.to == to && $0.key.operation == key.operation }
            let target = groups.max { ($0.value.count, $1.key.from) < ($1.value.count, $0.key.from) }?.key
                ?? LinkKey(from: nodes.outsideInputNode(), to: to, operation: key.operation)
            linkTallies[target, default: LinkTally()].dropped += dropped
        }

        // Peers: what client spans call when no callee recorded the call, what producers send to
        // a topic, what consumers take from a topic or broker, who called a root server span.
        if !peers.isEmpty, !paired {
            store.forEach { index, reference, record in
                let shape = shapes[Int(record.shape)]
                guard shape.peer != Record.noPeer, !table.isDuplicate(index), isCounted(record) else { return }
                let peer = nodes.peerNode(shape.peer)
                let service = nodes.serviceNode(shape.service)
                switch shape.kind {
                case .client, .producer:
                    let isTopic = peers[Int(shape.peer)].isTopic
                    guard isTopic || !facts[index].contains(.childElsewhere) && !facts[index].contains(.calleeChild),
                          peer != service else { return }
                    calls.add(from: service, to: peer, duration: record.duration, failed: shape.isError)
                case .consumer:
                    guard !facts[index].contains(.deliveredViaTopic), peer != service else { return }
                    calls.add(from: peer, to: service, duration: record.duration, failed: shape.isError)
                case .server:
                    // A root: no parent id, or one that no input holds (a parent in the same
                    // segment is held); not the callee half of a shared id.
                    guard halves.group(of: index) == nil,
                          !record.hasParent || record.localParent < 0
                            && table.reference(of: record.trace, record.parentSpanID, in: store) == nil,
                          peer != service else { return }
                    calls.add(from: peer, to: service, duration: record.duration, failed: shape.isError)
                case .internal, .unspecified:
                    return
                }
                peerSpans.append((index, peer))
            }
        }

        summary = TraceSetSummary(
            // Every trace numbered has a first record, which is no repeat.
            traces: selected.map { $0.lazy.filter { $0 }.count } ?? traces.count,
            spans: countedSpans,
            duplicateSpans: table.duplicateCount - conflicting,
            links: linkCount,
            unresolvedLinks: unresolved,
            services: nodes.serviceNamesWithSpans(),
            errorSpans: errorSpans
        )
        summary.sharedSpanIDs = halves.groupCount
        summary.conflictingSpans = conflicting
        let (graph, ids) = nodes.graph(calls: calls, links: linkTallies, operations: operations, keySets: keySets)
        let attribution = attributingSpans
            ? ServiceGraph.SpanAttribution(
                parents: parents.enumerated().map { table.isDuplicate($0.offset) ? -1 : $0.element },
                peerSpans: Self.unique(peerSpans.pairs).map { ($0.span, ids[$0.node]) })
            : nil
        return (graph, attribution)
    }

    /// The peer calls of pairs (``ServiceGraph/EdgeRule/paired``), once the pairs are counted:
    /// unpaired client and producer spans to the database or virtual peer they name, and root server
    /// and consumer spans from the caller they name.
    private func addPeerCalls(paired isPaired: [Bool], nodes: NodeTable, calls: inout CallTallies,
                              peerSpans: inout PeerSpans) {
        guard !peers.isEmpty else { return }
        store.forEach { index, _, record in
            let shape = shapes[Int(record.shape)]
            guard shape.peer != Record.noPeer, !table.isDuplicate(index), isCounted(record) else { return }
            let peer = nodes.peerNode(shape.peer)
            let service = nodes.serviceNode(shape.service)
            guard peer != service else { return }
            if shape.kind.isOutgoing {
                guard !isPaired[index] else { return }
                let isDatabase = if case .database = peers[Int(shape.peer)].kind { true } else { false }
                calls.add(from: service, to: peer, duration: record.duration, failed: shape.isError,
                          clientDuration: record.duration, connection: isDatabase ? .database : .virtual)
            } else {
                // A root's caller, named; a span whose parent is lost was called by someone unknown.
                guard !record.hasParent else { return }
                calls.add(from: peer, to: service, duration: record.duration, failed: shape.isError, connection: .virtual)
            }
            peerSpans.append((index, peer))
        }
    }

    /// Each (span, node) once, sorted: a consumer linking to several producers of one topic is one span of it.
    private static func unique(_ pairs: [(span: Int, node: Int)]) -> [(span: Int, node: Int)] {
        var result: [(span: Int, node: Int)] = []
        for pair in pairs.sorted(by: { ($0.span, $0.node) < ($1.span, $1.node) }) where result.last.map({ $0 != pair }) ?? true {
            result.append(pair)
        }
        return result
    }

    /// Finds the records that repeat another's ids but are the other half of its call
    /// (``SharedSpanID``), takes them off the list of repeats and groups them; counts the repeats
    /// that differ from the record they repeat (``SharedSpanID/Content``).
    private mutating func sortOutSharedSpanIDs() -> (halves: SharedSpanHalves, conflicting: Int) {
        var halves = SharedSpanHalves()
        var conflicting = 0
        for index in table.duplicateIndices {
            let reference = store.reference(ofIndex: index)
            let record = store[reference]
            guard let firstReference = table.reference(of: record.trace, record.spanID, in: store) else { continue }
            let first = store.index(of: firstReference)
            let shape = shapes[Int(record.shape)]
            let firstShape = shapes[Int(store[firstReference].shape)]
            if let repeated = halves.add(
                index, as: SharedSpanID.Half(service: services[Int(shape.service)], side: shape.kind.side),
                toGroupOf: first, firstAs: SharedSpanID.Half(service: services[Int(firstShape.service)], side: firstShape.kind.side)) {
                if content(of: reference) != content(of: store.reference(ofIndex: repeated)) { conflicting += 1 }
            } else {
                table.markNotDuplicate(index)
            }
        }
        halves.settle { shapes[Int(store[store.reference(ofIndex: $0)].shape)] } serviceName: { services[Int($0.service)] }
        return (halves, conflicting)
    }

    /// What a repeat of a record is compared on.
    private func content(of reference: RecordStore.Reference) -> SharedSpanID.Content {
        let record = store[reference]
        let shape = shapes[Int(record.shape)]
        return SharedSpanID.Content(parent: store.parentSpanID(of: reference), start: record.start, duration: record.duration,
                                    kind: shape.kind, isError: shape.isError)
    }
}

/// The spans the graph counts on an edge to or from a peer, with the peer's node: kept only
/// for an attribution, which shows them (one entry a span, 16 bytes, otherwise).
private struct PeerSpans {
    let isKept: Bool
    private(set) var pairs: [(span: Int, node: Int)] = []

    mutating func append(_ pair: (span: Int, node: Int)) {
        if isKept { pairs.append(pair) }
    }
}

/// The groups of records that carry one span id as halves of one call, by their members' indices.
private struct SharedSpanHalves {
    private struct Group {
        var members: [Int]
        /// Each half, and the member that is it.
        var halves: [SharedSpanID.Half: Int]
        /// The caller's half, which the callee halves hang under, once settled.
        var caller: Int?
        /// For each service, the half its children hang under, once settled.
        var halfOfService: [UInt32: Int] = [:]
    }

    /// Each member's group; a group is numbered by its first record.
    private var groupOf: [Int: Int] = [:]
    private var groups: [Int: Group] = [:]

    var groupCount: Int { groups.count }

    func group(of index: Int) -> Int? {
        groupOf.isEmpty ? nil : groupOf[index]
    }

    /// Adds a record to the group of the first record with its ids, if it is a half the group does
    /// not have yet, and returns nil; otherwise returns the member it repeats.
    mutating func add(_ index: Int, as half: SharedSpanID.Half, toGroupOf first: Int, firstAs firstHalf: SharedSpanID.Half) -> Int? {
        guard half != firstHalf else { return first }
        if let repeated = groups[first]?.halves[half] { return repeated }
        // In place: a copy of the group for every record would make many records of one id quadratic.
        groups[first, default: Group(members: [first], halves: [firstHalf: first])].halves[half] = index
        groups[first]!.members.append(index)
        groupOf[first] = first
        groupOf[index] = first
        return nil
    }

    /// Orders every group's members (callee halves first, then by service name, then by position)
    /// so that the choices below do not depend on input order, and makes those choices.
    mutating func settle(_ record: (Int) -> Shape, serviceName: (Shape) -> String) {
        for (first, var group) in groups {
            let sorted = group.members.map { (index: $0, record: record($0)) }.sorted { a, b in
                let leftCallee = a.record.kind.side == .callee, rightCallee = b.record.kind.side == .callee
                if leftCallee != rightCallee { return leftCallee }
                let (leftName, rightName) = (serviceName(a.record), serviceName(b.record))
                return leftName != rightName ? leftName < rightName : a.index < b.index
            }
            group.members = sorted.map(\.index)
            group.caller = sorted.first { $0.record.kind.side == .caller }?.index
            for member in sorted where group.halfOfService[member.record.service] == nil {
                group.halfOfService[member.record.service] = member.index
            }
            groups[first] = group
        }
    }

    /// The caller's half of a group, which the callee halves hang under, if it has one.
    func caller(of group: Int) -> Int? {
        groups[group]!.caller
    }

    /// The half a child of the shared id hangs under: the callee half of its own service (the
    /// callee's process made it), else any half of its service (a local child of the client half,
    /// such as a DNS lookup), else the first callee half.
    func half(of group: Int, forChildIn service: UInt32) -> Int {
        let group = groups[group]!
        return group.halfOfService[service] ?? group.members[0]
    }
}

/// Values numbered in the order first interned.
private struct Interned<Value: Hashable & Sendable>: Sendable {
    private(set) var elements: [Value] = []
    private var index: [Value: UInt32] = [:]

    var isEmpty: Bool { elements.isEmpty }
    var count: Int { elements.count }

    mutating func intern(_ value: Value) -> UInt32 {
        if let known = index[value] { return known }
        let position = UInt32(elements.count)
        elements.append(value)
        index[value] = position
        return position
    }
}

extension Array where Element == UInt32 {
    /// Whether every element equals its position.
    fileprivate var isIdentity: Bool { elementsEqual(0..<UInt32(count)) }
}

/// An attribute list a span of a kind carried, and the peer it named.
private struct RecentPeer: Sendable {
    static let slotCount = 16
    var kind: SpanKind
    var attributes: [Attribute]
    var peer: UInt32
}

private struct DroppedLinksKey: Hashable, Sendable {
    var service: UInt32
    var operation: UInt32
}

/// The records of all segments, addressed by one index counted across them, without copying
/// them together; a packed reference holds a record's segment and its offset in it.
struct RecordStore: Sendable {
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

    /// The span id of a record's parent, 0 for none: the parent record's own, once it is found in the segment.
    func parentSpanID(of reference: Reference) -> UInt64 {
        let record = self[reference]
        let local = record.localParent
        return local < 0 ? record.parentSpanID : self[Self.reference(sameSegmentAs: reference, offset: local)].spanID
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

/// One span, as much of it as the graph needs, in 40 bytes: its trace and its shape (service,
/// peer, kind, error) by number, shared with the other spans of the trace and of the shape.
struct Record: Sendable {
    /// The peer of a shape that names none.
    static let noPeer = UInt32.max
    /// Set in `traceAndFlag` once `parentOrOffset` holds the parent's offset in the segment.
    private static let localParentFlag: UInt32 = 1 << 31

    var spanID: UInt64
    /// The parent's span id, 0 for none; once the parent is found in the same segment, its offset there.
    private var parentOrOffset: UInt64
    var start: UInt64
    var duration: UInt64
    /// The trace's number (``TraceIDTable``), and `localParentFlag`.
    private var traceAndFlag: UInt32
    /// The number of the record's ``Shape``.
    var shape: UInt32

    init(trace: UInt32, spanID: UInt64, parent: UInt64, start: UInt64, duration: UInt64, shape: UInt32) {
        precondition(trace < Self.localParentFlag, "more traces than a record can number")
        self.spanID = spanID
        parentOrOffset = parent
        self.start = start
        self.duration = duration
        traceAndFlag = trace
        self.shape = shape
    }

    var trace: UInt32 {
        get { traceAndFlag & ~Self.localParentFlag }
        set {
            precondition(newValue < Self.localParentFlag, "more traces than a record can number")
            traceAndFlag = traceAndFlag & Self.localParentFlag | newValue
        }
    }

    /// Whether the span names a parent.
    var hasParent: Bool { traceAndFlag & Self.localParentFlag != 0 || parentOrOffset != 0 }

    /// The parent's offset in the same segment, once found there; -1 otherwise.
    var localParent: Int { traceAndFlag & Self.localParentFlag != 0 ? Int(parentOrOffset) : -1 }

    /// The parent's span id (0: none) while the parent is not found in the segment; once it is,
    /// the parent record holds it (``RecordStore/parentSpanID(of:)``).
    var parentSpanID: UInt64 {
        assert(localParent < 0, "the parent's span id is the local parent's")
        return parentOrOffset
    }

    /// Says that the parent is the record at `offset` in the same segment.
    mutating func setLocalParent(_ offset: Int) {
        parentOrOffset = UInt64(offset)
        traceAndFlag |= Self.localParentFlag
    }
}

/// What a record shares with many others: its service, the peer it names, its kind and its error.
struct Shape: Hashable, Sendable {
    var service: UInt32
    /// The peer the span names (``UninstrumentedPeer``), or `Record.noPeer`.
    var peer: UInt32
    var kind: SpanKind
    var isError: Bool
}

extension Shape: NumberedElement {
    var tableHash: Int {
        var value = (UInt64(service) << 32 | UInt64(peer)) ^ UInt64(kind.rawValue) << 1 &* 0x9E37_79B9_7F4A_7C15
        if isError { value = ~value }
        value ^= value >> 29
        value = value &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 32
        return Int(truncatingIfNeeded: value)
    }
}

private struct LinkRecord: Sendable {
    /// The index of the linking span's record.
    var span: UInt32
    var target: SpanKey
    /// The linking span's name, numbered.
    var operation: UInt32
    /// The link's attribute keys, as a numbered set (0: none).
    var attributeKeys: UInt32
}

private struct EdgeKey: Hashable {
    var from: Int
    var to: Int
}

private struct LinkKey: Hashable {
    var from: Int
    var to: Int
    var operation: UInt32
}

/// The calls of one edge.
private struct CallTally {
    var errors = 0
    var durations: [UInt64] = []
    /// The calling side's durations, where pairs are counted.
    var clientDurations: [UInt64] = []
    /// How the ends are connected, where the rule says so; else the nodes' kinds tell.
    var connection: ServiceGraph.CallEdge.Connection?
}

/// The links of one edge and operation.
private struct LinkTally {
    var count = 0
    var lags: [UInt64] = []
    var overlapping = 0
    var skewed = 0
    var keySets: [UInt32: Int] = [:]
    var dropped = 0

    /// - Parameters:
    ///   - lag: the linking span's start less the linked-to span's end, when the target is known.
    ///   - targetDuration: the linked-to span's duration.
    mutating func add(lag: Int64?, targetDuration: UInt64, attributeKeys: UInt32) {
        count += 1
        if let lag {
            if lag >= 0 {
                lags.append(UInt64(lag))
            } else if lag.magnitude <= targetDuration {
                overlapping += 1
            } else {
                skewed += 1
            }
        }
        if attributeKeys != 0 { keySets[attributeKeys, default: 0] += 1 }
    }
}

/// Calls by edge, in the order edges were first met: a dense matrix of tally numbers when there
/// are few nodes (the usual case), so that the hot loop hashes nothing; a dictionary otherwise.
private struct CallTallies {
    private let nodeCount: Int
    private var matrix: [Int32]
    private var sparse: [EdgeKey: Int] = [:]
    private(set) var keys: [EdgeKey] = []
    private(set) var tallies: [CallTally] = []

    init(nodeCount: Int) {
        self.nodeCount = nodeCount
        matrix = nodeCount <= 1024 ? [Int32](repeating: -1, count: nodeCount * nodeCount) : []
    }

    mutating func add(from: Int, to: Int, duration: UInt64, failed: Bool,
                      clientDuration: UInt64? = nil, connection: ServiceGraph.CallEdge.Connection? = nil) {
        let position: Int
        if !matrix.isEmpty, from < nodeCount, to < nodeCount {
            let cell = from * nodeCount + to
            if matrix[cell] < 0 {
                matrix[cell] = Int32(tallies.count)
                appendTally(EdgeKey(from: from, to: to))
            }
            position = Int(matrix[cell])
        } else if let known = sparse[EdgeKey(from: from, to: to)] {
            position = known
        } else {
            position = tallies.count
            sparse[EdgeKey(from: from, to: to)] = position
            appendTally(EdgeKey(from: from, to: to))
        }
        tallies[position].durations.append(duration)
        if failed { tallies[position].errors += 1 }
        if let clientDuration { tallies[position].clientDurations.append(clientDuration) }
        if let connection, tallies[position].connection != .messaging { tallies[position].connection = connection }
    }

    private mutating func appendTally(_ key: EdgeKey) {
        keys.append(key)
        tallies.append(CallTally())
    }
}

/// Values numbered in the order first seen, in an open-addressing table that hashes them without
/// the standard library's hasher, since every span is looked up: the trace ids of an accumulator's
/// records (``TraceIDTable``: a record keeps its trace's number, 4 bytes for 16, and the number of
/// traces is the table's count) and their shapes (``ShapeTable``).
struct NumberingTable<Element: NumberedElement>: Sendable {
    /// The values, by number.
    private(set) var elements: [Element] = []
    /// One more than the number of the value placed there; 0: empty. A power of two, at most half full.
    private var slots = [UInt32](repeating: 0, count: 16)
    /// The value numbered last: the spans of a trace, and of a resource, mostly come together.
    private var last: (element: Element, index: UInt32)?

    var count: Int { elements.count }

    /// The value's number, given it now if it has none.
    mutating func intern(_ element: Element) -> UInt32 {
        if let last, last.element == element { return last.index }
        let mask = slots.count - 1
        var slot = element.tableHash & mask
        while slots[slot] != 0 {
            let index = slots[slot] - 1
            if elements[Int(index)] == element {
                last = (element, index)
                return index
            }
            slot = (slot + 1) & mask
        }
        precondition(elements.count < 1 << 31 - 1, "more values than a record can number")
        let index = UInt32(elements.count)
        elements.append(element)
        slots[slot] = index + 1
        if elements.count * 2 > slots.count { grow() }
        last = (element, index)
        return index
    }

    /// The value's number, if it has one.
    func index(of element: Element) -> UInt32? {
        let mask = slots.count - 1
        var slot = element.tableHash & mask
        while slots[slot] != 0 {
            if elements[Int(slots[slot] - 1)] == element { return slots[slot] - 1 }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private mutating func grow() {
        var slots = [UInt32](repeating: 0, count: self.slots.count * 2)
        self.slots = []
        let mask = slots.count - 1
        for (index, element) in elements.enumerated() {
            var slot = element.tableHash & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(index) + 1
        }
        self.slots = slots
    }
}

/// A value a ``NumberingTable`` numbers, with a cheap hash that mixes all its bits.
protocol NumberedElement: Equatable, Sendable {
    var tableHash: Int { get }
}

typealias TraceIDTable = NumberingTable<TraceID>
typealias ShapeTable = NumberingTable<Shape>

extension TraceID: NumberedElement {
    var tableHash: Int {
        var value = low ^ high &* 0x9E37_79B9_7F4A_7C15
        value ^= value >> 31
        value = value &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 29
        return Int(truncatingIfNeeded: value)
    }
}

/// An open-addressing hash table from (trace, span id) to the first record with those ids, built
/// once, when all the records are in: sized for them and no more (at most 70% full, any size, not
/// the next power of two), so that it is never grown, which would briefly hold two tables. A slot
/// holds the upper half of the ids' hash, which also places it, and one more than the record's
/// index across segments (0: empty), in 8 bytes: probes compare hashes and read a record only
/// when they match.
struct SpanKeyTable: Sendable {
    private var slots: [UInt64]
    /// Which records repeat an earlier record's ids, a bit each, by index across segments.
    private var duplicates: [UInt64]
    private(set) var duplicateCount = 0
    /// The indices of the records marked as repeats, in order.
    private(set) var duplicateIndices: [Int] = []

    /// Slots for `count` records.
    static func capacity(for count: Int) -> Int { max(16, count + count * 3 / 7 + 1) }

    /// The table of every record in the store.
    init(_ store: RecordStore) {
        precondition(store.count < Int(UInt32.max), "more span records than the key table can number")
        slots = [UInt64](repeating: 0, count: Self.capacity(for: store.count))
        duplicates = [UInt64](repeating: 0, count: (store.count + 63) / 64)
        var slots = self.slots
        self.slots = []
        let capacity = slots.count
        var index = 0
        for segment in store.segments {
            for record in segment {
                let tag = Self.tag(record.trace, record.spanID)
                var slot = Self.home(tag, capacity)
                while true {
                    let stored = slots[slot]
                    if stored == 0 {
                        slots[slot] = tag << 32 | UInt64(index + 1)
                        break
                    }
                    if stored >> 32 == tag {
                        let other = store[store.reference(ofIndex: Int(stored & 0xFFFF_FFFF) - 1)]
                        if other.spanID == record.spanID && other.trace == record.trace {
                            duplicates[index >> 6] |= 1 << UInt64(index & 63)
                            duplicateCount += 1
                            duplicateIndices.append(index)
                            break
                        }
                    }
                    slot += 1
                    if slot == capacity { slot = 0 }
                }
                index += 1
            }
        }
        self.slots = slots
    }

    func isDuplicate(_ index: Int) -> Bool { duplicates[index >> 6] >> UInt64(index & 63) & 1 != 0 }

    /// Takes a record off the repeats: it is the other half of a call recorded under the same ids.
    /// Lookups by its ids still find the first record.
    mutating func markNotDuplicate(_ index: Int) {
        guard isDuplicate(index) else { return }
        duplicates[index >> 6] &= ~(1 << UInt64(index & 63))
        duplicateCount -= 1
    }

    /// The hash half that a slot keeps: it also places the slot.
    private static func tag(_ trace: UInt32, _ spanID: UInt64) -> UInt64 {
        UInt64(UInt(bitPattern: keyHash(trace, spanID))) >> 32
    }

    /// Where a tag's probe starts: the tag scaled to the table's size.
    private static func home(_ tag: UInt64, _ capacity: Int) -> Int {
        Int(truncatingIfNeeded: (tag &* UInt64(capacity)) >> 32)
    }

    /// The reference of the first record with these ids.
    func reference(of trace: UInt32, _ spanID: UInt64, in store: RecordStore) -> RecordStore.Reference? {
        let tag = Self.tag(trace, spanID)
        let capacity = slots.count
        var slot = Self.home(tag, capacity)
        while true {
            let stored = slots[slot]
            if stored == 0 { return nil }
            if stored >> 32 == tag {
                let reference = store.reference(ofIndex: Int(stored & 0xFFFF_FFFF) - 1)
                let record = store[reference]
                if record.spanID == spanID && record.trace == trace { return reference }
            }
            slot += 1
            if slot == capacity { slot = 0 }
        }
    }
}

/// A hash of a span's ids, its trace by number, for the open-addressing tables here.
private func keyHash(_ trace: UInt32, _ spanID: UInt64) -> Int {
    var value = spanID ^ UInt64(trace) &* 0x9E37_79B9_7F4A_7C15
    value ^= value >> 29
    value = value &* 0xBF58_476D_1CE4_E5B9
    value ^= value >> 32
    return Int(truncatingIfNeeded: value)
}

/// The graph's nodes: services by name, peers by identity (a peer that `peer.service` names and
/// that recorded spans is that service), and the stand-in for spans outside the input.
private struct NodeTable {
    private var nodes: [ServiceGraph.Node] = []
    private var serviceNodes: [Int] = []
    private var peerNodes: [Int] = []
    private var outsideInput: Int?

    init(services: [String], peers: [UninstrumentedPeer]) {
        var byName: [String: Int] = [:]
        for name in services {
            byName[name] = nodes.count
            serviceNodes.append(nodes.count)
            nodes.append(ServiceGraph.Node(id: .outsideInput, name: name, kind: .service))
        }
        var byPeer: [UninstrumentedPeer: Int] = [:]
        for peer in peers {
            if peer.isNamedService, let service = byName[peer.name] {
                peerNodes.append(service)
            } else if let known = byPeer[peer] {
                peerNodes.append(known)
            } else {
                byPeer[peer] = nodes.count
                peerNodes.append(nodes.count)
                nodes.append(ServiceGraph.Node(id: .outsideInput, name: peer.name, kind: peer.kind, address: peer.address))
            }
        }
    }

    func serviceNode(_ service: UInt32) -> Int { serviceNodes[Int(service)] }
    func peerNode(_ peer: UInt32) -> Int { peerNodes[Int(peer)] }
    var count: Int { nodes.count }

    mutating func outsideInputNode() -> Int {
        if let outsideInput { return outsideInput }
        nodes.append(ServiceGraph.Node(id: .outsideInput, name: "spans outside the input", kind: .outsideInput))
        outsideInput = nodes.count - 1
        return nodes.count - 1
    }

    mutating func countSpan(service: UInt32, isError: Bool) {
        let index = serviceNodes[Int(service)]
        nodes[index].spanCount += 1
        if isError { nodes[index].errorSpanCount += 1 }
    }

    func serviceNamesWithSpans() -> [String] {
        nodes.filter { $0.kind == .service && $0.spanCount > 0 }.map(\.name).sorted()
    }

    /// The graph: nodes that recorded spans or take part in an edge, with ids assigned, everything
    /// sorted; and the id of every node by its number here.
    func graph(calls: CallTallies, links: [LinkKey: LinkTally], operations: [String], keySets: [[String]]) -> (ServiceGraph, [NodeID]) {
        var used = Set(calls.keys.flatMap { [$0.from, $0.to] } + links.keys.flatMap { [$0.from, $0.to] })
        for (index, node) in nodes.enumerated() where node.spanCount > 0 { used.insert(index) }
        var ids = [NodeID](repeating: .outsideInput, count: nodes.count)
        let usedIndices = used.sorted()
        for (index, id) in zip(usedIndices, ServiceGraph.Node.ids(for: usedIndices.map { nodes[$0] })) { ids[index] = id }
        var graphNodes = used.map { index in
            var node = nodes[index]
            node.id = ids[index]
            return node
        }
        graphNodes.sort { $0.id < $1.id }
        let callEdges = zip(calls.keys, calls.tallies).map { key, tally in
            ServiceGraph.CallEdge(
                from: ids[key.from], to: ids[key.to], kind: Self.callKind(from: nodes[key.from], to: nodes[key.to]),
                connection: tally.connection ?? Self.connection(from: nodes[key.from], to: nodes[key.to]),
                calls: tally.durations.count, errors: tally.errors, latency: LatencySummary(durations: tally.durations),
                clientLatency: tally.clientDurations.isEmpty ? nil : LatencySummary(durations: tally.clientDurations))
        }.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
        let linkEdges = links.map { key, tally in
            var keyCounts: [String: Int] = [:]
            for (set, count) in tally.keySets {
                for name in Set(keySets[Int(set)]) { keyCounts[name, default: 0] += count }
            }
            return ServiceGraph.LinkEdge(
                from: ids[key.from], to: ids[key.to], operation: operations[Int(key.operation)], links: tally.count,
                lag: tally.lags.isEmpty ? nil : LatencySummary(durations: tally.lags), overlappingLinks: tally.overlapping, skewedLinks: tally.skewed,
                attributeKeys: keyCounts.map { ServiceGraph.KeyCount(key: $0.key, count: $0.value) }.sorted { $0.key < $1.key },
                droppedLinks: tally.dropped)
        }.sorted { ($0.from, $0.to, $0.operation) < ($1.from, $1.to, $1.operation) }
        return (ServiceGraph(nodes: graphNodes, callEdges: callEdges, linkEdges: linkEdges), ids)
    }

    private static func connection(from: ServiceGraph.Node, to: ServiceGraph.Node) -> ServiceGraph.CallEdge.Connection {
        switch (from.kind, to.kind) {
        case (_, .database): .database
        case (.messaging, _), (_, .messaging): .messaging
        case (.remote, _), (_, .remote): .virtual
        default: .direct
        }
    }

    private static func callKind(from: ServiceGraph.Node, to: ServiceGraph.Node) -> ServiceGraph.CallEdge.Kind {
        if case .messaging = to.kind { return .publish }
        if case .messaging = from.kind { return .deliver }
        return .request
    }
}
