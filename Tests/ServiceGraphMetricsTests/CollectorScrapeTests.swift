import Foundation
import GraphvizRenderer
import ServiceGraph
import Testing
import TraceTestSupport
@testable import ServiceGraphMetrics

/// The Collector's `servicegraph` connector's own golden outputs, as its Prometheus exporter serves
/// them (`Fixtures/collector/`, made by `derive_scrapes.py`): the edges their tests assert.
@Suite struct CollectorScrapeTests {
    @Test func failedAndSucceededSeriesAreOneEdge() throws {
        // failed-label-not-work: foo → bar, 2 calls with failed="false", 1 with failed="true"; all of 1 s.
        let metrics = try MetricsFixtures.read("collector/failed-label-not-work.prom")
        #expect(metrics.inputs.first?.shape == .scrape)
        #expect(metrics.inputs.first?.notDrawnSeries == ["request_client_seconds_count": 2, "request_client_seconds_sum": 2,
                                                         "request_server_seconds_count": 2, "request_server_seconds_sum": 2])
        let graph = metrics.graph()
        let edge = try #require(MetricsFixtures.edge(graph, "foo", "bar"))
        #expect((edge.calls, edge.errors, edge.connection) == (3, 1, .direct))
        // Three calls in the bucket (0.8 s, 1 s]: p50 at rank 1.5: 0.8 + 0.2 × 1.5/3 = 0.9 s.
        #expect(edge.latency.p50Nanos == 900_000_000)
        #expect(edge.latency.maxNanos == 1_000_000_000)
        #expect(edge.clientLatency?.p95Nanos == 990_000_000)
        #expect(graph.nodes.map(\.kind) == [.service, .service])
    }

    @Test func extraDimensionsAreSummedOver() throws {
        let graph = try MetricsFixtures.read("collector/extra-dimensions-queue-db.prom").graph()
        #expect(graph.callEdges.count == 1)
        #expect(MetricsFixtures.edge(graph, "foo-server", "bar-requester")?.calls == 1)
    }

    @Test func theUserNodeIsAPeerAsTheMetricsNameIt() throws {
        // virtual-node-label-client: a root server span of bar-requester: the Collector's caller is `user`.
        let client = try MetricsFixtures.read("collector/virtual-node-label-client.prom").graph()
        #expect(MetricsFixtures.node(client, "user")?.kind == .remote)
        #expect(MetricsFixtures.node(client, "bar-requester")?.kind == .service)
        #expect(MetricsFixtures.edge(client, "user", "bar-requester")?.connection == .virtual)
        // virtual-node-label-server: a client span that named no peer: the Collector's callee is `unknown`.
        let server = try MetricsFixtures.read("collector/virtual-node-label-server.prom").graph()
        #expect(MetricsFixtures.node(server, "unknown")?.kind == .remote)
        #expect(MetricsFixtures.node(server, "foo-server")?.kind == .service)
        // Without peers, neither edge is drawn.
        #expect(try MetricsFixtures.read("collector/virtual-node-label-server.prom").graph(options: .init(inferUninstrumentedPeers: false)).callEdges.isEmpty)
    }

    @Test func withoutTheVirtualNodeLabelTheSideIsToldFromTheOtherEdges() throws {
        let text = """
            traces_service_graph_request_total{client="user",server="frontend",connection_type="virtual_node"} 5
            traces_service_graph_request_total{client="frontend",server="checkout"} 5
            traces_service_graph_request_total{client="checkout",server="payments.example.com",connection_type="virtual_node"} 4
            traces_service_graph_request_total{client="external-producer",server="checkout",connection_type="virtual_node"} 2
            traces_service_graph_request_total{client="checkout",server="orders",connection_type="database"} 3
            """
        let graph = try MetricsReader.read(text, source: "in.prom").graph()
        let kinds = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.name, $0.kind) })
        #expect(kinds == ["user": .remote, "frontend": .service, "checkout": .service, "payments.example.com": .remote,
                          "external-producer": .remote, "orders": .database(system: "")])
        // Ids by the graph's own rules: kind prefix, safe characters, a hash where characters were left out.
        let ids = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.name, $0.id.rawValue) })
        #expect(ids["user"] == "peer_user")
        #expect(ids["checkout"] == "svc_checkout")
        #expect(ids["orders"] == "db_orders")
        #expect(ids["payments.example.com"]?.hasPrefix("peer_payments_example_com_") == true)
    }

    @Test func scrapesOfSeveralInputsAreSummed() throws {
        var metrics = try MetricsFixtures.read("collector/failed-label-not-work.prom")
        metrics.merge(try MetricsFixtures.read("collector/failed-label-not-work.prom"))
        #expect(metrics.inputs.count == 2)
        #expect(MetricsFixtures.edge(metrics.graph(), "foo", "bar").map { ($0.calls, $0.errors) } ?? (0, 0) == (6, 2))
    }

    /// The graph as DOT, the same styles and thresholds as a graph from spans.
    @Test(arguments: ["collector/failed-label-not-work.prom", "collector/virtual-node-label-client.prom", "tempo/query_range.json", "tempo/query.json"])
    func theGraphDrawsAsItsGoldenDOT(_ fixture: String) throws {
        let graph = try MetricsFixtures.read(fixture).graph()
        let dot = String(decoding: try GraphvizRenderer().render(graph, format: .dot), as: UTF8.self)
        Golden.check(dot, matches: fixture.replacingOccurrences(of: "/", with: "-") + ".dot")
    }
}
