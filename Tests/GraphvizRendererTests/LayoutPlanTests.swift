import GraphvizRenderer
import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport

/// A random mesh: `services` services, each calling `callsEach` others, seeded.
private func mesh(services: Int, callsEach: Int, seed: UInt64 = 7) -> ServiceGraph {
    var generator = SplitMix64(seed: seed)
    var spans: [Span] = []
    var trace: UInt64 = 0
    for caller in 0..<services {
        for _ in 0..<callsEach {
            var callee = Int.random(in: 0..<services, using: &generator)
            if callee == caller { callee = (callee + 1) % services }
            trace += 1
            spans.append(Fixture.span(trace: trace, id: 1, service: "svc-\(caller)"))
            spans.append(Fixture.span(trace: trace, id: 2, parent: 1, service: "svc-\(callee)"))
        }
    }
    return ServiceGraph(traces: TraceSet(spans))
}

@Suite struct LayoutPlanTests {
    @Test(arguments: [
        // The sizes Scripts/layout-benchmark measures: (nodes, edges, engine chosen).
        (20, 22, LayoutEngine.dot), (99, 160, .dot), (297, 560, .dot), (111, 427, .sfdp),
        (311, 1_223, .sfdp), (1_000, 1_960, .sfdp), (2_000, 8_000, .sfdp), (150, 200, .dot), (150, 301, .sfdp),
    ])
    func theGraphsSizeChoosesTheEngine(nodes: Int, edges: Int, engine: LayoutEngine) {
        let plan = LayoutPlan.automatic(nodes: nodes, edges: edges)
        #expect(plan.engine == engine)
        #expect(plan.straightEdges == (engine == .sfdp))
        #expect((plan.reason != nil) == (engine == .sfdp))
    }

    @Test func aDenseMeshIsDrawnBySfdpWithStraightEdgesAndSaysSo() throws {
        let graph = mesh(services: 120, callsEach: 4)
        #expect(graph.callEdges.count > LayoutPlan.maximumEdgesForDot)
        let plan = GraphvizRenderer().plan(for: graph)
        #expect(plan.engine == .sfdp)
        #expect(plan.reason?.contains("with sfdp and straight edges") == true)
        let dot = String(decoding: try GraphvizRenderer().render(graph, format: .dot), as: UTF8.self)
        #expect(dot.contains("splines=line"))
        #expect(!dot.contains("rankdir"))
        let svg = String(decoding: try GraphvizRenderer().render(graph, format: .svg), as: UTF8.self)
        #expect(svg.contains("<svg"))
    }

    @Test func anEngineAskedForIsKeptWithItsUsualSettings() throws {
        let graph = mesh(services: 120, callsEach: 4)
        #expect(GraphvizRenderer(engine: .dot).plan(for: graph) == .chosen(.dot))
        let dot = String(decoding: try GraphvizRenderer(engine: .sfdp).render(graph, format: .dot), as: UTF8.self)
        #expect(dot.contains("splines=true"))
    }
}
