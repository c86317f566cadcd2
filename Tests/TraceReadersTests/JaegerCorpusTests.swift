import Foundation
import Testing
import TraceModel
@testable import TraceReaders
import TraceTestSupport

/// Every Jaeger JSON file of the shared corpus, read and counted against PROVENANCE.md,
/// and small hand-made documents for the rules those files do not cover.
@Suite struct JaegerCorpusTests {
    static let expected: [Corpus.Counts] = (try? Corpus.counts(in: "jaeger")) ?? []

    // MARK: The corpus

    @Test func provenanceListsEveryFileInTheFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Corpus.folder + "/jaeger").map { "jaeger/" + $0 }
        #expect(files.count >= 6)
        #expect(Set(files) == Set(Self.expected.map(\.file)))
    }

    @Test(arguments: expected)
    func countsMatchProvenance(expected: Corpus.Counts) throws {
        let spans = try JaegerTesting.spans(inFile: expected.file)
        #expect(Corpus.Counts(file: expected.file, records: spans) == expected)
    }

    @Test func ui01ReferencesTagsAndLogs() throws {
        let spans = try JaegerTesting.spans(inFile: "jaeger/jaeger__ui_01.json")
        try #require(spans.count == 5)
        // 64-bit trace ids are left-padded to 32 digits.
        #expect(spans.allSatisfy { $0.traceID.description == "00000000000000000000000000000001" })
        #expect(spans[0].serviceName == "service-x")
        #expect(spans[2].serviceName == "service-y")
        #expect(spans[0].startTimeUnixNano == 1_485_467_191_639_875_000)
        #expect(spans[0].durationNanos == 5_000)

        // The earliest CHILD_OF in the span's own trace is the parent; the CHILD_OF into
        // trace ff and the FOLLOWS_FROM are links.
        let reference = spans[3]
        #expect(reference.parentSpanID == SpanID(2))
        try #require(reference.links.count == 2)
        #expect(reference.links[0].traceID == TraceID(high: 0, low: 0xFF))
        #expect(reference.links[0].spanID == SpanID(0xFF))
        #expect(reference.links[0].attributes["opentracing.ref_type"] == .string("child_of"))
        #expect(reference.links[1].traceID == TraceID(high: 0, low: 1))
        #expect(reference.links[1].spanID == SpanID(2))
        #expect(reference.links[1].attributes["opentracing.ref_type"] == .string("follows_from"))

        // Tags of every type; the int64 written as a JSON string is an integer.
        let tagged = spans[1]
        #expect(tagged.attributes["peer.service"] == .string("service-y"))
        #expect(tagged.attributes["peer.ipv4"] == .int(23456))
        #expect(tagged.attributes["error"] == .bool(true))
        #expect(tagged.attributes["temperature"] == .double(72.5))
        #expect(tagged.attributes["javascript_limit"] == .int(9_223_372_036_854_775_222))
        #expect(tagged.attributes["blob"] == .bytes([0x00, 0x00, 0x30, 0x39]))
        #expect(tagged.isError)

        // Logs: the `event` field names the event and leaves its attributes.
        let logged = spans[0]
        #expect(logged.events.map(\.name) == ["some-event", ""])
        #expect(logged.events[0].attributes.isEmpty)
        #expect(logged.events[1].attributes == [Attribute(key: "x", value: .string("y"))])
        #expect(logged.events[0].timeUnixNano == 1_485_467_191_639_875_000)
    }

    @Test func nonHexIdsResolveToStableHashes() throws {
        let spans = try JaegerTesting.spans(inFile: "jaeger/jaeger-ui__TraceGraph_testTrace.json")
        try #require(spans.count == 11)
        let traceID = try #require(spans.first?.traceID)
        #expect(spans.allSatisfy { $0.traceID == traceID })
        #expect(traceID == TraceID(high: JaegerTesting.fnv1a("trace-123", basis: 0xCBF2_9CE4_8422_2325),
                                   low: JaegerTesting.fnv1a("trace-123", basis: 0x8422_2325_CBF2_9CE4)))
        #expect(Set(spans.map(\.spanID)).count == 11)

        let byOriginal = Dictionary(uniqueKeysWithValues: spans.map { span in
            (span.attributes["tracegraph.original_span_id"]?.stringValue ?? "?", span)
        })
        let span1 = try #require(byOriginal["span-1"])
        let span2 = try #require(byOriginal["span-2"])
        #expect(span1.spanID == SpanID(JaegerTesting.fnv1a("span-1", basis: 0xCBF2_9CE4_8422_2325)))
        #expect(span1.attributes["tracegraph.original_trace_id"] == .string("trace-123"))
        #expect(span1.parentSpanID == nil)
        #expect(span2.parentSpanID == span1.spanID)
        // The bool tag whose value is the string "true" is an error, and reads as a boolean.
        #expect(span2.isError)
        #expect(span2.attributes["error"] == .bool(true))
        #expect(span2.kind == .client)
        // The span whose only reference is FOLLOWS_FROM hangs under it.
        let span7 = try #require(byOriginal["span-7"])
        #expect(span7.parentSpanID == byOriginal["span-6"]?.spanID)
        #expect(span7.links.isEmpty)
        #expect(span7.kind == .consumer)
        #expect(span1.resource.attributes["hostname"] == .string("foobar.org"))
    }

    @Test func anExtraKeyBesideTheTraceIsSkipped() throws {
        let spans = try JaegerTesting.spans(inFile: "jaeger/jaeger-ui__genaiTestTrace.json")
        #expect(spans.count == 57)
        #expect(Set(spans.map(\.serviceName)).count == 10)
        #expect(spans.first?.kind == .server)
        #expect(spans.first?.name == "POST /api/graphql")
    }

    @Test func sixteenDigitTraceIdsMatchTheirReferences() throws {
        let spans = try JaegerTesting.spans(inFile: "jaeger/jaeger-ui__traceWithOverlappingChildren.json")
        #expect(spans.map(\.traceID.description) == Array(repeating: "0000000000000000006c3cf93508f205", count: 3))
        #expect(spans.dropFirst().allSatisfy { $0.parentSpanID == SpanID(0x006c_3cf9_3508_f205) && $0.links.isEmpty })
        #expect(spans.map(\.kind) == [.producer, .client, .client])
    }

    // MARK: Hand-made documents

    @Test func followsFromAloneMakesTheParent() throws {
        let spans = try JaegerTesting.spans(in: JaegerTesting.trace(spans: [
            JaegerTesting.span("1"),
            JaegerTesting.span("2", references: [("FOLLOWS_FROM", "1", "1")]),
        ]))
        #expect(spans[1].parentSpanID == SpanID(1))
        #expect(spans[1].links.isEmpty)
    }

    @Test func aReferenceIntoAnotherTraceIsALink() throws {
        let spans = try JaegerTesting.spans(in: JaegerTesting.trace(spans: [
            JaegerTesting.span("2", references: [("CHILD_OF", "abcdef", "77")]),
        ]))
        let span = try #require(spans.first)
        #expect(span.parentSpanID == nil)
        #expect(span.links == [SpanLink(traceID: TraceID(high: 0, low: 0xABCDEF), spanID: SpanID(0x77),
                                        attributes: [Attribute(key: "opentracing.ref_type", value: .string("child_of"))])])
    }

    @Test func childOfWinsOverAnEarlierFollowsFrom() throws {
        let spans = try JaegerTesting.spans(in: JaegerTesting.trace(spans: [
            JaegerTesting.span("1"),
            JaegerTesting.span("5"),
            JaegerTesting.span("2", references: [("FOLLOWS_FROM", "1", "5"), ("CHILD_OF", "1", "1")]),
        ]))
        #expect(spans[2].parentSpanID == SpanID(1))
        #expect(spans[2].links.map(\.spanID) == [SpanID(5)])
        #expect(spans[2].links.first?.attributes["opentracing.ref_type"] == .string("follows_from"))
    }

    @Test func nonHexIdsResolveConsistently() throws {
        let spans = try JaegerTesting.spans(in: JaegerTesting.trace(spans: [
            JaegerTesting.span("root span", trace: "my trace"),
            JaegerTesting.span("child", trace: "my trace", references: [("CHILD_OF", "my trace", "root span")]),
            JaegerTesting.span("linker", trace: "my trace", references: [("CHILD_OF", "other trace", "far span")]),
        ]))
        #expect(Set(spans.map(\.traceID)).count == 1)
        #expect(spans[1].parentSpanID == spans[0].spanID)
        #expect(spans[0].attributes["tracegraph.original_span_id"] == .string("root span"))
        #expect(spans[0].attributes["tracegraph.original_trace_id"] == .string("my trace"))
        let link = try #require(spans[2].links.first)
        #expect(link.traceID != spans[2].traceID)
        #expect(link.attributes["tracegraph.original_trace_id"] == .string("other trace"))
        #expect(link.attributes["tracegraph.original_span_id"] == .string("far span"))
        // The same text gives the same ids on every read.
        let again = try JaegerTesting.spans(in: JaegerTesting.trace(spans: [JaegerTesting.span("root span", trace: "my trace")]))
        #expect(again.first?.key == spans[0].key)
    }

    @Test func aDataEnvelopeAroundOneTraceObject() throws {
        let spans = try JaegerTesting.spans(in: #"{"data": \#(JaegerTesting.trace(spans: [JaegerTesting.span("1")])), "total": 1}"#)
        #expect(spans.map(\.spanID) == [SpanID(1)])
        #expect(spans.first?.serviceName == "svc")
    }

    @Test func anArrayOfTracesAndDocumentsOneAfterAnother() throws {
        let one = JaegerTesting.trace(spans: [JaegerTesting.span("1")])
        let two = JaegerTesting.trace(spans: [JaegerTesting.span("2", trace: "2")])
        #expect(try JaegerTesting.spans(in: "[\(one), \(two)]").map(\.spanID) == [SpanID(1), SpanID(2)])
        #expect(try JaegerTesting.spans(in: "\(one)\n\(two)\n").map(\.spanID) == [SpanID(1), SpanID(2)])
        #expect(try JaegerTesting.spans(in: #"{"data": [], "total": 0}"#).isEmpty)
        #expect(try JaegerTesting.spans(in: #"{"data": null, "errors": [{"code": 404, "msg": "trace not found"}]}"#).isEmpty)
    }

    @Test func tagValuesThatDoNotMatchTheirType() throws {
        let tags = #"""
        [{"key": "big", "type": "int64", "value": "9007199254740993"},
         {"value": "true", "type": "bool", "key": "flag"},
         {"key": "ratio", "type": "float64", "value": "0.25"},
         {"key": "odd", "type": "int64", "value": "not a number"},
         {"key": "whole", "type": "float64", "value": 3},
         {"key": "untyped", "value": 12},
         {"key": "nothing", "type": "string", "value": null}]
        """#
        let spans = try JaegerTesting.spans(in: JaegerTesting.trace(spans: [JaegerTesting.span("1", tags: tags)]))
        let attributes = try #require(spans.first?.attributes)
        #expect(attributes["big"] == .int(9_007_199_254_740_993))
        #expect(attributes["flag"] == .bool(true))
        #expect(attributes["ratio"] == .double(0.25))
        #expect(attributes["odd"] == .string("not a number"))
        #expect(attributes["whole"] == .double(3))
        #expect(attributes["untyped"] == .int(12))
        #expect(attributes["nothing"] == .empty)
    }

    @Test func kindAndStatusFromTags() throws {
        func read(_ tags: String) throws -> Span {
            let spans = try JaegerTesting.spans(in: JaegerTesting.trace(spans: [JaegerTesting.span("1", tags: tags)]))
            return try #require(spans.first)
        }
        let failed = try read(#"""
        [{"key": "span.kind", "type": "string", "value": "producer"},
         {"key": "otel.status_code", "type": "string", "value": "ERROR"},
         {"key": "otel.status_description", "type": "string", "value": "broker down"}]
        """#)
        #expect(failed.kind == .producer)
        #expect(failed.status == SpanStatus(code: .error, message: "broker down"))
        #expect(try read(#"[{"key": "otel.status_code", "type": "string", "value": "OK"}]"#).status.code == .ok)
        #expect(try read(#"[{"key": "error", "type": "bool", "value": false}]"#).status.code == .unset)
        #expect(try read(#"[{"key": "error", "type": "string", "value": "true"}]"#).isError)
        #expect(try read(#"[{"key": "span.kind", "type": "string", "value": "INTERNAL"}]"#).kind == .internal)
        #expect(try read("[]").kind == .unspecified)
    }

    @Test func processesAfterSpansInlineProcessesAndUnknownOnes() throws {
        let text = #"""
        {"spans": [
           {"traceID": "1", "spanID": "1", "processID": "p1", "startTime": 1, "duration": 2},
           {"traceID": "1", "spanID": "2", "processID": "p1", "process": {"serviceName": "inline", "tags": []}},
           {"traceID": "1", "spanID": "3", "processID": "p9"}],
         "traceID": "1",
         "processes": {"p1": {"tags": [{"key": "hostname", "type": "string", "value": "h1"}], "serviceName": "late"}}}
        """#
        let spans = try JaegerTesting.spans(in: text)
        #expect(spans.map(\.serviceName) == ["late", "inline", "unknown_service"])
        #expect(spans[0].resource.attributes["hostname"] == .string("h1"))
        #expect(spans[0].startTimeUnixNano == 1_000)
        #expect(spans[0].endTimeUnixNano == 3_000)
    }

    @Test func legacyParentSpanIDIsTheFallback() throws {
        let text = #"""
        {"traceID": "1", "spans": [
           {"traceID": "1", "spanID": "2", "parentSpanID": "1"},
           {"traceID": "1", "spanID": "3", "parentSpanID": "1", "references": [{"refType": "CHILD_OF", "traceID": "1", "spanID": "2"}]},
           {"traceID": "1", "spanID": "4", "parentSpanID": "0000000000000000"}],
         "processes": {}}
        """#
        let spans = try JaegerTesting.spans(in: text)
        #expect(spans.map(\.parentSpanID) == [SpanID(1), SpanID(2), nil])
    }

    @Test func logsNamedByMessageKeepTheMessage() throws {
        let text = JaegerTesting.trace(spans: [#"""
        {"traceID": "1", "spanID": "1", "processID": "p1", "logs": [
          {"timestamp": 7, "fields": [{"key": "message", "type": "string", "value": "retrying"},
                                      {"key": "attempt", "type": "int64", "value": 2}]}]}
        """#])
        let event = try #require(try JaegerTesting.spans(in: text).first?.events.first)
        #expect(event.name == "retrying")
        #expect(event.timeUnixNano == 7_000)
        #expect(event.attributes["message"] == .string("retrying"))
        #expect(event.attributes["attempt"] == .int(2))
    }

    @Test func readDetailLeavesOutWhatIsNotAskedFor() throws {
        let detail = ReadDetail(names: false, events: false, linkAttributes: false, scopes: false,
                                spanAttributeKeys: ["http.method"], resourceAttributeKeys: [])
        let spans = try JaegerTesting.spans(inFile: "jaeger/jaeger__ui_01.json", detail: detail)
        #expect(spans.allSatisfy { $0.name.isEmpty && $0.events.isEmpty && $0.attributes.isEmpty })
        #expect(spans[1].isError)  // the error tag counts though the filter drops it
        #expect(spans[3].links.count == 2 && spans[3].links.allSatisfy(\.attributes.isEmpty))
        #expect(spans.map(\.serviceName) == ["service-x", "service-x", "service-y", "service-y", "service-y"])

        let graph = try JaegerTesting.spans(inFile: "jaeger/jaeger-ui__TraceGraph_testTrace.json", detail: detail)
        #expect(graph.allSatisfy { $0.attributes.isEmpty && $0.resource.attributes.count == 1 })
        #expect(graph.map(\.kind).filter { $0 != .unspecified }.count == 7)
    }

    // MARK: Malformed input

    @Test func aTruncatedDocumentEndsTooEarly() throws {
        let whole = try String(contentsOfFile: Corpus.folder + "/jaeger/jaeger__ui_01.json", encoding: .utf8)
        for length in [1, 40, 200, whole.utf8.count / 2, whole.utf8.count - 2] {
            let truncated = String(decoding: whole.utf8.prefix(length), as: UTF8.self)
            let error = try #require(JaegerTesting.error(in: truncated), "length \(length)")
            #expect(error.offset == length)
            guard case .unexpectedEnd = error.problem else {
                Issue.record("length \(length): \(error.problem)")
                continue
            }
        }
    }

    @Test func wrongTypesAreReportedWhereTheyAre() throws {
        let spansNumber = #"{"traceID": "1", "spans": 5}"#
        let error = try #require(JaegerTesting.error(in: spansNumber))
        #expect(error.problem == .wrongType(expected: "an array", found: "a number"))
        #expect(error.offset == JaegerTesting.offset(of: "5", in: spansNumber))

        let tagObject = JaegerTesting.trace(spans: [JaegerTesting.span("1", tags: #"[{"key": "k", "value": {"a": 1}}]"#)])
        let tagError = try #require(JaegerTesting.error(in: tagObject))
        #expect(tagError.problem == .wrongType(expected: "a string, number or boolean tag value", found: "an object"))
        #expect(tagError.offset == JaegerTesting.offset(of: #"{"a": 1}"#, in: tagObject))

        let numberID = #"{"spans": [{"traceID": 1, "spanID": "1"}]}"#
        let idError = try #require(JaegerTesting.error(in: numberID))
        #expect(idError.problem == .wrongType(expected: "a string", found: "a number"))
        #expect(idError.offset == JaegerTesting.offset(of: "1,", in: numberID))

        let huge = #"{"spans": [{"traceID": "1", "spanID": "1", "duration": -9223372036854775808}]}"#
        let durationError = try #require(JaegerTesting.error(in: huge))
        #expect(durationError.problem == .numberOutOfRange(field: "duration"))
        #expect(durationError.offset == JaegerTesting.offset(of: "-9", in: huge))
    }

    @Test func spansAndReferencesWithoutIds() throws {
        // Spans without ids are left out (SpanDefectTests says how and where); a reference without one is an error.
        let noIDs = #"{"traceID": "1", "spans": [{"traceID": "1", "spanID": "1"}, {"traceID": "1", "operationName": "x"}, {"spanID": ""}]}"#
        #expect(try JaegerTesting.spans(in: noIDs).map(\.spanID) == [SpanID(1)])

        let badReference = #"{"spans": [{"traceID": "1", "spanID": "2", "references": [{"refType": "CHILD_OF", "traceID": "1"}]}]}"#
        let referenceError = try #require(JaegerTesting.error(in: badReference))
        #expect(referenceError.problem == .missingField(name: "spanID", in: "reference"))
        #expect(referenceError.offset == JaegerTesting.offset(of: #"{"refType""#, in: badReference))
    }

    @Test func documentsThatAreNotJaegerJSON() throws {
        #expect(JaegerTesting.error(in: "  \n")?.problem == .emptyInput)
        let otlp = #"{"resourceSpans": []}"#
        #expect(JaegerTesting.error(in: otlp)?.problem
                == .unrecognizedDocument(expected: "a Jaeger JSON trace with \"spans\", or {\"data\": [traces]}"))
        #expect(JaegerTesting.error(in: otlp)?.offset == 0)
        let zipkin = #"[{"traceId": "1", "id": "1"}]"#
        #expect(JaegerTesting.error(in: zipkin)?.problem == .missingField(name: "spans", in: "trace"))
        #expect(JaegerTesting.error(in: zipkin)?.offset == 1)
        #expect(JaegerTesting.error(in: "42")?.offset == 0)
    }

    @Test func keepGoingSkipsABadDocumentAndReadsTheRest() throws {
        let good = JaegerTesting.trace(spans: [JaegerTesting.span("1")]).replacingOccurrences(of: "\n", with: " ")
        let text = good + "\n" + #"{"spans": [{"traceID": "1", "spanID": 1}]}"# + "\n" + good.replacingOccurrences(of: #""1""#, with: #""2""#) + "\n"
        var skipped: [JSONError] = []
        var collected = SpanList()
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { buffer in
            var reader = JaegerJSONReader(UnsafeRawBufferPointer(buffer), detail: .full)
            try reader.readAll(into: &collected, keepGoing: true, skipped: &skipped)
        }
        #expect(collected.spans.map(\.spanID) == [SpanID(1), SpanID(2)])
        #expect(skipped.map(\.problem) == [.wrongType(expected: "a string", found: "a number")])
    }
}

/// Helpers to read Jaeger JSON in tests.
typealias JaegerTesting = JSONReaderTesting<JaegerJSONReader>

extension JSONReaderTesting where Reader == JaegerJSONReader {
    /// A bare trace object of one process, `p1` of service `svc`.
    static func trace(spans: [String]) -> String {
        #"{"traceID": "1", "spans": [\#(spans.joined(separator: ",\n"))], "processes": {"p1": {"serviceName": "svc", "tags": []}}}"#
    }

    /// A span of process `p1`; references are (refType, traceID, spanID).
    static func span(_ id: String, trace: String = "1", references: [(String, String, String)] = [],
                     tags: String = "[]") -> String {
        let refs = references.map { #"{"refType": "\#($0.0)", "traceID": "\#($0.1)", "spanID": "\#($0.2)"}"# }
        return #"""
        {"traceID": "\#(trace)", "spanID": "\#(id)", "operationName": "op \#(id)", "references": [\#(refs.joined(separator: ", "))],
         "startTime": 1000, "duration": 10, "tags": \#(tags), "logs": [], "processID": "p1"}
        """#
    }

    /// FNV-1a 64 of the text from a starting value, written out here to pin the reader's choice.
    static func fnv1a(_ text: String, basis: UInt64) -> UInt64 {
        text.utf8.reduce(basis) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}
