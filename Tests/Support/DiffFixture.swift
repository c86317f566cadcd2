import ServiceGraph
import TraceModel

/// Two graphs of one system a release apart, for the diff's tests: a service added, an edge
/// removed, an error rate up 6 points, a p95 up 30 %, and a link edge with more links.
public enum DiffFixture {
    private static func node(_ name: String, _ kind: ServiceGraph.Node.Kind = .service) -> ServiceGraph.Node {
        let prefix = kind == .service ? "svc_" : "db_"
        return ServiceGraph.Node(id: NodeID(rawValue: prefix + name), name: name, kind: kind, spanCount: kind == .service ? 10 : 0)
    }

    private static func call(_ from: String, _ to: String, calls: Int = 100, errors: Int = 0, p95: UInt64 = 10_000_000) -> ServiceGraph.CallEdge {
        ServiceGraph.CallEdge(from: NodeID(rawValue: "svc_" + from), to: NodeID(rawValue: to.hasPrefix("db:") ? "db_" + to.dropFirst(3) : "svc_" + to),
                              calls: calls, errors: errors, latency: LatencySummary(durations: Array(repeating: p95, count: 20)))
    }

    /// frontend → checkout → payment, checkout → orders-db; a link from checkout to mailer.
    public static let before = ServiceGraph(
        nodes: [node("orders-db", .database(system: "postgresql")), node("checkout"), node("frontend"), node("mailer"), node("payment")],
        callEdges: [call("checkout", "db:orders-db"), call("checkout", "payment", errors: 1), call("frontend", "checkout")],
        linkEdges: [ServiceGraph.LinkEdge(from: NodeID(rawValue: "svc_checkout"), to: NodeID(rawValue: "svc_mailer"), operation: "send mail", links: 40)])

    /// A fraud service now called by checkout; checkout no longer writes orders-db; payment fails 6 % more; frontend → checkout 30 % slower.
    public static let after = ServiceGraph(
        nodes: [node("orders-db", .database(system: "postgresql")), node("checkout"), node("fraud"), node("frontend"), node("mailer"), node("payment")],
        callEdges: [call("checkout", "fraud"), call("checkout", "payment", errors: 7), call("frontend", "checkout", p95: 13_000_000)],
        linkEdges: [ServiceGraph.LinkEdge(from: NodeID(rawValue: "svc_checkout"), to: NodeID(rawValue: "svc_mailer"), operation: "send mail", links: 44)])

    public static let diff = GraphDiff(before: before, after: after)
}
