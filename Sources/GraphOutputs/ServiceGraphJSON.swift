import ServiceGraph

/// A service graph as JSON for scripts and for a later `tracegraph diff`: every node and edge
/// with every number the graph has, in the graph's order, keys in a fixed order, so the same
/// graph gives the same bytes. The layout is `Documentation/schemas/service-graph.schema.json`,
/// its words ``ServiceGraphJSONLayout``'s, which the reader of a saved graph reads by too.
public enum ServiceGraphJSON {
    /// The version of the layout this writes.
    public static let schemaVersion = ServiceGraphJSONLayout.schemaVersion

    /// The JSON of the graph a view drew, with the view's notes (what it left out), `look`'s
    /// health of each node and edge, and the title, when given.
    public static func text(_ viewed: ViewedGraph, look: GraphLook = GraphLook(), title: String? = nil) -> String {
        var object = JSONWriter.Object()
        object.append("schemaVersion", String(schemaVersion))
        object.append("kind", JSONWriter.string(ServiceGraphJSONLayout.documentKind))
        if let title { object.append("title", JSONWriter.string(title)) }
        object.append("notes", JSONWriter.array(viewed.notes.map(JSONWriter.string)))
        object.append("thresholds", Self.thresholds(look.thresholds))
        object.append("nodes", JSONWriter.array(viewed.graph.nodes.map { node(look, $0) }))
        object.append("calls", JSONWriter.array(viewed.graph.callEdges.map { call(look, $0) }))
        object.append("links", JSONWriter.array(viewed.graph.linkEdges.map(link)))
        return object.text + "\n"
    }

    private static func thresholds(_ thresholds: ErrorThresholds) -> String {
        var object = JSONWriter.Object()
        object.append("degradedAbove", number(thresholds.degradedAbove))
        object.append("failingAbove", number(thresholds.failingAbove))
        return object.text
    }

    private static func node(_ look: GraphLook, _ node: ServiceGraph.Node) -> String {
        var object = JSONWriter.Object()
        object.append("id", JSONWriter.string(node.id.rawValue))
        object.append("name", JSONWriter.string(node.name))
        let (kind, system) = ServiceGraphJSONLayout.name(of: node.kind)
        object.append("kind", JSONWriter.string(kind))
        if let system { object.append("system", JSONWriter.string(system)) }
        if let address = node.address { object.append("address", JSONWriter.string(address)) }
        if let group = node.group { object.append("group", JSONWriter.string(group)) }
        // A service's spans; a peer has none of its own (metrics count no spans at all).
        if node.kind == .service, node.spansCounted {
            object.append("spans", String(node.spanCount))
            object.append("errorSpans", String(node.errorSpanCount))
        }
        object.append("health", health(look.node(node).health))
        if !node.members.isEmpty { object.append("members", JSONWriter.array(node.members.map(JSONWriter.string))) }
        return object.text
    }

    private static func call(_ look: GraphLook, _ edge: ServiceGraph.CallEdge) -> String {
        var object = JSONWriter.Object()
        object.append("from", JSONWriter.string(edge.from.rawValue))
        object.append("to", JSONWriter.string(edge.to.rawValue))
        object.append("kind", JSONWriter.string(ServiceGraphJSONLayout.name(of: edge.kind)))
        if edge.connection != .direct { object.append("connection", JSONWriter.string(edge.connection.rawValue)) }
        object.append("calls", String(edge.calls))
        object.append("errors", String(edge.errors))
        object.append("errorRate", number(edge.errorRate))
        object.append("health", health(look.edge(edge).health))
        object.append("latency", latency(edge.latency))
        if let client = edge.clientLatency { object.append("clientLatency", latency(client)) }
        if edge.mergedEdges > 1 { object.append("mergedEdges", String(edge.mergedEdges)) }
        return object.text
    }

    private static func link(_ edge: ServiceGraph.LinkEdge) -> String {
        var object = JSONWriter.Object()
        object.append("from", JSONWriter.string(edge.from.rawValue))
        object.append("to", JSONWriter.string(edge.to.rawValue))
        object.append("operation", JSONWriter.string(edge.operation))
        object.append("links", String(edge.links))
        object.append("droppedLinks", String(edge.droppedLinks))
        if let lag = edge.lag { object.append("lag", latency(lag)) }
        object.append("overlappingLinks", String(edge.overlappingLinks))
        object.append("skewedLinks", String(edge.skewedLinks))
        object.append("attributeKeys", JSONWriter.array(edge.attributeKeys.map { key in
            var item = JSONWriter.Object()
            item.append("key", JSONWriter.string(key.key))
            item.append("count", String(key.count))
            return item.text
        }))
        return object.text
    }

    private static func latency(_ summary: LatencySummary) -> String {
        var object = JSONWriter.Object()
        object.append("basis", JSONWriter.string(ServiceGraphJSONLayout.name(of: summary.basis)))
        switch summary.basis {
        case .durations: break
        case .histogram(let aboveFiniteBuckets): object.append("maxAboveFiniteBuckets", aboveFiniteBuckets ? "true" : "false")
        case .unknown: return object.text
        }
        object.append("p50Nanos", String(summary.p50Nanos))
        object.append("p95Nanos", String(summary.p95Nanos))
        object.append("p99Nanos", String(summary.p99Nanos))
        object.append("maxNanos", String(summary.maxNanos))
        return object.text
    }

    private static func health(_ health: ErrorThresholds.Health) -> String {
        JSONWriter.string(health.rawValue)
    }

    /// A share as JSON: up to six decimals, no exponent, the same text for the same value.
    private static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let scaled = (value * 1_000_000).rounded()
        let whole = Int(scaled) / 1_000_000, fraction = abs(Int(scaled) % 1_000_000)
        guard fraction != 0 else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return String(whole) + "." + digits
    }
}
