import Foundation
import GraphOutputs
import ServiceGraph
import Testing
import TraceTestSupport

/// `tracegraph diff`'s Markdown and JSON, against golden files: a service added, an edge removed,
/// an error rate and a p95 up, a link edge with more links.
@Suite struct GraphDiffOutputTests {
    static let gate = try! DiffGate(parsing: "new-service,error-rate>+2pp,p95>+20%")

    @Test func theDiffReadsAsItsGoldenFiles() throws {
        let markdown = GraphDiffMarkdown.text(DiffFixture.diff, gate: Self.gate)
        Golden.check(markdown, matches: "diff.md")
        Golden.check(GraphDiffJSON.text(DiffFixture.diff, gate: Self.gate), matches: "diff.json")
        // The most significant change first: the services and edges that came or went, then the error rate, then p95.
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Change") }.map { $0.split(separator: "|")[0] }
        #expect(rows.map { $0.trimmingCharacters(in: .whitespaces) } == [
            "added service", "removed edge", "added edge", "error rate +6 pp", "p95 +30%", "links +4",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(GraphDiffJSON.text(DiffFixture.diff).utf8)) as? [String: Any])
        #expect(object["gateMatches"] == nil, "no gate, no matches")
    }

    @Test func theSameGraphsGiveTheSameBytesAndAnUnchangedGraphSaysSo() {
        let again = GraphDiff(before: DiffFixture.before, after: DiffFixture.after)
        #expect(GraphDiffMarkdown.text(again, gate: Self.gate) == GraphDiffMarkdown.text(DiffFixture.diff, gate: Self.gate))
        #expect(GraphDiffJSON.text(again) == GraphDiffJSON.text(DiffFixture.diff))
        let unchanged = GraphDiffMarkdown.text(GraphDiff(before: DiffFixture.after, after: DiffFixture.after), gate: Self.gate)
        #expect(unchanged.contains("> The gate passes") && unchanged.hasSuffix("Nothing changed.\n"))
    }
}
