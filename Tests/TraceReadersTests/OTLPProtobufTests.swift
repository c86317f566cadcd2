import Foundation
import Testing
import TraceModel
@testable import TraceReaders
import TraceTestSupport

/// The OTLP/protobuf reader: every real file of the shared corpus, equivalence with the
/// JSON reader, framing detection, `ReadDetail`, and malformed input of every kind.
@Suite struct OTLPProtobufTests {
    static let folder = "otlp-proto"
    static let expected: [Corpus.Counts] = (try? Corpus.counts(in: folder)) ?? []

    static func bytes(of file: String) throws -> [UInt8] {
        let data = try #require(FileManager.default.contents(atPath: Corpus.folder + "/" + file))
        return [UInt8](data)
    }

    static let singleMessageFile = folder + "/python-sdk-links.binpb"
    static let framedFile = folder + "/python-sdk-links.fileexporter-proto.bin"
    static let jsonLinesFile = "otlp-jsonl/python-sdk-links.jsonl"

    // MARK: Corpus

    @Test func provenanceListsEveryFileInTheFolder() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Corpus.folder + "/" + Self.folder)
            .map { Self.folder + "/" + $0 }
        #expect(files.count >= 3)
        #expect(Set(files) == Set(Self.expected.map(\.file)))
    }

    @Test(arguments: expected)
    func countsMatchProvenance(expected: Corpus.Counts) throws {
        let spans = try decode(Self.bytes(of: expected.file)).get()
        #expect(Corpus.Counts(file: expected.file, records: spans) == expected)
    }

    @Test func theGeneratedFilesGiveTheSameSpansAsTheJSONLines() throws {
        let json = try TraceReader.read(contentsOf: Corpus.folder + "/" + Self.jsonLinesFile).spans
        let single = try decode(Self.bytes(of: Self.singleMessageFile)).get()
        let framed = try decode(Self.bytes(of: Self.framedFile)).get()
        #expect(json.count == 10)
        let sortedJSON = json.sorted { $0.key < $1.key }
        #expect(single.sorted { $0.key < $1.key } == sortedJSON)
        #expect(framed.sorted { $0.key < $1.key } == sortedJSON)
        // The framed file holds the batches in the order of the JSON lines.
        #expect(framed == json)
    }

    @Test func theSameSpansUnderAGraphDetailAsTheJSONReader() throws {
        let detail = ReadDetail(names: false, events: false, linkAttributes: false, scopes: false,
                                spanAttributeKeys: ["messaging.system"], resourceAttributeKeys: [])
        let jsonBytes = try Self.bytes(of: Self.jsonLinesFile)
        let json = try jsonBytes.withUnsafeBytes { buffer in
            Result { () throws(JSONError) in
                var reader = OTLPJSONReader<SpanList>(buffer, detail: detail)
                var list = SpanList()
                var skipped: [JSONError] = []
                try reader.readAll(into: &list, skipped: &skipped)
                return list.spans
            }
        }.get()
        let framed = try decode(Self.bytes(of: Self.framedFile), detail: detail).get()
        #expect(framed == json)
        #expect(framed.allSatisfy { $0.name.isEmpty && $0.events.isEmpty && $0.scope == InstrumentationScope() })
        #expect(framed.allSatisfy { $0.attributes.allSatisfy { $0.key == "messaging.system" } })
        #expect(framed.contains { !$0.attributes.isEmpty })
        #expect(framed.allSatisfy { $0.resource.attributes.map(\.key) == ["service.name"] })
        #expect(framed.flatMap(\.links).allSatisfy { $0.attributes.isEmpty })
        #expect(framed.flatMap(\.links).count == 4)
    }

    @Test func aFullReadKeepsNamesEventsScopesAndLinkAttributes() throws {
        let spans = try decode(Self.bytes(of: Self.singleMessageFile)).get()
        #expect(spans.allSatisfy { !$0.name.isEmpty && !$0.scope.name.isEmpty })
        #expect(spans.allSatisfy { $0.flags == 256 })
        let links = spans.flatMap(\.links)
        #expect(links.allSatisfy { $0.flags == 256 })
        #expect(links.contains { $0.attributes["batch.index"] != nil })
        #expect(spans.flatMap(\.events).map(\.name).contains("exception"))
        #expect(Set(spans.map(\.serviceName)) == ["analytics-batch", "billing-worker", "order-api", "shipping-worker"])
    }

    @Test func framingIsDetected() throws {
        let single = try Self.bytes(of: Self.singleMessageFile)
        let framed = try Self.bytes(of: Self.framedFile)
        let parquet = try Self.bytes(of: Self.folder + "/otlp2parquet__trace.pb")
        #expect(single.first == 0x0A)
        #expect(framed.first == 0x00)
        for (bytes, isFramed) in [(single, false), (parquet, false), (framed, true)] {
            bytes.withUnsafeBytes { buffer in
                #expect(OTLPProtobufReader.isLengthPrefixedStream(buffer) == isFramed)
                #expect(OTLPProtobufReader.layout(of: buffer) == (isFramed ? .lengthPrefixedStream : .singleMessage))
            }
        }
        #expect(try Self.frames(of: framed).count == 3)
    }

    @Test func aDamagedStreamIsStillAStream() throws {
        let framed = try Self.bytes(of: Self.framedFile)
        let cut = Array(framed.dropLast(10))
        cut.withUnsafeBytes { buffer in
            #expect(!OTLPProtobufReader.isLengthPrefixedStream(buffer))
            #expect(OTLPProtobufReader.layout(of: buffer) == .lengthPrefixedStream)
        }
        let error = try #require(decode(cut).failure)
        let frames = try Self.frames(of: framed)
        #expect(error.offset == frames[2].lowerBound - 4)
        #expect(error.reason.contains("runs past the end of the input"))
    }

    @Test func anEmptyInputIsAnEmptyMessage() throws {
        #expect(try decode([]).get().isEmpty)
        // Empty frames are empty messages too.
        #expect(try decode([0, 0, 0, 0, 0, 0, 0, 0]).get().isEmpty)
    }

    // MARK: Malformed input

    @Test func everyPrefixOfACorpusFileDecodesOrThrows() throws {
        for file in [Self.singleMessageFile, Self.framedFile] {
            let bytes = try Self.bytes(of: file)
            var failures = 0
            for length in 0..<bytes.count {
                switch decode(Array(bytes[..<length])) {
                case .success(let spans): #expect(spans.count <= 10)
                case .failure(let error):
                    failures += 1
                    #expect(error.offset >= 0 && error.offset <= length, "\(file) cut at \(length): \(error)")
                }
            }
            #expect(failures > bytes.count / 2)
        }
    }

    @Test func aLengthPrefixOf2GBIsAnError() throws {
        let message = PB.request(spans: [PB.span()])
        let stream = PB.frame(message) + [0x80, 0x00, 0x00, 0x00] + message
        let error = try #require(decode(stream).failure)
        #expect(error.offset == message.count + 4)
        #expect(error.reason.contains("2147483648"))
        // Alone, a 2 GB prefix cannot be a stream (its first byte is not 0x00 and it does not chain),
        // and as a message its first byte is no valid tag.
        let alone: [UInt8] = [0x7F, 0xFF, 0xFF, 0xFF] + message
        #expect(decode(alone).failure?.offset == 0)
    }

    @Test func aVarintOf11BytesIsAnError() throws {
        let long = [UInt8](repeating: 0xFF, count: 10) + [0x01]
        // As the length of the first field.
        let error = try #require(decode([0x0A] + long + [0x00]).failure)
        #expect(error.offset == 1)
        #expect(error.reason.contains("longer than 10 bytes"))
        // As a span's kind, deep in the message.
        let span = PB.span(extra: PB.tag(6, .varint) + long)
        let request = PB.request(spans: [span])
        let nested = try #require(decode(request).failure)
        let kindOffset = try #require(Self.offset(of: PB.tag(6, .varint) + long, in: request))
        #expect(nested.offset == kindOffset + 1)
    }

    @Test func aVarintPast64BitsIsAnError() throws {
        let overflow = [UInt8](repeating: 0xFF, count: 9) + [0x02]
        let request = PB.request(spans: [PB.span(extra: PB.tag(6, .varint) + overflow)])
        #expect(decode(request).failure?.reason.contains("64 bits") == true)
        // Ten bytes ending in 0x01 are a valid negative enum, read as unspecified.
        let negative = [UInt8](repeating: 0xFF, count: 9) + [0x01]
        let spans = try decode(PB.request(spans: [PB.span(extra: PB.tag(6, .varint) + negative)])).get()
        #expect(spans.first?.kind == .unspecified)
    }

    @Test(arguments: [(1, 5, "Span.trace_id"), (1, 17, "Span.trace_id"), (2, 5, "Span.span_id"), (4, 7, "Span.parent_span_id")])
    func anIdOfTheWrongLengthIsAnError(field: Int, length: Int, name: String) throws {
        let id = [UInt8](repeating: 0xAB, count: length)
        let span: [UInt8] = switch field {
        case 1: PB.span(traceID: id)
        case 2: PB.span(spanID: id)
        default: PB.span(extra: PB.bytes(4, id))
        }
        let request = PB.request(spans: [span])
        let error = try #require(decode(request).failure)
        #expect(error.reason.contains(name))
        #expect(error.reason.contains("\(length) bytes"))
        #expect(request[error.offset] == UInt8(field << 3 | 2))
    }

    @Test func aLinkIdOfTheWrongLengthIsAnError() throws {
        let link = PB.bytes(1, [UInt8](repeating: 1, count: 16)) + PB.bytes(2, [1, 2, 3])
        let error = try #require(decode(PB.request(spans: [PB.span(extra: PB.bytes(13, link))])).failure)
        #expect(error.reason.contains("Link.span_id"))
    }

    @Test func aSpanWithoutIdsIsLeftOutAndSaidOrAnErrorWhenStrict() throws {
        let noTrace = PB.bytes(2, [UInt8](repeating: 1, count: 8))
        let noSpan = PB.bytes(1, [UInt8](repeating: 1, count: 16)) + PB.bytes(2, [])
        for (span, defect) in [(noTrace, SpanDefect.missingTraceID), (noSpan, .missingSpanID)] {
            let request = PB.request(spans: [span, PB.span()])
            let (spans, skipped) = try request.withUnsafeBytes { buffer in
                var reader = OTLPProtobufReader(buffer, detail: .full)
                var list = SpanList()
                var skipped: [ProtobufError] = []
                try reader.readAll(into: &list, skipped: &skipped)
                return (list.spans, skipped)
            }
            #expect(spans.count == 1)
            #expect(skipped.map(\.problem) == [.spanDefect(defect, strict: false)])
            let strict = request.withUnsafeBytes { buffer in
                Result { () throws(ProtobufError) in
                    var reader = OTLPProtobufReader(buffer, detail: .full)
                    var list = SpanList()
                    var skipped: [ProtobufError] = []
                    try reader.readAll(into: &list, strict: true, skipped: &skipped)
                }
            }
            #expect(strict.failure?.problem == .spanDefect(defect, strict: true))
        }
    }

    @Test func aKnownFieldWithTheWrongWireTypeIsAnError() throws {
        // Span.name (5) as a varint, Span.start_time_unix_nano (7) as a varint, Span.flags (16) as fixed64.
        for extra in [PB.varintField(5, 1), PB.varintField(7, 1), PB.fixed64(16, 1)] {
            let request = PB.request(spans: [PB.span(extra: extra)])
            let error = try #require(decode(request).failure)
            #expect(error.reason.contains("wire type"))
            // The span is the last thing in the request, and the field the last in the span.
            #expect(error.offset == request.count - extra.count)
        }
    }

    @Test func groupsAndInvalidWireTypesAreErrors() throws {
        for tag: UInt8 in [0x7B, 0x7C, 0x7E, 0x7F] {   // field 15, wire types 3, 4, 6, 7
            let error = try #require(decode([0x0A, 0x02, tag, 0x00]).failure)
            #expect(error.offset == 2)
        }
    }

    @Test func aLengthPastItsMessageIsAnError() throws {
        // A ResourceSpans of 3 bytes whose ScopeSpans claims 100.
        let error = try #require(decode([0x0A, 0x03, 0x12, 0x64, 0x00]).failure)
        #expect(error.offset == 3)
        #expect(error.reason.contains("100"))
        // A length of 2 GB, and the largest a varint holds, inside a message.
        for length: UInt64 in [1 << 31, .max] {
            let huge = try #require(decode([0x0A] + PB.varint(length) + [0x12, 0x00]).failure)
            #expect(huge.offset == 1)
            #expect(huge.reason.contains("\(length)"))
        }
    }

    @Test func deepAttributeValuesAreRefused() throws {
        func nested(_ depth: Int) -> [UInt8] {
            var value = PB.string(1, "leaf")                       // AnyValue{string_value}
            for level in 0..<depth - 1 {
                // AnyValue{array_value: ArrayValue{values: value}} or AnyValue{kvlist_value: {values: {key, value}}}
                value = level % 2 == 0
                    ? PB.bytes(5, PB.bytes(1, value))
                    : PB.bytes(6, PB.bytes(1, PB.string(1, "k") + PB.bytes(2, value)))
            }
            return PB.request(spans: [PB.span(extra: PB.bytes(9, PB.string(1, "deep") + PB.bytes(2, value)))])
        }
        let limit = OTLPProtobufReader.maximumValueDepth
        let spans = try decode(nested(limit)).get()
        #expect(spans.first?.attributes.first?.key == "deep")
        let error = try #require(decode(nested(limit + 1)).failure)
        #expect(error.reason.contains("nest more than \(limit)"))
        // Far deeper than any stack would take by recursion.
        #expect(decode(nested(5_000)).failure != nil)
    }

    @Test func randomBytesDecodeOrThrow() throws {
        var random = SplitMix64(seed: 0x7261_6365_6772_6170)
        for _ in 0..<300 {
            let count = Int.random(in: 0..<600, using: &random)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if case .failure(let error) = decode(bytes) { #expect(error.offset >= 0 && error.offset <= count) }
        }
    }

    @Test func corruptedCorpusBytesDecodeOrThrow() throws {
        var random = SplitMix64(seed: 42)
        let original = try Self.bytes(of: Self.singleMessageFile)
        var failures = 0
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            switch decode(bytes) {
            case .success(let spans): #expect(spans.count <= 10)
            case .failure(let error):
                failures += 1
                #expect(error.offset >= 0 && error.offset <= bytes.count)
            }
        }
        #expect(failures > 0)
    }

    @Test func keepGoingSkipsACorruptedFrame() throws {
        let framed = try Self.bytes(of: Self.framedFile)
        let frames = try Self.frames(of: framed)
        var corrupted = framed
        corrupted[frames[1].lowerBound] = 0x00   // field number 0: not a message
        #expect(decode(corrupted).failure?.offset == frames[1].lowerBound)

        var spans = SpanList()
        var skipped: [ProtobufError] = []
        try corrupted.withUnsafeBytes { buffer in
            try Result { () throws(ProtobufError) in
                var reader = OTLPProtobufReader(buffer, detail: .full)
                try reader.readAll(into: &spans, keepGoing: true, skipped: &skipped)
            }.get()
        }
        #expect(skipped.count == 1)
        #expect(skipped.first?.offset == frames[1].lowerBound)
        let expected = try decode(Array(framed[frames[0]])).get() + decode(Array(framed[frames[2]])).get()
        #expect(!expected.isEmpty)
        #expect(spans.spans == expected)
    }

    @Test func keepGoingStopsAtALengthPastTheEnd() throws {
        let framed = try Self.bytes(of: Self.framedFile)
        var spans = SpanList()
        var skipped: [ProtobufError] = []
        let cut = Array(framed.dropLast(1))
        try cut.withUnsafeBytes { buffer in
            try Result { () throws(ProtobufError) in
                var reader = OTLPProtobufReader(buffer, detail: .full)
                try reader.readAll(into: &spans, keepGoing: true, skipped: &skipped)
            }.get()
        }
        #expect(skipped.count == 1)
        let frames = try Self.frames(of: framed)
        let expected = try decode(Array(framed[frames[0]])).get() + decode(Array(framed[frames[1]])).get()
        #expect(spans.spans == expected)
    }

    // MARK: Semantics

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        let unknown = PB.varintField(99, 300) + PB.fixed64(98, 7) + PB.bytes(97, [1, 2, 3]) + PB.tag(96, .fixed32) + [1, 2, 3, 4]
        let span = PB.span(extra: unknown)
        let request = unknown + PB.request(spans: [span]) + unknown
        let spans = try decode(request).get()
        #expect(spans.count == 1)
        #expect(spans.first?.name == "op")
    }

    @Test func anEmptyOrZeroParentIsARoot() throws {
        let spans = try decode(PB.request(spans: [
            PB.span(extra: PB.bytes(4, [])),
            PB.span(extra: PB.bytes(4, [UInt8](repeating: 0, count: 8))),
            PB.span(extra: PB.bytes(4, [0, 0, 0, 0, 0, 0, 0, 9])),
        ])).get()
        #expect(spans.map(\.parentSpanID) == [nil, nil, SpanID(9)])
    }

    @Test func everyAttributeValueTypeIsRead() throws {
        func attribute(_ key: String, _ value: [UInt8]) -> [UInt8] { PB.bytes(9, PB.string(1, key) + PB.bytes(2, value)) }
        let attributes = attribute("s", PB.string(1, "text"))
            + attribute("b", PB.varintField(2, 1))
            + attribute("i", PB.varintField(3, UInt64(bitPattern: -5)))
            + attribute("d", PB.fixed64(4, 2.5.bitPattern))
            + attribute("a", PB.bytes(5, PB.bytes(1, PB.varintField(3, 1)) + PB.bytes(1, PB.string(1, "x"))))
            + attribute("k", PB.bytes(6, PB.bytes(1, PB.string(1, "inner") + PB.bytes(2, PB.varintField(2, 0)))))
            + attribute("y", PB.bytes(7, [0xDE, 0xAD]))
            + attribute("e", [])
            + PB.bytes(9, PB.string(1, "none"))
            + attribute("u", PB.string(1, "bad \u{FF}"))
        let span = try #require(try decode(PB.request(spans: [PB.span(extra: attributes)])).get().first)
        #expect(span.attributes == [
            Attribute(key: "s", value: .string("text")),
            Attribute(key: "b", value: .bool(true)),
            Attribute(key: "i", value: .int(-5)),
            Attribute(key: "d", value: .double(2.5)),
            Attribute(key: "a", value: .array([.int(1), .string("x")])),
            Attribute(key: "k", value: .keyValueList([Attribute(key: "inner", value: .bool(false))])),
            Attribute(key: "y", value: .bytes([0xDE, 0xAD])),
            Attribute(key: "e", value: .empty),
            Attribute(key: "none", value: .empty),
            Attribute(key: "u", value: .string("bad \u{FF}")),
        ])
        // Invalid UTF-8 becomes U+FFFD.
        let invalid = attribute("v", PB.bytes(1, [0x61, 0xFF, 0x62]))
        let decoded = try decode(PB.request(spans: [PB.span(extra: invalid)])).get()
        #expect(decoded.first?.attributes.first?.value == .string("a\u{FFFD}b"))
    }

    @Test func aFilterComparesKeysEvenWhenTheValueComesFirst() throws {
        let valueFirst = PB.bytes(9, PB.bytes(2, PB.string(1, "kafka")) + PB.string(1, "messaging.system"))
        let dropped = PB.bytes(9, PB.bytes(2, PB.string(1, "x")) + PB.string(1, "other"))
        let detail = ReadDetail(names: false, events: false, linkAttributes: false, scopes: false,
                                spanAttributeKeys: ["messaging.system"], resourceAttributeKeys: nil)
        let span = try #require(try decode(PB.request(spans: [PB.span(extra: valueFirst + dropped)]), detail: detail).get().first)
        #expect(span.attributes == [Attribute(key: "messaging.system", value: .string("kafka"))])
        #expect(span.name == "")
    }

    @Test func theResourceMayFollowTheSpansAndDefaultsToUnknownService() throws {
        let resource = PB.bytes(1, PB.bytes(1, PB.string(1, "service.name") + PB.bytes(2, PB.string(1, "late"))))
        let scopeSpans = PB.bytes(2, PB.bytes(2, PB.span()))
        let spans = try decode(PB.bytes(1, scopeSpans + resource) + PB.bytes(1, scopeSpans)).get()
        #expect(spans.map(\.serviceName) == ["late", "unknown_service"])
    }

    @Test func theDeprecatedLibrarySpansCountOnlyWithoutScopeSpans() throws {
        let library = PB.bytes(1000, PB.bytes(1, PB.string(1, "old.library")) + PB.bytes(2, PB.span(id: 2)))
        let scope = PB.bytes(2, PB.bytes(1, PB.string(1, "new.scope")) + PB.bytes(2, PB.span(id: 1)))
        let legacy = try decode(PB.bytes(1, library)).get()
        #expect(legacy.map(\.scope.name) == ["old.library"])
        let both = try decode(PB.bytes(1, library + scope)).get()
        #expect(both.map(\.spanID) == [SpanID(1)])
        #expect(both.map(\.scope.name) == ["new.scope"])
    }

    @Test func statusAndKindMapLikeTheJSONReader() throws {
        let status = PB.bytes(15, PB.varintField(1, 1) + PB.string(2, "boom") + PB.varintField(3, 2))
        let spans = try decode(PB.request(spans: [
            PB.span(extra: PB.varintField(6, 3) + status),
            PB.span(extra: PB.varintField(6, 9) + PB.bytes(15, PB.varintField(3, 7))),
        ])).get()
        #expect(spans.map(\.kind) == [.client, .unspecified])
        #expect(spans.map(\.status) == [SpanStatus(code: .error, message: "boom"), SpanStatus(code: .unset)])
    }

    // MARK: Helpers

    func decode(_ bytes: [UInt8], detail: ReadDetail = .full) -> Result<[Span], ProtobufError> {
        bytes.withUnsafeBytes { buffer in
            Result { () throws(ProtobufError) in try OTLPProtobufReader.spans(in: buffer, detail: detail) }
        }
    }

    /// The message ranges of a length-prefixed stream.
    static func frames(of bytes: [UInt8]) throws -> [Range<Int>] {
        var frames: [Range<Int>] = []
        var position = 0
        while position < bytes.count {
            try #require(bytes.count - position >= 4)
            let length = bytes[position..<position + 4].reduce(0) { $0 << 8 | Int($1) }
            frames.append(position + 4..<position + 4 + length)
            position += 4 + length
        }
        return frames
    }

    /// Where `needle` first occurs in `haystack`.
    static func offset(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...haystack.count - needle.count).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

/// A small protobuf encoder for building test messages, well-formed or not.
enum PB {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    static func tag(_ number: UInt32, _ wireType: ProtobufWireType) -> [UInt8] {
        varint(UInt64(number) << 3 | UInt64(wireType.rawValue))
    }

    static func bytes(_ number: UInt32, _ payload: [UInt8]) -> [UInt8] {
        tag(number, .lengthDelimited) + varint(UInt64(payload.count)) + payload
    }

    static func string(_ number: UInt32, _ text: String) -> [UInt8] { bytes(number, Array(text.utf8)) }

    static func varintField(_ number: UInt32, _ value: UInt64) -> [UInt8] { tag(number, .varint) + varint(value) }

    static func fixed64(_ number: UInt32, _ value: UInt64) -> [UInt8] {
        tag(number, .fixed64) + (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    /// A span named "op" with trace id 0x01… and the given span id, then `extra` fields.
    static func span(traceID: [UInt8] = [UInt8](repeating: 1, count: 16), spanID: [UInt8]? = nil, id: UInt8 = 1,
                     extra: [UInt8] = []) -> [UInt8] {
        bytes(1, traceID) + bytes(2, spanID ?? [0, 0, 0, 0, 0, 0, 0, id]) + string(5, "op") + extra
    }

    /// An ExportTraceServiceRequest with one resource (service "svc") and one scope holding `spans`.
    static func request(spans: [[UInt8]]) -> [UInt8] {
        let resource = bytes(1, bytes(1, string(1, "service.name") + bytes(2, string(1, "svc"))))
        let scope = bytes(2, bytes(1, string(1, "lib")) + spans.flatMap { bytes(2, $0) })
        return bytes(1, resource + scope)
    }

    /// A message preceded by its length as 4 bytes, big-endian.
    static func frame(_ message: [UInt8]) -> [UInt8] {
        let length = UInt32(message.count)
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: length >> $0) } + message
    }
}
