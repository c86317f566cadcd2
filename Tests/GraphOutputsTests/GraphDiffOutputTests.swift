import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GraphOutputs
import ServiceGraph
import Testing
import TraceTestSupport
import Tracegraph

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

    /// The drawing: DOT against a golden file; the SVG Graphviz lays out from it, by what a reader
    /// sees: the new service green and labelled added, the edge gone red and dashed and labelled
    /// removed, the changed edges labelled with what changed, the totals and the gate under it.
    @Test func theDiffDrawsWhatCameWentAndChanged() throws {
        let caption = [GraphWording.totals(of: DiffFixture.diff)] + [GraphWording.gateVerdict(Self.gate.matches(DiffFixture.diff))].map { $0.head + $0.rest }
        let renderer = GraphvizRenderer()
        let dot = String(decoding: try renderer.render(DiffFixture.diff, format: .dot, caption: caption, title: "Release 42"), as: UTF8.self)
        Golden.check(dot, matches: "diff.dot")
        let svg = String(decoding: try renderer.render(DiffFixture.diff, format: .svg, caption: caption, title: "Release 42"), as: UTF8.self)
        let document = try XMLDocument(xmlString: svg)
        func group(_ id: String) throws -> XMLElement {
            try #require(try document.nodes(forXPath: "//*[local-name()='g'][@id='\(id)']").first as? XMLElement, "no element \(id)")
        }
        func texts(_ element: XMLElement) throws -> [String] {
            try element.nodes(forXPath: ".//*[local-name()='text']").compactMap(\.stringValue)
        }
        let theme = Theme.light
        let fraud = try group("svc_fraud")
        #expect(fraud.xmlString.contains("class=\"node service added\""))
        #expect(try texts(fraud) == ["fraud", "added"])
        #expect(fraud.xmlString.contains("stroke=\"\(theme.added)\""))
        let gone = try group("call_svc_checkout_db_orders-db_request")
        #expect(gone.xmlString.contains("class=\"edge call removed\""))
        #expect(gone.xmlString.contains("stroke=\"\(theme.errorLine)\"") && gone.xmlString.contains("stroke-dasharray"))
        #expect(try texts(gone) == ["removed", "100 calls · p95 10 ms"])
        #expect(try texts(try group("call_svc_checkout_svc_payment_request")) == ["error rate +6 pp"])
        #expect(try texts(try group("call_svc_frontend_svc_checkout_request")) == ["p95 +30%"])
        #expect(try texts(try group("link_svc_checkout_svc_mailer_0")) == ["send mail", "links +4"])
        let captionTexts = try texts(try #require(document.rootElement()))
        #expect(captionTexts.contains("Release 42"))
        #expect(captionTexts.contains("1 node added · 0 removed · 1 edge added · 1 removed · 3 changed."))
        #expect(captionTexts.contains { $0.hasPrefix("The gate fails on 3 changes: new service fraud;") })
        // The same diff, the same bytes.
        #expect(try renderer.render(GraphDiff(before: DiffFixture.before, after: DiffFixture.after), format: .svg, caption: caption, title: "Release 42")
            == Array(svg.utf8))
    }
}
