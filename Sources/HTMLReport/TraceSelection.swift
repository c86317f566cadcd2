import TraceModel

/// Which traces a report shows when it may show only some: those with errors first, then the
/// slowest; each kept trace brings the traces linked to it (its spans link to theirs, or theirs to
/// its) while room remains. The one owner of that choice: a report of traces read whole
/// (``TraceCatalog``) and a report that chooses while it streams (``TraceDigest``) both make it here.
package enum TraceSelection {
    /// What a trace is chosen by.
    package struct Candidate: Sendable {
        package var id: TraceID
        package var hasErrors: Bool
        package var duration: UInt64
        /// The traces it links to or is linked from, other than itself, as positions in the list
        /// of candidates, sorted.
        package var linked: [Int]

        package init(id: TraceID, hasErrors: Bool, duration: UInt64, linked: [Int]) {
            self.id = id
            self.hasErrors = hasErrors
            self.duration = duration
            self.linked = linked
        }
    }

    /// Which of `candidates` to show when at most `limit` may be; all of them when nil or when
    /// there are no more than `limit`.
    package static func kept(_ candidates: [Candidate], atMost limit: Int?) -> [Bool] {
        guard let limit, limit < candidates.count else { return Array(repeating: true, count: candidates.count) }
        let byPriority = candidates.indices.sorted { a, b in
            let first = candidates[a], second = candidates[b]
            if first.hasErrors != second.hasErrors { return first.hasErrors }
            if first.duration != second.duration { return first.duration > second.duration }
            return first.id < second.id
        }
        var kept = Array(repeating: false, count: candidates.count)
        var count = 0
        for index in byPriority where count < limit && !kept[index] {
            kept[index] = true
            count += 1
            for linked in candidates[index].linked where count < limit && !kept[linked] {
                kept[linked] = true
                count += 1
            }
        }
        return kept
    }
}
