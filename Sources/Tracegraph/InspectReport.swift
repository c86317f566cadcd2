/// What `tracegraph inspect` prints: the inputs, their formats, and counts of what they hold.
public struct InspectReport: Sendable {
    public var inputs: [InputReport]
    public var summary: TraceSetSummary

    public init(inputs: [InputReport], summary: TraceSetSummary) {
        self.inputs = inputs
        self.summary = summary
    }

    private var skipped: [TraceReadError] { inputs.flatMap(\.skipped) }

    /// For people: one line a fact.
    public var text: String {
        var lines = ["inputs:"]
        for input in inputs {
            lines.append("  \(input.source): \(input.formatDescription), \(input.spans) span\(input.spans == 1 ? "" : "s")")
        }
        lines += [
            "traces: \(summary.traces)",
            "spans: \(summary.spans)",
            "duplicate spans: \(summary.duplicateSpans) (each counted once)",
            "span ids shared by a client and a server half: \(summary.sharedSpanIDs)",
            "links: \(summary.links)",
            "links to spans outside the input: \(summary.unresolvedLinks)",
            "links dropped by SDKs: \(summary.droppedLinks)",
            "services: \(summary.services.count)" + (summary.services.isEmpty ? "" : " (" + summary.services.joined(separator: ", ") + ")"),
            "error spans: \(summary.errorSpans)",
            "spans with an empty service.name: \(summary.emptyServiceNameSpans)",
            "spans with an all-zero trace or span id: \(summary.zeroIDSpans)",
            "skipped: \(skipped.count)",
        ]
        lines += skipped.map { "  \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// For scripts: one JSON object, keys in a fixed order.
    public var json: String {
        var object = JSONWriter.Object()
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
        object.append("spans", String(summary.spans))
        object.append("duplicateSpans", String(summary.duplicateSpans))
        object.append("sharedSpanIDs", String(summary.sharedSpanIDs))
        object.append("links", String(summary.links))
        object.append("unresolvedLinks", String(summary.unresolvedLinks))
        object.append("droppedLinks", String(summary.droppedLinks))
        object.append("services", JSONWriter.array(summary.services.map(JSONWriter.string)))
        object.append("errorSpans", String(summary.errorSpans))
        object.append("emptyServiceNameSpans", String(summary.emptyServiceNameSpans))
        object.append("zeroIDSpans", String(summary.zeroIDSpans))
        object.append("skipped", JSONWriter.array(skipped.map { error in
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
            return entry.text
        }))
        return object.text + "\n"
    }
}
