import Testing
import Tracegraph
import TraceTestSupport

/// The built-in example: what a new user sees first.
@Suite struct BuiltInExampleTests {
    let loaded = LoadedTraces.builtInExample()
    var graph: ServiceGraph { ServiceGraph(traces: loaded.traces) }

    @Test func theExampleIsARealisticShop() throws {
        let summary = loaded.summary
        #expect(summary.spans == 217)
        #expect(summary.traces == 30)
        #expect(summary.duplicateSpans == 0)
        #expect(summary.services == ["accounting", "cart", "catalog", "checkout", "email", "fraud-detection",
                                     "inventory", "payment", "recommendation", "storefront"])
        #expect(summary.links == 25)
        #expect(summary.unresolvedLinks == 1)
        #expect(summary.errorSpans > 0)
    }

    @Test func itsGraphHasEveryKindOfNodeAndEdge() throws {
        let graph = graph
        let kinds = Set(graph.nodes.map { node -> String in
            switch node.kind {
            case .service: "service"
            case .database: "database"
            case .messaging: "messaging"
            case .remote: "remote"
            case .outsideInput: "outside"
            }
        })
        #expect(kinds == ["service", "database", "messaging", "remote", "outside"])
        let checkout = NodeID.service("checkout")
        let orders = NodeID(rawValue: "topic_orders")
        // checkout publishes orders to the topic; the consumers' spans link to the producer spans,
        // so their links come out of the topic, with the time the messages waited.
        #expect(graph.callEdges.contains { $0.from == checkout && $0.to == orders && $0.kind == .publish })
        for consumer in ["email", "accounting", "fraud-detection"] {
            let edges = graph.linkEdges.filter { $0.from == orders && $0.to == NodeID.service(consumer) }
            #expect(edges.count == 1, "\(consumer)")
            #expect(edges.allSatisfy { $0.lag != nil && !$0.operation.isEmpty }, "\(consumer)")
        }
        #expect(!graph.linkEdges.contains { $0.from == checkout })
        // A retry links to its failed attempt, in the same service: a loop labelled with the retry.
        let storefront = NodeID.service("storefront")
        let retries = graph.linkEdges.filter { $0.from == storefront && $0.to == storefront }
        #expect(retries.map(\.links) == [2])
        #expect(retries.allSatisfy { !$0.operation.isEmpty && $0.lag != nil })
        #expect(graph.linkEdges.contains { $0.from == .outsideInput })
        #expect(graph.callEdges.contains { $0.from == checkout && $0.to == NodeID.service("payment") && $0.errors == 2 })
    }

    @Test func itsDOTMatchesTheGoldenFile() throws {
        let dot = try GraphvizRenderer().render(graph, format: .dot)
        Golden.check(String(decoding: dot, as: UTF8.self), matches: "builtin-example.dot")
    }

    @Test(arguments: [GraphvizFormat.svg, .dot])
    func itsOutputDoesNotDependOnSpanOrder(format: GraphvizFormat) throws {
        let expected = try GraphvizRenderer().render(graph, format: format)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3 {
            let shuffled = ServiceGraph(traces: TraceSet(loaded.traces.spans.shuffled(using: &generator)))
            #expect(try GraphvizRenderer().render(shuffled, format: format) == expected)
        }
    }
}
