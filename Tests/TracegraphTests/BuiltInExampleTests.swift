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
        let checkout = NodeID(name: "checkout")
        // Consumers link to the producer spans of checkout's traces.
        for consumer in ["email", "accounting", "fraud-detection"] {
            #expect(graph.linkEdges.contains { $0.from == checkout && $0.to == NodeID(name: consumer) })
        }
        // A retry links to its failed attempt, in the same service.
        let storefront = NodeID(name: "storefront")
        #expect(graph.linkEdges.contains { $0.from == storefront && $0.to == storefront && $0.links == 2 })
        #expect(graph.linkEdges.contains { $0.from == .outsideInput })
        #expect(graph.callEdges.contains { $0.from == checkout && $0.to == NodeID(name: "payment") && $0.errors == 2 })
        #expect(graph.callEdges.contains { $0.from == checkout && $0.to == NodeID(name: "orders") })
    }

    @Test func itsDOTMatchesTheGoldenFile() throws {
        let dot = try GraphvizRenderer().render(graph, format: .dot)
        Golden.check(String(decoding: dot, as: UTF8.self), matches: "builtin-example.dot")
    }

    @Test(arguments: [GraphFormat.svg, .dot])
    func itsOutputDoesNotDependOnSpanOrder(format: GraphFormat) throws {
        let expected = try GraphvizRenderer().render(graph, format: format)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3 {
            let shuffled = ServiceGraph(traces: TraceSet(loaded.traces.spans.shuffled(using: &generator)))
            #expect(try GraphvizRenderer().render(shuffled, format: format) == expected)
        }
    }
}
