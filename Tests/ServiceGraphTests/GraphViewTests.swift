import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport

/// A graph of services named by `edges` (caller, callee, calls); names in `peers` are peers of that
/// kind instead. Each edge's latency is its calls in milliseconds, so that merged edges show whose
/// latency they keep.
private func graph(_ edges: [(String, String, Int)], peers: [String: ServiceGraph.Node.Kind] = [:],
                   links: [(String, String, Int)] = []) -> ServiceGraph {
    func id(_ name: String) -> NodeID { NodeID(rawValue: (peers[name] == nil ? "svc_" : "peer_") + name) }
    let names = Set(edges.flatMap { [$0.0, $0.1] } + links.flatMap { [$0.0, $0.1] })
    let nodes = names.sorted().map { name in
        ServiceGraph.Node(id: id(name), name: name, kind: peers[name] ?? .service, spanCount: peers[name] == nil ? 10 : 0)
    }
    let millisecond: UInt64 = 1_000_000
    return ServiceGraph(
        nodes: nodes.sorted { $0.id < $1.id },
        callEdges: edges.map { from, to, calls in
            let latency = UInt64(calls) * millisecond
            return ServiceGraph.CallEdge(from: id(from), to: id(to), calls: calls, errors: calls / 10,
                                         latency: LatencySummary(p50Nanos: latency / 2, p95Nanos: latency, p99Nanos: latency, maxNanos: latency))
        }.sorted { ($0.from, $0.to) < ($1.from, $1.to) },
        linkEdges: links.map { ServiceGraph.LinkEdge(from: id($0.0), to: id($0.1), links: $0.2) })
}

private func names(_ graph: ServiceGraph) -> [String] { graph.nodes.map(\.name).sorted() }

/// gateway → a → b → c → d → e, and x → c: a chain with a side entry.
private let chain = graph([("gateway", "a", 50), ("a", "b", 40), ("b", "c", 30), ("c", "d", 20), ("d", "e", 10), ("x", "c", 5)])

@Suite struct NamePatternTests {
    @Test(arguments: [
        ("checkout", "checkout", true), ("checkout", "checkout-v2", false), ("check*", "checkout", true),
        ("*out", "checkout", true), ("*", "", true), ("", "", true), ("", "a", false), ("c?eck*t", "checkout", true),
        ("*-db-*", "orders-db-primary", true), ("*-db-*", "orders-db", false), ("a*b*c", "aXbYbZc", true),
        ("a*b*c", "aXbYbZ", false), ("Checkout", "checkout", false), ("ünï*", "ünïcode", true),
    ])
    func shellStylePatternsMatchWholeNames(pattern: String, name: String, matches: Bool) {
        #expect(NamePattern(pattern).matches(name) == matches)
    }

    @Test func aPatternOfManyStarsOnALongNameEndsAtOnce() {
        // Backtracking to the last star only: time grows with the product of the lengths, not exponentially.
        let pattern = NamePattern(String(repeating: "*a", count: 40) + "b")
        #expect(!pattern.matches(String(repeating: "a", count: 5_000)))
    }
}

@Suite struct GraphViewTests {
    @Test func theDefaultViewDrawsASmallGraphWhole() throws {
        let viewed = try GraphView().apply(to: chain)
        #expect(viewed.graph == chain)
        #expect(viewed.notes.isEmpty)
    }

    @Test func excludedNodesGoWithTheirEdgesAndTheNoteSaysHowMany() throws {
        let viewed = try GraphView(exclude: [NamePattern("gate*"), NamePattern("x")]).apply(to: chain)
        #expect(names(viewed.graph) == ["a", "b", "c", "d", "e"])
        #expect(viewed.graph.callEdges.count == 4)
        #expect(viewed.notes == ["left out 2 nodes matching --exclude gate*, x"])
        #expect(try GraphView(exclude: [NamePattern("nothing*")]).apply(to: chain).notes == ["--exclude nothing* matched no node"])
    }

    @Test func edgesOfFewCallsGoAndTheNodesOnlyTheyJoined() throws {
        let viewed = try GraphView(minimumCalls: 20).apply(to: chain)
        #expect(Set(viewed.graph.callEdges.map(\.calls)) == [50, 40, 30, 20])
        #expect(names(viewed.graph) == ["a", "b", "c", "d", "gateway"])
        #expect(viewed.notes == ["left out 2 edges of fewer than 20 calls or links (--min-calls) and the 2 nodes they alone joined"])
    }

    @Test(arguments: [
        (0, ["c"]), (1, ["b", "c", "d", "x"]), (2, ["a", "b", "c", "d", "e", "x"]), (9, ["a", "b", "c", "d", "e", "gateway", "x"]),
    ])
    func aFocusDrawsWhatItCallsAndWhatCallsItUpToTheDepth(depth: Int, expected: [String]) throws {
        let viewed = try GraphView(focus: [NamePattern("c")], depth: depth).apply(to: chain)
        #expect(names(viewed.graph) == expected)
        #expect(viewed.focused == [NodeID(rawValue: "svc_c")])
        // Edges between the nodes drawn, and only those.
        let drawn = Set(expected)
        #expect(viewed.graph.callEdges.count == chain.callEdges.filter {
            drawn.contains(String($0.from.rawValue.dropFirst(4))) && drawn.contains(String($0.to.rawValue.dropFirst(4)))
        }.count)
    }

    @Test func theNeighbourhoodFollowsEdgesOneWayEachSide() throws {
        // Upstream of d is c, then b and x; downstream of d is e. Siblings of what d calls are not drawn.
        let viewed = try GraphView(focus: [NamePattern("d")], depth: 2).apply(to: chain)
        #expect(names(viewed.graph) == ["b", "c", "d", "e", "x"])
    }

    @Test func aFocusThatMatchesNothingIsAnErrorThatNamesTheNearest() {
        #expect(throws: GraphViewError.noFocusedNode(patterns: ["gatewy"], closest: ["gateway", "a", "e"])) {
            try GraphView(focus: [NamePattern("gatewy")]).apply(to: chain)
        }
    }

    @Test func aCallersFanOutOfLeafPeersPastTheLimitIsOneNode() throws {
        var edges: [(String, String, Int)] = (1...10).map { ("orders", "db-\($0)", $0) }
        var peers: [String: ServiceGraph.Node.Kind] = Dictionary(uniqueKeysWithValues: (1...10).map { ("db-\($0)", .database(system: "postgresql")) })
        // A database another service calls too is no leaf, and stays.
        edges.append(("billing", "db-10", 3))
        edges += (1...3).map { ("orders", "api-\($0)", 1) }
        for number in 1...3 { peers["api-\(number)"] = .remote }
        let whole = graph(edges, peers: peers)
        let viewed = try GraphView(collapseLeavesAbove: 8).apply(to: whole)
        let group = try #require(viewed.graph.nodes.first { !$0.members.isEmpty })
        #expect(group.name == "9 databases")
        #expect(group.kind == .database(system: "postgresql"))
        #expect(group.members == (1...9).map { "db-\($0)" }.sorted())
        #expect(group.labelLines == ["9 databases", "postgresql"])
        #expect(group.id.rawValue == "group_databases_svc_orders")
        let edge = try #require(viewed.graph.callEdges.first { $0.to == group.id })
        #expect(edge.calls == 45)
        #expect(edge.errors == (1...9).map { $0 / 10 }.reduce(0, +))
        #expect(edge.mergedEdges == 9)
        #expect(edge.latency.p95Nanos == 9_000_000)
        #expect(edge.labelLines == ["45 calls", "p95 up to 9 ms"])
        #expect(edge.details.contains("over 9 edges drawn as one, each percentile the largest of theirs"))
        #expect(names(viewed.graph).contains("db-10"))
        // Three remote peers are under the limit: drawn each.
        #expect(names(viewed.graph).filter { $0.hasPrefix("api-") }.count == 3)
        #expect(viewed.notes == ["drew 9 leaf peers as 1 node, one for each caller's fan-out of more than 8 (--collapse-leaves 0 draws each)"])
        // Without the limit, each is drawn.
        #expect(try GraphView(collapseLeavesAbove: nil).apply(to: whole).graph == whole)
    }

    @Test func topEdgesKeepsTheBusiestAndSaysWhatItLeftOut() throws {
        let viewed = try GraphView(edgeLimit: .top(2)).apply(to: chain)
        #expect(viewed.graph.callEdges.map(\.calls).sorted() == [40, 50])
        #expect(names(viewed.graph) == ["a", "b", "gateway"])
        #expect(viewed.notes == ["drew the 2 busiest of 6 edges (58% of calls and links) and 3 of 7 nodes (--top-edges)"])
    }

    @Test func linksCountAsTrafficBesideCalls() throws {
        let whole = graph([("a", "b", 5), ("c", "d", 1)], links: [("b", "e", 100)])
        let viewed = try GraphView(edgeLimit: .top(1)).apply(to: whole)
        #expect(viewed.graph.callEdges.isEmpty)
        #expect(viewed.graph.linkEdges.map(\.links) == [100])
    }

    @Test func manyServicesWithoutEdgesArePastTheReadableSizeToo() throws {
        var whole = graph([("a", "b", 5), ("b", "c", 3)])
        whole.nodes += (0..<80).map { ServiceGraph.Node(id: NodeID(rawValue: "svc_lonely\($0)"), name: "lonely\($0)", kind: .service, spanCount: 1) }
        whole.nodes.sort { $0.id < $1.id }
        let viewed = try GraphView().apply(to: whole)
        #expect(names(viewed.graph) == ["a", "b", "c"])
        #expect(viewed.notes == ["drew the 3 of 83 nodes that edges join; --full draws every one"])
    }

    @Test func pastTheReadableSizeTheBusiestEdgesThatFitAreDrawnAndTheFullGraphIsOneOptionAway() throws {
        // 200 services in a ring of calls, with 60 chords of heavy traffic.
        var generator = SplitMix64(seed: 11)
        var edges = (0..<200).map { ("s\($0)", "s\(($0 + 1) % 200)", 1 + Int.random(in: 0..<5, using: &generator)) }
        edges += (0..<60).map { _ in ("s\(Int.random(in: 0..<200, using: &generator))", "t\(Int.random(in: 0..<30, using: &generator))", 100) }
        let whole = graph(edges)
        let viewed = try GraphView().apply(to: whole)
        #expect(viewed.graph.nodes.count <= GraphView.readableSize.nodes)
        #expect(viewed.graph.edgeCount <= GraphView.readableSize.edges)
        // The heavy chords first: as many as fit in the readable number of nodes.
        #expect(viewed.graph.callEdges.filter { $0.calls == 100 }.count >= 25)
        #expect(viewed.notes.count == 1)
        #expect(viewed.notes[0].hasSuffix("; --full draws every one"))
        #expect(try GraphView.full.apply(to: whole).graph == whole)
    }
}

/// A configuration's renames and hidden nodes, as the view's first steps.
@Suite struct RenameTests {
    /// gateway → cart-a, cart-b (instances of one service), cart-a → redis, cart-b → redis; a link from cart-b to gateway.
    static let instances = graph([("gateway", "cart-a", 30), ("gateway", "cart-b", 10), ("cart-a", "redis", 20), ("cart-b", "redis", 40)],
                                 peers: ["redis": .database(system: "redis")], links: [("cart-b", "gateway", 3), ("cart-a", "gateway", 2)])

    @Test func nodesRenamedAlikeAreMergedWithTheirEdges() throws {
        let view = GraphView(full: (), renames: [NodeRename(scope: .services, pattern: NamePattern("cart-*"), name: "cart")])
        let viewed = try view.apply(to: Self.instances)
        #expect(names(viewed.graph) == ["cart", "gateway", "redis"])
        let cart = try #require(viewed.graph.nodes.first { $0.name == "cart" })
        #expect(cart.id.rawValue == "svc_cart" && cart.spanCount == 20)
        let toCart = try #require(viewed.graph.callEdges.first { $0.to == cart.id })
        // Calls and errors summed; p95 the largest of the two (30 ms), said as merged.
        #expect(toCart.calls == 40 && toCart.errors == 4 && toCart.latency.p95Nanos == 30_000_000 && toCart.mergedEdges == 2)
        #expect(viewed.graph.callEdges.first { $0.from == cart.id }?.calls == 60)
        #expect(viewed.graph.linkEdges.map(\.links) == [5])
        #expect(viewed.notes == ["named 2 nodes as the configuration's rename says, merging 1 into another (a merged edge's p95 is the largest of its parts')"])
    }

    @Test func aRenameAppliesToItsScopeAndTheFirstThatMatchesWins() throws {
        let renames = [NodeRename(scope: .peers, pattern: NamePattern("cart-a"), name: "x"),
                       NodeRename(scope: .services, pattern: NamePattern("cart-a"), name: "first"),
                       NodeRename(scope: .services, pattern: NamePattern("cart-*"), name: "second"),
                       NodeRename(scope: .peers, pattern: NamePattern("red*"), name: "cache")]
        let viewed = try GraphView(full: (), renames: renames).apply(to: Self.instances)
        #expect(names(viewed.graph) == ["cache", "first", "gateway", "second"])
        #expect(viewed.graph.nodes.first { $0.name == "cache" }?.kind == .database(system: "redis"))
    }

    @Test func hiddenNodesGoWithTheirEdgesAndNothingRenamedSaysNothing() throws {
        let viewed = try GraphView(full: (), renames: [NodeRename(scope: .services, pattern: NamePattern("nobody"), name: "x")],
                                   hide: [NodePattern(scope: .peers, pattern: NamePattern("redis")),
                                          NodePattern(scope: .peers, pattern: NamePattern("gateway"))]).apply(to: Self.instances)
        // A peers' pattern hides the database, not the service of the same pattern.
        #expect(names(viewed.graph) == ["cart-a", "cart-b", "gateway"])
        #expect(viewed.graph.callEdges.count == 2)
        #expect(viewed.notes == ["left out 1 node the configuration hides"])
    }
}

extension GraphView {
    /// Every node and edge, with these renames and hidden nodes.
    init(full: Void, renames: [NodeRename], hide: [NodePattern] = []) {
        self.init(collapseLeavesAbove: nil, edgeLimit: .all, renames: renames, hide: hide)
    }
}
