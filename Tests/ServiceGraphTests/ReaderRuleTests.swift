import ServiceGraph
import Testing
import TraceModel
import TraceReaders

/// The graph's rules on hand-made exports in real formats (`Fixtures/Rules`), read by the readers:
/// the rule holds whichever format brings the spans.
@Suite struct ReaderRuleTests {
    static let folder: String = {
        var path = #filePath
        path = String(path[..<path.lastIndex(of: "/")!])
        return path + "/Fixtures/Rules"
    }()

    @Test(arguments: ["shared-span-id.otlp.json", "shared-span-id.jaeger.json"])
    func aCallRecordedUnderOneSpanIDIsOneCallInEveryFormat(file: String) throws {
        let read = try TraceReader.read(contentsOf: Self.folder + "/" + file)
        let set = TraceSet(read.spans)
        // Both halves are kept: the callee does not vanish.
        #expect(set.spans.count == 5)
        #expect(set.duplicateSpanCount == 0)
        var accumulator = ServiceGraph.Accumulator()
        for span in set.spans { accumulator.receive(span) }
        let reading = accumulator.finish(attributingSpans: true)
        let graph = reading.graph
        let name = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.id, $0.name) })
        #expect(graph.callEdges.map { [name[$0.from]!, name[$0.to]!] } == [["checkout", "payment"]])
        // The server half's latency; failed, as the client half says.
        #expect(graph.callEdges.map(\.latency.maxNanos) == [58_000_000])
        #expect(graph.callEdges.map(\.errors) == [1])
        #expect(reading.summary.sharedSpanIDs == 1)
        #expect(reading.summary.services == ["checkout", "payment"])
        // checkout's DNS lookup stays under the client half, payment's span under the server half.
        let parents = try #require(reading.attribution?.parents)
        func service(_ index: Int32) -> String { set.spans[Int(index)].serviceName }
        for (index, span) in set.spans.enumerated() where span.name == "dns.lookup" || span.name == "authorize" {
            #expect(service(parents[index]) == span.serviceName, "\(span.name)")
        }
    }

    @Test func theSameCallReadAsOTLPAndAsJaegerGivesTheSameGraph() throws {
        func graph(_ file: String) throws -> ServiceGraph {
            ServiceGraph(traces: TraceSet(try TraceReader.read(contentsOf: Self.folder + "/" + file).spans))
        }
        #expect(try graph("shared-span-id.otlp.json") == graph("shared-span-id.jaeger.json"))
    }
}
