import Foundation
import Testing
import TraceTestSupport
import Tracegraph
@testable import HTMLReport

/// A report that reads its inputs twice, choosing its traces from a digest of every trace on the
/// first pass, shows what a report of the same inputs read whole shows.
@Suite struct ReportReadingTests {
    /// The built-in example as a file, and the Python SDK's shop: RPCs, messaging with links, a
    /// retry chain, a dead-letter queue, a saga and a batch of 1,000 items.
    static let inputs: [String] = {
        let path = FileManager.default.temporaryDirectory.path + "/report-reading-example-\(getpid()).json"
        try! BuiltInExample.otlpJSON.write(toFile: path, atomically: true, encoding: .utf8)
        return [path, Fixtures.pythonSDKShopJSON]
    }()

    /// The page with the header's numbers, the omission and the traces shown, in that order.
    static let page = ReportTemplates(
        page: "{{traces}}/{{spans}}/{{errorSpans}}/{{links}}/{{timeRangeStart}}/{{timeRangeEnd}}|"
            + "{{#omission}}{{shownTraces}}/{{totalTraces}}/{{omittedTraces}}/{{omittedSpans}}{{/omission}}|{{{data}}}",
        style: "", script: "")

    func report(_ path: String, maxTraces: Int, twice: Bool, templates: ReportTemplates = page) throws -> String {
        let reading = try ReportReading(paths: [path], maxTraces: maxTraces, wholeInputLimit: twice ? 0 : .max)
        #expect((reading.everySpan != nil) == twice)
        return try reading.htmlReport(options: .init(maxTraces: maxTraces, templates: templates)).html
    }

    @Test(arguments: inputs, [1, 5, 12, 40, 100_000])
    func readingTwiceShowsTheTracesAndCountsThatReadingWholeDoes(path: String, maxTraces: Int) throws {
        let whole = try report(path, maxTraces: maxTraces, twice: false)
        let twice = try report(path, maxTraces: maxTraces, twice: true)
        let (wholeHeader, twiceHeader) = (whole.prefix { $0 != "{" }, twice.prefix { $0 != "{" })
        #expect(twiceHeader == wholeHeader)
        let shownWhole = try ReportDataView(html: "<script type=\"application/json\" id=\"report-data\">"
            + whole[whole.firstIndex(of: "{")!...] + "</script>")
        let shownTwice = try ReportDataView(html: "<script type=\"application/json\" id=\"report-data\">"
            + twice[twice.firstIndex(of: "{")!...] + "</script>")
        #expect(shownTwice.traceIDs == shownWhole.traceIDs)
        #expect(shownTwice.spanIDs == shownWhole.spanIDs)
    }

    @Test(arguments: inputs)
    func withRoomForEveryTraceThePageIsTheSameByteForByte(path: String) throws {
        #expect(try report(path, maxTraces: 100_000, twice: true, templates: .builtIn)
            == report(path, maxTraces: 100_000, twice: false, templates: .builtIn))
    }

    @Test func theDigestChoosesAsTheCatalogDoes() throws {
        let shop = try LoadedTraces(paths: [Fixtures.pythonSDKShopJSON])
        var digest = TraceDigest()
        for span in shop.traces.spans { digest.receive(span) }
        let catalog = TraceCatalog(shop.traces)
        #expect(digest.traceCount == catalog.traces.count)
        for limit in [1, 3, 10, 50, 500, catalog.traces.count] {
            let kept = catalog.kept(atMost: limit)
            #expect(digest.chosen(atMost: limit) == Set(catalog.traces.indices.filter { kept[$0] }.map { catalog.traces[$0].id }))
        }
    }
}
