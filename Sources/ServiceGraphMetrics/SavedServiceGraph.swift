import ServiceGraph
import TraceReaders

/// A service graph an earlier run wrote as JSON (`tracegraph graph -T json`, the layout of
/// `Documentation/schemas/service-graph.schema.json`): the baseline a CI job keeps for
/// `tracegraph diff`, or a graph to draw again. Read back, it is the graph that was written, every
/// number as it was; health is not read, since the thresholds of the run that reads it decide it.
public struct SavedServiceGraph: Sendable {
    /// The input's path, `-` for standard input, or the name the caller gave.
    public var source: String
    /// The title it was written with, if any.
    public var title: String?
    /// What the view that wrote it left out (edges cut to a limit, peers collapsed): a graph written
    /// from a view is not every edge the traces had, and a diff against it says so.
    public var notes: [String]
    public var graph: ServiceGraph

    /// What a person reading from this graph should know: each note of the view it was saved from
    /// (a diff against a graph cut to a limit finds the edges cut gone).
    public var warnings: [String] { notes.map { "\(source) was saved from a view that left things out: \($0)" } }

    /// Whether `bytes` hold a saved service graph: a JSON object with a member `kind` of
    /// ``ServiceGraphJSONLayout/documentKind``, wherever it stands among the layout's members (a
    /// program that rewrote the file may have put them in another order). A member the layout
    /// does not have ends the look at once, so that a trace export or a Prometheus answer, told
    /// apart by its first member, is not scanned further. Nothing else tracegraph reads has such
    /// a `kind`. Of an object cut short (the first bytes of a large input), the members before
    /// the cut are looked at.
    public static func detect(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var scanner = JSONScanner(bytes)
        do throws(JSONError) {
            try scanner.beginObject()
            while let key = try scanner.nextKey()?.string, ServiceGraphJSONLayout.documentMembers.contains(key) {
                if key == "kind" {
                    guard try scanner.peekKind() == .string else { return false }
                    return try scanner.readString() == ServiceGraphJSONLayout.documentKind
                }
                try scanner.skipValue()
            }
        } catch {
            return false
        }
        return false
    }

    /// Reads a saved graph held in memory; `source` names it in errors, which give the line and
    /// column of what is wrong. A graph of a newer layout than this reader's is an error that says so.
    public static func read(_ bytes: UnsafeRawBufferPointer, source: String,
                            options: MetricsReadOptions = MetricsReadOptions()) throws(MetricsReadError) -> SavedServiceGraph {
        var reader = SavedServiceGraphReader(bytes, options: options)
        do {
            try reader.readDocument()
        } catch {
            throw reader.readError(error, source: source)
        }
        return SavedServiceGraph(source: source, title: reader.title, notes: reader.notes, graph: reader.graph())
    }

    /// Reads a saved graph held in a string.
    public static func read(_ text: String, source: String) throws(MetricsReadError) -> SavedServiceGraph {
        var text = text
        return try text.withUTF8 { bytes in
            Result { () throws(MetricsReadError) in try read(UnsafeRawBufferPointer(bytes), source: source) }
        }.get()
    }
}

/// Reads the members of a saved graph one by one, checking each value's type and range and that
/// every edge joins nodes the graph has; members it does not know are read past (a later writer of
/// the same version may add some).
struct SavedServiceGraphReader: JSONDocumentReading {
    var scanner: JSONScanner
    let nesting: Int
    private let limit: Int
    private var schemaVersion: Int?
    private var kind: String?
    private(set) var title: String?
    private(set) var notes: [String] = []
    private var nodes: [ServiceGraph.Node] = []
    private var nodeIDs: Set<NodeID> = []
    private var calls: [ServiceGraph.CallEdge] = []
    private var links: [ServiceGraph.LinkEdge] = []
    private var edgeKeys: Set<GraphDiff.EdgeKey> = []
    private var anySpansCounted = false

    init(_ bytes: UnsafeRawBufferPointer, options: MetricsReadOptions) {
        nesting = min(max(options.maximumNesting, 0), JSONScanner.maximumDepth)
        scanner = JSONScanner(bytes, elementAt: 0, depth: JSONScanner.maximumDepth - nesting)
        limit = options.maximumEdges
    }

    static func malformed(_ reason: String) -> MetricsReadError.Problem { .malformedSavedGraph(reason: reason) }

    /// The graph read: nodes and edges in the order the document gives them. A peer counts spans
    /// as the services around it did (none, in a graph drawn from metrics).
    func graph() -> ServiceGraph {
        var nodes = self.nodes
        for index in nodes.indices where nodes[index].kind != .service { nodes[index].spansCounted = anySpansCounted }
        return ServiceGraph(nodes: nodes, callEdges: calls, linkEdges: links)
    }

    mutating func readDocument() throws(JSONDocumentError) {
        let start = valueStart()
        guard try peekKind() == .object else { throw malformed("a saved service graph is a JSON object", at: start) }
        var deferred: [(member: String, at: JSONScanner.Mark)] = []
        try readObject { reader, key throws(JSONDocumentError) in
            switch key {
            case "schemaVersion":
                let offset = reader.valueStart()
                let version = try reader.count("schemaVersion")
                guard version >= 1 else { throw reader.malformed("schemaVersion is \(version); the first version is 1", at: offset) }
                guard version <= ServiceGraphJSONLayout.schemaVersion else {
                    throw JSONDocumentError(offset: offset, problem: .newerSavedGraph(version: version, read: ServiceGraphJSONLayout.schemaVersion))
                }
                reader.schemaVersion = version
            case "kind":
                let offset = reader.valueStart()
                let kind = try reader.text("kind")
                guard kind == ServiceGraphJSONLayout.documentKind else {
                    throw reader.malformed("kind is \(MetricsReadError.Problem.quote(kind)), not \"\(ServiceGraphJSONLayout.documentKind)\"", at: offset)
                }
                reader.kind = kind
            case "title": reader.title = try reader.text("title")
            case "notes": try reader.readArray { reader throws(JSONDocumentError) in reader.notes.append(try reader.text("a note")) }
            // Edges name nodes, which may come after them: read once every node is known.
            case "nodes", "calls", "links":
                deferred.append((key, reader.scanner.mark))
                return false
            default: return false
            }
            return true
        }
        guard scanner.isAtEndOfInput() else { throw malformed("something follows the graph", at: scanner.position) }
        guard schemaVersion != nil else { throw malformed("the graph has no schemaVersion", at: start) }
        guard kind != nil else { throw malformed("the graph has no kind", at: start) }
        let end = scanner.mark
        for (member, mark) in deferred.sorted(by: { $0.member == "nodes" && $1.member != "nodes" }) {
            scanner.rewind(to: mark)
            switch member {
            case "nodes": try readArray { reader throws(JSONDocumentError) in try reader.readNode() }
            case "calls": try readArray { reader throws(JSONDocumentError) in try reader.readCall() }
            default: try readArray { reader throws(JSONDocumentError) in try reader.readLink() }
            }
        }
        scanner.rewind(to: end)
    }

    private mutating func readNode() throws(JSONDocumentError) {
        let start = try beginElement("node")
        var id: String?, name: String?, kind: String?, system: String?, address: String?, group: String?
        var spans: Int?, errorSpans: Int?, members: [String] = []
        try readObject { reader, key throws(JSONDocumentError) in
            switch key {
            case "id": id = try reader.text("id")
            case "name": name = try reader.text("name")
            case "kind": kind = try reader.text("kind")
            case "system": system = try reader.text("system")
            case "address": address = try reader.text("address")
            case "group": group = try reader.text("group")
            case "spans": spans = try reader.count("spans")
            case "errorSpans": errorSpans = try reader.count("errorSpans")
            case "members": try reader.readArray { reader throws(JSONDocumentError) in members.append(try reader.text("a member")) }
            default: return false
            }
            return true
        }
        guard let id, !id.isEmpty else { throw malformed("a node without an id", at: start) }
        guard let name else { throw malformed("node \(MetricsReadError.Problem.quote(id)) has no name", at: start) }
        guard let kind else { throw malformed("node \(MetricsReadError.Problem.quote(id)) has no kind", at: start) }
        guard let nodeKind = ServiceGraphJSONLayout.nodeKind(named: kind, system: system) else {
            throw malformed("node kind \(MetricsReadError.Problem.quote(kind)) is none of "
                            + ServiceGraphJSONLayout.nodeKindNames.joined(separator: ", "), at: start)
        }
        guard nodeIDs.insert(NodeID(rawValue: id)).inserted else {
            throw malformed("a second node with id \(MetricsReadError.Problem.quote(id))", at: start)
        }
        if let spans, let errorSpans, errorSpans > spans {
            throw malformed("node \(MetricsReadError.Problem.quote(id)) has more errorSpans (\(errorSpans)) than spans (\(spans))", at: start)
        }
        let counted = nodeKind == .service && spans != nil
        anySpansCounted = anySpansCounted || counted
        nodes.append(ServiceGraph.Node(id: NodeID(rawValue: id), name: name, kind: nodeKind, address: address, spanCount: spans ?? 0,
                                       errorSpanCount: errorSpans ?? 0, spansCounted: counted, members: members, group: group))
    }

    private mutating func readCall() throws(JSONDocumentError) {
        let start = try beginElement("call")
        var from: NodeID?, to: NodeID?, kind: ServiceGraph.CallEdge.Kind?, connection = ServiceGraph.CallEdge.Connection.direct
        var calls: Int?, errors = 0, latency = LatencySummary.unknown, clientLatency: LatencySummary?, merged = 1
        try readObject { reader, key throws(JSONDocumentError) in
            switch key {
            case "from": from = try reader.nodeID("from")
            case "to": to = try reader.nodeID("to")
            case "kind":
                let offset = reader.valueStart()
                let name = try reader.text("kind")
                guard let known = ServiceGraphJSONLayout.callKind(named: name) else {
                    throw reader.malformed("call kind \(MetricsReadError.Problem.quote(name)) is none of request, publish, deliver", at: offset)
                }
                kind = known
            case "connection":
                let offset = reader.valueStart()
                let name = try reader.text("connection")
                guard let known = ServiceGraph.CallEdge.Connection(rawValue: name), known != .direct else {
                    throw reader.malformed("connection \(MetricsReadError.Problem.quote(name)) is none of database, messaging_system, virtual_node", at: offset)
                }
                connection = known
            case "calls": calls = try reader.count("calls")
            case "errors": errors = try reader.count("errors")
            case "latency": latency = try reader.readLatency()
            case "clientLatency": clientLatency = try reader.readLatency()
            case "mergedEdges": merged = try reader.count("mergedEdges")
            default: return false
            }
            return true
        }
        guard let from, let to else { throw malformed("a call without from and to", at: start) }
        guard let kind else { throw malformed("a call without a kind", at: start) }
        guard let calls else { throw malformed("a call without calls", at: start) }
        guard errors <= calls else { throw malformed("a call with more errors (\(errors)) than calls (\(calls))", at: start) }
        var edge = ServiceGraph.CallEdge(from: from, to: to, kind: kind, connection: connection, calls: calls, errors: errors,
                                         latency: latency, clientLatency: clientLatency)
        edge.mergedEdges = max(merged, 1)
        try checkFirst(GraphDiff.EdgeKey(edge), "call \(from) → \(to) (\(ServiceGraphJSONLayout.name(of: kind)))", at: start)
        self.calls.append(edge)
    }

    private mutating func readLink() throws(JSONDocumentError) {
        let start = try beginElement("link")
        var from: NodeID?, to: NodeID?, operation = "", links: Int?, dropped = 0, lag: LatencySummary?, overlapping = 0, skewed = 0
        var keys: [ServiceGraph.KeyCount] = []
        try readObject { reader, key throws(JSONDocumentError) in
            switch key {
            case "from": from = try reader.nodeID("from")
            case "to": to = try reader.nodeID("to")
            case "operation": operation = try reader.text("operation")
            case "links": links = try reader.count("links")
            case "droppedLinks": dropped = try reader.count("droppedLinks")
            case "lag": lag = try reader.readLatency()
            case "overlappingLinks": overlapping = try reader.count("overlappingLinks")
            case "skewedLinks": skewed = try reader.count("skewedLinks")
            case "attributeKeys":
                try reader.readArray { reader throws(JSONDocumentError) in
                    var name: String?, count = 0
                    try reader.readObject { reader, key throws(JSONDocumentError) in
                        switch key {
                        case "key": name = try reader.text("key")
                        case "count": count = try reader.count("count")
                        default: return false
                        }
                        return true
                    }
                    keys.append(ServiceGraph.KeyCount(key: name ?? "", count: count))
                }
            default: return false
            }
            return true
        }
        guard let from, let to else { throw malformed("a link without from and to", at: start) }
        guard let links else { throw malformed("a link without links", at: start) }
        let edge = ServiceGraph.LinkEdge(from: from, to: to, operation: operation, links: links, lag: lag, overlappingLinks: overlapping,
                                         skewedLinks: skewed, attributeKeys: keys, droppedLinks: dropped)
        try checkFirst(GraphDiff.EdgeKey(edge), "link \(from) → \(to) (\(MetricsReadError.Problem.quote(operation)))", at: start)
        self.links.append(edge)
    }

    private mutating func readLatency() throws(JSONDocumentError) -> LatencySummary {
        let start = valueStart()
        var basis: String?, above = false, figures: [String: UInt64] = [:]
        try readObject { reader, key throws(JSONDocumentError) in
            switch key {
            case "basis": basis = try reader.text("basis")
            case "maxAboveFiniteBuckets":
                above = try reader.scan { json throws(JSONError) in try json.readBool() }
            case "p50Nanos", "p95Nanos", "p99Nanos", "maxNanos": figures[key] = try reader.nanoseconds(key)
            default: return false
            }
            return true
        }
        let chosen: LatencySummary.Basis
        switch basis {
        case "durations": chosen = .durations
        case "histogram": chosen = .histogram(aboveFiniteBuckets: above)
        case "unknown": return .unknown
        default:
            throw malformed("a latency's basis is durations, histogram or unknown, not \(MetricsReadError.Problem.quote(basis ?? "missing"))", at: start)
        }
        guard let p50 = figures["p50Nanos"], let p95 = figures["p95Nanos"], let p99 = figures["p99Nanos"], let max = figures["maxNanos"] else {
            throw malformed("a latency needs p50Nanos, p95Nanos, p99Nanos and maxNanos", at: start)
        }
        return LatencySummary(p50Nanos: p50, p95Nanos: p95, p99Nanos: p99, maxNanos: max, basis: chosen)
    }

    // MARK: Values

    /// Starts an element of `nodes`, `calls` or `links`: an object, one more than the limit allows at most.
    private mutating func beginElement(_ what: String) throws(JSONDocumentError) -> Int {
        let start = valueStart()
        guard try peekKind() == .object else { throw malformed("a \(what) is an object", at: start) }
        guard nodes.count + calls.count + links.count < limit else {
            throw JSONDocumentError(offset: start, problem: .tooManyEdges(limit: limit))
        }
        return start
    }

    /// Refuses a second edge of the same key (`shown` in the message): `tracegraph diff` matches edges by it.
    private mutating func checkFirst(_ key: GraphDiff.EdgeKey, _ shown: String, at offset: Int) throws(JSONDocumentError) {
        guard edgeKeys.insert(key).inserted else { throw malformed("a second \(shown)", at: offset) }
    }

    private mutating func text(_ what: String) throws(JSONDocumentError) -> String {
        let offset = valueStart()
        guard try peekKind() == .string else { throw malformed("\(what) is a string", at: offset) }
        return try string()
    }

    private mutating func nodeID(_ what: String) throws(JSONDocumentError) -> NodeID {
        let offset = valueStart()
        let id = NodeID(rawValue: try text(what))
        guard nodeIDs.contains(id) else { throw malformed("\(what) names no node of the graph: \(MetricsReadError.Problem.quote(id.rawValue))", at: offset) }
        return id
    }

    private mutating func count(_ what: String) throws(JSONDocumentError) -> Int {
        let offset = valueStart()
        guard let value = try number().int64, value >= 0, let count = Int(exactly: value) else {
            throw malformed("\(what) is a whole number, not negative", at: offset)
        }
        return count
    }

    private mutating func nanoseconds(_ what: String) throws(JSONDocumentError) -> UInt64 {
        let offset = valueStart()
        guard let value = try number().uint64 else { throw malformed("\(what) is a whole number of nanoseconds", at: offset) }
        return value
    }

    private mutating func number() throws(JSONDocumentError) -> JSONNumber {
        let offset = valueStart()
        guard try peekKind() == .number else { throw malformed("expected a number", at: offset) }
        return try scan { json throws(JSONError) in try json.readNumberToken() }
    }
}
