import ServiceGraph
import Testing
import TraceModel
import TraceReaders
import TraceTestSupport

/// Graphs of real exports.
@Suite struct CorpusGraphTests {
    private func graph(_ file: String) throws -> ServiceGraph {
        ServiceGraph(traces: TraceSet(try TraceReader.read(contentsOf: Corpus.folder + "/" + file).spans))
    }

    @Test func sdkExportWithLinksGivesOneLinkEdgePerConsumer() throws {
        let result = try graph("otlp-jsonl/python-sdk-links.jsonl")
        // The consumers link to order-api's producer spans, which name the topic: the links come out of it.
        let orders = NodeID(rawValue: "topic_orders")
        #expect(result.linkEdges.map { [$0.from, $0.to] } == [
            [orders, NodeID.service("analytics-batch")], [orders, NodeID.service("billing-worker")], [orders, NodeID.service("shipping-worker")],
        ])
        #expect(result.linkEdges.map(\.links) == [2, 1, 1])
        #expect(result.linkEdges.map(\.operation) == ["orders batch", "orders process", "orders process"])
        #expect(result.linkEdges.allSatisfy { $0.lag != nil && $0.overlappingLinks == 0 && $0.skewedLinks == 0 })
        #expect(result.callEdges.contains { $0.from == NodeID.service("order-api") && $0.to == orders && $0.kind == .publish })
        let services = result.nodes.filter { $0.kind == .service }.map(\.name)
        #expect(services == ["analytics-batch", "billing-worker", "order-api", "shipping-worker"])
        // Leaf client and producer spans name their peers: a database, a topic, a payment gateway.
        let peers = result.nodes.filter { $0.kind != .service }
        #expect(peers.contains { if case .messaging(system: "kafka") = $0.kind { $0.name == "orders" } else { false } })
        #expect(peers.contains { if case .database = $0.kind { true } else { false } })
        #expect(result.callEdges.filter { $0.from == NodeID.service("billing-worker") }.map(\.errors) == [1])
    }

    @Test func linksToSpansNotInTheFileComeFromOutsideTheInput() throws {
        let result = try graph("otlp-json/jaeger__link_attributes_trace.json")
        #expect(result.linkEdges.map { [$0.from, $0.to] } == [[.outsideInput, NodeID.service("query25-service")]])
        #expect(result.linkEdges.map(\.links) == [3])
        #expect(result.linkEdges.map(\.lag) == [nil])
        // The link attribute keys seen, with how many links carry each.
        #expect(result.linkEdges[0].attributeKeys.first { $0.key == "opentracing.ref_type" }?.count == 3)
    }

    @Test func hotrodCallsJoinItsSixServices() throws {
        let result = try graph("otlp-json/jaeger-pr9263__hotrod_n_plus_one_full_concurrent.json")
        let services = Set(result.nodes.filter { $0.kind == .service }.map(\.name))
        #expect(services == ["customer", "driver", "frontend", "mysql", "redis-manual", "route"])
        let frontend = NodeID.service("frontend")
        #expect(result.callEdges.contains { $0.from == frontend && $0.to == NodeID.service("customer") })
        #expect(result.callEdges.contains { $0.from == frontend && $0.to == NodeID.service("route") && $0.calls == 10 })
        // The three failed redis GetDriver calls, made by driver into redis-manual.
        let driverToRedis = result.callEdges.filter { $0.from == NodeID.service("driver") && $0.to == NodeID.service("redis-manual") }
        #expect(driverToRedis.map(\.errors) == [3])
    }
}
