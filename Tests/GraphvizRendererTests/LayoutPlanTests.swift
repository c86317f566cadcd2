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

    @Test func pastAThousandEdgesTheNumbersGoToTooltipsAndOverlapsGetTwentyRounds() throws {
        let small = LayoutPlan.automatic(nodes: 500, edges: 1_000)
        #expect(small.edgeLabels && small.overlapRemovalRounds == nil)
        let large = LayoutPlan.automatic(nodes: 2_000, edges: 10_000)
        #expect(!large.edgeLabels && large.overlapRemovalRounds == 20)
        #expect(large.reason?.hasSuffix("edges' numbers are in their tooltips, not labels, past 1,000 edges") == true)
        let graph = mesh(services: 400, callsEach: 3)
        #expect(graph.callEdges.count > LayoutPlan.maximumEdgesWithLabels)
        let dot = String(decoding: try GraphvizRenderer().render(graph, format: .dot), as: UTF8.self)
        #expect(dot.contains("overlap=prism20"))
        #expect(!dot.contains("calls\\np95"))
        #expect(dot.contains("tooltip=\"1 call; p50 1 µs, p95 1 µs"))
    }

    @Test func anEngineAskedForIsKeptWithItsUsualSettings() throws {
        let graph = mesh(services: 120, callsEach: 4)
        let plan = GraphvizRenderer(engine: .dot).plan(for: graph)
        #expect(plan.engine == .dot && !plan.straightEdges && plan.reason == nil)
        let dot = String(decoding: try GraphvizRenderer(engine: .sfdp).render(graph, format: .dot), as: UTF8.self)
        #expect(dot.contains("splines=true"))
    }

    /// A chain of `length` services, each also calling `fan` leaves.
    private func chain(length: Int, fan: Int) -> ServiceGraph {
        var spans: [Span] = []
        for step in 0..<length {
            spans.append(Fixture.span(trace: 1, id: UInt64(step + 1), parent: step == 0 ? nil : UInt64(step), service: "step-\(step)"))
            for leaf in 0..<fan {
                spans.append(Fixture.span(trace: 1, id: UInt64(1_000 + step * 100 + leaf), parent: UInt64(step + 1), service: "leaf-\(step)-\(leaf)"))
            }
        }
        return ServiceGraph(traces: TraceSet(spans))
    }

    @Test(arguments: [(3, 2, LayoutPlan.Direction.leftToRight), (5, 3, .leftToRight), (14, 1, .topToBottom), (25, 0, .topToBottom),
                      (3, 12, .leftToRight)])
    func aLongChainIsDrawnTopToBottomSoThatItFitsAPage(length: Int, fan: Int, direction: LayoutPlan.Direction) throws {
        let graph = chain(length: length, fan: fan)
        #expect(LayoutPlan.automatic(for: graph).direction == direction)
        let dot = String(decoding: try GraphvizRenderer().render(graph, format: .dot), as: UTF8.self)
        #expect(dot.contains("rankdir=LR") == (direction == .leftToRight))
        // Drawn, a top-to-bottom chain is taller than wide, and a left-to-right one wider than tall.
        let svg = String(decoding: try GraphvizRenderer().render(graph, format: .svg), as: UTF8.self)
        let size = try #require(svg.firstMatch(of: /<svg width="(\d+)pt" height="(\d+)pt"/))
        let (width, height) = (Double(size.1)!, Double(size.2)!)
        #expect(width / height < (direction == .leftToRight ? 8 : 2.5), "\(width) × \(height)")
    }

    @Test func sfdpHasNoDirection() {
        #expect(LayoutPlan.chosen(.sfdp).oriented(for: chain(length: 30, fan: 0)).direction == .leftToRight)
        #expect(GraphvizRenderer(engine: .dot).plan(for: chain(length: 30, fan: 0)).direction == .topToBottom)
    }
}
