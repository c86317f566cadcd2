import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport

/// A span of `service` whose resource carries these attributes, calling nothing.
private func span(trace: UInt64, id: UInt64, parent: UInt64? = nil, service: String, resource: [String: String]) -> Span {
    var span = Fixture.span(trace: trace, id: id, parent: parent, service: service)
    span.resource = Resource(attributes: ([("service.name", service)] + resource.sorted { $0.key < $1.key })
        .map { Attribute(key: $0.0, value: .string($0.1)) })
    return span
}

@Suite struct GroupTests {
    let spans = [
        span(trace: 1, id: 1, service: "frontend", resource: ["service.namespace": "shop"]),
        span(trace: 1, id: 2, parent: 1, service: "cart", resource: ["service.namespace": "shop", "k8s.namespace.name": "prod"]),
        span(trace: 1, id: 3, parent: 2, service: "payment", resource: ["service.namespace": "payments", "k8s.namespace.name": "prod"]),
        span(trace: 2, id: 1, service: "cron", resource: [:]),
    ]

    func groups(_ spans: [Span], _ options: ServiceGraph.Options = .init()) -> [String: String?] {
        var accumulator = ServiceGraph.Accumulator(options: options)
        for span in spans { accumulator.receive(span) }
        return Dictionary(uniqueKeysWithValues: accumulator.finish().graph.nodes.map { ($0.name, $0.group) })
    }

    @Test func aServiceIsInTheGroupItsResourceNames() {
        #expect(groups(spans) == ["frontend": "shop", "cart": "shop", "payment": "payments", "cron": nil])
    }

    @Test func anotherAttributeOrNoneAtAll() {
        #expect(groups(spans, .init(groupAttribute: "k8s.namespace.name")) == ["frontend": nil, "cart": "prod", "payment": "prod", "cron": nil])
        #expect(groups(spans, .init(groupAttribute: nil)).values.allSatisfy { $0 == nil })
    }

    @Test func theFirstGroupReadWinsWhenAServiceNamesTwoAndPartsMergeInInputOrder() {
        let later = span(trace: 3, id: 1, service: "frontend", resource: ["service.namespace": "web"])
        let unnamed = span(trace: 4, id: 1, service: "frontend", resource: [:])
        #expect(groups([unnamed, later] + spans)["frontend"] == "web")
        var first = ServiceGraph.Accumulator()
        var second = ServiceGraph.Accumulator()
        for span in spans { first.receive(span) }
        second.receive(later)
        second.receive(span(trace: 5, id: 1, service: "search", resource: ["service.namespace": "web"]))
        first.merge(second)
        let graph = first.finish().graph
        #expect(graph.serviceNode(named: "frontend")?.group == "shop")
        #expect(graph.serviceNode(named: "search")?.group == "web")
    }

    @Test func readersKeepTheAttributeAGraphGroupsBy() {
        let detail = ServiceGraph.Accumulator.readDetail(for: .init(groupAttribute: "team"))
        #expect(detail.resourceAttributeKeys == ["team"])
        #expect(ServiceGraph.Accumulator.readDetail.resourceAttributeKeys == ["service.namespace"])
    }
}
