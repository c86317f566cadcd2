import Foundation
import Testing
import TraceTestSupport

/// `tracegraph` on service-graph metrics, run as a user runs it: the inputs of
/// `Tests/ServiceGraphMetricsTests/Fixtures/` (PROVENANCE.md there says how each was made).
@Suite struct MetricsInputTests {
    static let fixtures: String = {
        var path = #filePath
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/ServiceGraphMetricsTests/Fixtures/"
    }()

    static let scrape = fixtures + "collector/failed-label-not-work.prom"
    static let range = fixtures + "tempo/query_range.json"

    @Test(arguments: [scrape, range])
    func aMetricsFileIsDrawnLikeAGraphFromSpans(_ input: String) throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["graph", input, "-o", "graph.svg"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("tracegraph: read \(input) (prometheus"))
        #expect(result.standardError.contains("wrote graph.svg"))
        let svg = try String(contentsOfFile: folder + "/graph.svg", encoding: .utf8)
        #expect(svg.contains("<svg"))
        #expect(svg.contains("≈"))
    }

    @Test func theFormatIsToldFromTheContentOrGivenAndStandardInputAndGzipRead() throws {
        let folder = try temporaryFolder()
        try FileManager.default.copyItem(atPath: Self.scrape, toPath: folder + "/metrics.txt")
        let gzip = try StandardInputTests.shell("gzip -k metrics.txt && mv metrics.txt.gz scrape.gz", in: folder)
        #expect(gzip.status == 0, "\(gzip.output)")
        for arguments in [["graph", "metrics.txt"], ["graph", "scrape.gz"], ["graph", "--input-format", "prometheus", "metrics.txt"]] {
            let result = try Tool.run(arguments + ["-Tdot", "-o", "-"], in: folder)
            #expect(result.status == 0, "\(arguments): \(result.standardError)")
            #expect(String(decoding: result.standardOutput, as: UTF8.self).contains("3 calls · 1 error (33%)"), "\(arguments)")
        }
        let piped = try Tool.run(["graph", "-Tdot", "-o", "-"], in: folder, standardInput: Self.range)
        #expect(piped.status == 0, "\(piped.standardError)")
        #expect(piped.standardError.contains("read - (prometheus-json (query_range answer (matrix, increase over the range)))"))
        #expect(String(decoding: piped.standardOutput, as: UTF8.self).contains("66 calls · 6 errors (9.1%)"))
        // Read as a trace export, a scrape is not JSON.
        let forced = try Tool.run(["graph", "--input-format", "otlp-json", "metrics.txt"], in: folder)
        #expect(forced.status == 65)
    }

    @Test func inspectSaysWhatTheMetricsHold() throws {
        let folder = try temporaryFolder()
        let text = try Tool.run(["inspect", Self.range], in: folder)
        #expect(text.status == 0, "\(text.standardError)")
        let output = String(decoding: text.standardOutput, as: UTF8.self)
        #expect(output.contains("\(Self.range): prometheus-json (query_range answer (matrix, increase over the range)), 42 series: 42 drawn"))
        #expect(output.contains("services: 3 (mythical-recorder, mythical-requester, mythical-server)"))
        #expect(output.contains("databases: 1 (postgres)"))
        #expect(output.contains("calls: 192, failed: 12"))
        #expect(output.contains("  mythical-server → postgres [database]: 66 calls, 6 failed (9.1%); server p50 ≈ 20 ms"))
        let json = try Tool.run(["inspect", "--json", Self.scrape], in: folder)
        #expect(json.status == 0, "\(json.standardError)")
        let object = try #require(try JSONSerialization.jsonObject(with: json.standardOutput) as? [String: Any])
        #expect(object["calls"] as? Int == 3)
        #expect(object["failedCalls"] as? Int == 1)
        let file = try #require((object["files"] as? [[String: Any]])?.first)
        #expect(file["format"] as? String == "prometheus")
        #expect(file["series"] as? Int == 79)
        let edge = try #require((object["edges"] as? [[String: Any]])?.first)
        #expect(edge["client"] as? String == "foo")
        #expect(edge["serverP95Nanos"] as? Int == 990_000_000)
    }

    @Test func badMetricsExitWithSixtyFiveAtTheirPlace() throws {
        let folder = try temporaryFolder()
        try "# TYPE traces_service_graph_request_total counter\ntraces_service_graph_request_total{client=\"a\",server=\"b\"} -3\n"
            .write(toFile: folder + "/negative.prom", atomically: true, encoding: .utf8)
        let negative = try Tool.run(["graph", "negative.prom"], in: folder)
        #expect(negative.status == 65)
        #expect(negative.standardError.contains("tracegraph: error: negative.prom:2:1: traces_service_graph_request_total is \"-3\""))
        let sumBy = try Tool.run(["graph", Self.fixtures + "tempo/sum-by.json"], in: folder)
        #expect(sumBy.status == 65)
        #expect(sumBy.standardError.contains("sum-by.json:1:61: a series without __name__"))
        #expect(sumBy.standardError.contains("{__name__=~\"traces_service_graph_request_(total|failed_total|server_seconds_bucket|client_seconds_bucket)\"}"))
        let failed = try Tool.run(["graph", Self.fixtures + "tempo/query-error.json"], in: folder)
        #expect(failed.status == 65)
        #expect(failed.standardError.contains("the query failed: Prometheus said (\"bad_data\")"))
        try "# HELP up Up.\nup 1\n".write(toFile: folder + "/up.prom", atomically: true, encoding: .utf8)
        let none = try Tool.run(["graph", "up.prom"], in: folder)
        #expect(none.status == 65)
        #expect(none.standardError.contains("up.prom: no service-graph metrics"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/Output"))
    }

    @Test func metricsWithSpansOrForAReportAreAUsageError() throws {
        let folder = try temporaryFolder()
        let mixed = try Tool.run(["graph", Self.scrape, Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl"], in: folder)
        #expect(mixed.status == 64)
        #expect(mixed.standardError.contains("holds service-graph metrics and"))
        #expect(mixed.standardError.contains("a graph is drawn from one or the other"))
        let report = try Tool.run(["report", Self.scrape], in: folder)
        #expect(report.status == 64)
        #expect(report.standardError.contains("holds service-graph metrics, not spans: a report needs spans"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/Output"))
    }
}
