import Foundation
import Testing
import TraceTestSupport
import TraceModel
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

    func report(_ path: String, maxTraces: Int, twice: Bool, query: TraceQuery = TraceQuery(), templates: ReportTemplates = page) throws -> String {
        let reading = try ReportReading(paths: [path], query: query, maxTraces: maxTraces, wholeInputLimit: twice ? 0 : .max)
        #expect((reading.everySpan != nil) == (twice || !query.selectsEverything))
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

    /// Questions of the shop's links: a batch's failures, every failure chain, one service.
    static let queries: [TraceQuery] = [
        TraceQuery(linkedTo: LinkedTraces(traceID: TraceID(hex: "e1bfe5a02eb1213749c1cdc811ff00f3")!, direction: .forward), errors: true),
        TraceQuery(errors: true),
        TraceQuery(conditions: [SpanCondition(.service, .equals("dlq-handler"))]),
    ]

    @Test(arguments: queries, [3, 100_000])
    func aQueryReadTwiceShowsWhatItShowsReadWhole(query: TraceQuery, maxTraces: Int) throws {
        let whole = try report(Fixtures.pythonSDKShopJSON, maxTraces: maxTraces, twice: false, query: query)
        let twice = try report(Fixtures.pythonSDKShopJSON, maxTraces: maxTraces, twice: true, query: query)
        // Compared by their start, which counts; the page's data is hundreds of kilobytes to print.
        #expect(whole == twice, "read whole: \(whole.prefix(200)); read twice: \(twice.prefix(200))")
        if whole != twice { try? whole.write(toFile: "/tmp/query-whole.txt", atomically: true, encoding: .utf8); try? twice.write(toFile: "/tmp/query-twice.txt", atomically: true, encoding: .utf8) }
        // The header counts the selected traces only: the shop has 1,130.
        let traces = try #require(Int(whole.prefix { $0 != "/" }.filter(\.isNumber)))
        #expect(traces < 1_130 && traces > 0)
    }

    @Test(arguments: [false, true])
    func aLinkIntoATraceTheQueryLeftOutSaysSo(twice: Bool) throws {
        // The dead letters alone: each links to a fraud-detection producer span, in the input but not selected (-3).
        let dead = try report(Fixtures.pythonSDKShopJSON, maxTraces: 100_000, twice: twice,
                              query: TraceQuery(conditions: [SpanCondition(.service, .equals("dlq-handler"))]))
        let links = try #require(dead.range(of: "\"links\":[").map { dead[$0.upperBound...].prefix { $0 != "}" } })
        #expect(links.components(separatedBy: ",-3,\"").count - 1 == 3, "\(links.prefix(300))")
        // The batch's failures with room for 3 traces: 3 failed items, whose links to the job, which
        // there is no room for, say it was left out (-2).
        let few = try report(Fixtures.pythonSDKShopJSON, maxTraces: 3, twice: twice, query: Self.queries[0])
        let fewLinks = try #require(few.range(of: "\"links\":[").map { few[$0.upperBound...].prefix { $0 != "}" } })
        #expect(fewLinks.components(separatedBy: ",-2,\"").count - 1 == 3)
        // With room for all 7: the job's summary links to the last 128 items, one of them a failed
        // one, shown; the other 127 were not selected (-3).
        let job = try report(Fixtures.pythonSDKShopJSON, maxTraces: 100_000, twice: twice, query: Self.queries[0])
        let jobLinks = try #require(job.range(of: "\"links\":[").map { job[$0.upperBound...].prefix { $0 != "}" } })
        #expect(jobLinks.components(separatedBy: ",-2,\"").count - 1 == 0)
        #expect(jobLinks.components(separatedBy: ",-3,\"").count - 1 == 127)
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
