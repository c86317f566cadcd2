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
        let order = NodeID(name: "order-api")
        #expect(result.linkEdges == [
            .init(from: order, to: NodeID(name: "analytics-batch"), links: 2),
            .init(from: order, to: NodeID(name: "billing-worker"), links: 1),
            .init(from: order, to: NodeID(name: "shipping-worker"), links: 1),
        ])
        let services = result.nodes.filter { $0.kind == .service }.map(\.name)
        #expect(services == ["analytics-batch", "billing-worker", "order-api", "shipping-worker"])
        // Leaf client and producer spans name their peers: a database, a topic, a payment gateway.
        let peers = result.nodes.filter { $0.kind != .service }
        #expect(peers.contains { if case .messaging(system: "kafka") = $0.kind { $0.name == "orders" } else { false } })
        #expect(peers.contains { if case .database = $0.kind { true } else { false } })
        #expect(result.callEdges.filter { $0.from == NodeID(name: "billing-worker") }.map(\.errors) == [1])
    }

    @Test func linksToSpansNotInTheFileComeFromOutsideTheInput() throws {
        let result = try graph("otlp-json/jaeger__link_attributes_trace.json")
        #expect(result.linkEdges == [.init(from: .outsideInput, to: NodeID(name: "query25-service"), links: 3)])
    }

    @Test func hotrodCallsJoinItsSixServices() throws {
        let result = try graph("otlp-json/jaeger-pr9263__hotrod_n_plus_one_full_concurrent.json")
        let services = Set(result.nodes.filter { $0.kind == .service }.map(\.name))
        #expect(services == ["customer", "driver", "frontend", "mysql", "redis-manual", "route"])
        let frontend = NodeID(name: "frontend")
        #expect(result.callEdges.contains { $0.from == frontend && $0.to == NodeID(name: "customer") })
        #expect(result.callEdges.contains { $0.from == frontend && $0.to == NodeID(name: "route") && $0.calls == 10 })
        // The three failed redis GetDriver calls, made by driver into redis-manual.
        let driverToRedis = result.callEdges.filter { $0.from == NodeID(name: "driver") && $0.to == NodeID(name: "redis-manual") }
        #expect(driverToRedis.map(\.errors) == [3])
    }
}
