import ServiceGraph
import Testing
import TraceModel
import TraceReaders
import TraceTestSupport

/// Which traces a ``TraceQuery`` selects, and the graph of only those: on the shop the
/// OpenTelemetry Python SDK exported (`Tests/Fixtures/python-sdk/README.md` says what is in it),
/// whose links are the patterns of asynchronous systems.
@Suite struct TraceQueryTests {
    private static let shop: [Span] = (try? TraceReader.read(contentsOf: Fixtures.pythonSDKShop).spans) ?? []

    /// The billing job `nightly-invoices` (root span `f1f23d74af4cd7ad`): 1,000 invoice items link to
    /// its root, 6 of them fail, and its summary span links back to the last 128 items.
    static let job = "e1bfe5a02eb1213749c1cdc811ff00f3"
    /// Order ord-10499: the checkout that timed out, its first retry (which timed out too) and its second.
    static let attempt = "b298a1e738aa4f2f3ab37f6788b77fe5"
    static let firstRetry = "48b7e43e4a2b33159ff54080077ac70e"
    static let secondRetry = "8984c8cee0bb68e4409ffccfc46a04c5"
    /// A fraud-detection consumer that failed and dead-lettered its message, and the dlq-handler trace that took it.
    static let failedConsumer = "db04b10e52c6a53e5ddd428e374c2b20"
    static let deadLetter = "ebb8f2eac18ee0ce3e9f104c9c2c5240"

    private static func reading(_ query: TraceQuery) -> ServiceGraph.Reading {
        var accumulator = ServiceGraph.Accumulator(query: query)
        for span in shop { accumulator.receive(span) }
        return accumulator.finish(attributingSpans: false)
    }

    private static func linked(_ trace: String, span: String? = nil, depth: Int? = nil, _ direction: LinkDirection) -> TraceQuery {
        TraceQuery(linkedTo: LinkedTraces(traceID: TraceID(hex: trace)!, spanID: span.flatMap { SpanID(hex: $0) }, depth: depth,
                                          direction: direction))
    }

    static let cases: [QueryQuestion] = [
        QueryQuestion(question: "every trace of the batch job, by its id on the job and on the items' links",
             query: TraceQuery(conditions: [try! SpanCondition.parse(where: "billing.job.id=nightly-42")]),
             roots: ["billing nightly-invoices": 1, "invoice-worker invoice-items process": 1_000]),
        QueryQuestion(question: "what the batch job triggered", query: linked(job, .forward),
             roots: ["billing nightly-invoices": 1, "invoice-worker invoice-items process": 1_000]),
        QueryQuestion(question: "what the job's start triggered, from its root span",
             query: linked(job, span: "f1f23d74af4cd7ad", .forward),
             roots: ["billing nightly-invoices": 1, "invoice-worker invoice-items process": 1_000]),
        QueryQuestion(question: "the errors downstream of the batch job, and the job: the summary's links back do not pull in every item",
             query: { var query = linked(job, .forward); query.errors = true; return query }(),
             roots: ["billing nightly-invoices": 1, "invoice-worker invoice-items process": 6]),
        QueryQuestion(question: "what a timed-out checkout led to: its retries and the messages the last one sent",
             query: linked(attempt, .forward),
             roots: ["storefront GET /checkout": 1, "storefront retry checkout": 2, "email orders process": 1,
                     "fraud-detection orders process": 1, "accounting orders process": 1]),
        QueryQuestion(question: "one link forward from the timed-out checkout: the first retry",
             query: linked(attempt, depth: 1, .forward),
             roots: ["storefront GET /checkout": 1, "storefront retry checkout": 1]),
        QueryQuestion(question: "the causes of the last retry: the attempts before it",
             query: linked(secondRetry, .backward),
             roots: ["storefront GET /checkout": 1, "storefront retry checkout": 2]),
        QueryQuestion(question: "a failed consumer, its cause and its dead letter: the checkout that sent the message, not its other consumers",
             query: linked(failedConsumer, .both),
             roots: ["storefront GET /checkout": 1, "fraud-detection orders process": 1, "dlq-handler orders.dlq receive": 1]),
        QueryQuestion(question: "a saga's compensations, by the link's attribute",
             query: TraceQuery(conditions: [try! SpanCondition.parse(where: "saga.step~^reserve-")]),
             roots: ["checkout compensate reserve-inventory": 2]),
        QueryQuestion(question: "the dead letters and the failures they came from",
             query: TraceQuery(conditions: [SpanCondition(.service, .equals("dlq-handler"))], errors: false),
             roots: ["dlq-handler orders.dlq receive": 3]),
        QueryQuestion(question: "every failure chain: each failure, what it led to and what led to it, never a cause's other effects",
             query: TraceQuery(errors: true),
             roots: ["storefront GET /checkout": 8, "storefront retry checkout": 4, "fraud-detection orders process": 6,
                     "email orders process": 3, "accounting orders process": 3, "dlq-handler orders.dlq receive": 3,
                     "checkout compensate reserve-inventory": 2, "invoice-worker invoice-items process": 6,
                     "billing nightly-invoices": 1]),
        QueryQuestion(question: "traces that meet two conditions, each by a span of its own",
             query: TraceQuery(conditions: [SpanCondition(.service, .equals("storefront")), try! SpanCondition.parse(where: "retry.attempt=2")]),
             roots: ["storefront retry checkout": 1]),
    ]

    @Test(arguments: cases)
    func aQuestionSelectsTheTracesThatAnswerIt(_ testCase: QueryQuestion) throws {
        let reading = Self.reading(testCase.query)
        let ids = try #require(reading.traceIDs)
        #expect(QueryQuestion.roots(of: ids, in: Self.shop) == testCase.roots)
        #expect(reading.summary.traces == ids.count)
        #expect(reading.summary.tracesInInput == 1_130)
        #expect(ids == ids.sorted())
    }

    @Test func theWalkKeepsTheStartAndNamesTheRightTraces() throws {
        let ids = try #require(Self.reading(Self.linked(Self.failedConsumer, .forward)).traceIDs).map(\.description)
        #expect(ids == [Self.deadLetter, Self.failedConsumer].sorted())
        let chain = try #require(Self.reading(Self.linked(Self.attempt, depth: 2, .forward)).traceIDs).map(\.description)
        #expect(Set([Self.attempt, Self.firstRetry, Self.secondRetry]).isSubset(of: chain))
    }

    @Test func theGraphCountsOnlyTheSelectedTraces() throws {
        let all = Self.reading(TraceQuery())
        let items = Self.reading(Self.linked(Self.job, .forward))
        #expect(all.traceIDs == nil && all.summary.tracesInInput == nil)
        #expect(items.summary.services == ["billing", "invoice-worker"])
        // All of billing's spans (the job) and of invoice-worker's (the items), as the fixture's README counts them.
        #expect(items.summary.spans == 13 + 1_994)
        // Every link of the items is to the job's root, which is in the input: none comes from outside.
        #expect(items.summary.unresolvedLinks == 0)
        let linkEdge = try #require(items.graph.linkEdges.first { $0.to == NodeID.service("invoice-worker") })
        #expect(linkEdge.from == NodeID.service("billing"))
    }

    @Test func aLinkFromASelectedTraceKeepsTheServiceOfTheTraceItLinksTo() throws {
        // The dead letters alone: their links go to fraud-detection's producer spans, not selected,
        // still drawn from fraud-detection (through the topic), not from outside the input.
        let reading = Self.reading(TraceQuery(conditions: [SpanCondition(.service, .equals("dlq-handler"))]))
        #expect(reading.summary.unresolvedLinks == 0)
        #expect(reading.summary.services == ["dlq-handler"])
        #expect(!reading.graph.nodes.contains { $0.id == NodeID.outsideInput })
    }

    @Test func aWalkFromATraceMissingFromTheInputFollowsTheLinksToIt() throws {
        // Synthetic: trace 9 is not in the input; trace 2 links to it, trace 3 links to trace 2.
        var accumulator = ServiceGraph.Accumulator(query: TraceQuery(linkedTo: LinkedTraces(traceID: Fixture.traceID(9), direction: .forward)))
        for span in [Fixture.span(trace: 2, id: 20, service: "worker", links: [(9, 90)]),
                     Fixture.span(trace: 3, id: 30, service: "auditor", links: [(2, 20)]),
                     Fixture.span(trace: 4, id: 40, service: "other")] {
            accumulator.receive(span)
        }
        let reading = accumulator.finish(attributingSpans: false)
        #expect(reading.traceIDs == [Fixture.traceID(2), Fixture.traceID(3)])
    }

    @Test(arguments: [1, 2, 5])
    func conditionsMarkedInPartsSelectAsTheWholeDoes(parts: Int) throws {
        let query = TraceQuery(conditions: [try SpanCondition.parse(where: "billing.job.id~nightly"), SpanCondition(.service, .equals("invoice-worker"))])
        var whole = ServiceGraph.Accumulator(query: query)
        let size = (Self.shop.count + parts - 1) / parts
        for start in stride(from: 0, to: Self.shop.count, by: size) {
            var part = ServiceGraph.Accumulator(query: query)
            for span in Self.shop[start..<min(start + size, Self.shop.count)] { part.receive(span) }
            part.finishPart()
            whole.merge(part)
        }
        let reading = whole.finish(attributingSpans: false)
        #expect(reading.summary.traces == 1_000)
        #expect(reading.traceIDs == Self.reading(query).traceIDs)
    }
}
