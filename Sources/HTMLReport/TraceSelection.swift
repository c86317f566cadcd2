import TraceModel

/// Which traces a report shows when it may show only some: those with errors first, then the
/// slowest; each kept trace brings its chain while room remains: the traces that link to it and
/// theirs in turn (its effects), and those it links to and theirs (its causes), each way on its
/// own, at most `keepLinked` links away (all by default), so that a failure is shown with the
/// message that caused it and the retries it caused. The one owner of that choice: a report of
/// traces read whole (``TraceCatalog``) and a report that chooses while it streams
/// (``TraceDigest``) both make it here.
package enum TraceSelection {
    /// What a trace is chosen by.
    package struct Candidate: Sendable {
        package var id: TraceID
        package var hasErrors: Bool
        package var duration: UInt64
        /// The traces it links to (its causes) and those that link to it (its effects), other than
        /// itself, as positions in the list of candidates, sorted.
        package var causes: [Int]
        package var effects: [Int]

        package init(id: TraceID, hasErrors: Bool, duration: UInt64, causes: [Int], effects: [Int]) {
            self.id = id
            self.hasErrors = hasErrors
            self.duration = duration
            self.causes = causes
            self.effects = effects
        }
    }

    /// Which of `candidates` to show when at most `limit` may be; all of them when nil or when
    /// there are no more than `limit`. A kept trace brings the traces at most `keepLinked` links
    /// away along its chain (nil: any number; 0: none).
    package static func kept(_ candidates: [Candidate], atMost limit: Int?, keepLinked: Int? = nil) -> [Bool] {
        guard let limit, limit < candidates.count else { return Array(repeating: true, count: candidates.count) }
        let byPriority = candidates.indices.sorted { a, b in
            let first = candidates[a], second = candidates[b]
            if first.hasErrors != second.hasErrors { return first.hasErrors }
            if first.duration != second.duration { return first.duration > second.duration }
            return first.id < second.id
        }
        var kept = Array(repeating: false, count: candidates.count)
        var count = 0
        // The traces with errors first, then their chains, then the slowest with theirs.
        for index in byPriority where count < limit && candidates[index].hasErrors {
            kept[index] = true
            count += 1
        }
        var seen = Array(repeating: false, count: candidates.count)
        for index in byPriority where count < limit {
            if !kept[index] {
                kept[index] = true
                count += 1
            } else if !candidates[index].hasErrors {
                continue // in a chain already: its own chain would bring its causes' other effects
            }
            for way in [\Candidate.effects, \Candidate.causes] {
                // Each way on its own, nearest first: the chain, not its causes' other effects.
                var visited = [index]
                seen[index] = true
                defer { for trace in visited { seen[trace] = false } }
                var frontier = [index]
                var steps = 0
                while !frontier.isEmpty, count < limit, keepLinked.map({ steps < $0 }) ?? true {
                    var next: [Int] = []
                    for trace in frontier {
                        for other in candidates[trace][keyPath: way] where !seen[other] {
                            seen[other] = true
                            visited.append(other)
                            next.append(other)
                            if !kept[other], count < limit {
                                kept[other] = true
                                count += 1
                            }
                        }
                    }
                    frontier = next
                    steps += 1
                }
            }
        }
        return kept
    }
}
