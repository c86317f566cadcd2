import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport

private func graph(_ spans: [Span], options: ServiceGraph.Options = .init()) -> ServiceGraph {
    ServiceGraph(traces: TraceSet(spans), options: options)
}

private func id(_ name: String) -> NodeID { .service(name) }

/// Each rule that makes or withholds an edge, on hand-made spans.
@Suite struct EdgeRuleTests {
    @Test func aChildInAnotherServiceMakesACallEdge() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "frontend"),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "cart", durationNanos: 5_000),
        ])
        #expect(result.callEdges == [
            .init(from: id("frontend"), to: id("cart"), calls: 1, errors: 0,
                  latency: LatencySummary(p50Nanos: 5_000, p95Nanos: 5_000, p99Nanos: 5_000, maxNanos: 5_000)),
        ])
        #expect(result.linkEdges.isEmpty)
        #expect(result.nodes.map(\.name) == ["cart", "frontend"])
    }

    @Test func aChildInTheSameServiceMakesNoEdge() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "cart"),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "cart", kind: .internal),
        ])
        #expect(result.callEdges.isEmpty)
        #expect(result.nodes.map(\.spanCount) == [2])
    }

    @Test func anErrorChildCountsAsAnErroredCall() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout"),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "payment", error: true),
            Fixture.span(trace: 2, id: 1, service: "checkout"),
            Fixture.span(trace: 2, id: 2, parent: 1, service: "payment"),
        ])
        #expect(result.callEdges.map(\.calls) == [2])
        #expect(result.callEdges.map(\.errors) == [1])
        #expect(result.node(id("payment"))?.errorSpanCount == 1)
    }

    @Test func aParentInAnotherTraceIsNotAParent() {
        // Parent ids are looked up in the span's own trace only.
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "a"),
            Fixture.span(trace: 2, id: 2, parent: 1, service: "b"),
        ])
        #expect(result.callEdges.isEmpty)
    }

    @Test func aLinkInsideTheInputRunsFromTheLinkedSpanToTheLinkingOne() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .producer),
            Fixture.span(trace: 2, id: 7, service: "email", name: "orders process", kind: .consumer, start: 5_000,
                         durationNanos: 9_000_000, links: [(trace: 1, span: 1)]),
        ])
        // The lag: the linking span started 3 µs after the linked-to span ended.
        #expect(result.linkEdges == [.init(from: id("checkout"), to: id("email"), operation: "orders process", links: 1,
                                           lag: LatencySummary(p50Nanos: 3_000, p95Nanos: 3_000, p99Nanos: 3_000, maxNanos: 3_000))])
        // No timing flows across a link: it is no call.
        #expect(result.callEdges.isEmpty)
    }

    @Test func aLinkToASpanOutsideTheInputComesFromThePlaceholder() {
        let result = graph([
            Fixture.span(trace: 2, id: 7, service: "email", links: [(trace: 99, span: 1)]),
        ])
        #expect(result.linkEdges == [.init(from: .outsideInput, to: id("email"), operation: "op", links: 1)])
        #expect(result.node(.outsideInput)?.kind == .outsideInput)
    }

    @Test func everyLinkOfASpanIsCounted() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .producer),
            Fixture.span(trace: 2, id: 1, service: "checkout", kind: .producer),
            Fixture.span(trace: 3, id: 1, service: "orders", kind: .producer),
            Fixture.span(trace: 4, id: 1, service: "accounting", kind: .consumer,
                         links: [(1, 1), (2, 1), (3, 1), (5, 5)]),
        ])
        #expect(result.linkEdges.map { [$0.from, $0.to] } == [
            [.outsideInput, id("accounting")], [id("checkout"), id("accounting")], [id("orders"), id("accounting")],
        ])
        #expect(result.linkEdges.map(\.links) == [1, 2, 1])
        // Same start as their targets, which end later: started while the target ran; no lag.
        #expect(result.linkEdges.map(\.overlappingLinks) == [0, 2, 1])
        #expect(result.linkEdges.map(\.skewedLinks) == [0, 0, 0])
        #expect(result.linkEdges.map(\.lag) == [nil, nil, nil])
    }

    @Test func aSpanLinkingIntoItsOwnTraceCounts() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "frontend"),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "worker", links: [(trace: 1, span: 1)]),
        ])
        #expect(result.linkEdges.map { [$0.from, $0.to] } == [[id("frontend"), id("worker")]])
        #expect(result.callEdges.map(\.calls) == [1])
    }

    @Test func aRetryLinkingToItsFailedAttemptInTheSameServiceIsALoop() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "frontend", error: true),
            Fixture.span(trace: 2, id: 1, service: "frontend", name: "retry checkout", start: 2_000_000_000, links: [(trace: 1, span: 1)]),
        ])
        #expect(result.linkEdges == [.init(from: id("frontend"), to: id("frontend"), operation: "retry checkout", links: 1,
                                           lag: LatencySummary(p50Nanos: 1_999_998_000, p95Nanos: 1_999_998_000,
                                                               p99Nanos: 1_999_998_000, maxNanos: 1_999_998_000))])
    }

    @Test func latencyPercentilesUseTheNearestRank() {
        var spans = [Fixture.span(trace: 1, id: 1000, service: "a")]
        for index in 1...100 {
            spans.append(Fixture.span(trace: 1, id: UInt64(index), parent: 1000, service: "b", durationNanos: UInt64(index) * 10))
        }
        let latency = graph(spans).callEdges[0].latency
        #expect(latency == LatencySummary(p50Nanos: 500, p95Nanos: 950, p99Nanos: 990, maxNanos: 1000))
    }

    @Test(arguments: [1, 2, 3, 7, 100, 1001, 20_000])
    func latencyPercentilesFoundWithoutSortingAreThoseOfTheSortedDurations(count: Int) {
        // Random, few distinct, ascending, descending and all-equal durations.
        var generator = SystemRandomNumberGenerator()
        let random = (0..<count).map { _ in UInt64.random(in: 0..<1_000_000, using: &generator) }
        let fewDistinct = (0..<count).map { _ in UInt64.random(in: 0..<3, using: &generator) }
        let ascending = (0..<UInt64(count)).map { $0 * 7 }
        for durations in [random, fewDistinct, ascending, Array(ascending.reversed()), Array(repeating: 42, count: count)] {
            let sorted = durations.sorted()
            func rank(_ percent: Int) -> UInt64 { sorted[max(0, (percent * sorted.count + 99) / 100 - 1)] }
            #expect(LatencySummary(durations: durations)
                == LatencySummary(p50Nanos: rank(50), p95Nanos: rank(95), p99Nanos: rank(99), maxNanos: sorted.last!))
        }
        #expect(LatencySummary(durations: []) == LatencySummary(p50Nanos: 0, p95Nanos: 0, p99Nanos: 0, maxNanos: 0))
    }

    @Test func theGraphDoesNotDependOnSpanOrder() {
        var spans: [Span] = []
        for trace in 1...20 as ClosedRange<UInt64> {
            spans.append(Fixture.span(trace: trace, id: 1, service: "frontend", error: trace % 7 == 0))
            spans.append(Fixture.span(trace: trace, id: 2, parent: 1, service: "cart", durationNanos: trace * 100))
            spans.append(Fixture.span(trace: trace, id: 3, parent: 2, service: "cart", kind: .client,
                                      attributes: ["db.system": "redis", "server.address": "redis"]))
            spans.append(Fixture.span(trace: trace + 100, id: 1, service: "email", links: [(trace, 2), (trace + 500, 1)]))
        }
        let expected = graph(spans)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            #expect(graph(spans.shuffled(using: &generator)) == expected)
        }
    }
}

/// Databases, queues and other peers that record no spans of their own.
@Suite struct UninstrumentedPeerTests {
    @Test func aLeafDatabaseClientSpanCallsADatabaseNode() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "payment"),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "payment", kind: .client, error: true,
                         attributes: ["db.system": "postgresql", "server.address": "orders-db"]),
        ])
        #expect(result.node(NodeID(rawValue: "db_orders-db"))?.kind == .database(system: "postgresql"))
        #expect(result.callEdges.map { [$0.from, $0.to] } == [[id("payment"), NodeID(rawValue: "db_orders-db")]])
        #expect(result.callEdges.map(\.errors) == [1])
    }

    @Test func aProducerSpanCallsItsTopic() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .producer,
                         attributes: ["messaging.system": "kafka", "messaging.destination.name": "orders"]),
        ])
        #expect(result.node(NodeID(rawValue: "topic_orders"))?.kind == .messaging(system: "kafka"))
        #expect(result.callEdges.map(\.to) == [NodeID(rawValue: "topic_orders")])
        #expect(result.callEdges.map(\.kind) == [.publish])
    }

    @Test func aClientSpanWithAChildServerSpanNamesNoPeer() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "frontend", kind: .client, attributes: ["peer.service": "cart"]),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "cart"),
        ])
        #expect(result.callEdges.map { [$0.from, $0.to] } == [[id("frontend"), id("cart")]])
        #expect(result.callEdges.map(\.calls) == [1])
    }

    @Test func aPeerThatIsAlsoAServiceIsOneServiceNode() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "frontend", kind: .client, attributes: ["peer.service": "cart"]),
            Fixture.span(trace: 2, id: 1, service: "cart"),
        ])
        #expect(result.nodes.map(\.kind) == [.service, .service])
        #expect(result.callEdges.map(\.to) == [id("cart")])
    }

    @Test(arguments: [
        (["peer.service": "cart"], "cart"),
        (["db.system.name": "redis"], "redis"),
        (["db.system": "redis", "db.namespace": "sessions"], "sessions"),
        (["db.system": "redis", "db.name": "cache"], "cache"),
        (["messaging.system": "kafka", "messaging.destination": "orders"], "orders"),
        (["messaging.system": "kafka", "messaging.destination.name": "orders"], "orders"),
        (["server.address": "api.example"], "api.example"),
        (["net.peer.name": "api.example"], "api.example"),
        (["http.host": "api.example"], "api.example"),
        // As long as keys that name a peer, but other text.
        (["peer.servicE": "cart", "db.systems": "redis", "http.hosT": "api.example"], nil),
    ] as [([String: String], String?)])
    func everyKeyThatNamesAPeerIsKnownWhateverStringHoldsIt(attributes: [String: String], peer: String?) {
        // Keys made afresh, not the literals a reader shares.
        let fresh = Dictionary(uniqueKeysWithValues: attributes.map { (String(decoding: Array($0.key.utf8), as: UTF8.self), $0.value) })
        let result = graph([Fixture.span(trace: 1, id: 1, service: "frontend", kind: .client, attributes: fresh)])
        #expect(result.callEdges.map { result.node($0.to)?.name } == (peer.map { [$0] } ?? []))
    }

    @Test func inferenceCanBeTurnedOff() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "cart", kind: .client, attributes: ["db.system": "redis"]),
        ], options: .init(inferUninstrumentedPeers: false))
        #expect(result.nodes.map(\.name) == ["cart"])
        #expect(result.callEdges.isEmpty)
    }
}

@Suite struct NodeIDTests {
    @Test(arguments: [
        ("frontend", "svc_frontend"),
        ("cart_v2", "svc_cart_v2"),
        ("order-api", "svc_order-api"),
    ])
    func plainNamesKeepTheirLetters(name: String, expected: String) {
        #expect(graph([Fixture.span(trace: 1, id: 1, service: name)]).serviceNode(named: name)?.id.rawValue == expected)
    }

    @Test func otherNamesGetAStableHash() throws {
        let name = "yelp_main/api_proxy"
        let id = try #require(graph([Fixture.span(trace: 1, id: 1, service: name)]).serviceNode(named: name)?.id)
        #expect(id.rawValue.hasPrefix("svc_yelp_main_api_proxy_"))
        #expect(id.rawValue.count == "svc_yelp_main_api_proxy_".count + 8)
        let hostileName = "</title><script>alert(1)</script> -- \\N"
        let hostile = try #require(graph([Fixture.span(trace: 1, id: 1, service: hostileName)]).serviceNode(named: hostileName)?.id)
        #expect(hostile.rawValue.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
    }

    /// Names that the old ids merged: a name and the lossy id of another, names sharing their
    /// first 48 characters, and a service, a database and a topic of one name.
    @Test(arguments: [
        ["checkout service", "checkout_service_6d06027e", "checkout_service"],
        [String(repeating: "a", count: 48) + "-one", String(repeating: "a", count: 48) + "-two", String(repeating: "a", count: 40)],
    ])
    func everyServiceHasItsOwnID(names: [String]) {
        let spans = names.enumerated().map { Fixture.span(trace: 1, id: UInt64($0.offset + 1), service: $0.element) }
        let result = graph(spans)
        #expect(result.nodes.count == names.count)
        #expect(Set(result.nodes.map(\.id)).count == names.count)
        // Stable: the same ids whatever the order.
        #expect(graph(spans.reversed()).nodes.map(\.id) == result.nodes.map(\.id))
    }
}
