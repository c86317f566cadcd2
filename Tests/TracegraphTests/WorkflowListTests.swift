import Foundation
import GraphvizRenderer
import ServiceGraph
import Testing
import TraceModel
import TraceReaders
import TraceTestSupport
import Tracegraph

/// `tracegraph workflows`: traces joined by span links, on the shop the Python SDK exported and on
/// the built-in example, against golden files.
@Suite struct WorkflowListTests {
    private static func workflows(_ path: String, query: TraceQuery = TraceQuery()) throws -> [Workflow] {
        try #require(try GraphReading(paths: [path], query: query, collectingWorkflows: true).workflows)
    }

    @Test func theShopIsSevenWorkflowsTheBatchFirst() throws {
        let workflows = try Self.workflows(Fixtures.pythonSDKShop)
        #expect(workflows.count == 7)
        #expect(workflows.reduce(0) { $0 + $1.traces.count } == 1_130)
        let batch = try #require(workflows.first)
        #expect(batch.traces.count == 1_001 && batch.spans == 13 + 1_994 && batch.failingTraces == 6)
        #expect(batch.services == ["billing", "invoice-worker"])
        #expect(batch.groups.map { "\($0.key.service) \($0.key.name) \($0.traces) \($0.failingTraces)" }
            == ["invoice-worker invoice-items process 1000 6", "billing nightly-invoices 1 0"])
        // The items link to the job, and the job's summary back to 128 items: only the links that
        // go forward in time count, one link long.
        #expect(batch.longestChain == 1)
        // ord-10499's checkout, its retry and the retry of its retry are one chain of two links,
        // with the messages the last sent: three links in all.
        let retried = try #require(workflows.first { $0.traces.contains(TraceID(hex: "b298a1e738aa4f2f3ab37f6788b77fe5")!) })
        #expect(retried.longestChain == 3)
    }

    @Test func thePipelineIsTheBatchWithItsRedriveAndAnOrderAWorkflow() throws {
        // Tests/Fixtures/python-sdk/README.md: the batch's 10,000 items, its re-drive and the 37
        // retries, 2 of them dead-lettered, are one workflow; each of the three orders is one.
        let workflows = try Self.workflows(Fixtures.pythonSDKPipeline)
        #expect(workflows.map(\.traces.count) == [10_041, 7, 5, 5])
        let batch = workflows[0]
        #expect(batch.groups.map { "\($0.key.service) \($0.key.name) \($0.traces) \($0.failingTraces)" }
            == ["reconcile-worker reconcile-items process 10037 39", "dlq-handler reconcile-items.dlq receive 2 0",
                "batch-scheduler nightly-reconcile 1 0", "batch-scheduler redrive reconcile-1103 1 0"])
        // Job → failed item → re-drive → retry → dead letter.
        #expect(batch.longestChain == 4)
        // ord-7003: placed, paid, dispatched, delivery failed, re-dispatched, delivered, surveyed, over more than five days.
        let redelivered = workflows[1]
        #expect(redelivered.longestChain == 6 && redelivered.failingTraces == 1)
        #expect(redelivered.services == ["courier-webhook", "notifications", "orders", "payments", "warehouse"])
        #expect(redelivered.end - redelivered.start > 5 * 86_400 * 1_000_000_000)
        let list = WorkflowList(workflows: workflows, limit: 10)
        Golden.check(list.text, matches: "python-sdk-pipeline-workflows.txt")
        let dot = try GraphvizRenderer().render(batch, format: .dot, caption: WorkflowList.caption(of: batch, rank: 1))
        Golden.check(String(decoding: dot, as: UTF8.self), matches: "python-sdk-pipeline-workflow-1.dot")
    }

    @Test func aSmallWorkflowIsDrawnATraceABoxInTheOrderTheyStarted() throws {
        // ord-7003: each step a trace linking to the one before, the failed delivery and the
        // re-dispatch included; drawn one by one, the two dispatches are two boxes in a chain.
        let workflows = try Self.workflows(Fixtures.pythonSDKPipeline)
        let grouping = workflows[1].grouping
        #expect(grouping.byTrace)
        #expect(grouping.groups.map { "\($0.key.service) \($0.key.name)" } == [
            "orders POST /orders", "payments capture payment", "warehouse dispatch shipment",
            "courier-webhook POST /webhooks/delivery-failed", "warehouse dispatch shipment",
            "courier-webhook POST /webhooks/delivered", "notifications send delivery survey",
        ])
        #expect(grouping.links.map { [$0.cause, $0.effect, $0.links] } == (0..<6).map { [$0, $0 + 1, 1] })
        #expect(grouping.groups.map(\.errorSpans).filter { $0 > 0 }.count == 1)
        // The batch is past the limit: its traces by root.
        #expect(!workflows[0].grouping.byTrace && workflows[0].traces.count > Workflow.tracesDrawnOneByOne)
        let dot = try GraphvizRenderer().render(workflows[1], format: .dot, caption: WorkflowList.caption(of: workflows[1], rank: 2))
        Golden.check(String(decoding: dot, as: UTF8.self), matches: "python-sdk-pipeline-workflow-2.dot")
    }

    @Test func aQueryKeepsTheWorkflowsOfItsTraces() throws {
        let dead = try Self.workflows(Fixtures.pythonSDKShop, query: TraceQuery(conditions: [SpanCondition(.service, .equals("dlq-handler"))]))
        // The dead letters alone: no link joins two of them.
        #expect(dead.map(\.traces.count) == [1, 1, 1])
    }

    @Test func aTraceNoLinkJoinsIsAWorkflowOfItsOwn() throws {
        var accumulator = WorkflowAccumulator()
        for span in [Fixture.span(trace: 1, id: 1, service: "shop", start: 100),
                     Fixture.span(trace: 2, id: 2, service: "worker", error: true, start: 200, links: [(1, 1)]),
                     Fixture.span(trace: 3, id: 3, service: "worker", start: 300, links: [(2, 2)]),
                     Fixture.span(trace: 3, id: 4, parent: 3, service: "db", start: 310),
                     Fixture.span(trace: 9, id: 9, service: "alone", start: 50)] {
            accumulator.receive(span)
        }
        let workflows = accumulator.workflows()
        #expect(workflows.map(\.traces.count) == [3, 1])
        #expect(workflows[0].longestChain == 2 && workflows[0].failingTraces == 1 && workflows[0].spans == 4)
        #expect(workflows[0].groups.map(\.key.service) == ["worker", "shop"])
        #expect(workflows[1].longestChain == 0 && workflows[1].rootServices == ["alone"])
    }

    @Test(arguments: [2, 7])
    func workflowsReadInPartsAreTheWholeOnes(parts: Int) throws {
        let spans = try TraceReader.read(contentsOf: Fixtures.pythonSDKShop).spans
        var whole = WorkflowAccumulator()
        for span in spans { whole.receive(span) }
        var merged = WorkflowAccumulator()
        let size = (spans.count + parts - 1) / parts
        for start in stride(from: 0, to: spans.count, by: size) {
            var part = WorkflowAccumulator()
            for span in spans[start..<min(start + size, spans.count)] { part.receive(span) }
            merged.merge(part)
        }
        #expect(WorkflowList(workflows: merged.workflows(), limit: 100).json == WorkflowList(workflows: whole.workflows(), limit: 100).json)
    }

    @Test func theListReadsAsTheGoldenFilesSay() throws {
        let shop = WorkflowList(workflows: try Self.workflows(Fixtures.pythonSDKShop), limit: 5)
        Golden.check(shop.text, matches: "python-sdk-shop-workflows.txt")
        let example = WorkflowList(workflows: try #require(GraphReading(builtInExampleWith: .init(), collectingWorkflows: true).workflows),
                                   limit: 100)
        Golden.check(example.text, matches: "builtin-example-workflows.txt")
    }

    @Test func aWorkflowDrawsAsTheGoldenFileSays() throws {
        // The shop's second workflow: checkouts, a retry of a retry, and the consumers of their messages.
        let workflows = try Self.workflows(Fixtures.pythonSDKShop)
        let dot = try GraphvizRenderer().render(workflows[1], format: .dot, caption: WorkflowList.caption(of: workflows[1], rank: 2))
        Golden.check(String(decoding: dot, as: UTF8.self), matches: "python-sdk-shop-workflow-2.dot")
    }

    @Test func aWorkflowOfManyGroupsDrawsTheFailingAndTheMostLinkedAndCountsTheRest() throws {
        // One cause and 60 effects, each with a root of its own name: 40 groups drawn, the rest one
        // node. The cause is the smallest group and the last by name, and drawn: 60 links touch it;
        // so is the one failing effect, the last of them.
        var accumulator = WorkflowAccumulator()
        accumulator.receive(Fixture.span(trace: 1, id: 1, service: "zeta-scheduler"))
        for index in 2...61 {
            accumulator.receive(Fixture.span(trace: UInt64(index), id: UInt64(index), service: "worker", name: "job \(index)",
                                             error: index == 61, links: [(1, 1)]))
        }
        let workflow = try #require(accumulator.workflows().first)
        let grouping = workflow.grouping
        #expect(grouping.drawingPriority.prefix(2).map { grouping.groups[$0].key.name } == ["job 61", "op"])
        let dot = String(decoding: try GraphvizRenderer().render(workflow, format: .dot), as: UTF8.self)
        #expect(dot.components(separatedBy: "class=\"trace-group\"").count - 1 == 40)
        #expect(dot.contains("zeta-scheduler") && dot.contains("job 61"))
        #expect(dot.contains("21 more groups"))
    }

    @Test func aTraceIsGroupedByItsRootWhateverTheOrderItsSpansArrive() throws {
        // Trace 2's child arrives first and starts first; trace 3 has no root: its earliest span names it.
        var accumulator = WorkflowAccumulator()
        for span in [Fixture.span(trace: 2, id: 21, parent: 20, service: "db", name: "query", start: 90, links: [(1, 1)]),
                     Fixture.span(trace: 1, id: 1, service: "shop", name: "checkout", start: 10),
                     Fixture.span(trace: 2, id: 20, service: "worker", name: "consume", start: 100),
                     Fixture.span(trace: 3, id: 31, parent: 99, service: "mailer", name: "send", start: 210, links: [(1, 1)]),
                     Fixture.span(trace: 3, id: 30, parent: 98, service: "mailer", name: "render", start: 200)] {
            accumulator.receive(span)
        }
        let workflow = try #require(accumulator.workflows().first)
        #expect(Set(workflow.groups.map { "\($0.key.service) \($0.key.name)" }) == ["shop checkout", "worker consume", "mailer render"])
    }

    @Test func namesFromTheInputReachTheTerminalEscaped() throws {
        var accumulator = WorkflowAccumulator()
        accumulator.receive(Fixture.span(trace: 1, id: 1, service: "evil\u{1B}[2J", name: "GET /\u{202E}txt.exe"))
        let text = WorkflowList(workflows: accumulator.workflows(), limit: 1).text
        #expect(text.contains("evil\\u{1B}[2J") && text.contains("GET /\\u{202E}txt.exe"))
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" })
    }
}
