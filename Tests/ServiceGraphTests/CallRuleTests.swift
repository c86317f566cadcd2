import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport

private func graph(_ spans: [Span], options: ServiceGraph.Options = .init()) -> ServiceGraph {
    ServiceGraph(traces: TraceSet(spans), options: options)
}

private func reading(_ spans: [Span]) -> ServiceGraph.Reading {
    var accumulator = ServiceGraph.Accumulator()
    for span in spans { accumulator.receive(span) }
    return accumulator.finish(attributingSpans: true)
}

private func ends(_ graph: ServiceGraph) -> [[String]] {
    graph.callEdges.map { [graph.node($0.from)!.name, graph.node($0.to)!.name] }
}

/// The rules that decide what is a call, each on the smallest trace that once got it wrong.
@Suite struct CallRuleTests {
    @Test func aClientSpanWithChildrenInItsOwnProcessStillCallsItsPeer() {
        // Node.js puts dns.lookup and tcp.connect under the HTTP client span.
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "payment"),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "payment", kind: .client, error: true,
                         attributes: ["server.address": "api.paygate.example", "http.request.method": "POST"]),
            Fixture.span(trace: 1, id: 3, parent: 2, service: "payment", kind: .internal, durationNanos: 10),
            Fixture.span(trace: 1, id: 4, parent: 2, service: "payment", kind: .internal, durationNanos: 10),
        ])
        #expect(ends(result) == [["payment", "api.paygate.example"]])
        #expect(result.callEdges.map(\.errors) == [1])
    }

    @Test func aClientSpanWhoseCalleeRecordedTheCallCallsNoPeer() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .client, attributes: ["server.address": "cart.internal"]),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "cart", kind: .server),
        ])
        #expect(ends(result) == [["checkout", "cart"]])
    }

    @Test func aFailureOnlyTheClientRecordedIsAFailedCall() {
        // A timeout: the client span failed, the server span finished later without error.
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .client, error: true),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "payment", kind: .server),
            Fixture.span(trace: 2, id: 1, service: "checkout", kind: .client),
            Fixture.span(trace: 2, id: 2, parent: 1, service: "payment", kind: .server),
        ])
        #expect(result.callEdges.map(\.calls) == [2])
        #expect(result.callEdges.map(\.errors) == [1])
    }

    @Test func anErrorOfAnInternalParentIsNotTheCallsFailure() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .internal, error: true),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "payment", kind: .server),
        ])
        #expect(result.callEdges.map(\.errors) == [0])
    }

    @Test func aLoopbackCallIsASelfEdgeAndPlainChildrenAreNone() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "inventory", kind: .server),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "inventory", kind: .client),
            Fixture.span(trace: 1, id: 3, parent: 2, service: "inventory", kind: .server, durationNanos: 700),
            Fixture.span(trace: 1, id: 4, parent: 3, service: "inventory", kind: .internal),
        ])
        #expect(ends(result) == [["inventory", "inventory"]])
        #expect(result.callEdges.map(\.calls) == [1])
        #expect(result.callEdges.map(\.latency.maxNanos) == [700])
    }

    @Test func oneRequestIsOneCallWhateverTheCalleeHangsUnderTheClientSpan() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .client),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "payment", kind: .server, durationNanos: 900),
            // The callee's middleware parents its own spans on the incoming context, not the server span.
            Fixture.span(trace: 1, id: 3, parent: 1, service: "payment", kind: .internal),
            Fixture.span(trace: 1, id: 4, parent: 1, service: "payment", kind: .internal),
        ])
        #expect(result.callEdges.map(\.calls) == [1])
        #expect(result.callEdges.map(\.latency.maxNanos) == [900])
    }

    @Test func everyServerSpanUnderOneClientSpanIsACall() {
        // Tempo and the Collector count the first only; a retried request that reuses the
        // client span's context reaches the server twice.
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .client),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "payment", kind: .server, error: true),
            Fixture.span(trace: 1, id: 3, parent: 1, service: "payment", kind: .server),
        ])
        #expect(result.callEdges.map(\.calls) == [2])
        #expect(result.callEdges.map(\.errors) == [1])
    }

    @Test func withoutKindsEveryChildInAnotherServiceIsACall() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "a", kind: .unspecified),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "b", kind: .unspecified),
            Fixture.span(trace: 1, id: 3, parent: 1, service: "b", kind: .unspecified),
        ])
        #expect(result.callEdges.map(\.calls) == [2])
    }
}

/// B3/Zipkin-style instrumentation records both halves of a call under one span id.
@Suite struct SharedSpanIDTests {
    /// The client half in checkout and the server half in payment share span id 2; payment's own
    /// span hangs under the shared id, and so does checkout's DNS lookup.
    static let halves = [
        Fixture.span(trace: 1, id: 1, service: "storefront", kind: .server),
        Fixture.span(trace: 1, id: 5, parent: 1, service: "storefront", kind: .client),
        Fixture.span(trace: 1, id: 6, parent: 5, service: "checkout", kind: .server),
        Fixture.span(trace: 1, id: 2, parent: 6, service: "checkout", kind: .client, error: true, durationNanos: 5_000),
        Fixture.span(trace: 1, id: 2, parent: 6, service: "payment", kind: .server, durationNanos: 4_000),
        Fixture.span(trace: 1, id: 3, parent: 2, service: "payment", kind: .internal),
        Fixture.span(trace: 1, id: 4, parent: 2, service: "checkout", name: "dns.lookup", kind: .internal),
    ]

    @Test(arguments: [false, true])
    func theHalvesAreOneCallFromTheCallerToTheCallee(reversed: Bool) {
        let spans = reversed ? Self.halves.reversed() : Self.halves
        let result = reading(spans)
        #expect(ends(result.graph) == [["checkout", "payment"], ["storefront", "checkout"]])
        // The server half's latency; failed, as the client half says.
        let call = result.graph.callEdges[0]
        #expect(call.latency.maxNanos == 4_000)
        #expect(call.errors == 1)
        #expect(result.summary.spans == 7)
        #expect(result.summary.duplicateSpans == 0)
        #expect(result.summary.sharedSpanIDs == 1)
        #expect(result.summary.services == ["checkout", "payment", "storefront"])
    }

    @Test func eachChildHangsUnderTheHalfOfItsOwnService() throws {
        let result = reading(Self.halves)
        let parents = try #require(result.attribution?.parents)
        #expect(parents[3] == 2)  // client half under checkout's server span
        #expect(parents[4] == 3)  // server half under the client half
        #expect(parents[5] == 4)  // payment's span under the server half
        #expect(parents[6] == 3)  // checkout's DNS lookup under the client half
    }

    @Test func theSameEndOfTheSameServiceTwiceIsARepeat() {
        let result = reading([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .client),
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .client),
        ])
        #expect(result.summary.duplicateSpans == 1)
        #expect(result.summary.sharedSpanIDs == 0)
    }

    @Test func aTraceSetKeepsBothHalves() {
        let set = TraceSet(Self.halves)
        #expect(set.spans.count == 7)
        #expect(set.duplicateSpanCount == 0)
        var again = set
        let added = again.add(Self.halves[4])
        #expect(!added)
        #expect(again.duplicateSpanCount == 1)
    }
}

/// A peer is its kind, its system, its name and, for a database named otherwise, its address.
@Suite struct PeerIdentityTests {
    @Test func sameNamedPeersOfDifferentKindsAreDifferentNodes() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "a", kind: .client, attributes: ["db.system.name": "postgresql", "db.namespace": "orders"]),
            Fixture.span(trace: 1, id: 2, service: "b", kind: .client, attributes: ["db.system.name": "mysql", "db.namespace": "orders"]),
            Fixture.span(trace: 1, id: 3, service: "c", kind: .producer,
                         attributes: ["messaging.system": "kafka", "messaging.destination.name": "orders"]),
            Fixture.span(trace: 1, id: 4, service: "orders"),
        ])
        let orders = result.nodes.filter { $0.name == "orders" }
        #expect(orders.count == 4)
        #expect(Set(orders.map(\.id)).count == 4)
        #expect(result.callEdges.count == 3)
    }

    @Test func databasesOfOneNameOnTwoHostsAreTwoNodes() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "a", kind: .client,
                         attributes: ["db.system.name": "postgresql", "db.namespace": "postgres", "server.address": "db1"]),
            Fixture.span(trace: 1, id: 2, service: "b", kind: .client,
                         attributes: ["db.system.name": "postgresql", "db.namespace": "postgres", "server.address": "db2"]),
        ])
        let databases = result.nodes.filter { $0.kind == .database(system: "postgresql") }
        #expect(databases.map(\.address) == ["db1", "db2"])
        #expect(databases.map(\.labelLines) == [["postgres", "postgresql · db1"], ["postgres", "postgresql · db2"]])
    }
}

/// What the summary says about spans that name no service or carry invalid ids.
@Suite struct SpanProblemTests {
    @Test func anEmptyServiceNameIsNoServiceNameAndIsCounted() {
        let empty = Resource(attributes: [Attribute(key: "service.name", value: .string(""))])
        #expect(empty.serviceName == Resource.unknownServiceName)
        #expect(empty.hasEmptyServiceName)
        var span = Fixture.span(trace: 1, id: 1, service: "x")
        span.resource = empty
        let result = reading([span, Fixture.span(trace: 1, id: 2, parent: 1, service: "cart")])
        #expect(result.summary.services == ["cart", "unknown_service"])
        #expect(result.summary.emptyServiceNameSpans == 1)
        #expect(!result.graph.nodes.contains { $0.name.isEmpty })
    }

    /// A record, and a second one with its ids that differs from it in one way.
    static let repeats: [(what: String, second: Span, conflicting: Bool)] = [
        ("the same", Fixture.span(trace: 1, id: 2, parent: 1, service: "a", kind: .client), false),
        ("another start", Fixture.span(trace: 1, id: 2, parent: 1, service: "a", kind: .client, start: 2_000), true),
        ("another duration", Fixture.span(trace: 1, id: 2, parent: 1, service: "a", kind: .client, durationNanos: 5), true),
        ("another parent", Fixture.span(trace: 1, id: 2, parent: 9, service: "a", kind: .client), true),
        ("no parent", Fixture.span(trace: 1, id: 2, service: "a", kind: .client), true),
        ("another kind of the same end", Fixture.span(trace: 1, id: 2, parent: 1, service: "a", kind: .producer), true),
        ("an error", Fixture.span(trace: 1, id: 2, parent: 1, service: "a", kind: .client, error: true), true),
        // Not compared: the graph path does not read names.
        ("another name", Fixture.span(trace: 1, id: 2, parent: 1, service: "a", name: "other", kind: .client), false),
        // The other half of the call, not a repeat at all.
        ("the server's half", Fixture.span(trace: 1, id: 2, parent: 1, service: "b", kind: .server, start: 1_100), false),
    ]

    @Test(arguments: repeats.indices)
    func aRepeatWithOtherContentConflicts(_ index: Int) {
        let (what, second, conflicting) = Self.repeats[index]
        let spans = [Fixture.span(trace: 1, id: 2, parent: 1, service: "a", kind: .client), second]
        let isHalf = second.serviceName != "a"
        for summary in [reading(spans).summary, TraceSetSummary(TraceSet(spans))] {
            #expect(summary.conflictingSpans == (conflicting ? 1 : 0), "\(what)")
            #expect(summary.duplicateSpans == (conflicting || isHalf ? 0 : 1), "\(what)")
            #expect(summary.spans == (isHalf ? 2 : 1), "\(what)")
        }
    }

    @Test(arguments: [false, true])
    func aRepeatOfTheSecondHalfIsComparedWithThatHalf(conflicting: Bool) {
        let client = Fixture.span(trace: 1, id: 2, parent: 1, service: "a", kind: .client)
        let server = Fixture.span(trace: 1, id: 2, parent: 1, service: "b", kind: .server, start: 1_100, durationNanos: 500)
        var again = server
        if conflicting { again.endTimeUnixNano += 1 }
        for summary in [reading([client, server, again]).summary, TraceSetSummary(TraceSet([client, server, again]))] {
            #expect(summary.spans == 2)
            #expect(summary.sharedSpanIDs == 1)
            #expect(summary.duplicateSpans == (conflicting ? 0 : 1))
            #expect(summary.conflictingSpans == (conflicting ? 1 : 0))
        }
    }
}

/// What a link edge says about the time between cause and effect.
@Suite struct LinkLagTests {
    @Test func lagOverlapAndSkewAreToldApart() throws {
        let result = graph([
            // The cause: 1,000 ns to 2,000 ns.
            Fixture.span(trace: 1, id: 1, service: "job", start: 1_000, durationNanos: 1_000),
            Fixture.span(trace: 2, id: 1, service: "worker", name: "item", start: 2_500, links: [(1, 1)]),
            Fixture.span(trace: 3, id: 1, service: "worker", name: "item", start: 3_000, links: [(1, 1)]),
            Fixture.span(trace: 4, id: 1, service: "worker", name: "item", start: 1_500, links: [(1, 1)]),
            Fixture.span(trace: 5, id: 1, service: "worker", name: "item", start: 500, links: [(1, 1)]),
        ])
        let edge = try #require(result.linkEdges.first)
        #expect(result.linkEdges.count == 1)
        #expect(edge.links == 4)
        #expect(edge.lag == LatencySummary(p50Nanos: 500, p95Nanos: 1_000, p99Nanos: 1_000, maxNanos: 1_000))
        #expect(edge.overlappingLinks == 1)
        #expect(edge.skewedLinks == 1)
        #expect(edge.labelLines == ["item", "4 links", "lag p50 500 ns · p95 1 µs", "1 link while it ran", "1 link with clock skew"])
    }

    @Test func linksOfOnePairAreGroupedByTheLinkingOperation() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", error: true),
            Fixture.span(trace: 2, id: 1, service: "checkout", name: "retry checkout", start: 9_000, links: [(1, 1)]),
            Fixture.span(trace: 3, id: 1, service: "checkout", name: "compensate reserve-inventory", start: 9_000, links: [(1, 1)]),
            Fixture.span(trace: 4, id: 1, service: "checkout", name: "retry checkout", start: 9_000, links: [(1, 1)]),
        ])
        #expect(result.linkEdges.map(\.operation) == ["compensate reserve-inventory", "retry checkout"])
        #expect(result.linkEdges.map(\.links) == [1, 2])
    }

    @Test func linksTheSDKDroppedAreCountedOnTheEdge() {
        var summarize = Fixture.span(trace: 9, id: 1, service: "billing", name: "summarize", start: 9_000, links: [(1, 1), (2, 1)])
        summarize.droppedLinksCount = 872
        let result = reading([
            Fixture.span(trace: 1, id: 1, service: "invoice-worker"),
            Fixture.span(trace: 2, id: 1, service: "invoice-worker"),
            summarize,
        ])
        #expect(result.graph.linkEdges.map(\.droppedLinks) == [872])
        #expect(result.graph.linkEdges.map(\.labelLines.last) == ["lag p50 7 µs · p95 7 µs"])
        #expect(result.graph.linkEdges[0].labelLines.contains("2 links + 872 dropped"))
        #expect(result.summary.droppedLinks == 872)
    }
}

/// `--edges paired`: client and server spans paired as Tempo and the Collector count them, without their faults.
@Suite struct PairedEdgeTests {
    @Test func aPairCarriesBothSidesLatencyAndFailsWhenEitherSideFailed() throws {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .client, error: true, durationNanos: 9_000),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "payment", kind: .server, durationNanos: 4_000),
            // The second server span of one client span counts too (Tempo's store keeps the first).
            Fixture.span(trace: 1, id: 3, parent: 1, service: "payment", kind: .server, durationNanos: 5_000),
            // Not a pair: an internal child in another service.
            Fixture.span(trace: 1, id: 4, parent: 1, service: "payment", kind: .internal),
        ], options: .init(edgeRule: .paired))
        let edge = try #require(result.callEdges.first)
        #expect(result.callEdges.count == 1)
        #expect(edge.calls == 2)
        #expect(edge.errors == 2)
        #expect(edge.latency.maxNanos == 5_000)
        #expect(edge.clientLatency?.maxNanos == 9_000)
        #expect(edge.connection == .direct)
        #expect(edge.details.contains("client p50 9 µs"))
    }

    @Test func unpairedSpansCallWhatTheyNameAndNothingElse() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "storefront", kind: .server),  // a root naming no caller: no `user`
            Fixture.span(trace: 1, id: 2, parent: 1, service: "storefront", kind: .client,
                         attributes: ["db.system.name": "postgresql", "db.namespace": "orders"]),
            Fixture.span(trace: 1, id: 3, parent: 1, service: "storefront", kind: .client),  // names nothing: no `unknown`
            Fixture.span(trace: 2, id: 1, service: "worker", kind: .consumer, attributes: ["peer.service": "legacy-queue"]),
        ], options: .init(edgeRule: .paired))
        #expect(ends(result) == [["legacy-queue", "worker"], ["storefront", "orders"]])
        #expect(result.callEdges.map(\.connection) == [.virtual, .database])
    }

    @Test func producerAndConsumerArePairedDirectly() {
        let result = graph([
            Fixture.span(trace: 1, id: 1, service: "checkout", kind: .producer,
                         attributes: ["messaging.system": "kafka", "messaging.destination.name": "orders"]),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "email", kind: .consumer),
        ], options: .init(edgeRule: .paired))
        #expect(ends(result) == [["checkout", "email"]])
        #expect(result.callEdges.map(\.connection) == [.messaging])
    }
}

/// Many records under one span id: each new half is told from a repeat by its end and service, looked
/// up, not compared with every half before it.
@Suite struct ManyHalvesTests {
    @Test func twentyThousandRecordsOfOneIDAreSortedOutInOnePass() {
        let spans = (0..<20_000).map { index in
            Fixture.span(trace: 1, id: 7, service: "svc\(index / 2)", kind: index % 2 == 0 ? .client : .server)
        } + [Fixture.span(trace: 1, id: 7, service: "svc0", kind: .client)]  // one true repeat
        let set = TraceSet(spans)
        #expect(set.spans.count == 20_000)
        #expect(set.duplicateSpanCount == 1)
        let result = reading(spans)
        #expect(result.summary.spans == 20_000)
        #expect(result.summary.duplicateSpans == 1)
        #expect(result.summary.sharedSpanIDs == 1)
    }
}
