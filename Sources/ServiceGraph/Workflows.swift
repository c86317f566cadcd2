import TraceModel

/// Traces joined by their span links into workflows: a batch job and its items, a message and
/// every trace it triggered, a failure and its retries. Each trace is kept as a sketch (its root,
/// its time, its size, errors and services) of about 150 bytes while the spans stream past, and
/// each link between two traces as the pair.
public struct WorkflowAccumulator: SpanSink, Sendable {
    /// What a workflow knows of one trace.
    public struct TraceSketch: Hashable, Sendable {
        /// The root span's service and name (``TraceRootKey``: of the spans read so far).
        public var rootService: String
        public var rootName: String
        public var start: UInt64
        public var end: UInt64
        public var spans: Int
        public var errorSpans: Int
        fileprivate var rootKey: TraceRootKey
        /// The services of its spans, by their numbers in the accumulator's `serviceNames`, each once.
        fileprivate var services: [Int32]

        /// Takes `other`'s root when it is the better one.
        fileprivate mutating func considerRoot(of other: TraceSketch) {
            if other.rootKey < rootKey { (rootService, rootName, rootKey) = (other.rootService, other.rootName, other.rootKey) }
        }
    }

    private var sketches: [TraceID: TraceSketch] = [:]
    /// Every service met, numbered in the order met, and the last one numbered (spans of one
    /// resource come together).
    private var serviceNames: [String] = []
    private var serviceNumbers: [String: Int32] = [:]
    private var lastService: (name: String, number: Int32)?
    /// Pairs of distinct traces a link joins: the linked-to span's trace (the cause) and the linking span's.
    private var links: [(cause: TraceID, effect: TraceID)] = []

    public init() {}

    /// What a reader has to decode for workflows: span names (each trace is known by its root's).
    public static func readDetail(widening detail: ReadDetail) -> ReadDetail {
        var wider = detail
        wider.names = true
        return wider
    }

    /// The number of the service named `name`, numbering it when new.
    private mutating func number(ofService name: String) -> Int32 {
        if let last = lastService, last.name == name { return last.number }
        let number: Int32
        if let known = serviceNumbers[name] {
            number = known
        } else {
            number = Int32(serviceNames.count)
            serviceNames.append(name)
            serviceNumbers[name] = number
        }
        lastService = (name, number)
        return number
    }

    public mutating func receive(_ span: Span) {
        let end = max(span.startTimeUnixNano, span.endTimeUnixNano)
        let service = number(ofService: span.serviceName)
        if var sketch = sketches[span.traceID] {
            sketch.start = min(sketch.start, span.startTimeUnixNano)
            sketch.end = max(sketch.end, end)
            sketch.spans += 1
            if span.isError { sketch.errorSpans += 1 }
            let key = span.rootKey
            if key < sketch.rootKey { (sketch.rootService, sketch.rootName, sketch.rootKey) = (span.serviceName, span.name, key) }
            if !sketch.services.contains(service) { sketch.services.append(service) }
            sketches[span.traceID] = sketch
        } else {
            sketches[span.traceID] = TraceSketch(rootService: span.serviceName, rootName: span.name, start: span.startTimeUnixNano,
                                                 end: end, spans: 1, errorSpans: span.isError ? 1 : 0, rootKey: span.rootKey, services: [service])
        }
        for link in span.links where link.traceID != span.traceID {
            links.append((link.traceID, span.traceID))
        }
    }

    /// Adds what another accumulator received.
    public mutating func merge(_ other: consuming WorkflowAccumulator) {
        if sketches.isEmpty {
            self = other
            return
        }
        // Their services by our numbers.
        let renumbered = other.serviceNames.map { number(ofService: $0) }
        for (id, var theirs) in other.sketches {
            theirs.services = theirs.services.map { renumbered[Int($0)] }
            guard var ours = sketches[id] else {
                sketches[id] = theirs
                continue
            }
            ours.start = min(ours.start, theirs.start)
            ours.end = max(ours.end, theirs.end)
            ours.spans += theirs.spans
            ours.errorSpans += theirs.errorSpans
            ours.considerRoot(of: theirs)
            for service in theirs.services where !ours.services.contains(service) { ours.services.append(service) }
            sketches[id] = ours
        }
        links += other.links
    }

    /// The workflows of the traces read (of those in `traces`, when given): the traces that links
    /// join, however indirectly, largest first (by traces, then spans, then first start); a trace
    /// that no link joins to another is a workflow of its own.
    public func workflows(of traces: Set<TraceID>? = nil) -> [Workflow] {
        let ids = sketches.keys.filter { traces?.contains($0) ?? true }.sorted()
        var number: [TraceID: Int] = [:]
        number.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() { number[id] = index }
        // Components, by union–find over the links between traces both in the set.
        var parent = Array(ids.indices)
        func root(_ index: Int) -> Int {
            var index = index
            while parent[index] != index {
                parent[index] = parent[parent[index]]
                index = parent[index]
            }
            return index
        }
        var pairs: [(cause: Int, effect: Int)] = []
        for link in links {
            guard let cause = number[link.cause], let effect = number[link.effect] else { continue }
            pairs.append((cause, effect))
            let (a, b) = (root(cause), root(effect))
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        var members: [Int: [Int]] = [:]
        for index in ids.indices { members[root(index), default: []].append(index) }
        var linksOf: [Int: [(cause: Int, effect: Int)]] = [:]
        for pair in pairs { linksOf[root(pair.cause), default: []].append(pair) }
        let workflows = members.map { component, indices in
            let traceSketches = indices.map { sketches[ids[$0]]! }
            let services = traceSketches.count == 1 ? traceSketches[0].services : Array(Set(traceSketches.lazy.flatMap(\.services)))
            return Workflow(traces: indices.map { ids[$0] }, sketches: traceSketches,
                            services: services.map { serviceNames[Int($0)] }.sorted(),
                            links: (linksOf[component] ?? []).map { (ids[$0.cause], ids[$0.effect]) })
        }
        return workflows.sorted {
            ($1.traces.count, $1.spans, $0.start, $0.traces[0]) < ($0.traces.count, $0.spans, $1.start, $1.traces[0])
        }
    }
}

/// Traces that span links join, however indirectly.
public struct Workflow: Sendable {
    /// The traces, sorted by id.
    public var traces: [TraceID]
    /// Each trace's sketch, in the order of `traces`.
    public var sketches: [WorkflowAccumulator.TraceSketch]
    /// The services of its spans, sorted.
    public var services: [String]
    /// The links between its traces, cause to effect, one for each span link (repeats kept).
    public var links: [(cause: TraceID, effect: TraceID)]

    public var spans: Int { sketches.reduce(0) { $0 + $1.spans } }
    public var errorSpans: Int { sketches.reduce(0) { $0 + $1.errorSpans } }
    /// Traces with an error span.
    public var failingTraces: Int { sketches.lazy.filter { $0.errorSpans > 0 }.count }
    /// The services of the traces' roots, sorted.
    public var rootServices: [String] { Array(Set(sketches.map(\.rootService))).sorted() }
    /// The first start and the last end of any of its spans, in Unix nanoseconds.
    public var start: UInt64 { sketches.lazy.map(\.start).min() ?? 0 }
    public var end: UInt64 { sketches.lazy.map(\.end).max() ?? 0 }

    /// The most links one after the other, cause to effect, with no trace twice: 0 for a trace on
    /// its own. Links that close a cycle (a batch's summary linking back to its items) are not
    /// followed: the chain is measured on the links that keep the order the traces started in.
    public var longestChain: Int {
        var index: [TraceID: Int] = [:]
        for (position, id) in traces.enumerated() { index[id] = position }
        // Forward in time only, which no cycle can follow: by start, then id.
        let order = traces.indices.sorted { (sketches[$0].start, traces[$0]) < (sketches[$1].start, traces[$1]) }
        var rank = [Int](repeating: 0, count: traces.count)
        for (position, trace) in order.enumerated() { rank[trace] = position }
        var effects = [[Int]](repeating: [], count: traces.count)
        for link in links {
            guard let cause = index[link.cause], let effect = index[link.effect], rank[cause] < rank[effect] else { continue }
            effects[cause].append(effect)
        }
        var longest = [Int](repeating: 0, count: traces.count)
        for trace in order.reversed() {
            for effect in effects[trace] { longest[trace] = max(longest[trace], longest[effect] + 1) }
        }
        return longest.max() ?? 0
    }

    /// The workflow's traces grouped by their root's service and name, the largest group first:
    /// a batch of 10,000 items is one group with a count.
    public var groups: [Group] {
        var byRoot: [Group.Key: Group] = [:]
        for sketch in sketches {
            let key = Group.Key(service: sketch.rootService, name: sketch.rootName)
            byRoot[key, default: Group(key: key)].add(sketch)
        }
        return byRoot.values.sorted { ($1.traces, $0.key.service, $0.key.name) < ($0.traces, $1.key.service, $1.key.name) }
    }

    /// Up to this many traces, a drawing of a workflow shows each trace on its own (its root, its
    /// duration and errors), in the order they started; past it, the traces grouped by root
    /// service and operation (``groups``), so that a batch of 10,000 items is one box.
    public static let tracesDrawnOneByOne = 24

    /// What a drawing of the workflow shows, computed together once: its traces one by one or in
    /// ``groups`` (``tracesDrawnOneByOne``), the links between them, and which it keeps first.
    public var grouping: Grouping { Grouping(self) }

    /// The boxes a drawing of a workflow shows (each a ``Group``: a trace on its own, or the traces
    /// of one root service and operation), the box of each of its traces, the links between boxes,
    /// and the order a drawing keeps boxes in.
    public struct Grouping: Sendable {
        /// Whether each trace is a group of its own, in the order the traces started.
        public let byTrace: Bool
        public let groups: [Group]
        /// The position in `groups` of each trace's group, in the order of the workflow's `traces`.
        public let groupOfTraces: [Int]
        /// How many span links go from a trace of one group (the cause) to a trace of the other, by
        /// their positions in `groups`, sorted by the pair.
        public let links: [(cause: Int, effect: Int, links: Int)]
        /// The positions in `groups` in the order a drawing keeps them when it cannot draw them all:
        /// groups with failing traces first, then those the most links between groups touch (a
        /// batch job that 10,000 item traces link to, however few its own traces), then as in `groups`.
        public let drawingPriority: [Int]

        init(_ workflow: Workflow) {
            byTrace = workflow.traces.count <= Workflow.tracesDrawnOneByOne
            if byTrace {
                let sketches = workflow.sketches, traces = workflow.traces
                let order = traces.indices.sorted { (sketches[$0].start, traces[$0]) < (sketches[$1].start, traces[$1]) }
                groups = order.map { Group(sketches[$0]) }
                var groupOfTraces = [Int](repeating: 0, count: traces.count)
                for (position, trace) in order.enumerated() { groupOfTraces[trace] = position }
                self.groupOfTraces = groupOfTraces
            } else {
                groups = workflow.groups
                var position: [Group.Key: Int] = [:]
                for (index, group) in groups.enumerated() { position[group.key] = index }
                groupOfTraces = workflow.sketches.map { position[Group.Key(service: $0.rootService, name: $0.rootName)]! }
            }
            let groupOf = Dictionary(uniqueKeysWithValues: zip(workflow.traces, groupOfTraces))
            var counts: [Pair: Int] = [:]
            for link in workflow.links {
                guard let cause = groupOf[link.cause], let effect = groupOf[link.effect] else { continue }
                counts[Pair(cause: cause, effect: effect), default: 0] += 1
            }
            links = counts.sorted { ($0.key.cause, $0.key.effect) < ($1.key.cause, $1.key.effect) }
                .map { ($0.key.cause, $0.key.effect, $0.value) }
            var touched = [Int](repeating: 0, count: groups.count)
            for link in links where link.cause != link.effect {
                touched[link.cause] += link.links
                touched[link.effect] += link.links
            }
            let failing = groups.map { $0.failingTraces > 0 }
            drawingPriority = groups.indices.sorted { a, b in
                (failing[a] ? 0 : 1, -touched[a], a) < (failing[b] ? 0 : 1, -touched[b], b)
            }
        }
    }

    fileprivate struct Pair: Hashable {
        var cause: Int
        var effect: Int
    }

    /// Traces of one root service and name.
    public struct Group: Sendable {
        public struct Key: Hashable, Sendable {
            public var service: String
            public var name: String
        }

        public var key: Key
        public var traces = 0
        public var failingTraces = 0
        public var spans = 0
        public var errorSpans = 0
        /// The longest trace's duration, in nanoseconds.
        public var longest: UInt64 = 0

        /// The group of one trace.
        init(_ sketch: WorkflowAccumulator.TraceSketch) {
            key = Key(service: sketch.rootService, name: sketch.rootName)
            add(sketch)
        }

        init(key: Key) {
            self.key = key
        }

        mutating func add(_ sketch: WorkflowAccumulator.TraceSketch) {
            traces += 1
            errorSpans += sketch.errorSpans
            if sketch.errorSpans > 0 { failingTraces += 1 }
            spans += sketch.spans
            longest = max(longest, sketch.end &- sketch.start)
        }
    }
}
