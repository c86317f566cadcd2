import Foundation
import Testing
import TraceTestSupport
import Tracegraph

/// The report of every real export in the corpus holds every span, link (and count of links dropped), event and error of it.
@Suite struct CorpusReportTests {
    static let files: [Corpus.Counts] = ["otlp-json", "otlp-jsonl", "otlp-proto", "jaeger", "zipkin", "tempo"]
        .flatMap { (try? Corpus.counts(in: $0)) ?? [] }

    @Test func everyFormatIsCovered() {
        #expect(Set(Self.files.map { $0.file.split(separator: "/")[0] }).count == 6)
    }

    @Test(arguments: files)
    func theReportHoldsEverythingTheFileHolds(expected: Corpus.Counts) throws {
        let loaded = try LoadedTraces(paths: [Corpus.folder + "/" + expected.file])
        let spans = loaded.traces.spans
        let data = try ReportDataView(html: loaded.htmlReport().html)

        #expect(data.traces("count").count == expected.traces)
        #expect(data.traces("count").reduce(0, +) == spans.count)
        #expect(data.spanIDs.count == 16 * spans.count)
        #expect(data.links.count == spans.reduce(0) { $0 + $1.links.count })
        #expect((data.object["droppedLinks"] as! [[Int]]).reduce(0) { $0 + $1[1] } == spans.reduce(0) { $0 + Int($1.droppedLinksCount) })
        #expect((data.object["events"] as! [Any]).count == spans.reduce(0) { $0 + $1.events.count })
        #expect(data.spans("status").filter { $0 == 2 }.count == spans.filter(\.isError).count)
        #expect(data.spans("attributeCount").reduce(0, +) == spans.reduce(0) { $0 + $1.attributes.count })
        // A span without a parent in the report is one whose parent the input does not hold.
        let parentless = spans.filter { span in
            span.parentSpanID.map { !loaded.traces.contains(SpanKey(traceID: span.traceID, spanID: $0)) } ?? true
        }
        #expect(data.parents.filter { $0 < 0 }.count == parentless.count)
        let unresolved = spans.reduce(0) { $0 + $1.links.filter { !loaded.traces.contains($0.target) }.count }
        #expect(data.links.filter { ($0[1] as! Int) == -1 }.count == unresolved)
    }
}
