import Foundation
import Testing
import TraceTestSupport

/// `--where`, `--service`, `--from`, `--to`, `--linked-to`, `--link-depth`, `--direction` and
/// `--errors` on the command line: what `graph`, `report` and `inspect` say and how they end.
@Suite struct TraceQueryCommandTests {
    /// The batch job of the shop the Python SDK exported.
    private static let job = "e1bfe5a02eb1213749c1cdc811ff00f3"

    private func inspectJSON(_ arguments: [String]) throws -> [String: Any] {
        let result = try Tool.run(["inspect", "--json", Fixtures.pythonSDKShop] + arguments, in: try temporaryFolder())
        #expect(result.status == 0, "\(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any])
    }

    @Test func inspectSaysHowManyTracesOfHowManyAndListsThem() throws {
        let json = try inspectJSON(["--linked-to", Self.job, "--direction", "forward", "--errors", "--list-traces"])
        #expect(json["traces"] as? Int == 7)
        #expect(json["tracesInInput"] as? Int == 1_130)
        #expect(json["selectedBy"] as? String == "--linked-to \(Self.job) --direction forward --errors")
        let ids = try #require(json["traceIDs"] as? [String])
        #expect(ids.count == 7 && ids.contains(Self.job) && ids == ids.sorted())
        // Without a query, every trace is listed, and nothing is said of a selection.
        let all = try inspectJSON(["--list-traces"])
        #expect((all["traceIDs"] as? [String])?.count == 1_130)
        #expect(all["tracesInInput"] == nil && all["selectedBy"] == nil)
    }

    @Test func theGraphSaysWhatWasSelected() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["graph", Fixtures.pythonSDKShop, "--where", "billing.job.id=nightly-42", "-o", "job.svg"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("2007 spans in 1001 of 1130 traces (selected), 2 services"), "\(result.standardError)")
        let svg = try String(contentsOfFile: folder + "/job.svg", encoding: .utf8)
        #expect(svg.contains("invoice&#45;worker") && !svg.contains("storefront"))
    }

    @Test func theReportHoldsOnlyTheSelectedTracesAndSaysSo() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["report", Fixtures.pythonSDKShop, "--linked-to", Self.job, "--direction", "forward", "--errors",
                                   "-o", "chain.html"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("19 spans in 7 of 1130 traces (selected)"), "\(result.standardError)")
        #expect(result.standardError.contains("wrote chain.html: 7 traces"), "\(result.standardError)")
        let html = try String(contentsOfFile: folder + "/chain.html", encoding: .utf8)
        #expect(html.contains("<strong>7 of 1,130 traces read are in this report:</strong> those that "
            + "<code>--linked-to \(Self.job) --direction forward --errors</code> selects."))
        // Nothing of the shop outside the job's chain: no checkout, no storefront.
        #expect(!html.contains("storefront") && !html.contains("GET /checkout"))
        // A query that selects nothing writes no report.
        let refused = try Tool.run(["report", Fixtures.pythonSDKShop, "--service", "nobody", "-o", "none.html"], in: folder)
        #expect(refused.status == 65)
        #expect(!FileManager.default.fileExists(atPath: folder + "/none.html"))
    }

    @Test(arguments: [
        (["--where", "nightly-42"], "--where nightly-42: expected KEY=VALUE or KEY~REGEX"),
        (["--where", "job~("], "--where job~(: not a regular expression"),
        (["--from", "yesterday"], "--from yesterday: expected a time as RFC 3339"),
        (["--from", "2026-11-02", "--to", "2026-11-01"], "--to 2026-11-01: it is before --from 2026-11-02"),
        (["--linked-to", "5b8e"], "--linked-to 5b8e: expected a trace id of 32 hexadecimal digits"),
        (["--link-depth", "2"], "--link-depth 2: it says how far --linked-to walks; give --linked-to too"),
        (["--linked-to", job, "--link-depth", "0"], "--link-depth 0: a walk along links goes at least 1 link"),
        (["--direction", "sideways", "--linked-to", job], "sideways"),
    ])
    func aQueryThatDoesNotReadIsAUsageError(arguments: [String], message: String) throws {
        for command in ["graph", "inspect", "report"] {
            let output = ["graph": ["-o", "x.svg"], "report": ["-o", "x.html"], "inspect": []][command]!
            let result = try Tool.run([command, Fixtures.pythonSDKShop] + output + arguments, in: try temporaryFolder())
            #expect(result.status == 64)
            #expect(result.standardError.contains(message), "\(result.standardError)")
        }
    }

    @Test(arguments: ["1.5", "some", ""])
    func keepLinkedTakesAllOrANumber(value: String) throws {
        let result = try Tool.run(["report", Fixtures.pythonSDKShop, "--keep-linked", value, "-o", "x.html"], in: try temporaryFolder())
        #expect(result.status == 64)
        #expect(result.standardError.contains("--keep-linked \(value): expected 'all' or a number of links, 0 or more."))
    }

    @Test func aQueryThatSelectsNothingDrawsNothingUnlessAllowed() throws {
        let folder = try temporaryFolder()
        let refused = try Tool.run(["graph", Fixtures.pythonSDKShop, "--where", "billing.job.id=weekly-1", "-o", "none.svg"], in: folder)
        #expect(refused.status == 65)
        #expect(refused.standardError.contains("none of the 1130 traces read is selected by --where billing.job.id=weekly-1: nothing to draw"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/none.svg"))
        let allowed = try Tool.run(["graph", Fixtures.pythonSDKShop, "--where", "billing.job.id=weekly-1", "--allow-empty", "-o", "none.svg"],
                                   in: folder)
        #expect(allowed.status == 0, "\(allowed.standardError)")
        #expect(allowed.standardError.contains("warning: no trace of 1130 is selected by --where billing.job.id=weekly-1"))
    }

    @Test func aTimeWindowSelectsBySpanStart() throws {
        // The shop's clock starts at 2026-11-02T09:00:00Z; nothing of it is a year later.
        #expect(try inspectJSON(["--from", "2026-11-02T09:00:00Z"])["traces"] as? Int == 1_130)
        #expect(try inspectJSON(["--to", "2026-11-02T08:59:59Z", "--allow-empty"])["traces"] as? Int == 0)
    }

    @Test func metricsHoldNoTracesToSelect() throws {
        let result = try Tool.run(["graph", MetricsInputTests.scrape, "--errors", "-o", "m.svg"], in: try temporaryFolder())
        #expect(result.status == 64)
        #expect(result.standardError.contains("holds service-graph metrics, not spans: --where, --service, --from, --to, --linked-to and --errors select traces"))
    }
}
