import Foundation
import Testing
import TraceModel
@testable import TraceReaders

/// What the Zipkin v2 reader makes of a span's endpoints: the remote endpoint of server and
/// consumer spans. Each rule is read from a small hand-written document in
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
}
