import Foundation
import Testing
import TraceTestSupport

/// `tracegraph workflows` as a user runs it.
@Suite struct WorkflowsCommandTests {
    @Test func jsonListsTheLargestWorkflowsWithTheirGroups() throws {
        let result = try Tool.run(["workflows", "--json", "--limit", "2", Fixtures.pythonSDKShop], in: try temporaryFolder())
        #expect(result.status == 0, "\(result.standardError)")
        let json = try #require(try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any])
        #expect(json["workflowCount"] as? Int == 7)
        let workflows = try #require(json["workflows"] as? [[String: Any]])
        #expect(workflows.count == 2)
        #expect(workflows[0]["traces"] as? Int == 1_001)
        #expect(workflows[0]["failingTraces"] as? Int == 6)
        #expect((workflows[0]["traceIDs"] as? [String])?.count == 1_001)
        let groups = try #require(workflows[0]["groups"] as? [[String: Any]])
        #expect(groups.first?["rootService"] as? String == "invoice-worker" && groups.first?["traces"] as? Int == 1_000)
    }

    @Test func theQueryOptionsChooseTheTraces() throws {
        let result = try Tool.run(["workflows", Fixtures.pythonSDKShop, "--errors", "--limit", "30"], in: try temporaryFolder())
        #expect(result.status == 0, "\(result.standardError)")
        let text = String(decoding: result.standardOutput, as: UTF8.self)
        // The 36 traces of the failure chains; among them each declined checkout with the
        // compensation that undoes it, a workflow of two traces.
        #expect(text.hasPrefix("7 workflows in 36 traces"), "\(text.prefix(200))")
        #expect(text.components(separatedBy: "#").filter {
            $0.contains("2 traces") && $0.contains("checkout  compensate reserve-inventory  ×1") && $0.contains("GET /checkout  ×1 (1 failing)")
        }.count == 2)
    }

    @Test func aSmallWorkflowIsDrawnATraceABox() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["workflows", Fixtures.pythonSDKPipeline, "--workflow", "2", "-o", "order.dot", "-q"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        let dot = try String(contentsOfFile: folder + "/order.dot", encoding: .utf8)
        // ord-7003's seven steps, the failed delivery with its error.
        #expect(dot.components(separatedBy: "class=\"trace-group\"").count - 1 == 7)
        #expect(dot.contains("POST /webhooks/delivery-failed\\n164 ms · 1 error"))
        let told = try Tool.run(["workflows", Fixtures.pythonSDKPipeline, "--workflow", "2", "-o", "order.svg"], in: folder)
        #expect(told.standardError.contains("wrote order.svg: workflow #2, 7 traces, a box each"), "\(told.standardError)")
    }

    @Test func aWorkflowIsDrawnToAFile() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["workflows", Fixtures.pythonSDKShop, "--workflow", "2", "-o", "retries.svg"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("wrote retries.svg: workflow #2, 33 traces in 5 groups"), "\(result.standardError)")
        let svg = try String(contentsOfFile: folder + "/retries.svg", encoding: .utf8)
        #expect(svg.contains("retry checkout") && svg.contains("Workflow #2: 33 traces"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test(arguments: [
        (["--workflow", "9", "-o", "x.svg"], "--workflow 9: the traces read make 7 workflows"),
        (["--workflow", "2"], "--format and --workflow say how to draw a workflow: name the file to draw it to with -o."),
        (["-T", "png"], "--format and --workflow say how to draw a workflow"),
        (["--workflow", "0", "-o", "x.svg"], "--workflow must be at least 1."),
    ])
    func aWorkflowThatCannotBeDrawnIsAUsageError(arguments: [String], message: String) throws {
        let result = try Tool.run(["workflows", Fixtures.pythonSDKShop] + arguments, in: try temporaryFolder())
        #expect(result.status == 64)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }

    @Test func metricsHoldNoWorkflows() throws {
        let result = try Tool.run(["workflows", MetricsInputTests.scrape], in: try temporaryFolder())
        #expect(result.status == 64)
        #expect(result.standardError.contains("holds service-graph metrics, not spans: a report needs spans for its traces and flame graphs, and workflows for their traces"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test func aLimitBelowOneIsAUsageError() throws {
        let result = try Tool.run(["workflows", "--limit", "0", Fixtures.pythonSDKShop], in: try temporaryFolder())
        #expect(result.status == 64)
        #expect(result.standardError.contains("--limit must be at least 1."))
    }
}
