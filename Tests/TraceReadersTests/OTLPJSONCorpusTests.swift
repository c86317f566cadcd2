import Foundation
import Testing
import TraceModel
import TraceReaders
import TraceTestSupport

/// Every real OTLP/JSON file of the shared corpus, read and counted against PROVENANCE.md.
@Suite struct OTLPJSONCorpusTests {
    static let expected: [Corpus.Counts] =
        ((try? Corpus.counts(in: "otlp-json")) ?? []) + ((try? Corpus.counts(in: "otlp-jsonl")) ?? [])

    @Test func provenanceListsEveryFileInTheFolders() throws {
        let files = try ["otlp-json", "otlp-jsonl"].flatMap { folder in
            try FileManager.default.contentsOfDirectory(atPath: Corpus.folder + "/" + folder).map { folder + "/" + $0 }
        }
        #expect(files.count >= 11)
        #expect(Set(files) == Set(Self.expected.map(\.file)))
    }

    @Test(arguments: expected)
    func countsMatchProvenance(expected: Corpus.Counts) throws {
        let file = try TraceReader.read(contentsOf: Corpus.folder + "/" + expected.file)
        #expect(file.format == .otlpJSON)
        #expect(Corpus.Counts(file: expected.file, records: file.spans) == expected)
    }

    @Test func upperCaseHexIdsAreRead() throws {
        let file = try TraceReader.read(contentsOf: Corpus.folder + "/otlp-json/otel-proto__trace.json")
        let span = try #require(file.spans.first)
        #expect(span.traceID.description == "5b8efff798038103d269b633813fc60c")
        #expect(span.spanID.description == "eee19b7ec3c1b174")
        #expect(span.parentSpanID?.description == "eee19b7ec3c1b173")
        #expect(span.kind == .server)
        #expect(span.serviceName == "my.service")
        #expect(span.scope.name == "my.library")
    }

    @Test func linkAttributesOfEveryValueTypeAreKept() throws {
        let file = try TraceReader.read(contentsOf: Corpus.folder + "/otlp-json/jaeger__link_attributes_trace.json")
        let span = try #require(file.spans.first)
        #expect(span.links.count == 3)
        let types = Set(span.links.flatMap(\.attributes).map { attribute -> String in
            switch attribute.value {
            case .string: "string"
            case .int: "int"
            case .bool: "bool"
            case .double: "double"
            case .bytes: "bytes"
            default: "other"
            }
        })
        #expect(types == ["string", "int", "bool", "double", "bytes"])
    }

    @Test func enumNamesAreReadLikeNumbers() throws {
        let file = try TraceReader.read(contentsOf: Corpus.folder + "/otlp-json/jaeger-pr9263__sibling_errors.json")
        #expect(file.spans.filter { $0.kind == .client }.count == 5)
        #expect(file.spans.filter { $0.kind == .server }.count == 1)
        #expect(file.spans.filter(\.isError).count == 5)
    }

    @Test func aResourceWithoutServiceNameIsUnknownService() throws {
        let file = try TraceReader.read(contentsOf: Corpus.folder + "/otlp-json/jaeger-ui__otlp2jaeger-in-error.json")
        #expect(file.spans.map(\.serviceName) == ["unknown_service"])
    }

    @Test func anEmptyParentSpanIdMeansARoot() throws {
        let file = try TraceReader.read(contentsOf: Corpus.folder + "/otlp-jsonl/jaeger-ui__otlp2jaeger-multi-in.jsonl")
        #expect(file.spans.count == 4)
        #expect(file.spans.filter { $0.parentSpanID == nil }.count == 1)
    }

    @Test func theSameSpanTwiceCountsOnce() throws {
        let file = try TraceReader.read(contentsOf: Corpus.folder + "/otlp-json/jaeger-ui__otlp2jaeger-in.json")
        let set = TraceSet(file.spans)
        #expect(file.spans.count == 2)
        #expect(set.spans.count == 1)
        #expect(set.duplicateSpanCount == 1)
    }

    @Test(arguments: [false, true])
    func spansReadBeforeTheirResourceAndScopeTakeThem(keepGoing: Bool) throws {
        // Spans are passed on as they are read only once their resource and scope are known;
        // written after them, those reach the spans held back, and the spans of the next
        // request, whose resource comes first, go straight on again.
        let span = #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708"}"#
        let late = #"{"resourceSpans":[{"scopeSpans":[{"spans":[\#(span)],"scope":{"name":"lib"}}],"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late"}}]}}]}"#
        let early = #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"early"}}]},"scopeSpans":[{"scope":{"name":"lib"},"spans":[\#(span)]}]}]}"#
        let file = try TraceReader.read(late + "\n" + early + "\n" + late, source: "late.jsonl", options: ReadOptions(keepGoing: keepGoing))
        #expect(file.spans.map(\.serviceName) == ["late", "early", "late"])
        #expect(file.spans.map(\.scope.name) == ["lib", "lib", "lib"])
    }

    @Test func nothingOfOneSpanIsLeftInTheNext() throws {
        // The reader reuses one span value from span to span: every field the first sets is
        // empty again in the second, which sets none.
        let full = #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","parentSpanId":"0807060504030201","traceState":"a=b","flags":1,"name":"GET","kind":2,"startTimeUnixNano":"5","endTimeUnixNano":"9","attributes":[{"key":"k","value":{"stringValue":"v"}}],"droppedAttributesCount":1,"events":[{"timeUnixNano":"6","name":"e"}],"droppedEventsCount":2,"links":[{"traceId":"0102030405060708090a0b0c0d0e0f11","spanId":"0102030405060709"}],"droppedLinksCount":3,"status":{"code":2,"message":"failed"}}"#
        let bare = #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060709"}"#
        let other = #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"010203040506070a","attributes":[{"key":"k2","value":{"stringValue":"v2"}}]}"#
        let json = #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},"scopeSpans":[{"scope":{"name":"lib"},"spans":[\#(full),\#(bare),\#(other)]}]}]}"#
        let spans = try TraceReader.read(json, source: "two.json").spans
        try #require(spans.count == 3)
        #expect(spans[0].name == "GET" && spans[0].events.count == 1 && spans[0].links.count == 1)
        // Spans already passed on keep their own attributes when the next span's are read.
        #expect(spans[0].attributes == [Attribute(key: "k", value: .string("v"))])
        #expect(spans[2].attributes == [Attribute(key: "k2", value: .string("v2"))])
        #expect(spans[0].status == SpanStatus(code: .error, message: "failed"))
        #expect(spans[1] == Span(traceID: spans[0].traceID, spanID: SpanID(0x0102030405060709), name: "", startTimeUnixNano: 0,
                                 endTimeUnixNano: 0, resource: spans[0].resource, scope: spans[0].scope))
    }
}

