import ServiceGraph
import Testing
import TraceModel
import TraceReaders
import TraceTestSupport

/// Accumulators filled in parts (as the readers fill them, one per chunk) and merged.
@Suite struct AccumulatorTests {
    private func merged(_ parts: [[Span]]) -> (graph: ServiceGraph, summary: TraceSetSummary) {
        var whole = ServiceGraph.Accumulator()
        for part in parts {
            var accumulator = ServiceGraph.Accumulator()
            for span in part { accumulator.receive(span) }
            accumulator.finishPart()
            whole.merge(accumulator)
        }
        return whole.finish()
    }

    @Test(arguments: [1, 2, 3, 7, 50])
    func anySplitGivesTheGraphOfTheWhole(parts: Int) throws {
        let spans = try TraceReader.read(contentsOf: Corpus.folder + "/otlp-json/jaeger-pr9263__hotrod_n_plus_one_full_concurrent.json").spans
            + TraceReader.read(contentsOf: Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl").spans
        let size = (spans.count + parts - 1) / parts
        let split = stride(from: 0, to: spans.count, by: size).map { Array(spans[$0..<min($0 + size, spans.count)]) }
        let result = merged(split)
        let set = TraceSet(spans)
        #expect(result.graph == ServiceGraph(traces: set))
        #expect(result.summary == TraceSetSummary(set))
    }

    @Test func aRepeatedParentInALaterPartIsNotTheParent() {
        // The first span with given ids counts; a later one with the same ids, the same service
        // and the same end of a call, is a repeat, even in the part where the child found it first:
        // with another duration, a conflicting one.
        let result = merged([
            [Fixture.span(trace: 1, id: 1, service: "checkout", durationNanos: 5_000)],
            [Fixture.span(trace: 1, id: 1, service: "checkout", durationNanos: 9_000),
             Fixture.span(trace: 1, id: 2, parent: 1, service: "payment")],
        ])
        #expect(result.graph.callEdges.map { [$0.from, $0.to] } == [[NodeID.service("checkout"), NodeID.service("payment")]])
        #expect(result.summary.duplicateSpans == 0)
        #expect(result.summary.conflictingSpans == 1)
        #expect(result.summary.services == ["checkout", "payment"])
    }

    @Test func parentsAfterTheirChildrenAreFound() {
        // SDKs export spans as they end: children first.
        let result = merged([[
            Fixture.span(trace: 1, id: 3, parent: 2, service: "db-client", kind: .client, attributes: ["db.system": "postgresql"]),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "orders"),
            Fixture.span(trace: 1, id: 1, service: "frontend"),
        ]])
        #expect(result.graph.callEdges.map(\.calls) == [1, 1, 1])
    }

    @Test func aPartWithOtherOptionsMergedIntoAnEmptyAccumulatorTakesTheWholesOptions() {
        // An empty accumulator takes a part whole only when their options agree.
        var part = ServiceGraph.Accumulator(options: .init(inferUninstrumentedPeers: true))
        part.receive(Fixture.span(trace: 1, id: 1, service: "orders", kind: .client, attributes: ["db.system": "postgresql"]))
        part.finishPart()
        var whole = ServiceGraph.Accumulator(options: .init(inferUninstrumentedPeers: false))
        whole.merge(part)
        #expect(whole.options.inferUninstrumentedPeers == false)
        #expect(whole.finish().graph.callEdges.isEmpty)
    }
}
