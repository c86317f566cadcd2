import Testing
import Tracegraph
import TraceTestSupport

/// A shop exported with the OpenTelemetry Python SDK's own OTLP encoder (`Tests/Fixtures/python-sdk`):
/// every asynchronous structure it holds is drawn, and both encodings give the same graph.
@Suite struct PythonSDKExportTests {
    static let reading = try! GraphReading(paths: [Fixtures.pythonSDKShop])
    var graph: ServiceGraph { Self.reading.graph }

    func node(_ name: String, _ kind: ServiceGraph.Node.Kind = .service) throws -> NodeID {
        try #require(graph.nodes.first { $0.name == name && $0.kind == kind }, "\(name)").id
    }

    func call(_ from: NodeID, _ to: NodeID) -> ServiceGraph.CallEdge? {
        graph.callEdges.first { $0.from == from && $0.to == to }
    }

    @Test func theGatewayBehindAClientSpanWithLocalChildrenIsDrawnWithItsTimeouts() throws {
        // The gateway's client spans have dns.lookup, tcp.connect and tls.connect children; the
        // timeouts are recorded on the client span alone.
        let edge = try #require(call(try node("payment"), try node("api.paygate.example", .remote)))
        #expect(edge.calls == 44)
        #expect(edge.errors == 6)
    }

    @Test func messagesGoThroughTheirTopicToEveryConsumerWithTheirWait() throws {
        let orders = try node("orders", .messaging(system: "kafka"))
        #expect(call(try node("checkout"), orders)?.kind == .publish)
        for consumer in ["email", "fraud-detection", "accounting"] {
            let edges = graph.linkEdges.filter { $0.from == orders }.filter { (try? node(consumer)) == $0.to }
            #expect(edges.map(\.links) == [38], "\(consumer)")
            #expect(edges.allSatisfy { $0.operation == "orders process" && ($0.lag?.p50Nanos ?? 0) > 0 }, "\(consumer)")
        }
        // No link skips the topic.
        #expect(!graph.linkEdges.contains { $0.from == (try? node("checkout")) && $0.to != $0.from })
    }

    @Test func theDeadLetterQueueIsATopicLikeAnyOther() throws {
        let dlq = try node("orders.dlq", .messaging(system: "kafka"))
        #expect(call(try node("fraud-detection"), dlq)?.errors == 3)
        #expect(graph.linkEdges.contains { $0.from == dlq && $0.to == (try? node("dlq-handler")) })
    }

    @Test func retriesAndTheCompensationAreLabelledLoops() throws {
        let storefront = try node("storefront"), checkout = try node("checkout")
        #expect(graph.linkEdges.filter { $0.from == storefront && $0.to == storefront }.map(\.operation) == ["retry checkout"])
        #expect(graph.linkEdges.filter { $0.from == checkout && $0.to == checkout }.map(\.operation) == ["compensate reserve-inventory"])
    }

    @Test func theBatchLinksToItsThousandItemsAndSaysWhatTheSDKDropped() throws {
        let billing = try node("billing"), worker = try node("invoice-worker")
        let items = try #require(graph.linkEdges.first { $0.from == billing && $0.to == worker })
        #expect(items.links == 1_000)
        // The items start while the job's root span runs: no lag, and no clock skew either.
        #expect(items.overlappingLinks == 1_000)
        #expect(items.skewedLinks == 0)
        let summary = try #require(graph.linkEdges.first { $0.from == worker && $0.to == billing })
        #expect(summary.links == 128)
        #expect(summary.droppedLinks == 872)
        #expect(summary.labelLines.contains("128 links + 872 dropped"))
        #expect(Self.reading.summary.droppedLinks == 872)
    }

    @Test func theLoopbackCallIsASelfEdge() throws {
        let inventory = try node("inventory")
        #expect(call(inventory, inventory)?.calls == 1)
    }

    /// The drawing of every asynchronous structure at once: topics between producers and
    /// consumers, link edges grouped by operation with their lag, overlap and dropped links.
    @Test func itsDOTMatchesTheGoldenFile() throws {
        let dot = try GraphvizRenderer().render(graph, format: .dot)
        Golden.check(String(decoding: dot, as: UTF8.self), matches: "python-sdk-shop.dot")
    }

    @Test func theJSONEncodingGivesTheSameGraph() throws {
        #expect(try GraphReading(paths: [Fixtures.pythonSDKShopJSON]).graph == graph)
    }
}
