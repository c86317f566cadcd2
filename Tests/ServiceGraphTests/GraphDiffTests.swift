import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport

/// How a service graph changed, and the gates a build fails on.
@Suite struct GraphDiffTests {
    private static func node(_ name: String, _ kind: ServiceGraph.Node.Kind = .service) -> ServiceGraph.Node {
        let prefix = kind == .service ? "svc_" : "db_"
        return ServiceGraph.Node(id: NodeID(rawValue: prefix + name), name: name, kind: kind, spanCount: kind == .service ? 10 : 0)
    }

    private static func call(_ from: String, _ to: String, calls: Int = 100, errors: Int = 0, p95: UInt64 = 10_000_000) -> ServiceGraph.CallEdge {
        ServiceGraph.CallEdge(from: NodeID(rawValue: "svc_" + from), to: NodeID(rawValue: to.hasPrefix("db:") ? "db_" + to.dropFirst(3) : "svc_" + to),
                              calls: calls, errors: errors, latency: LatencySummary(durations: Array(repeating: p95, count: 20)))
    }

    /// frontend → checkout → payment, checkout → orders-db; a link from checkout to mailer.
    static let before = ServiceGraph(
        nodes: [node("orders-db", .database(system: "postgresql")), node("checkout"), node("frontend"), node("mailer"), node("payment")],
        callEdges: [call("checkout", "db:orders-db"), call("checkout", "payment", errors: 1), call("frontend", "checkout")],
        linkEdges: [ServiceGraph.LinkEdge(from: NodeID(rawValue: "svc_checkout"), to: NodeID(rawValue: "svc_mailer"), operation: "send mail", links: 40)])

    /// A fraud service now called by checkout; checkout no longer writes orders-db; payment fails 6 % more; frontend → checkout 30 % slower.
    static let after = ServiceGraph(
        nodes: [node("orders-db", .database(system: "postgresql")), node("checkout"), node("fraud"), node("frontend"), node("mailer"), node("payment")],
        callEdges: [call("checkout", "fraud"), call("checkout", "payment", errors: 7), call("frontend", "checkout", p95: 13_000_000)],
        linkEdges: [ServiceGraph.LinkEdge(from: NodeID(rawValue: "svc_checkout"), to: NodeID(rawValue: "svc_mailer"), operation: "send mail", links: 44)])

    static let diff = GraphDiff(before: before, after: after)

    @Test func theDiffSaysWhatCameWhatWentAndWhatChanged() {
        let diff = Self.diff
        #expect(diff.addedNodes.map(\.name) == ["fraud"])
        #expect(diff.removedNodes.isEmpty)
        #expect(diff.addedEdges.map { "\($0.key.from.rawValue)→\($0.key.to.rawValue)" } == ["svc_checkout→svc_fraud"])
        #expect(diff.removedEdges.map { "\($0.key.from.rawValue)→\($0.key.to.rawValue)" } == ["svc_checkout→db_orders-db"])
        let payment = try! #require(diff.keptEdges.first { $0.key.to.rawValue == "svc_payment" })
        #expect(abs(payment.errorRateChange! - 6) < 1e-9)
        let frontend = try! #require(diff.keptEdges.first { $0.key.from.rawValue == "svc_frontend" })
        #expect(abs(frontend.p95Change! - 0.3) < 1e-9)
        let link = try! #require(diff.keptEdges.first { $0.key.kind == .link })
        #expect(link.before?.count == 40 && link.after?.count == 44 && link.key.detail == "send mail")
        #expect(GraphDiff(before: Self.before, after: Self.before).edges.allSatisfy { $0.before == $0.after })
    }

    @Test(arguments: [
        ("new-edge", ["new edge checkout → fraud"]),
        ("removed-edge", ["removed edge checkout → orders-db"]),
        ("new-service", ["new service fraud"]),
        ("removed-service", []),
        ("error-rate>+2pp", ["error rate of checkout → payment up +6 pp (more than +2 pp)"]),
        ("error-rate>+10pp", []),
        ("p95>+20%", ["p95 of frontend → checkout up 30% (more than 20%)"]),
        ("p95>+50%", []),
        (" new-service , p95>+50% ", ["new service fraud"]),
    ])
    func eachGateMatchesWhatItSaysAndNothingElse(gate: String, matches: [String]) throws {
        #expect(try DiffGate(parsing: gate).matches(Self.diff) == matches)
        #expect(try DiffGate(parsing: gate).matches(GraphDiff(before: Self.after, after: Self.after)).isEmpty, "an unchanged graph passes every gate")
    }

    @Test func aServiceThatWentIsMatchedByRemovedService() throws {
        #expect(try DiffGate(parsing: "removed-service").matches(GraphDiff(before: Self.after, after: Self.before)) == ["removed service fraud"])
    }

    @Test(arguments: ["", "new-edges", "p95>20%", "error-rate>+twopp", "p95>+-5%", "error-rate>2pp"])
    func anUnknownGateIsAnErrorThatListsTheGates(text: String) {
        let error = #expect(throws: DiffGateError.self) { try DiffGate(parsing: text) }
        #expect(error.map { "\($0)" }?.contains("the gates are new-edge, removed-edge") == true)
    }
}
