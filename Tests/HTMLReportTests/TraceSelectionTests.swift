import Foundation
import Testing
import TraceModel
import TraceTestSupport
import Tracegraph
@testable import HTMLReport

/// Which traces a report keeps under --max-traces: the traces with errors, their chains of linked
/// traces (each way on its own, as far as --keep-linked says), then the slowest with theirs.
@Suite struct TraceSelectionTests {
    /// 0 fails; 1 links to it (a retry) and 2 to 1 (the retry's retry); 3 links to 0 too (a consumer of
    /// its message) and 4 to 3. 5 and 6 are slow, and linked to nothing.
    static let candidates = [
        candidate(0, error: true, duration: 10, effects: [1, 3]),
        candidate(1, duration: 10, causes: [0], effects: [2]),
        candidate(2, duration: 10, causes: [1]),
        candidate(3, duration: 10, causes: [0], effects: [4]),
        candidate(4, duration: 10, causes: [3]),
        candidate(5, duration: 900),
        candidate(6, duration: 800),
    ]

    static func candidate(_ number: UInt64, error: Bool = false, duration: UInt64, causes: [Int] = [], effects: [Int] = []) -> TraceSelection.Candidate {
        TraceSelection.Candidate(id: Fixture.traceID(number), hasErrors: error, duration: duration, causes: causes, effects: effects)
    }

    private func kept(_ limit: Int, keepLinked: Int? = nil) -> [Int] {
        TraceSelection.kept(Self.candidates, atMost: limit, keepLinked: keepLinked).enumerated().filter(\.element).map(\.offset)
    }

    @Test func aFailureComesWithItsWholeChainBeforeTheSlowest() {
        #expect(kept(5) == [0, 1, 2, 3, 4])
        #expect(kept(6) == [0, 1, 2, 3, 4, 5])
    }

    @Test func keepLinkedBoundsHowFarTheChainGoes() {
        #expect(kept(5, keepLinked: 1) == [0, 1, 3, 5, 6])
        // None of the chain: the failure, the slowest, then the rest by duration and id.
        #expect(kept(5, keepLinked: 0) == [0, 1, 2, 5, 6])
    }

    @Test func aChainMemberBringsNoChainOfItsOwn() {
        // 0 fails and links to 1 (the message it consumed); 2 consumed the same message. 1 is in 0's
        // chain; 2, its other effect, is not, and the slow 3 comes before it.
        let consumers = [
            Self.candidate(0, error: true, duration: 10, causes: [1]),
            Self.candidate(1, duration: 10, effects: [0, 2]),
            Self.candidate(2, duration: 20, causes: [1]),
            Self.candidate(3, duration: 900),
        ]
        let chosen = TraceSelection.kept(consumers, atMost: 3).enumerated().filter(\.element).map(\.offset)
        #expect(chosen == [0, 1, 3])
    }

    @Test func theReportSaysHowManyLinksComeFromTracesLeftOut() throws {
        // The shop with room for 10 traces: the failed items' links to the batch job, and more.
        let shop = try LoadedTraces(paths: [Fixtures.pythonSDKShop])
        let html = try shop.htmlReport(options: .init(maxTraces: 10)).html
        let notice = try #require(html.range(of: "id=\"omission-notice\"").map { html[$0.upperBound...].prefix { $0 != "\n" } })
        #expect(notice.contains("kept are the traces with errors and the chains of traces linked to them, then the slowest."))
        #expect(notice.contains(" from the traces left out point into those shown."), "\(notice.prefix(600))")
    }
}
