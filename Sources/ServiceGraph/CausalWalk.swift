import TraceModel

/// The spans of an input joined by what causes what, the one owner of which traces a
/// ``TraceQuery`` selects once its conditions have marked the traces they found.
///
/// A span's effects are its descendants and the spans that link to it or to them, and theirs in
/// turn; its causes are its ancestors and the spans they link to, and theirs. Walking spans, not
/// whole traces, keeps apart what shares a trace without sharing a cause: a batch job's
/// summary span links back to its items, and the items are no effect of the job's start.
/// A walk's depth counts links, not parents and children.
struct CausalWalk {
    /// Each span's parent by index; -1 for none found.
    private let parents: [Int32]
    /// Each span's trace, by number.
    private let traceOf: [UInt32]
    private let children: Adjacency
    /// From a span to the spans that link to it, and back.
    private let linkers: Adjacency
    private let targets: Adjacency
    /// Links whose target span the input does not hold, and the linking span: a walk from a
    /// trace or span missing from the input follows them.
    private let linksOutside: [(target: SpanKey, linking: Int32)]
    private let traceCount: Int

    /// - Parameters:
    ///   - parents: each span's parent by index, -1 for none.
    ///   - traceOf: each span's trace by number.
    ///   - links: (linking span, linked-to span) by index.
    init(parents: [Int32], traceOf: [UInt32], traceCount: Int, links: [(linking: Int32, target: Int32)],
         linksOutside: [(target: SpanKey, linking: Int32)]) {
        self.parents = parents
        self.traceOf = traceOf
        self.traceCount = traceCount
        self.linksOutside = linksOutside
        children = Adjacency(count: parents.count, pairs: parents.indices.lazy.filter { parents[$0] >= 0 }.map { (parents[$0], Int32($0)) })
        linkers = Adjacency(count: parents.count, pairs: links.lazy.map { ($0.target, $0.linking) })
        targets = Adjacency(count: parents.count, pairs: links.lazy.map { ($0.linking, $0.target) })
    }

    /// The traces `query` selects, by trace number.
    /// - Parameters:
    ///   - marks: for each trace, a bit for each of the query's conditions a span of it met.
    ///   - isError: whether each span ended in error.
    ///   - spansOf: the spans of a trace id (those with a span id, when one is given), by index.
    func select(_ query: TraceQuery, marks: [UInt64], isError: (Int) -> Bool, spansOf: (TraceID, SpanID?) -> [Int]) -> [Bool] {
        var selected: [Bool]
        if query.conditions.isEmpty {
            selected = [Bool](repeating: true, count: traceCount)
        } else {
            let count = min(query.conditions.count, TraceQuery.maximumConditions)
            let all: UInt64 = count == 64 ? .max : (1 << UInt64(count)) - 1
            selected = (0..<traceCount).map { $0 < marks.count && marks[$0] & all == all }
        }
        var scope: [Bool]?
        if let start = query.linkedTo {
            let reached = reach(from: start, spansOf: spansOf)
            for trace in selected.indices where !reached[trace] { selected[trace] = false }
            scope = reached
        }
        if query.errors {
            let failing = parents.indices.filter { isError($0) && selected[Int(traceOf[$0])] }.map(Int32.init)
            var chains = [Bool](repeating: false, count: traceCount)
            // Each failure's effects and its causes, each way on its own; within the traces reached
            // from --linked-to's start when it has one.
            markTraces(of: walk(from: failing, forward: true, depth: nil, within: scope), in: &chains)
            markTraces(of: walk(from: failing, forward: false, depth: nil, within: scope), in: &chains)
            selected = chains
        }
        return selected
    }

    /// The traces reached along links from a trace or span, the start included.
    private func reach(from start: LinkedTraces, spansOf: (TraceID, SpanID?) -> [Int]) -> [Bool] {
        var reached = [Bool](repeating: false, count: traceCount)
        let startSpans = spansOf(start.traceID, start.spanID).map(Int32.init)
        markTraces(of: startSpans, in: &reached)
        if start.direction != .backward {
            // Links to a trace or span the export left out still lead somewhere.
            let outside = linksOutside.filter { link in
                link.target.traceID == start.traceID && (start.spanID.map { $0 == link.target.spanID } ?? true)
            }
            markTraces(of: walk(from: startSpans, forward: true, depth: start.depth, also: outside.map { $0.linking }), in: &reached)
        }
        if start.direction != .forward {
            markTraces(of: walk(from: startSpans, forward: false, depth: start.depth), in: &reached)
        }
        return reached
    }

    /// The spans reached from `start` forward (descendants, and the spans linking to them) or
    /// backward (ancestors, and the spans they link to), at most `depth` links away, through
    /// spans of traces `scope` marks (nil: any). `also` are reached one link away from the start.
    private func walk(from start: [Int32], forward: Bool, depth: Int?, within scope: [Bool]? = nil, also: [Int32] = []) -> [Int32] {
        var seen = [Bool](repeating: false, count: parents.count)
        var reached: [Int32] = []
        var frontier: [Int32] = []
        func visit(_ span: Int32, into list: inout [Int32]) {
            guard !seen[Int(span)], scope.map({ $0[Int(traceOf[Int(span)])] }) ?? true else { return }
            seen[Int(span)] = true
            reached.append(span)
            list.append(span)
        }
        for span in start { visit(span, into: &frontier) }
        var links = 0
        while true {
            // Along the tree first, at no cost in depth: a span's descendants or ancestors.
            var index = 0
            while index < frontier.count {
                let span = frontier[index]
                index += 1
                if forward {
                    for child in children[span] { visit(child, into: &frontier) }
                } else if parents[Int(span)] >= 0 {
                    visit(parents[Int(span)], into: &frontier)
                }
            }
            if let depth, links >= depth { break }
            var next: [Int32] = []
            for span in frontier {
                for other in forward ? linkers[span] : targets[span] { visit(other, into: &next) }
            }
            if links == 0 { for span in also { visit(span, into: &next) } }
            if next.isEmpty { break }
            frontier = next
            links += 1
        }
        return reached
    }

    private func markTraces(of spans: [Int32], in traces: inout [Bool]) {
        for span in spans { traces[Int(traceOf[Int(span)])] = true }
    }
}

/// Lists of neighbours by number, in one array (compressed sparse rows).
private struct Adjacency {
    private var starts: [Int]
    private var neighbours: [Int32]

    init(count: Int, pairs: some Sequence<(Int32, Int32)>) {
        var degree = [Int](repeating: 0, count: count + 1)
        for (from, _) in pairs { degree[Int(from) + 1] += 1 }
        for index in 1..<degree.count { degree[index] += degree[index - 1] }
        starts = degree
        var fill = degree
        neighbours = [Int32](repeating: 0, count: degree[count])
        for (from, to) in pairs {
            neighbours[fill[Int(from)]] = to
            fill[Int(from)] += 1
        }
    }

    subscript(node: Int32) -> ArraySlice<Int32> {
        neighbours[starts[Int(node)]..<starts[Int(node) + 1]]
    }
}
