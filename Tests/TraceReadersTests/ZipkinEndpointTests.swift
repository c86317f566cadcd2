import Foundation
import Testing
import TraceModel
@testable import TraceReaders

/// What the Zipkin v2 reader makes of a span's endpoints: the service of spans without a
/// local one, the remote endpoint of server and consumer spans, and kind-less spans with
/// both endpoints. Each rule is read from a small hand-written document in
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

    // MARK: Spans without a local service

    @Test func aSpanWithoutALocalServiceHasItsNearestAncestors() throws {
        let spans = try Self.spans(inFixture: "inherited-service.json")
        try #require(spans.count == 11)
        func service(_ name: String, _ kind: SpanKind = .unspecified) throws -> String? {
            try Self.span(spans, named: name, kind: kind).resource.attributes["service.name"]?.stringValue
        }

        // web's server span → a local span with no localEndpoint → a client half whose
        // serviceName is empty: both are web's, the client half through the local span.
        #expect(try service("render cart") == "web")
        #expect(try service("get /price", .client) == "web")
        // The client half's own id is derived, as its server half (pricing) kept the id: the
        // halves were separated by the names as written, then the client half inherited.
        let client = try Self.span(spans, named: "get /price", kind: .client)
        let server = try Self.span(spans, named: "get /price", kind: .server)
        #expect(server.spanID == SpanID(0xB85C_2A7D_3E9F_1046))
        #expect(client.spanID != server.spanID)
        #expect(server.parentSpanID == client.spanID)
        #expect(try service("get /price", .server) == "pricing")
        // Under the server half, a local span of pricing, then one without a localEndpoint.
        #expect(try service("cache get") == "pricing")

        // A server span without a service name is in a process of its own, not its caller's:
        // it stays without one, and so do its local children.
        let users = try Self.span(spans, named: "get /users", kind: .server)
        #expect(try service("get /users", .client) == "gateway")
        #expect(users.parentSpanID == SpanID(0x63A1_F9C0_5E2B_7D84) && users.resource.attributes.isEmpty)
        #expect(users.serviceName == "unknown_service")
        #expect(try service("decode") == nil)
        // A span whose parent is not in the document has no ancestor to ask.
        #expect(try service("flush") == nil)
        #expect(try Self.span(spans, named: "flush", kind: .unspecified).serviceName == "unknown_service")
    }

    @Test func inheritanceSurvivesCyclesAndDeepChains() throws {
        // Spans naming each other, or themselves, as parent: no ancestor names a service.
        let cycle = try ZipkinTesting.spans(in: """
        [\(ZipkinTesting.span("1", parent: "2")), \(ZipkinTesting.span("2", parent: "1")),
         \(ZipkinTesting.span("3", parent: "3")), \(ZipkinTesting.span("4", parent: "1"))]
        """)
        #expect(cycle.allSatisfy { $0.resource.attributes.isEmpty })

        // A cycle above a named span does not hide the name from spans below it.
        let above = try ZipkinTesting.spans(in: """
        [\(ZipkinTesting.span("5", parent: "6", service: "svc")), \(ZipkinTesting.span("6", parent: "7")),
         \(ZipkinTesting.span("7", parent: "6")), \(ZipkinTesting.span("8", parent: "5"))]
        """)
        #expect(above.map(\.serviceName) == ["svc", "unknown_service", "unknown_service", "svc"])

        // A chain deeper than any call stack would allow, written leaf first.
        let depth = 50_000
        var members = (2...depth).reversed().map { ZipkinTesting.span(String($0, radix: 16), parent: String($0 - 1, radix: 16)) }
        members.append(ZipkinTesting.span("1", service: "root"))
        let chain = try ZipkinTesting.spans(in: "[" + members.joined(separator: ",") + "]")
        #expect(chain.count == depth)
        #expect(chain.allSatisfy { $0.serviceName == "root" })
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
