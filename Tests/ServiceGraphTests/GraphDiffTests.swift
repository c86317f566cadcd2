import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport

/// How a service graph changed, and the gates a build fails on.
@Suite struct GraphDiffTests {
    static let before = DiffFixture.before
    static let after = DiffFixture.after
    static let diff = DiffFixture.diff

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
