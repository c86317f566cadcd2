import ServiceGraph
import Testing
import TraceModel
import TraceReaders
import TraceTestSupport

/// The questions of issue 12 on the pipeline the OpenTelemetry Python SDK exported
/// (`Tests/Fixtures/python-sdk/README.md`): a batch of 10,000 items with failures re-driven and
/// dead-lettered, and orders fulfilled over several days. The expected traces follow from what
/// the fixture's README says is in it.
@Suite struct PipelineQueryTests {
    private static let pipeline: [Span] = (try? TraceReader.read(contentsOf: Fixtures.pythonSDKPipeline).spans) ?? []

    /// The job `nightly-reconcile`, whose root 10,000 items link to.
    static let job = "29be5d2129810b3824c2771116e58928"
    /// `redrive reconcile-1103`: links to the 37 failed items; their retries link to it.
    static let redrive = "8135ac9da4c11333a4bb9cf9d7879950"
    /// Item rec-1103-00080, which failed, and its retry, which did not.
    static let failedItem = "7a89cfdeb2e4b81d059dcb18cc3e371f"
    static let retry = "6157f359424b90da78352d4035990c9a"
    /// The first trace (`POST /orders`) of ord-7001, fulfilled in five steps over five days.
    static let order = "192d713e2d3fe4d852cefc2d004895c6"

    private static let item = "reconcile-worker reconcile-items process"
    private static let fulfilment = ["orders POST /orders": 1, "payments capture payment": 1, "warehouse dispatch shipment": 1,
                                     "courier-webhook POST /webhooks/delivered": 1, "notifications send delivery survey": 1]

    private static func selected(_ query: TraceQuery) -> [String: Int] {
        var accumulator = ServiceGraph.Accumulator(query: query)
        for span in pipeline { accumulator.receive(span) }
        return QueryQuestion.roots(of: accumulator.finish(attributingSpans: false).traceIDs ?? [], in: pipeline)
    }

    private static func linked(_ trace: String, depth: Int? = nil, _ direction: LinkDirection, errors: Bool = false) -> TraceQuery {
        TraceQuery(linkedTo: LinkedTraces(traceID: TraceID(hex: trace)!, depth: depth, direction: direction), errors: errors)
    }

    static let cases: [QueryQuestion] = [
        QueryQuestion(question: "every trace of the batch job, by the job's id on its root, the items' links and the re-drive",
             query: TraceQuery(conditions: [try! SpanCondition.parse(where: "batch.job.id=reconcile-1103")]),
             roots: ["batch-scheduler nightly-reconcile": 1, item: 10_037, "batch-scheduler redrive reconcile-1103": 1]),
        QueryQuestion(question: "what the batch job triggered: its items, the re-drive of the failed ones, their retries and the dead letters",
             query: linked(job, .forward),
             roots: ["batch-scheduler nightly-reconcile": 1, item: 10_037, "batch-scheduler redrive reconcile-1103": 1,
                     "dlq-handler reconcile-items.dlq receive": 2]),
        QueryQuestion(question: "the errors downstream of the job with their chains: the failed items, the re-drive, every retry it made, the dead letters",
             query: linked(job, .forward, errors: true),
             roots: ["batch-scheduler nightly-reconcile": 1, item: 37 + 37, "batch-scheduler redrive reconcile-1103": 1,
                     "dlq-handler reconcile-items.dlq receive": 2]),
        QueryQuestion(question: "what a failed item was caused by: the job", query: linked(failedItem, .backward),
             roots: ["batch-scheduler nightly-reconcile": 1, item: 1]),
        QueryQuestion(question: "one link on from a failed item: the re-drive and its own retry", query: linked(failedItem, depth: 1, .forward),
             roots: [item: 2, "batch-scheduler redrive reconcile-1103": 1]),
        QueryQuestion(question: "a retry's causes: its failed attempt, the re-drive, the failed items the re-drive took, and the job",
             query: linked(retry, .backward),
             roots: ["batch-scheduler nightly-reconcile": 1, item: 1 + 37, "batch-scheduler redrive reconcile-1103": 1]),
        QueryQuestion(question: "an order's fulfilment over five days, forward from its placement", query: linked(order, .forward), roots: fulfilment),
        QueryQuestion(question: "the order that failed delivery, by its id: re-dispatched, delivered, surveyed",
             query: TraceQuery(conditions: [try! SpanCondition.parse(where: "order.id=ord-7003")]),
             roots: ["orders POST /orders": 1, "payments capture payment": 1, "warehouse dispatch shipment": 2,
                     "courier-webhook POST /webhooks/delivery-failed": 1, "courier-webhook POST /webhooks/delivered": 1,
                     "notifications send delivery survey": 1]),
        QueryQuestion(question: "every failure with its whole chain: the batch's and the failed delivery's",
             query: TraceQuery(errors: true),
             roots: ["batch-scheduler nightly-reconcile": 1, item: 37 + 37, "batch-scheduler redrive reconcile-1103": 1,
                     "dlq-handler reconcile-items.dlq receive": 2,
                     "orders POST /orders": 1, "payments capture payment": 1, "warehouse dispatch shipment": 2,
                     "courier-webhook POST /webhooks/delivery-failed": 1, "courier-webhook POST /webhooks/delivered": 1,
                     "notifications send delivery survey": 1]),
    ]

    @Test(arguments: cases)
    func aQuestionSelectsTheTracesItsAnswerNeeds(_ question: QueryQuestion) {
        #expect(Self.selected(question.query) == question.roots)
    }

    @Test func theFixtureIsWhatItsReadmeCounts() {
        #expect(Self.pipeline.count == 10_185)
        #expect(Set(Self.pipeline.map(\.traceID)).count == 10_058)
        #expect(Self.pipeline.reduce(0) { $0 + $1.links.count } == 10_127)
        #expect(Self.pipeline.filter(\.isError).count == 81)
    }
}
