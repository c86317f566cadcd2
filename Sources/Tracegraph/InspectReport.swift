/// What `tracegraph inspect` prints: the inputs, their formats, and counts of what they hold.
public struct InspectReport: Sendable {
    public var inputs: [InputReport]
    public var summary: TraceSetSummary
    /// The options that selected the traces counted, as written (`--errors`); nil when all were.
    public var selectedBy: String?
    /// The ids of the traces to list, when they are asked for.
    public var traceIDs: [TraceID]?

    public init(inputs: [InputReport], summary: TraceSetSummary, selectedBy: String? = nil, traceIDs: [TraceID]? = nil) {
        self.inputs = inputs
        self.summary = summary
        self.selectedBy = selectedBy
        self.traceIDs = traceIDs
    }

    private var skipped: [TraceReadError] { inputs.flatMap(\.skipped) }
    private var repaired: [TraceReadError] { inputs.flatMap(\.repaired) }
    private var skippedCount: Int { inputs.reduce(0) { $0 + $1.skippedCount } }
    private var repairedCount: Int { inputs.reduce(0) { $0 + $1.repairedCount } }

    /// How many spans of all inputs had this defect (``SpanDefect``): left out, or repaired.
    private func count(of defect: SpanDefect) -> Int { inputs.reduce(0) { $0 + $1.count(of: defect) } }

    /// Spans left out for an all-zero trace id or span id.
    private var zeroIDSpans: Int { count(of: .zeroTraceID) + count(of: .zeroSpanID) }

    /// How many spans had each of these defects, by the defect's name.
    private func counts(of defects: [SpanDefect]) -> [(key: String, count: Int)] {
        defects.map { ($0.rawValue, count(of: $0)) }
    }

    /// `3 (missingTraceID 1, zeroTraceID 2, …)`.
    private func countsText(of defects: [SpanDefect]) -> String {
        let counts = counts(of: defects)
        return "\(counts.reduce(0) { $0 + $1.count }) (" + counts.map { "\($0.key) \($0.count)" }.joined(separator: ", ") + ")"
    }

    /// For people: one line a fact.
    public var text: String {
        var lines = ["inputs:"]
        for input in inputs {
            lines.append("  \(input.source): \(input.formatDescription), \(input.spans) span\(input.spans == 1 ? "" : "s")")
        }
        lines += [
            "traces: \(summary.traces)" + (summary.tracesInInput.map { " of \($0), selected by \(selectedBy ?? "a query")" } ?? ""),
            "spans: \(summary.spans)",
            "duplicate spans: \(summary.duplicateSpans) (each counted once)",
            "conflicting spans: \(summary.conflictingSpans) (the same ids as a span read before, other content: left out)",
            "span ids shared by a client and a server half: \(summary.sharedSpanIDs)",
            "links: \(summary.links)",
            "links to spans outside the input: \(summary.unresolvedLinks)",
            "links dropped by SDKs: \(summary.droppedLinks)",
            "services: \(summary.services.count)" + (summary.services.isEmpty ? "" : " (" + summary.services.joined(separator: ", ") + ")"),
            "error spans: \(summary.errorSpans)",
            "spans with an empty service.name: \(summary.emptyServiceNameSpans)",
            "spans left out: " + countsText(of: SpanDefect.leavingOut),
            "spans repaired: " + countsText(of: SpanDefect.repairing),
            "skipped: \(skippedCount)",
        ]
        lines += skipped.map { "  \($0)" }
        if skippedCount > skipped.count { lines.append("  … and \(skippedCount - skipped.count) more, not listed") }
        lines.append("repaired: \(repairedCount)")
        lines += repaired.map { "  \($0)" }
        if repairedCount > repaired.count { lines.append("  … and \(repairedCount - repaired.count) more, not listed") }
        if let traceIDs {
            lines.append("trace ids:")
            lines += traceIDs.map { "  \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The version of the layout `json` writes; it rises when a key is removed or renamed.
    public static let schemaVersion = 1

    /// For scripts: one JSON object, keys in a fixed order, `schemaVersion` first.
    public var json: String {
        var object = JSONWriter.Object()
        object.append("schemaVersion", String(Self.schemaVersion))
        object.append("files", JSONWriter.array(inputs.map { input in
            var file = JSONWriter.Object()
            file.append("path", JSONWriter.string(input.source))
            file.append("format", JSONWriter.string(input.format.rawValue))
            file.append("layout", JSONWriter.string(input.layout.rawValue))
            file.append("compressed", input.isCompressed ? "true" : "false")
            file.append("spans", String(input.spans))
            return file.text
        }))
        object.append("traces", String(summary.traces))
        if let total = summary.tracesInInput {
            object.append("tracesInInput", String(total))
            object.append("selectedBy", JSONWriter.string(selectedBy ?? ""))
        }
        object.append("spans", String(summary.spans))
        object.append("duplicateSpans", String(summary.duplicateSpans))
        object.append("conflictingSpans", String(summary.conflictingSpans))
        object.append("sharedSpanIDs", String(summary.sharedSpanIDs))
        object.append("links", String(summary.links))
        object.append("unresolvedLinks", String(summary.unresolvedLinks))
        object.append("droppedLinks", String(summary.droppedLinks))
        object.append("services", JSONWriter.array(summary.services.map(JSONWriter.string)))
        object.append("errorSpans", String(summary.errorSpans))
        object.append("emptyServiceNameSpans", String(summary.emptyServiceNameSpans))
        object.append("zeroIDSpans", String(zeroIDSpans))
        object.append("skippedSpans", Self.object(counts(of: SpanDefect.leavingOut)))
        object.append("repairedSpans", Self.object(counts(of: SpanDefect.repairing)))
        object.append("skippedCount", String(skippedCount))
        object.append("skipped", Self.parts(skipped))
        object.append("repairedCount", String(repairedCount))
        object.append("repaired", Self.parts(repaired))
        if let traceIDs { object.append("traceIDs", JSONWriter.array(traceIDs.map { JSONWriter.string($0.description) })) }
        return object.text + "\n"
    }

    private static func object(_ counts: [(key: String, count: Int)]) -> String {
        var object = JSONWriter.Object()
        for (key, count) in counts { object.append(key, String(count)) }
        return object.text
    }

    /// Parts left out or repaired, each with where it is and why (and, for a span, its defect).
    private static func parts(_ errors: [TraceReadError]) -> String {
        JSONWriter.array(errors.map { error in
            var entry = JSONWriter.Object()
            entry.append("file", JSONWriter.string(error.source))
            switch error.location {
            case .text(let line, let column)?:
                entry.append("line", String(line))
                entry.append("column", String(column))
            case .byteOffset(let offset)?:
                entry.append("byteOffset", String(offset))
            case nil: break
            }
            entry.append("reason", JSONWriter.string(error.problem.description))
            if let defect = error.spanDefect { entry.append("defect", JSONWriter.string(defect.rawValue)) }
            return entry.text
        })
    }
}
