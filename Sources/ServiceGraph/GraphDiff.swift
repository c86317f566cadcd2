/// How a service graph changed from one run to the next: services and peers that came or went,
/// edges (calls and span links alike) that came or went, and for edges in both, the change in
/// calls, in error rate and in p95 latency. Nodes are matched by id (which their kind and name
/// make), calls by their ends and kind, links by their ends and the linking spans' name.
public struct GraphDiff: Sendable {
    /// What identifies an edge across two graphs.
    public struct EdgeKey: Hashable, Comparable, Sendable {
        public enum Kind: String, Hashable, Comparable, Sendable {
            case call, link

            public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
        }

        public var kind: Kind
        public var from: NodeID
        public var to: NodeID
        /// A call's kind (`request`, `publish`, `deliver`); a link's linking spans' name.
        public var detail: String

        package init(kind: Kind, from: NodeID, to: NodeID, detail: String) {
            (self.kind, self.from, self.to, self.detail) = (kind, from, to, detail)
        }

        /// A call's key: its ends and its kind.
        package init(_ edge: ServiceGraph.CallEdge) {
            self.init(kind: .call, from: edge.from, to: edge.to, detail: ServiceGraphJSONLayout.name(of: edge.kind))
        }

        /// A link edge's key: its ends and the linking spans' name.
        package init(_ edge: ServiceGraph.LinkEdge) {
            self.init(kind: .link, from: edge.from, to: edge.to, detail: edge.operation)
        }

        public static func < (lhs: EdgeKey, rhs: EdgeKey) -> Bool {
            (lhs.kind, lhs.from, lhs.to, lhs.detail) < (rhs.kind, rhs.from, rhs.to, rhs.detail)
        }
    }

    /// An edge's numbers in one graph.
    public struct EdgeNumbers: Hashable, Sendable {
        /// Calls, or links.
        public var count: Int
        public var errors: Int
        /// The p95 latency (a link's: its lag), when the graph knows it.
        public var p95Nanos: UInt64?

        package init(count: Int, errors: Int, p95Nanos: UInt64?) {
            (self.count, self.errors, self.p95Nanos) = (count, errors, p95Nanos)
        }

        public var errorRate: Double { count == 0 ? 0 : Double(errors) / Double(count) }
    }

    /// An edge in either graph or both.
    public struct Edge: Hashable, Sendable {
        public var key: EdgeKey
        /// Nil: the edge is new.
        public var before: EdgeNumbers?
        /// Nil: the edge is gone.
        public var after: EdgeNumbers?

        package init(key: EdgeKey, before: EdgeNumbers?, after: EdgeNumbers?) {
            (self.key, self.before, self.after) = (key, before, after)
        }

        /// The change in error rate, in percentage points; nil unless in both.
        public var errorRateChange: Double? {
            guard let before, let after else { return nil }
            return (after.errorRate - before.errorRate) * 100
        }

        /// The change in p95 latency, as a share of before (0.2: 20 % slower); nil unless both know it.
        public var p95Change: Double? {
            guard let old = before?.p95Nanos, let new = after?.p95Nanos, old > 0 else { return nil }
            return Double(new) / Double(old) - 1
        }
    }

    public var addedNodes: [ServiceGraph.Node]
    public var removedNodes: [ServiceGraph.Node]
    /// Every node of either graph once, sorted by id: those after, and those gone.
    public var nodes: [ServiceGraph.Node]
    /// Every edge of either graph, sorted by key.
    public var edges: [Edge]
    /// Each node's name, from either graph.
    public var names: [NodeID: String]

    public var addedEdges: [Edge] { edges.filter { $0.before == nil } }
    public var removedEdges: [Edge] { edges.filter { $0.after == nil } }
    /// Edges in both graphs.
    public var keptEdges: [Edge] { edges.filter { $0.before != nil && $0.after != nil } }
    /// Edges in both graphs whose numbers differ.
    public var changedEdges: [Edge] { keptEdges.filter { $0.before != $0.after } }

    public init(before: ServiceGraph, after: ServiceGraph) {
        let oldNodes = Dictionary(before.nodes.map { ($0.id, $0) }) { first, _ in first }
        let newNodes = Dictionary(after.nodes.map { ($0.id, $0) }) { first, _ in first }
        addedNodes = after.nodes.filter { oldNodes[$0.id] == nil }
        removedNodes = before.nodes.filter { newNodes[$0.id] == nil }
        nodes = (Array(newNodes.values) + removedNodes).sorted { $0.id < $1.id }
        var names: [NodeID: String] = [:]
        for node in before.nodes + after.nodes { names[node.id] = node.name }
        self.names = names
        let old = Self.edges(of: before), new = Self.edges(of: after)
        edges = Set(old.keys).union(new.keys).sorted().map { Edge(key: $0, before: old[$0], after: new[$0]) }
    }

    private static func edges(of graph: ServiceGraph) -> [EdgeKey: EdgeNumbers] {
        var edges: [EdgeKey: EdgeNumbers] = [:]
        for edge in graph.callEdges {
            let p95: UInt64? = if case .unknown = edge.latency.basis { nil } else { edge.latency.p95Nanos }
            edges[EdgeKey(edge)] = EdgeNumbers(count: edge.calls, errors: edge.errors, p95Nanos: p95)
        }
        for edge in graph.linkEdges {
            let key = EdgeKey(edge)
            var numbers = edges[key] ?? EdgeNumbers(count: 0, errors: 0, p95Nanos: nil)
            numbers.count += edge.links
            numbers.p95Nanos = edge.lag.map(\.p95Nanos) ?? numbers.p95Nanos
            edges[key] = numbers
        }
        return edges
    }
}

extension GraphWording {
    /// `1 node added · 0 removed · 1 edge added · 1 removed · 3 changed`.
    public static func totals(of diff: GraphDiff) -> String {
        [
            count(diff.addedNodes.count, "node") + " added", count(diff.removedNodes.count) + " removed",
            count(diff.addedEdges.count, "edge") + " added", count(diff.removedEdges.count) + " removed",
            count(diff.changedEdges.count) + " changed",
        ].joined(separator: " · ")
    }

    /// What changed on an edge in both graphs, as far as a person would see it: `error rate +6 pp`
    /// (from a twentieth of a point), `p95 +30%` (a link's `lag p95`, from 0.1 %), `calls +4`
    /// (`links +4`); empty when none of them changed that much.
    public static func changes(of edge: GraphDiff.Edge) -> [String] {
        var what: [String] = []
        if let change = edge.errorRateChange, abs(change) >= 0.05 { what.append("error rate " + points(change)) }
        if let share = edge.p95Change, abs(share) >= 0.0005 {
            what.append((edge.key.kind == .link ? "lag p95 " : "p95 ") + (share < 0 ? "-" : "+") + percent(abs(share)))
        }
        let delta = (edge.after?.count ?? 0) - (edge.before?.count ?? 0)
        if delta != 0, edge.before != nil, edge.after != nil {
            what.append((edge.key.kind == .link ? "links " : "calls ") + (delta > 0 ? "+" : "-") + count(abs(delta)))
        }
        return what
    }

    /// What a gate made of a diff, from what it matched (``DiffGate/matches(_:)``): `The gate
    /// fails` and ` on 2 changes: new service fraud; …` (the first `listed` of them), or `The gate
    /// passes` and `: nothing it fails on changed`; the head apart, for Markdown to set in bold.
    public static func gateVerdict(_ matches: [String], listed: Int = .max) -> (head: String, rest: String) {
        guard !matches.isEmpty else { return ("The gate passes", ": nothing it fails on changed") }
        let shown = matches.prefix(listed).joined(separator: "; ")
        return ("The gate fails", " on " + count(matches.count, "change") + ": " + shown
            + (matches.count > listed ? "; and " + count(matches.count - listed) + " more" : ""))
    }

    /// An edge's numbers in one graph: `100 calls · 7 errors (7%) · p95 13 ms`, `44 links · lag p95 2 s`.
    public static func numbers(_ numbers: GraphDiff.EdgeNumbers, of key: GraphDiff.EdgeKey) -> String {
        var parts = [count(numbers.count, key.kind == .link ? "link" : "call")]
        if numbers.errors > 0 { parts.append(count(numbers.errors, "error") + " (" + percent(numbers.errorRate) + ")") }
        if let p95 = numbers.p95Nanos { parts.append((key.kind == .link ? "lag p95 " : "p95 ") + duration(nanos: p95)) }
        return parts.joined(separator: " · ")
    }
}

/// What makes a diff fail a build: `--fail-on new-edge,removed-edge,new-service,removed-service,error-rate>+2pp,p95>+20%`.
public struct DiffGate: Hashable, Sendable {
    public enum Term: Hashable, Sendable {
        case newEdge, removedEdge, newService, removedService
        /// An edge in both whose error rate rose by more than this many percentage points.
        case errorRateRise(points: Double)
        /// An edge in both whose p95 rose by more than this share (0.2: 20 %).
        case p95Rise(share: Double)
    }

    public var terms: [Term]

    public init(terms: [Term]) {
        self.terms = terms
    }

    /// The gate a `--fail-on` value says, terms separated by commas.
    public init(parsing text: String) throws(DiffGateError) {
        terms = try text.split(separator: ",").map { word throws(DiffGateError) in
            let term = word.trimmingPrefix(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()
            let written = String(term)
            switch written {
            case "new-edge": return .newEdge
            case "removed-edge": return .removedEdge
            case "new-service": return .newService
            case "removed-service": return .removedService
            default:
                if written.hasPrefix("error-rate>+"), written.hasSuffix("pp"), let points = Double(written.dropFirst(12).dropLast(2)), points >= 0 {
                    return .errorRateRise(points: points)
                }
                if written.hasPrefix("p95>+"), written.hasSuffix("%"), let percent = Double(written.dropFirst(5).dropLast()), percent >= 0 {
                    return .p95Rise(share: percent / 100)
                }
                throw DiffGateError(term: written)
            }
        }
        if terms.isEmpty { throw DiffGateError(term: text) }
    }

    /// What in `diff` the gate matches, one line each, for a person; empty when nothing does.
    public func matches(_ diff: GraphDiff) -> [String] {
        let name = { (id: NodeID) in diff.names[id] ?? id.rawValue }
        let edge = { (key: GraphDiff.EdgeKey) in
            name(key.from) + " → " + name(key.to) + (key.kind == .link ? " (links, " + key.detail + ")" : "")
        }
        var lines: [String] = []
        for term in terms {
            switch term {
            case .newEdge: lines += diff.addedEdges.map { "new edge " + edge($0.key) }
            case .removedEdge: lines += diff.removedEdges.map { "removed edge " + edge($0.key) }
            case .newService: lines += diff.addedNodes.filter { $0.kind == .service }.map { "new service " + $0.name }
            case .removedService: lines += diff.removedNodes.filter { $0.kind == .service }.map { "removed service " + $0.name }
            case .errorRateRise(let points):
                lines += diff.keptEdges.compactMap { change in
                    guard let rise = change.errorRateChange, rise > points else { return nil }
                    return "error rate of " + edge(change.key) + " up " + GraphWording.points(rise) + " (more than " + GraphWording.points(points) + ")"
                }
            case .p95Rise(let share):
                lines += diff.keptEdges.compactMap { change in
                    guard let rise = change.p95Change, rise > share else { return nil }
                    return "p95 of " + edge(change.key) + " up " + GraphWording.percent(rise) + " (more than " + GraphWording.percent(share) + ")"
                }
            }
        }
        return lines
    }
}

/// A `--fail-on` term tracegraph does not know.
public struct DiffGateError: Error, Hashable, Sendable {
    public var term: String
}

extension DiffGateError: CustomStringConvertible {
    public var description: String {
        "--fail-on: '" + term + "' is no gate; the gates are new-edge, removed-edge, new-service, removed-service, "
            + "error-rate>+Npp (an edge's error rate up more than N percentage points) and p95>+N% (its p95 up more than N %)"
    }
}
