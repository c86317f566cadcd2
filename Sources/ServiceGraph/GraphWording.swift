import TraceModel

/// How the graph's numbers read, in every output: counts with thousands separators, durations
/// in the unit a person reads, error rates as percentages. The one owner of that wording; the
/// report's script formats the same way (`Templates/script/format.js`, `formatCount`).
public enum GraphWording {
    /// `7`, `1,204`, `10,000`.
    public static func count(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return number < 0 ? "-" + result : result
    }

    /// What a query selected, for the caption under a graph and standard error: `drew the
    /// 1,001 of 1,130 traces that --where billing.job.id=nightly-42 selects`; nil for every trace.
    public static func selection(_ query: TraceQuery, _ summary: TraceSetSummary) -> String? {
        guard let total = summary.tracesInInput else { return nil }
        return "drew the \(count(summary.traces)) of \(count(total, "trace")) that \(query.optionsDescription) "
            + (summary.traces == 1 ? "selects" : "select")
    }

    /// Text cut to at most `limit` Unicode scalars, with an ellipsis when cut. Scalars, not
    /// characters: one character followed by half a million combining marks is one character, and
    /// would pass any cap that counts characters.
    public static func shortened(_ text: String, limit: Int) -> String {
        var scalars = text.unicodeScalars.makeIterator()
        var kept = String.UnicodeScalarView()
        var count = 0
        while let scalar = scalars.next() {
            if count == limit - 1 {
                return scalars.next() == nil ? String(kept) + String(scalar) : String(kept) + "…"
            }
            kept.append(scalar)
            count += 1
        }
        return String(kept)
    }

    /// Sizes in decimal units, as disks and networks count: `512 B`, `3.4 kB`, `120 MB`, `5 GB`.
    public static func bytes(_ count: Int) -> String {
        let units: [(size: UInt64, name: String)] = [(1_000_000_000_000, "TB"), (1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "kB")]
        let value = UInt64(max(count, 0))
        for unit in units where value >= unit.size {
            return scaled(value, unit.size) + " " + unit.name
        }
        return "\(value) B"
    }

    /// A note as a sentence: its first letter capitalised, a full stop at its end.
    public static func sentence(_ note: String) -> String {
        guard let first = note.first else { return note }
        return first.uppercased() + note.dropFirst() + (note.hasSuffix(".") ? "" : ".")
    }

    /// `1 call`, `10,000 calls`.
    public static func count(_ number: Int, _ noun: String, plural: String? = nil) -> String {
        count(number) + " " + (number == 1 ? noun : plural ?? noun + "s")
    }

    /// Durations as people read them: 850 µs, 3.4 ms, 120 ms, 1.2 s, 3 min, 5 h, 1.1 d.
    public static func duration(nanos: UInt64) -> String {
        let units: [(size: UInt64, name: String)] = [
            (86_400_000_000_000, "d"), (3_600_000_000_000, "h"), (60_000_000_000, "min"),
            (1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "µs"),
        ]
        for unit in units where nanos >= unit.size {
            return scaled(nanos, unit.size) + " " + unit.name
        }
        return "\(nanos) ns"
    }

    /// One decimal below 10, whole numbers above.
    private static func scaled(_ value: UInt64, _ unit: UInt64) -> String {
        if value / unit < 10 {
            let tenths = (value * 10 + unit / 2) / unit
            if tenths < 100 { return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)" }
        }
        return count(Int(clamping: value / unit + (value % unit >= (unit + 1) / 2 ? 1 : 0)))
    }

    /// A share as a percentage a person can compare: `0.05%`, `0.8%`, `12%`, `100%`; never `0%`
    /// for a share above zero.
    public static func percent(_ share: Double) -> String {
        let value = share * 100
        if value >= 10 { return "\(Int(value.rounded()))%" }
        if value >= 0.1 { return trimmed(value, places: 1) + "%" }
        if value > 0 { return trimmed(max(value, 0.01), places: 2) + "%" }
        return "0%"
    }

    /// Percentage points, signed: `+2.5 pp`, `-12 pp`, `0 pp`.
    public static func points(_ value: Double) -> String {
        let size = abs(value)
        let text = size >= 10 ? String(Int(size.rounded())) : trimmed(size, places: 1)
        return (text == "0" ? "" : value < 0 ? "-" : "+") + text + " pp"
    }

    private static func trimmed(_ value: Double, places: Int) -> String {
        let scale = places == 1 ? 10.0 : 100.0
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }
}

extension GraphWording {
    /// What a drawing of only the busiest edges left out: `drew the 90 busiest of 1,223 edges (41 %
    /// of calls and links) and 50 of 311 nodes`, or, when it kept every edge, the nodes they join.
    /// `before` is the graph's size before it was cut: its nodes, edges and traffic.
    public static func busiest(of before: (nodes: Int, edges: Int, calls: Int), drawn graph: ServiceGraph) -> String {
        if graph.edgeCount == before.edges {
            return "drew the " + count(graph.nodes.count) + " of " + count(before.nodes, "node") + " that edges join"
        }
        let share = before.calls == 0 ? 1 : Double(graph.traffic) / Double(before.calls)
        return "drew the " + count(graph.edgeCount) + " busiest of " + count(before.edges, "edge") + " (" + percent(share)
            + " of calls and links) and " + count(graph.nodes.count) + " of " + count(before.nodes, "node")
    }
}

/// When errors make a node or an edge look unwell: by the rate of errors, not by one error.
/// The defaults are Kiali's: degraded above 0.1 %, failing above 10 %.
public struct ErrorThresholds: Hashable, Sendable {
    /// The share of errors above which a node or edge is drawn as degraded.
    public var degradedAbove: Double
    /// The share of errors above which it is drawn as failing.
    public var failingAbove: Double

    public init(degradedAbove: Double = 0.001, failingAbove: Double = 0.10) {
        self.degradedAbove = degradedAbove
        self.failingAbove = failingAbove
    }

    /// How unwell: `errors` of `total`.
    public func health(errors: Int, of total: Int) -> Health {
        guard total > 0, errors > 0 else { return .healthy }
        let share = Double(errors) / Double(total)
        if share > failingAbove { return .failing }
        if share > degradedAbove { return .degraded }
        return .healthy
    }

    /// How a node or edge is drawn for its errors.
    /// Its raw value is the word every output writes for it.
    public enum Health: String, Hashable, Sendable {
        case healthy, degraded, failing
    }
}

extension ServiceGraph.Node {
    /// The node's label, line by line, untrusted text as it is (each output escapes it).
    public var labelLines: [String] {
        if !members.isEmpty {
            switch kind {
            case .database(let system) where !system.isEmpty, .messaging(let system) where !system.isEmpty: return [name, system]
            default: return [name]
            }
        }
        switch kind {
        case .service:
            guard spansCounted else { return [name] }
            var summary = GraphWording.count(spanCount, "span")
            if errorSpanCount > 0 {
                summary += " · " + GraphWording.count(errorSpanCount, "error") + " ("
                    + GraphWording.percent(Double(errorSpanCount) / Double(max(spanCount, 1))) + ")"
            }
            return [name, summary]
        case .database(let system), .messaging(let system):
            // Metrics name a database but not its system; a system that is the name says nothing more.
            let details = [system == name ? "" : system, address ?? ""].filter { !$0.isEmpty }
            return details.isEmpty ? [name] : [name, details.joined(separator: " · ")]
        case .remote:
            return [name]
        case .outsideInput:
            return ["spans outside", "the input"]
        }
    }

    /// What the label leaves out, for a tooltip: the peers a collapsed node stands for; nil for others.
    public var details: String? {
        guard !members.isEmpty else { return nil }
        let shown = members.prefix(20).map { GraphWording.shortened($0, limit: 64) }
        return name + " drawn as one: " + shown.joined(separator: ", ")
            + (members.count > 20 ? " and " + GraphWording.count(members.count - 20, "more") : "")
    }

    /// How unwell the node is, by its share of error spans.
    public func health(_ thresholds: ErrorThresholds) -> ErrorThresholds.Health {
        thresholds.health(errors: errorSpanCount, of: spanCount)
    }
}

extension ServiceGraph.CallEdge {
    /// What one call is called on this edge.
    private var noun: String { kind == .request ? "call" : "message" }

    /// Calls, errors with their rate, and the p95 latency.
    public var labelLines: [String] {
        var first = GraphWording.count(calls, noun)
        if errors > 0 { first += " · " + GraphWording.count(errors, "error") + " (" + GraphWording.percent(errorRate) + ")" }
        let prefix = mergedEdges > 1 ? "p95 up to " : "p95 "
        switch latency.basis {
        case .durations: return [first, prefix + GraphWording.duration(nanos: latency.p95Nanos)]
        case .histogram: return [first, prefix + "≈ " + GraphWording.duration(nanos: latency.p95Nanos)]
        case .unknown: return [first]
        }
    }

    /// Every number of the edge, in one line.
    public var details: String {
        var text = GraphWording.count(calls, noun)
        if errors > 0 { text += ", " + GraphWording.count(errors, "failed", plural: "failed") + " (" + GraphWording.percent(errorRate) + ")" }
        text += "; " + (clientLatency == nil ? "" : "server ") + Self.percentiles(latency)
        if let clientLatency { text += "; client " + Self.percentiles(clientLatency) }
        if mergedEdges > 1 {
            text += "; over " + GraphWording.count(mergedEdges, "edge") + " drawn as one, each percentile the largest of theirs"
        }
        return text
    }

    static func percentiles(_ summary: LatencySummary) -> String {
        let duration = GraphWording.duration(nanos:)
        switch summary.basis {
        case .durations:
            return "p50 \(duration(summary.p50Nanos)), p95 \(duration(summary.p95Nanos)), "
                + "p99 \(duration(summary.p99Nanos)), max \(duration(summary.maxNanos))"
        case .histogram(let aboveFiniteBuckets):
            return "p50 ≈ \(duration(summary.p50Nanos)), p95 ≈ \(duration(summary.p95Nanos)), "
                + "p99 ≈ \(duration(summary.p99Nanos)), max \(aboveFiniteBuckets ? ">" : "≤") \(duration(summary.maxNanos))"
                + " (estimated from histogram buckets)"
        case .unknown:
            return "latency unknown (no histogram)"
        }
    }

    /// How unwell the edge is, by its share of failed calls.
    public func health(_ thresholds: ErrorThresholds) -> ErrorThresholds.Health {
        thresholds.health(errors: errors, of: calls)
    }
}

extension ServiceGraph.LinkEdge {
    /// The linking spans' name, the links (and those the SDK dropped) and the lag, labelled as lag.
    public var labelLines: [String] {
        var lines: [String] = []
        if !operation.isEmpty { lines.append(operation) }
        var count = GraphWording.count(links, "link")
        if droppedLinks > 0 { count += " + " + GraphWording.count(droppedLinks, "dropped", plural: "dropped") }
        lines.append(count)
        if let lag {
            lines.append("lag p50 \(GraphWording.duration(nanos: lag.p50Nanos)) · p95 \(GraphWording.duration(nanos: lag.p95Nanos))")
        }
        if overlappingLinks > 0 { lines.append(GraphWording.count(overlappingLinks, "link") + " while it ran") }
        if skewedLinks > 0 { lines.append(GraphWording.count(skewedLinks, "link") + " with clock skew") }
        return lines
    }

    /// Every number of the edge and the link attribute keys seen, in one line.
    public var details: String {
        var text = GraphWording.count(links, "span link") + " (no time flows across a link)"
        if let lag {
            text += "; lag after the linked span ended: p50 \(GraphWording.duration(nanos: lag.p50Nanos)), "
                + "p95 \(GraphWording.duration(nanos: lag.p95Nanos)), max \(GraphWording.duration(nanos: lag.maxNanos))"
        }
        if overlappingLinks > 0 {
            text += "; " + GraphWording.count(overlappingLinks, "link") + " from spans that started while the linked span ran (no lag)"
        }
        if skewedLinks > 0 {
            text += "; " + GraphWording.count(skewedLinks, "link") + " from spans that started before the linked span did (clock skew)"
        }
        if droppedLinks > 0 {
            text += "; " + GraphWording.count(droppedLinks, "more link") + " dropped by the SDK (droppedLinksCount)"
        }
        if !attributeKeys.isEmpty {
            let shown = attributeKeys.prefix(12).map { "\(GraphWording.shortened($0.key, limit: 64)) ×\(GraphWording.count($0.count))" }
            text += "; link attributes: " + shown.joined(separator: ", ")
            if attributeKeys.count > 12 { text += " and " + GraphWording.count(attributeKeys.count - 12, "more key") }
        }
        return text
    }
}
