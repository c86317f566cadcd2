import Foundation
import Testing
import TraceModel
@testable import TraceReaders

/// What the Zipkin v2 reader makes of a span's endpoints: the remote endpoint of server and
/// consumer spans, and kind-less spans with both endpoints. Each rule is read from a small hand-written document in
/// `Fixtures/zipkin/`, found beside this file.
@Suite struct ZipkinEndpointTests {
    /// `Fixtures/zipkin/` beside this file.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/zipkin")

    static func spans(inFixture name: String) throws -> [Span] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
        return try data.withUnsafeBytes { buffer in try ZipkinJSONReader.spans(in: buffer) }
    }

    static func span(_ spans: [Span], named name: String, kind: SpanKind) throws -> Span {
        try #require(spans.first { $0.name == name && $0.kind == kind }, "\(kind) \(name)")
    }

    // MARK: remoteEndpoint on server and consumer spans

    @Test func theRemoteServiceOfServerAndConsumerSpansIsPeerService() throws {
        let spans = try Self.spans(inFixture: "server-remote-endpoint.json")
        try #require(spans.count == 5)

        // A root server span: its remote service is the caller, its address the caller's socket.
        let root = try Self.span(spans, named: "post /api/orders", kind: .server)
        #expect(root.serviceName == "orders-api")
        #expect(root.attributes["peer.service"] == .string("mobile-app"))
        #expect(root.attributes["network.peer.address"] == .string("203.0.113.9"))
        #expect(root.attributes["network.peer.port"] == .int(51234))
        #expect(root.attributes["server.address"] == nil)

        // A consumer's remote service is the broker it reads from, as on the producer.
        let producer = try Self.span(spans, named: "send", kind: .producer)
        let consumer = try Self.span(spans, named: "poll", kind: .consumer)
        #expect(producer.attributes["peer.service"] == .string("kafka"))
        #expect(consumer.serviceName == "billing")
        #expect(consumer.attributes["peer.service"] == .string("kafka"))
        #expect(consumer.attributes["network.peer.address"] == .string("10.2.9.1"))
        #expect(consumer.attributes["network.peer.port"] == .int(9092))
        #expect(consumer.attributes["server.address"] == nil)

        // A server span whose remote endpoint has only an address gets no peer.service.
        let server = try Self.span(spans, named: "get /internal/rates", kind: .server)
        #expect(server.serviceName == "rates")
        #expect(server.attributes["peer.service"] == nil)
        #expect(server.attributes["network.peer.address"] == .string("2001:db8::17"))
        #expect(server.attributes["network.peer.port"] == .int(40412))

        // Unchanged on the client: the remote service is the callee, with its address.
        let client = try Self.span(spans, named: "get /internal/rates", kind: .client)
        #expect(client.attributes["peer.service"] == .string("rates"))
        #expect(client.attributes["network.peer.address"] == .string("10.2.4.2"))
    }

    @Test func aPeerServiceTagWinsOnAServerSpanToo() throws {
        let spans = try ZipkinTesting.spans(in: """
        [{"traceId": "1", "id": "1", "kind": "SERVER", "localEndpoint": {"serviceName": "api"},
          "remoteEndpoint": {"serviceName": "web"}, "tags": {"peer.service": "web-eu"}}]
        """)
        #expect(spans[0].attributes.filter { $0.key == "peer.service" } == [Attribute(key: "peer.service", value: .string("web-eu"))])
    }

    // MARK: Kind-less spans with both endpoints

    @Test func aKindlessSpanWithBothEndpointsIsAClientCall() throws {
        // As Zipkin's v1 converter writes a v1 span with `ca` and `sa` but no core annotations.
        let spans = try Self.spans(inFixture: "kindless-client.json")
        try #require(spans.count == 5)

        let call = try #require(spans.first { $0.name == "get /api" })
        #expect(call.kind == .client)
        #expect(call.serviceName == "frontend")
        #expect(call.attributes["peer.service"] == .string("backend"))
        #expect(call.attributes["network.peer.address"] == .string("192.168.99.102"))
        #expect(call.attributes["network.peer.port"] == .int(9000))

        // A remote address is enough: it is the callee the graph draws.
        let query = try #require(spans.first { $0.name == "select" })
        #expect(query.kind == .client)
        #expect(query.attributes["server.address"] == .string("192.168.99.110"))
        #expect(query.attributes["server.port"] == .int(5432))
        #expect(query.attributes["network.peer.address"] == nil)

        // Without a remote endpoint a kind-less span is local work.
        let render = try #require(spans.first { $0.name == "render" })
        #expect(render.kind == .unspecified)

        // Without a local service name it is not known to be a call from anywhere: it keeps no
        // kind, as in Zipkin's DependencyLinker, but its remote service is still peer.service.
        let send = try #require(spans.first { $0.name == "send" })
        #expect(send.kind == .unspecified)
        #expect(send.attributes["peer.service"] == .string("mail-relay"))
        #expect(send.attributes["network.peer.address"] == .string("192.168.99.120"))

        #expect(spans.first { $0.name == "get /" }?.kind == .server)
    }

    @Test func kindlessSpansThatStayWithoutKind() throws {
        let spans = try ZipkinTesting.spans(in: """
        [{"traceId": "1", "id": "1", "shared": true, "localEndpoint": {"serviceName": "back"},
          "remoteEndpoint": {"serviceName": "front", "ipv4": "10.0.0.1"}},
         {"traceId": "1", "id": "2", "localEndpoint": {"serviceName": "back"}, "remoteEndpoint": {"port": 80}},
         {"traceId": "1", "id": "3", "localEndpoint": {"serviceName": "back"}, "remoteEndpoint": {"serviceName": ""}},
         {"traceId": "1", "id": "4", "localEndpoint": {"serviceName": ""}, "remoteEndpoint": {"serviceName": "db"}},
         {"traceId": "1", "id": "5", "kind": "SERVER", "localEndpoint": {"serviceName": "back"}, "remoteEndpoint": {"serviceName": "front"}}]
        """)
        // A shared span is the server half of an RPC; a port or an empty name is no remote
        // endpoint; an empty local service name is none; a kind given is kept.
        #expect(spans.map(\.kind) == [.unspecified, .unspecified, .unspecified, .unspecified, .server])
    }
}
