import Foundation
import Testing
import TraceModel
@testable import TraceReaders
import TraceTestSupport

/// Every Zipkin v2 JSON file of the shared corpus, read and counted against PROVENANCE.md,
/// and small hand-made documents for the shared-span rule and the rest.
@Suite struct ZipkinCorpusTests {
    static let expected: [Corpus.Counts] = (try? Corpus.counts(in: "zipkin")) ?? []

    /// Distinct (trace id, span id) pairs once the reader has given the client halves of
    /// shared spans their own ids. PROVENANCE.md counts distinct ids as written, where
    /// both halves of an RPC are one; here each half is a span of its own, and only true
    /// repeats (smartthings' five identical-looking SERVER records of `pusher` under one id)
    /// still count once: 175 records - 4 repeats = 171.
    static let distinctSpansWithSeparatedHalves: [String: Int] = [
        "zipkin/zipkin-lens__yelp.json": 16,
        "zipkin/zipkin-lens__skew.json": 4,
        "zipkin/zipkin-lens__ascend.json": 8,
        "zipkin/zipkin-lens__smartthings-oauth-authorization.json": 171,
    ]

    // MARK: The corpus

    @Test func provenanceListsEveryFileInTheFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Corpus.folder + "/zipkin").map { "zipkin/" + $0 }
        #expect(files.count >= 9)
        #expect(Set(files) == Set(Self.expected.map(\.file)))
    }

    @Test(arguments: expected)
    func countsMatchProvenance(expected: Corpus.Counts) throws {
        let spans = try ZipkinTesting.spans(inFile: expected.file)
        let counts = Corpus.Counts(file: expected.file, records: spans)

        // PROVENANCE's distinct count still holds for the ids as written.
        let written = Set(spans.map { span in
            SpanKey(traceID: span.traceID,
                    spanID: span.attributes["tracegraph.original_span_id"]?.stringValue.flatMap { SpanID(hex: $0) } ?? span.spanID)
        })
        #expect(written.count == expected.distinctSpans)

        // Everything else is PROVENANCE's; the distinct count is the model's (see above).
        var model = expected
        model.distinctSpans = Self.distinctSpansWithSeparatedHalves[expected.file] ?? expected.distinctSpans
        #expect(counts == model)
    }

    @Test(arguments: expected.map(\.file))
    func onlyTrueRepeatsShareASpanId(file: String) throws {
        let spans = try ZipkinTesting.spans(inFile: file)
        let groups = Dictionary(grouping: spans, by: \.key).values.filter { $0.count > 1 }
        for group in groups {
            #expect(Set(group.map(\.kind)).count == 1, "\(file): \(group[0].spanID)")
            #expect(Set(group.map(\.serviceName)).count == 1, "\(file): \(group[0].spanID)")
        }
        // A parent is never its own descendant.
        let set = TraceSet(spans)
        for span in set.spans {
            var seen: Set<SpanKey> = [span.key]
            var current = span
            while let parent = current.parentSpanID, let next = set[SpanKey(traceID: current.traceID, spanID: parent)] {
                let isNew = seen.insert(next.key).inserted
                #expect(isNew, "\(file): cycle through \(next.spanID)")
                if !isNew { break }
                current = next
            }
        }
    }

    @Test func skewClientHalfIsTheParentOfTheServerHalf() throws {
        let spans = try ZipkinTesting.spans(inFile: "zipkin/zipkin-lens__skew.json")
        let client = try #require(spans.first { $0.kind == .client })
        let server = try #require(spans.first { $0.kind == .server && $0.name == "post" })
        let root = try #require(spans.first { $0.name == "get" })
        let async = try #require(spans.first { $0.name == "async" })
        #expect(client.serviceName == "servicea")
        #expect(server.serviceName == "serviceb")
        #expect(server.spanID.description == "74280ae0c10d8062")
        #expect(client.spanID != server.spanID)
        #expect(client.spanID == ZipkinTesting.clientHalfID(trace: TraceID(high: 0, low: 0x1e22_3ff1_f80f_1c69),
                                                            span: SpanID(0x7428_0ae0_c10d_8062)))
        #expect(client.attributes["tracegraph.original_span_id"] == .string("74280ae0c10d8062"))
        #expect(server.attributes["tracegraph.original_span_id"] == nil)
        // servicea's root → servicea's client half → serviceb's server half → serviceb's async span.
        #expect(client.parentSpanID == root.spanID)
        #expect(server.parentSpanID == client.spanID)
        #expect(async.parentSpanID == server.spanID)
        #expect(root.traceID.description == "00000000000000001e223ff1f80f1c69")
    }

    @Test func smartthingsIdOfSixRecords() throws {
        let spans = try ZipkinTesting.spans(inFile: "zipkin/zipkin-lens__smartthings-oauth-authorization.json")
        let original = SpanID(0x9d2d_35b7_46db_84f3)
        let servers = spans.filter { $0.spanID == original }
        let client = try #require(spans.first { $0.attributes["tracegraph.original_span_id"] == .string("9d2d35b746db84f3") })
        #expect(servers.count == 5)
        #expect(servers.allSatisfy { $0.serviceName == "pusher" && $0.kind == .server && $0.parentSpanID == client.spanID })
        #expect(client.serviceName == "bouncer")
        #expect(client.kind == .client)
        // The client half hangs under bouncer's server half of its own parent id, which kept that id.
        let bouncerServer = try #require(spans.first { $0.spanID == client.parentSpanID })
        #expect(bouncerServer.serviceName == "bouncer")
        #expect(bouncerServer.kind == .server)
        // pusher's server halves name their caller.
        #expect(servers.allSatisfy { $0.attributes["peer.service"] == .string("bouncer") })
        // pusher's five server records of one id differ in their start: five deliveries, not repeats.
        #expect(TraceSet(spans).duplicateSpanCount == 0)
        #expect(TraceSet(spans).conflictingSpanCount == 4)
        // Records without name or duration.
        #expect(spans.filter(\.name.isEmpty).count == 6)
        #expect(spans.filter { $0.durationNanos == 0 }.count == 19)
    }

    @Test func yelpChildrenOfASharedIdInAThirdServiceHangUnderTheServerHalf() throws {
        let spans = try ZipkinTesting.spans(inFile: "zipkin/zipkin-lens__yelp.json")
        let child = try #require(spans.first { $0.spanID == SpanID(0x241c_ea1a_a4cb_2884) })
        let parent = try #require(spans.first { $0.spanID == child.parentSpanID })
        #expect(child.serviceName == "yelp-main")
        #expect(parent.serviceName == "yelp_main/api_proxy")
        #expect(parent.spanID == SpanID(0x668e_d78a_d94b_35a1))
        let callerHalf = try #require(spans.first { $0.spanID == parent.parentSpanID })
        #expect(callerHalf.serviceName == "unknown")
        #expect(callerHalf.attributes["peer.service"] == .string("yelp-main.mobile_api"))
        #expect(spans.filter { $0.events.count > 0 }.map(\.serviceName) == ["yelp_main/api_proxy"])
    }

    @Test func envoysLoneSharedSpanHasNoService() throws {
        let spans = try ZipkinTesting.spans(inFile: "zipkin/zipkin-lens__envoy.json")
        let span = try #require(spans.first)
        #expect(span.spanID.description == "978883983d506fa5")
        #expect(span.attributes["tracegraph.original_span_id"] == nil)
        #expect(span.serviceName == "unknown_service")
        #expect(span.resource.attributes.isEmpty)
        #expect(span.attributes["network.local.address"] == .string("169.254.65.45"))
        #expect(span.attributes["upstream_cluster"] == .string("service_google"))
    }

    @Test func collectorSampleErrorAddressesAndAnnotations() throws {
        let spans = try ZipkinTesting.spans(inFile: "zipkin/otelcol-contrib__zipkinreceiver_sample4.json")
        let span = try #require(spans.first)
        #expect(span.traceID.description == "4d1e00c0db9010db86154a4ba6e91385")
        #expect(span.status == SpanStatus(code: .error, message: "Non-basic error message"))
        #expect(span.attributes["server.address"] == .string("192.168.99.101"))
        #expect(span.attributes["server.port"] == .int(9000))
        #expect(span.attributes["peer.service"] == nil)
        #expect(span.attributes["network.local.address"] == .string("7::0.128.128.127"))
        #expect(span.events == [SpanEvent(timeUnixNano: 1_472_470_996_238_000_000, name: "foo"),
                                SpanEvent(timeUnixNano: 1_472_470_996_403_000_000, name: "bar")])
        #expect(span.startTimeUnixNano == 1_472_470_996_199_000_000)
        #expect(span.durationNanos == 207_000_000)
    }

    @Test func messagingPeersAndEmptyErrorTags() throws {
        let kafka = try ZipkinTesting.spans(inFile: "zipkin/zipkin-lens__messaging-kafka.json")
        let empty = try #require(kafka.first { $0.spanID == SpanID(0x568b_33e6_af8a_225a) })
        #expect(empty.status == SpanStatus(code: .error, message: ""))
        #expect(kafka.filter { $0.kind == .producer }.allSatisfy { $0.attributes["peer.service"] == .string("kafka") })
        // A consumer's remote service is the broker it reads from.
        #expect(kafka.filter { $0.kind == .consumer }.count == 7)
        #expect(kafka.filter { $0.kind == .consumer }.allSatisfy { $0.attributes["peer.service"] == .string("kafka") })

        let rabbit = try ZipkinTesting.spans(inFile: "zipkin/zipkin-lens__messaging.json")
        #expect(rabbit.first { $0.kind == .producer }?.attributes["peer.service"] == .string("rabbitmq"))
        #expect(rabbit.first { $0.kind == .server }?.attributes["network.peer.address"] == .string("::1"))
        #expect(rabbit.first { $0.kind == .server }?.attributes["network.peer.port"] == .int(54602))
        #expect(rabbit.first { $0.kind == .consumer }?.attributes["peer.service"] == .string("rabbitmq"))
    }

    // MARK: Hand-made documents

    @Test func sharedHalvesBecomeParentAndChild() throws {
        let spans = try ZipkinTesting.spans(in: """
        [\(ZipkinTesting.span("a", service: "frontend", kind: "SERVER")),
         \(ZipkinTesting.span("b", parent: "a", service: "frontend", kind: "CLIENT")),
         \(ZipkinTesting.span("b", parent: "a", service: "backend", kind: "SERVER", shared: true)),
         \(ZipkinTesting.span("c", parent: "b", service: "backend")),
         \(ZipkinTesting.span("d", parent: "b", service: "frontend")),
         \(ZipkinTesting.span("e", parent: "b", service: "elsewhere"))]
        """)
        try #require(spans.count == 6)
        let (root, client, server, serverChild, clientChild, otherChild) = (spans[0], spans[1], spans[2], spans[3], spans[4], spans[5])
        #expect(Set(spans.map(\.key)).count == 6)
        #expect(server.spanID == SpanID(0xB))
        #expect(client.spanID == ZipkinTesting.clientHalfID(trace: TraceID(high: 0, low: 1), span: SpanID(0xB)))
        #expect(client.parentSpanID == root.spanID)
        #expect(server.parentSpanID == client.spanID)
        #expect(serverChild.parentSpanID == server.spanID)
        // A local child of the client half, in the client's service, stays under it.
        #expect(clientChild.parentSpanID == client.spanID)
        // A child in neither service hangs under the half that kept the id.
        #expect(otherChild.parentSpanID == server.spanID)
    }

    @Test func loopbackAndMessagingHalvesAreSeparatedToo() throws {
        let loopback = try ZipkinTesting.spans(in: """
        [\(ZipkinTesting.span("b", parent: "a", service: "svc", kind: "CLIENT")),
         \(ZipkinTesting.span("b", parent: "a", service: "svc", kind: "SERVER", shared: true)),
         \(ZipkinTesting.span("c", parent: "b", service: "svc"))]
        """)
        #expect(loopback[0].spanID != loopback[1].spanID)
        #expect(loopback[1].parentSpanID == loopback[0].spanID)
        #expect(loopback[2].parentSpanID == loopback[1].spanID)

        // Zipkin's v1 converter gives the consumer half of a shared messaging id `shared: true`.
        let messaging = try ZipkinTesting.spans(in: """
        [\(ZipkinTesting.span("3", parent: "2", service: "backend", kind: "CONSUMER", shared: true)),
         \(ZipkinTesting.span("3", parent: "2", service: "frontend", kind: "PRODUCER"))]
        """)
        #expect(messaging[0].spanID == SpanID(3))
        #expect(messaging[0].parentSpanID == messaging[1].spanID)
        #expect(messaging[1].parentSpanID == SpanID(2))
    }

    @Test func trueRepeatsStayRepeats() throws {
        let one = ZipkinTesting.span("b", parent: "a", service: "svc", kind: "SERVER")
        let spans = try ZipkinTesting.spans(in: "[\(one), \(one)]")
        #expect(spans.map(\.spanID) == [SpanID(0xB), SpanID(0xB)])
        #expect(spans.map(\.parentSpanID) == [SpanID(0xA), SpanID(0xA)])
        #expect(spans.allSatisfy { $0.attributes["tracegraph.original_span_id"] == nil })
        #expect(TraceSet(spans).duplicateSpanCount == 1)
    }

    @Test func aSharedIdNamingItselfAsParentIsNotACycle() throws {
        let spans = try ZipkinTesting.spans(in: """
        [\(ZipkinTesting.span("b", parent: "b", service: "front", kind: "CLIENT")),
         \(ZipkinTesting.span("b", parent: "b", service: "back", kind: "SERVER", shared: true))]
        """)
        #expect(spans[0].parentSpanID == nil)
        #expect(spans[1].parentSpanID == spans[0].spanID)
    }

    @Test func statusFromErrorAndOtelTags() throws {
        func status(_ tags: String) throws -> SpanStatus {
            try #require(try ZipkinTesting.spans(in: "[\(ZipkinTesting.span("1", tags: tags))]").first).status
        }
        #expect(try status(#"{"error": ""}"#) == SpanStatus(code: .error, message: ""))
        #expect(try status(#"{"error": "boom", "http.status_code": "500"}"#) == SpanStatus(code: .error, message: "boom"))
        #expect(try status(#"{"otel.status_code": "ERROR", "otel.status_description": "bad"}"#) == SpanStatus(code: .error, message: "bad"))
        #expect(try status(#"{"otel.status_code": "ERROR", "error": "from tag"}"#) == SpanStatus(code: .error, message: "from tag"))
        #expect(try status(#"{"error": "ignored", "otel.status_code": "OK"}"#) == SpanStatus(code: .ok))
        #expect(try status(#"{"otel.status_code": "UNSET", "error": "ignored"}"#) == .unset)
        #expect(try status(#"{"http.path": "/"}"#) == .unset)
    }

    @Test func missingTimestampOrDuration() throws {
        let spans = try ZipkinTesting.spans(in: """
        [{"traceId": "1", "id": "1"},
         {"traceId": "1", "id": "2", "timestamp": 5},
         {"traceId": "1", "id": "3", "duration": 5},
         {"traceId": "1", "id": "4", "timestamp": null, "duration": null}]
        """)
        #expect(spans.map(\.startTimeUnixNano) == [0, 5_000, 0, 0])
        #expect(spans.map(\.endTimeUnixNano) == [0, 5_000, 5_000, 0])
        #expect(spans.map(\.name) == ["", "", "", ""])
        #expect(spans.allSatisfy { $0.kind == .unspecified && $0.parentSpanID == nil })
    }

    @Test func anArrayOfTraces() throws {
        let spans = try ZipkinTesting.spans(in: """
        [[\(ZipkinTesting.span("1", trace: "a")), \(ZipkinTesting.span("2", trace: "a", parent: "1"))],
         [], [\(ZipkinTesting.span("1", trace: "b"))]]
        """)
        #expect(spans.map(\.traceID.low) == [0xA, 0xA, 0xB])
        #expect(spans[1].parentSpanID == SpanID(1))
    }

    @Test func remoteEndpointNamesTheCallee() throws {
        let spans = try ZipkinTesting.spans(in: """
        [{"traceId": "1", "id": "1", "kind": "CLIENT", "localEndpoint": {"serviceName": "web"},
          "remoteEndpoint": {"serviceName": "db", "ipv4": "10.0.0.1", "port": 5432}},
         {"traceId": "1", "id": "2", "kind": "CLIENT", "remoteEndpoint": {"ipv6": "::2", "port": 80}},
         {"traceId": "1", "id": "3", "kind": "CLIENT", "remoteEndpoint": {"serviceName": "db"}, "tags": {"peer.service": "tagged"}},
         {"traceId": "1", "id": "4", "kind": "SERVER", "remoteEndpoint": {"serviceName": "caller"}},
         {"traceId": "1", "id": "5", "kind": "producer", "remoteEndpoint": {"serviceName": "queue"}}]
        """)
        #expect(spans[0].attributes["peer.service"] == .string("db"))
        #expect(spans[0].attributes["network.peer.address"] == .string("10.0.0.1"))
        #expect(spans[0].serviceName == "web")
        #expect(spans[1].attributes["server.address"] == .string("::2"))
        #expect(spans[1].attributes["server.port"] == .int(80))
        #expect(spans[2].attributes.filter { $0.key == "peer.service" } == [Attribute(key: "peer.service", value: .string("tagged"))])
        // On a server span it names the caller.
        #expect(spans[3].attributes["peer.service"] == .string("caller"))
        #expect(spans[4].kind == .producer)
        #expect(spans[4].attributes["peer.service"] == .string("queue"))
    }

    @Test func idsAreLeftPaddedAndEitherCase() throws {
        let spans = try ZipkinTesting.spans(in: #"[{"traceId": "ABC", "id": "F", "parentId": "0000000000000000", "tags": {"n": 3, "b": true}}]"#)
        let span = try #require(spans.first)
        #expect(span.traceID == TraceID(high: 0, low: 0xABC))
        #expect(span.spanID == SpanID(0xF))
        #expect(span.parentSpanID == nil)
        #expect(span.attributes == [Attribute(key: "n", value: .int(3)), Attribute(key: "b", value: .bool(true))])
    }

    @Test func readDetailLeavesOutWhatIsNotAskedFor() throws {
        let detail = ReadDetail(names: false, events: false, linkAttributes: false, scopes: false,
                                spanAttributeKeys: [], resourceAttributeKeys: [])
        let spans = try ZipkinTesting.spans(inFile: "zipkin/zipkin-lens__messaging-kafka.json", detail: detail)
        #expect(spans.allSatisfy { $0.name.isEmpty && $0.events.isEmpty && $0.attributes.isEmpty })
        #expect(spans.filter(\.isError).count == 3)
        #expect(spans.allSatisfy { $0.status.message.isEmpty })
        let skew = try ZipkinTesting.spans(inFile: "zipkin/zipkin-lens__skew.json", detail: detail)
        #expect(Set(skew.map(\.key)).count == 4)
        #expect(skew.allSatisfy { $0.attributes.isEmpty })
    }

    // MARK: Malformed input

    @Test func aTruncatedDocumentEndsTooEarly() throws {
        let whole = try String(contentsOfFile: Corpus.folder + "/zipkin/zipkin-lens__skew.json", encoding: .utf8)
        for length in [1, 30, 100, whole.utf8.count / 2, whole.utf8.count - 3] {
            let truncated = String(decoding: whole.utf8.prefix(length), as: UTF8.self)
            let error = try #require(ZipkinTesting.error(in: truncated), "length \(length)")
            #expect(error.offset == length)
            guard case .unexpectedEnd = error.problem else {
                Issue.record("length \(length): \(error.problem)")
                continue
            }
        }
    }

    @Test func wrongTypesAndBadIdsAreReportedWhereTheyAre() throws {
        let numberTrace = #"[{"traceId": 5, "id": "1"}]"#
        let error = try #require(ZipkinTesting.error(in: numberTrace))
        #expect(error.problem == .wrongType(expected: "a string", found: "a number"))
        #expect(error.offset == ZipkinTesting.offset(of: "5", in: numberTrace))

        let notHex = #"[{"traceId": "1", "id": "span-1"}]"#
        let idError = try #require(ZipkinTesting.error(in: notHex))
        #expect(idError.problem == .invalidID(field: "id", value: "span-1", byteCount: 8))
        #expect(idError.offset == ZipkinTesting.offset(of: #""span-1""#, in: notHex))

        let tagArray = #"[{"traceId": "1", "id": "1", "tags": ["a"]}]"#
        let tagError = try #require(ZipkinTesting.error(in: tagArray))
        #expect(tagError.problem == .wrongType(expected: "an object", found: "an array"))
        #expect(tagError.offset == ZipkinTesting.offset(of: #"["a"]"#, in: tagArray))

        let element = #"[{"traceId": "1", "id": "1"}, 7]"#
        let elementError = try #require(ZipkinTesting.error(in: element))
        #expect(elementError.problem == .wrongType(expected: "a span object or an array of spans", found: "a number"))
        #expect(elementError.offset == ZipkinTesting.offset(of: "7", in: element))
    }

    @Test func spansWithoutIdsAreLeftOut() throws {
        // SpanDefectTests says how and where.
        let noID = #"[{"traceId": "1", "id": "1"}, {"traceId": "1", "name": "x"}, {"id": "1", "traceId": ""}]"#
        #expect(try ZipkinTesting.spans(in: noID).map(\.spanID) == [SpanID(1)])
    }

    @Test func documentsThatAreNotZipkinJSON() throws {
        #expect(ZipkinTesting.error(in: "")?.problem == .emptyInput)
        let jaeger = #"{"data": []}"#
        #expect(ZipkinTesting.error(in: jaeger)?.problem == .unrecognizedDocument(expected: "a Zipkin v2 JSON array of spans"))
        #expect(ZipkinTesting.error(in: jaeger)?.offset == 0)
        #expect(try ZipkinTesting.spans(in: "[]").isEmpty)
    }
}

/// Helpers to read Zipkin v2 JSON in tests.
typealias ZipkinTesting = JSONReaderTesting<ZipkinJSONReader>

extension JSONReaderTesting where Reader == ZipkinJSONReader {
    static func span(_ id: String, trace: String = "1", parent: String? = nil, service: String? = nil,
                     kind: String? = nil, shared: Bool = false, tags: String = "{}") -> String {
        var members = [#""traceId": "\#(trace)""#, #""id": "\#(id)""#, #""name": "op \#(id)""#,
                       #""timestamp": 1000, "duration": 10"#, #""tags": \#(tags)"#]
        if let parent { members.append(#""parentId": "\#(parent)""#) }
        if let service { members.append(#""localEndpoint": {"serviceName": "\#(service)"}"#) }
        if let kind { members.append(#""kind": "\#(kind)""#) }
        if shared { members.append(#""shared": true"#) }
        return "{" + members.joined(separator: ", ") + "}"
    }

    /// The id the reader gives the client half of a shared span, written out here to pin it:
    /// FNV-1a 64 of the trace id, the span id (big-endian bytes) and the word "client".
    static func clientHalfID(trace: TraceID, span: SpanID) -> SpanID {
        var bytes: [UInt8] = []
        for value in [trace.high, trace.low, span.value] {
            bytes += (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(56 - 8 * $0)) }
        }
        bytes += Array("client".utf8)
        return SpanID(bytes.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 })
    }
}
