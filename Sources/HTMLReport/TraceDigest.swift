import TraceModel

/// Of every trace of the inputs, what a report chooses its traces by (``TraceSelection``): the
/// trace's start and end, its errors and the traces linked to it, kept while the spans stream past,
/// about 70 bytes a trace and 32 a link between traces. A report of inputs too large to hold whole
/// chooses with it, then reads only the traces chosen whole.
public struct TraceDigest: SpanSink, Sendable {
    private struct Facts: Sendable {
        var start: UInt64
        var end: UInt64
        var hasErrors: Bool
    }

    private var facts: [TraceID: Facts] = [:]
    /// Pairs of distinct traces a link joins: the linking span's and the linked one's.
    private var links: [TraceLink] = []

    private struct TraceLink: Sendable {
        var from: TraceID
        var to: TraceID
    }

    public init() {}

    public mutating func receive(_ span: Span) {
        let end = max(span.startTimeUnixNano, span.endTimeUnixNano)
        if let known = facts[span.traceID] {
            facts[span.traceID] = Facts(start: min(known.start, span.startTimeUnixNano), end: max(known.end, end),
                                        hasErrors: known.hasErrors || span.isError)
        } else {
            facts[span.traceID] = Facts(start: span.startTimeUnixNano, end: end, hasErrors: span.isError)
        }
        for link in span.links where link.traceID != span.traceID {
            links.append(TraceLink(from: span.traceID, to: link.traceID))
        }
    }

    /// Adds what another digest saw.
    public mutating func merge(_ other: consuming TraceDigest) {
        if facts.isEmpty {
            self = other
            return
        }
        for (id, theirs) in other.facts {
            if let ours = facts[id] {
                facts[id] = Facts(start: min(ours.start, theirs.start), end: max(ours.end, theirs.end),
                                  hasErrors: ours.hasErrors || theirs.hasErrors)
            } else {
                facts[id] = theirs
            }
        }
        links += other.links
    }

    /// The digest of only these traces, and of the links between them.
    public func restricted(to traces: Set<TraceID>) -> TraceDigest {
        var digest = TraceDigest()
        digest.facts = facts.filter { traces.contains($0.key) }
        digest.links = links.filter { traces.contains($0.from) && traces.contains($0.to) }
        return digest
    }

    /// How many span links go from a trace not in `shown` to one in it.
    public func linksFromLeftOut(_ shown: Set<TraceID>) -> Int {
        links.lazy.filter { shown.contains($0.to) && !shown.contains($0.from) }.count
    }

    /// Whether a span of this trace was read.
    public func contains(_ trace: TraceID) -> Bool { facts[trace] != nil }

    /// How many traces the spans belong to.
    public var traceCount: Int { facts.count }

    /// The first start and the last end of any span, in Unix nanoseconds; nil before any span.
    public var timeRange: ClosedRange<UInt64>? {
        guard let start = facts.values.lazy.map(\.start).min(), let end = facts.values.lazy.map(\.end).max() else { return nil }
        return start...max(start, end)
    }

    /// The traces a report of at most `limit` traces shows (``TraceSelection``); all of them when
    /// there are no more.
    public func chosen(atMost limit: Int, keepLinked: Int? = nil) -> Set<TraceID> {
        guard facts.count > limit else { return Set(facts.keys) }
        // In the order a report lists them, as ``TraceCatalog`` does: by start, then id.
        let ordered = facts.sorted { ($0.value.start, $0.key) < ($1.value.start, $1.key) }
        var position: [TraceID: Int] = [:]
        position.reserveCapacity(ordered.count)
        for (index, trace) in ordered.enumerated() { position[trace.key] = index }
        var causes = [[Int]](repeating: [], count: ordered.count)
        var effects = [[Int]](repeating: [], count: ordered.count)
        for link in links {
            guard let from = position[link.from], let to = position[link.to] else { continue }
            causes[from].append(to)
            effects[to].append(from)
        }
        let candidates = ordered.enumerated().map { index, trace in
            TraceSelection.Candidate(id: trace.key, hasErrors: trace.value.hasErrors, duration: trace.value.end &- trace.value.start,
                                     causes: Array(Set(causes[index])).sorted(), effects: Array(Set(effects[index])).sorted())
        }
        let kept = TraceSelection.kept(candidates, atMost: limit, keepLinked: keepLinked)
        return Set(ordered.indices.lazy.filter { kept[$0] }.map { ordered[$0].key })
    }
}
