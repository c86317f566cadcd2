import Foundation
import Testing
import TraceTestSupport
import Tracegraph

/// `tracegraph diff` from the command line: two exports of the built-in example, the second with
/// its recommendation service renamed recommender (one service gone, one new, their edges with them).
@Suite struct DiffCommandTests {
    /// A folder holding before.json (the example) and after.json (recommendation renamed).
    static func exports() throws -> String {
        let folder = try temporaryFolder()
        let example = try Tool.run(["example"], in: folder)
        try #require(example.status == 0)
        let text = String(decoding: example.standardOutput, as: UTF8.self)
        try text.write(toFile: folder + "/before.json", atomically: true, encoding: .utf8)
        try text.replacingOccurrences(of: "\"recommendation\"", with: "\"recommender\"")
            .write(toFile: folder + "/after.json", atomically: true, encoding: .utf8)
        return folder
    }

    @Test func anUnchangedGraphPassesEveryGate() throws {
        let folder = try Self.exports()
        let result = try Tool.run(["diff", "before.json", "before.json", "--fail-on",
                                   "new-edge,removed-edge,new-service,removed-service,error-rate>+0pp,p95>+0%"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(String(decoding: result.standardOutput, as: UTF8.self).contains("Nothing changed."))
    }

    @Test(arguments: [("new-service", 1), ("removed-service", 1), ("new-edge", 1), ("removed-edge", 1),
                      ("error-rate>+1pp", 0), ("p95>+1000%", 0)])
    func aGateExitsOneWhenAChangeMatchesIt(gate: String, status: Int32) throws {
        let folder = try Self.exports()
        let result = try Tool.run(["diff", "before.json", "--against", "after.json", "--fail-on", gate, "-o", "diff.md"], in: folder)
        #expect(result.status == status, "\(result.standardError)")
        if status == 1 { #expect(result.standardError.contains("--fail-on matched")) }
        let markdown = try String(contentsOfFile: folder + "/diff.md", encoding: .utf8)
        #expect(markdown.contains("| added service | recommender |") && markdown.contains("| removed service | recommendation |"))
    }

    @Test func jsonByItsExtensionAndTwoRunsGiveTheSameBytes() throws {
        let folder = try Self.exports()
        for name in ["a.json", "b.json"] {
            #expect(try Tool.run(["diff", "before.json", "after.json", "-o", name], in: folder).status == 0)
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.json")), b = try Data(contentsOf: URL(fileURLWithPath: folder + "/b.json"))
        #expect(a == b && String(decoding: a, as: UTF8.self).hasPrefix("{\"schemaVersion\":1,\"kind\":\"service-graph-diff\""))
    }

    @Test func aDrawingByItsExtensionTheSameEachTime() throws {
        let folder = try Self.exports()
        for name in ["a.svg", "b.svg"] {
            let result = try Tool.run(["diff", "before.json", "after.json", "-o", name, "--theme", "dark"], in: folder)
            #expect(result.status == 0 && result.standardError.contains("wrote \(name): 1 node added · 1 removed"), "\(result.standardError)")
        }
        let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/a.svg")), b = try Data(contentsOf: URL(fileURLWithPath: folder + "/b.svg"))
        let svg = String(decoding: a, as: UTF8.self)
        #expect(a == b && svg.contains("<title>Service graph diff</title>") && svg.contains("class=\"node service added\""))
        #expect(svg.contains(Theme.dark.added) && svg.contains("fill=\"\(Theme.dark.background)\""))
    }

    @Test(arguments: [["diff", "before.json"], ["diff", "before.json", "after.json", "--fail-on", "p95>20%"], ["diff", "--against", "after.json"],
                      ["diff", "before.json", "after.json", "-T", "mermaid"], ["diff", "before.json", "after.json", "-o", "d.svg", "-T", "json"]])
    func aWrongCommandLineIsAUsageError(arguments: [String]) throws {
        let result = try Tool.run(arguments, in: try Self.exports())
        #expect(result.status == 64, "\(result.standardError)")
    }
}

/// A baseline kept as JSON: `graph -o baseline.json` of the exports before, then `diff` of it and
/// the exports after, says what the diff of the two exports says.
@Suite struct DiffBaselineTests {
    @Test func aSavedGraphDiffsAsTheExportItWasSavedFrom() throws {
        let folder = try DiffCommandTests.exports()
        #expect(try Tool.run(["graph", "before.json", "-o", "baseline.json", "-q"], in: folder).status == 0)
        let fromExports = try Tool.run(["diff", "before.json", "after.json", "--fail-on", "new-service"], in: folder)
        let fromBaseline = try Tool.run(["diff", "baseline.json", "after.json", "--fail-on", "new-service"], in: folder)
        #expect(fromExports.status == 1 && fromBaseline.status == 1, "\(fromBaseline.standardError)")
        #expect(fromBaseline.standardOutput == fromExports.standardOutput)
        #expect(String(decoding: fromBaseline.standardOutput, as: UTF8.self).contains("| added service | recommender |"))
    }

    /// The gates on numbers, from the command line: a baseline, and the same graph with one call
    /// edge failing half its calls and twice as slow.
    @Test(arguments: [("error-rate>+2pp", 1), ("error-rate>+60pp", 0), ("p95>+20%", 1), ("p95>+150%", 0)])
    func aGateOnNumbersExitsOneWhenAnEdgeWorsens(gate: String, status: Int32) throws {
        let folder = try DiffCommandTests.exports()
        #expect(try Tool.run(["graph", "before.json", "-o", "baseline.json", "-q"], in: folder).status == 0)
        var graph = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/baseline.json"))) as? [String: Any])
        var calls = try #require(graph["calls"] as? [[String: Any]])
        let index = try #require(calls.firstIndex { ($0["errors"] as? Int) == 0 && ($0["calls"] as? Int ?? 0) >= 4 })
        calls[index]["errors"] = (calls[index]["calls"] as! Int) / 2
        var latency = try #require(calls[index]["latency"] as? [String: Any])
        latency["p95Nanos"] = (latency["p95Nanos"] as! Int) * 2
        calls[index]["latency"] = latency
        graph["calls"] = calls
        try JSONSerialization.data(withJSONObject: graph).write(to: URL(fileURLWithPath: folder + "/worse.json"))
        let result = try Tool.run(["diff", "baseline.json", "worse.json", "--fail-on", gate], in: folder)
        #expect(result.status == status, "\(result.standardError)")
        let markdown = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(markdown.contains("p95 +100%") && markdown.contains("error rate +"), "\(markdown)")
    }

    @Test func aBaselineSavedFromACutViewSaysSo() throws {
        let folder = try DiffCommandTests.exports()
        #expect(try Tool.run(["graph", "before.json", "--min-calls", "10", "-o", "cut.json", "-q"], in: folder).status == 0)
        let result = try Tool.run(["diff", "cut.json", "before.json"], in: folder)
        #expect(result.status == 0)
        #expect(result.standardError.contains("warning: cut.json was saved from a view that left things out:"), "\(result.standardError)")
    }

    @Test(arguments: [(["diff", "baseline.json", "before.json", "--against", "after.json"], "read alone"),
                      (["report", "baseline.json", "-o", "r.html"], "baseline.json holds a service graph tracegraph saved, not spans"),
                      (["graph", "baseline.json", "--errors"], "a graph keeps none")])
    func aSavedGraphWhereItCannotBeReadIsAUsageError(arguments: [String], says: String) throws {
        let folder = try DiffCommandTests.exports()
        #expect(try Tool.run(["graph", "before.json", "-o", "baseline.json", "-q"], in: folder).status == 0)
        let result = try Tool.run(arguments, in: folder)
        #expect(result.status == 64 && result.standardError.contains(says), "\(result.standardError)")
    }

    /// A saved graph drawn again is the graph saved, and inspect says what it holds.
    @Test func aSavedGraphDrawsAgainAndSaysWhatItHolds() throws {
        let folder = try DiffCommandTests.exports()
        #expect(try Tool.run(["graph", "before.json", "-o", "baseline.json", "-q"], in: folder).status == 0)
        let again = try Tool.run(["graph", "baseline.json", "-o", "again.json"], in: folder)
        #expect(again.standardError.contains("read baseline.json (a service graph tracegraph saved): 20 nodes, 17 call edges, 5 link edges"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/again.json")) == Data(contentsOf: URL(fileURLWithPath: folder + "/baseline.json")))
        let text = String(decoding: try Tool.run(["inspect", "baseline.json"], in: folder).standardOutput, as: UTF8.self)
        #expect(text.contains("nodes: 20 (services 10, databases 6, topics 1, peers that recorded no spans 2)"), "\(text)")
        let json = try Tool.run(["inspect", "baseline.json", "--json"], in: folder)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
        #expect(object["callEdges"] as? Int == 17 && object["links"] as? Int == 25 && object["kind"] as? String == "service-graph")
    }

    /// A side that holds no span is an error, not a graph whose every edge looks gone.
    @Test func aSideWithoutSpansIsAnError() throws {
        let folder = try DiffCommandTests.exports()
        try "{}".write(toFile: folder + "/empty.json", atomically: true, encoding: .utf8)
        let result = try Tool.run(["diff", "empty.json", "after.json", "--fail-on", "removed-edge"], in: folder)
        #expect(result.status == 65 && result.standardError.contains("empty.json holds no span"), "\(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }

    @Test func aBrokenBaselineNamesItsLineAndColumn() throws {
        let folder = try DiffCommandTests.exports()
        try "{\"schemaVersion\":1,\"kind\":\"service-graph\",\n \"nodes\":[{\"id\":\"a\"}]}".write(toFile: folder + "/broken.json", atomically: true, encoding: .utf8)
        let result = try Tool.run(["diff", "broken.json", "after.json"], in: folder)
        #expect(result.status == 65 && result.standardError.contains("broken.json:2:11: not a service graph tracegraph saved: node \"a\" has no name"),
                "\(result.standardError)")
    }
}
