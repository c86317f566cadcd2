import Foundation
import GraphOutputs
import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport
import Tracegraph

/// `tracegraph summary` and `--format markdown`: golden files, the limits of a comment and of a
/// job summary, and names from the traces kept inside their table cells.
@Suite struct MarkdownSummaryTests {
    @Test func summariesReadAsTheirGoldenFiles() throws {
        for input in GoldenInputs.all {
            let summary = MarkdownSummary(try GraphView().apply(to: try input.graph()))
            Golden.check(summary.text, matches: input.name + ".md")
            #expect(summary.notes.isEmpty)
        }
    }

    /// A mesh of `services` services, each calling `fanOut` others, seeded.
    static func mesh(services: Int, fanOut: Int) -> ServiceGraph {
        var random = SplitMix64(seed: UInt64(services))
        let nodes = (0..<services).map {
            ServiceGraph.Node(id: NodeID(rawValue: "svc_s\($0)"), name: "service-\($0)", kind: .service, spanCount: 100 + $0)
        }
        var pairs = Set<[Int]>()
        var edges: [ServiceGraph.CallEdge] = []
        for from in 0..<services {
            var made = 0
            while made < fanOut {
                let to = Int(random.next() % UInt64(services))
                guard to != from, pairs.insert([from, to]).inserted else { continue }
                made += 1
                edges.append(ServiceGraph.CallEdge(from: nodes[from].id, to: nodes[to].id, calls: Int(random.next() % 5_000) + 1,
                                                   errors: 0, latency: LatencySummary(durations: [2_000_000])))
            }
        }
        return ServiceGraph(nodes: nodes, callEdges: edges.sorted { ($0.from, $0.to) < ($1.from, $1.to) }, linkEdges: [])
    }

    @Test func aSummaryStaysWithinAComment() throws {
        let viewed = try GraphView.full.apply(to: Self.mesh(services: 300, fanOut: 4))
        let comment = MarkdownSummary(viewed, for: .comment)
        #expect(comment.text.utf16.count <= 65_536)
        #expect(!comment.text.contains("```mermaid"), "the chart goes first")
        let rows = comment.text.split(separator: "\n").filter { $0.hasPrefix("| service-") }.count
        #expect(rows > 100, "as many rows as fit: \(rows)")
        let note = try #require(comment.notes.first)
        #expect(note.hasPrefix("left out of the Markdown the Mermaid chart, which would take the summary past a comment's 65,536 characters"
            + " and rows past the busiest "), "\(note)")
        #expect(note.hasSuffix(" of each table"))
        #expect(comment.text.contains("… and "))
        // A job summary holds all of it, and a chart within Mermaid's limits.
        let job = MarkdownSummary(viewed, for: .jobSummary)
        #expect(job.text.utf8.count <= 1 << 20 && job.text.contains("```mermaid") && !job.text.contains("… and "))
        #expect(job.text.split(separator: "\n").filter { $0.hasPrefix("| service-") }.count == 300 + 1_200)
    }

    @Test func namesFromTheTracesStayInTheirCells() throws {
        let names = ["a|b", "**bold** _it_", "[link](https://example.com)", "<img src=x onerror=alert(1)>", "`code`", "line\nbreak",
                     "# heading", "~~gone~~", "&amp; entity", "back\\slash"]
        var spans: [Span] = []
        for (index, name) in names.enumerated() {
            spans.append(Fixture.span(trace: UInt64(index + 1), id: UInt64(index * 10 + 1), service: name, name: name))
            spans.append(Fixture.span(trace: UInt64(index + 1), id: UInt64(index * 10 + 2), parent: UInt64(index * 10 + 1),
                                      service: names[(index + 1) % names.count], name: "call"))
        }
        let text = MarkdownSummary(try GraphView.full.apply(to: ServiceGraph(traces: TraceSet(spans)))).text
        #expect(!text.contains("<img") && !text.contains("&amp; entity"))
        // Every row of a table has as many cells as its header: no `|` from a name ends one.
        var columns: Int?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else {
                columns = nil
                continue
            }
            let cells = line.replacing("\\\\", with: "").replacing("\\|", with: "").split(separator: "|", omittingEmptySubsequences: false).count
            if let columns { #expect(cells == columns, "\(line)") } else { columns = cells }
        }
    }
}
