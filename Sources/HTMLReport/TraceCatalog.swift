import TraceModel

/// The traces of a set, each with its spans in start order and the facts the report lists
/// and chooses by.
struct TraceCatalog {
    struct Trace {
        var id: TraceID
        /// Positions in the set's `spans`, sorted by start time, then span id.
        var spans: [Int]
        var start: UInt64
        var end: UInt64
        var errorSpans: Int
        /// The other traces its spans link to (its causes), and those whose spans link to its spans (its effects).
        var causes: Set<Int> = []
        var effects: Set<Int> = []

        var duration: UInt64 { end &- start }
    }

    /// In start order, then by trace id.
    private(set) var traces: [Trace]
    /// The trace each span of the set belongs to, by the span's position in the set.
    private(set) var traceOfSpan: [Int]

    init(_ set: TraceSet) {
        var positionByID: [TraceID: Int] = [:]
        var grouped: [Trace] = []
        for (index, span) in set.spans.enumerated() {
            if let position = positionByID[span.traceID] {
                grouped[position].spans.append(index)
                grouped[position].start = min(grouped[position].start, span.startTimeUnixNano)
                grouped[position].end = max(grouped[position].end, span.endTimeUnixNano)
                if span.isError { grouped[position].errorSpans += 1 }
            } else {
                positionByID[span.traceID] = grouped.count
                grouped.append(Trace(id: span.traceID, spans: [index], start: span.startTimeUnixNano,
                                     end: max(span.startTimeUnixNano, span.endTimeUnixNano), errorSpans: span.isError ? 1 : 0))
            }
        }
        grouped.sort { ($0.start, $0.id) < ($1.start, $1.id) }
        traceOfSpan = Array(repeating: 0, count: set.spans.count)
        for (traceIndex, trace) in grouped.enumerated() {
            for span in trace.spans { traceOfSpan[span] = traceIndex }
        }
        for traceIndex in grouped.indices {
            grouped[traceIndex].spans.sort { first, second in
                let a = set.spans[first], b = set.spans[second]
                return (a.startTimeUnixNano, a.spanID) < (b.startTimeUnixNano, b.spanID)
            }
        }
        // A link joins two traces when the set has the linked trace, whether or not it has the
        // very span linked to: the rule a report that streams its inputs can follow too.
        var traceByID: [TraceID: Int] = [:]
        for (index, trace) in grouped.enumerated() { traceByID[trace.id] = index }
        for (index, span) in set.spans.enumerated() {
            for link in span.links {
                guard let to = traceByID[link.traceID] else { continue }
                let from = traceOfSpan[index]
                if from != to {
                    grouped[from].causes.insert(to)
                    grouped[to].effects.insert(from)
                }
            }
        }
        traces = grouped
    }

    /// Which traces to show when at most `limit` may be (``TraceSelection``).
    func kept(atMost limit: Int?, keepLinked: Int? = nil) -> [Bool] {
        TraceSelection.kept(traces.map {
            TraceSelection.Candidate(id: $0.id, hasErrors: $0.errorSpans > 0, duration: $0.duration,
                                     causes: $0.causes.sorted(), effects: $0.effects.sorted())
        }, atMost: limit, keepLinked: keepLinked)
    }

    /// How many span links go from a trace not kept to one kept: what a report leaving traces out
    /// cannot show of how its traces were reached.
    func linksFromLeftOut(_ kept: [Bool], in set: TraceSet) -> Int {
        var traceByID: [TraceID: Int] = [:]
        for (index, trace) in traces.enumerated() { traceByID[trace.id] = index }
        var count = 0
        for (index, span) in set.spans.enumerated() where !kept[traceOfSpan[index]] {
            for link in span.links {
                if let to = traceByID[link.traceID], kept[to] { count += 1 }
            }
        }
        return count
    }
}
