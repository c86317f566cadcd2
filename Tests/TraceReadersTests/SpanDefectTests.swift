import Foundation
import Testing
@testable import TraceReaders
import TraceModel

/// Spans that are well formed but cannot be used as they are (``SpanDefect``), in every format: left
/// out or repaired and said where, or with `strict` an error there.
@Suite struct SpanDefectTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var format: TraceInputFormat
        var defect: SpanDefect
        /// The defective span, written on line 3 of its input after a good one on line 2.
        var span: String
        var testDescription: String { "\(format) \(defect): \(span)" }

        var text: String {
            switch format {
            case .otlpJSON:
                return #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"spans":["#
                    + "\n" + #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","startTimeUnixNano":"1","endTimeUnixNano":"2"},"#
                    + "\n" + span + "]}]}]}"
            case .jaegerJSON:
                return #"{"data":[{"traceID":"1","processes":{"p1":{"serviceName":"svc"}},"spans":["#
                    + "\n" + #"{"traceID":"1","spanID":"1","startTime":1,"duration":1,"processID":"p1"},"#
                    + "\n" + span + "]}]}"
            case .zipkinJSON:
                return "[\n" + #"{"traceId":"1","id":"1","timestamp":1,"duration":1,"localEndpoint":{"serviceName":"svc"}},"# + "\n" + span + "]"
            case .otlpProtobuf:
                preconditionFailure("built in code")
            }
        }
    }

    static let cases: [Case] = [
        Case(format: .otlpJSON, defect: .missingTraceID, span: #"{"spanId":"0102030405060709","startTimeUnixNano":"1","endTimeUnixNano":"2"}"#),
        Case(format: .otlpJSON, defect: .missingTraceID, span: #"{"traceId":"","spanId":"0102030405060709"}"#),
        Case(format: .otlpJSON, defect: .missingSpanID, span: #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":null}"#),
        Case(format: .otlpJSON, defect: .zeroTraceID, span: #"{"traceId":"00000000000000000000000000000000","spanId":"0102030405060709"}"#),
        Case(format: .otlpJSON, defect: .zeroTraceID, span: #"{"traceId":"AAAAAAAAAAAAAAAAAAAAAA==","spanId":"0102030405060709"}"#),
        Case(format: .otlpJSON, defect: .zeroSpanID, span: #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0000000000000000"}"#),
        Case(format: .otlpJSON, defect: .endBeforeStart,
             span: #"{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060709","startTimeUnixNano":"5","endTimeUnixNano":"2"}"#),
        Case(format: .jaegerJSON, defect: .missingTraceID, span: #"{"spanID":"2","startTime":1,"duration":1,"processID":"p1"}"#),
        Case(format: .jaegerJSON, defect: .missingSpanID, span: #"{"traceID":"1","spanID":"","processID":"p1"}"#),
        Case(format: .jaegerJSON, defect: .zeroTraceID, span: #"{"traceID":"0000000000000000","spanID":"2","processID":"p1"}"#),
        Case(format: .jaegerJSON, defect: .zeroSpanID, span: #"{"traceID":"1","spanID":"0","processID":"p1"}"#),
        Case(format: .jaegerJSON, defect: .endBeforeStart, span: #"{"traceID":"1","spanID":"2","startTime":5,"duration":-3,"processID":"p1"}"#),
        Case(format: .zipkinJSON, defect: .missingTraceID, span: #"{"id":"2","timestamp":1,"duration":1}"#),
        Case(format: .zipkinJSON, defect: .missingSpanID, span: #"{"traceId":"1","name":"x"}"#),
        Case(format: .zipkinJSON, defect: .zeroTraceID, span: #"{"traceId":"0","id":"2"}"#),
        Case(format: .zipkinJSON, defect: .zeroSpanID, span: #"{"traceId":"1","id":"0000000000000000"}"#),
        Case(format: .zipkinJSON, defect: .endBeforeStart, span: #"{"traceId":"1","id":"2","timestamp":5,"duration":"-3"}"#),
    ]

    @Test(arguments: cases)
    func aDefectiveSpanIsLeftOutOrRepairedAndSaidWhere(_ testCase: Case) throws {
        let file = try TraceReader.read(testCase.text, source: "in.json")
        #expect(file.format == testCase.format)
        let noted = testCase.defect.isRepaired ? file.report.repaired : file.report.skipped
        #expect(noted == [TraceReadError(source: "in.json", location: .text(line: 3, column: 1),
                                         problem: .spanDefect(testCase.defect, strict: false))])
        #expect((testCase.defect.isRepaired ? file.report.skipped : file.report.repaired).isEmpty)
        #expect(file.report.count(of: testCase.defect) == 1)
        #expect(file.spans.count == (testCase.defect.isRepaired ? 2 : 1))
        #expect(file.report.spans == file.spans.count)
        if testCase.defect.isRepaired {
            #expect(file.spans[1].startTimeUnixNano == 5_000 || file.spans[1].startTimeUnixNano == 5)
            #expect(file.spans[1].endTimeUnixNano == file.spans[1].startTimeUnixNano)
        }
    }

    @Test(arguments: cases)
    func aStrictReadStopsThere(_ testCase: Case) throws {
        var options = ReadOptions()
        options.strict = true
        let error = try #require(throws: TraceReadError.self) { try TraceReader.read(testCase.text, source: "in.json", options: options) }
        #expect(error == TraceReadError(source: "in.json", location: .text(line: 3, column: 1), problem: .spanDefect(testCase.defect, strict: true)))
    }

    @Test func theWordingSaysWhatAndWhatWasDone() {
        let place = TraceReadError(source: "in.json", location: .text(line: 3, column: 1), problem: .spanDefect(.zeroSpanID, strict: false))
        #expect(place.description == "in.json:3:1: a span whose span id is all zeros (invalid in W3C and OTLP): left out")
        let repaired = TraceReadError(source: "in.json", location: .byteOffset(9), problem: .spanDefect(.endBeforeStart, strict: false))
        #expect(repaired.description == "in.json: at byte 9: a span that ends before it starts: read as ending when it starts (a duration of 0)")
        let strict = TraceReadError(source: "in.json", location: nil, problem: .spanDefect(.missingTraceID, strict: true))
        #expect(strict.description == "in.json: a span without a trace id, which --strict does not accept")
    }

    /// OTLP/protobuf: the defective span is the second of its scope; its place is the byte its field starts at.
    static let protobufCases: [(defect: SpanDefect, span: [UInt8])] = [
        (.missingTraceID, PB.bytes(2, [0, 0, 0, 0, 0, 0, 0, 2])),
        (.missingSpanID, PB.span(spanID: [])),
        (.zeroTraceID, PB.span(traceID: [UInt8](repeating: 0, count: 16), id: 2)),
        (.zeroSpanID, PB.span(spanID: [UInt8](repeating: 0, count: 8))),
        (.endBeforeStart, PB.span(id: 2, extra: PB.fixed64(7, 5) + PB.fixed64(8, 2))),
    ]

    @Test(arguments: protobufCases.indices)
    func aDefectiveProtobufSpanIsLeftOutOrRepairedAndSaidWhere(_ index: Int) throws {
        let (defect, span) = Self.protobufCases[index]
        let request = PB.request(spans: [PB.span(), span])
        let offset = request.count - span.count - PB.varint(UInt64(span.count)).count - 1
        let file = try request.withUnsafeBytes { buffer in try TraceReader.read(buffer, source: "in.binpb") }
        let noted = defect.isRepaired ? file.report.repaired : file.report.skipped
        #expect(noted == [TraceReadError(source: "in.binpb", location: .byteOffset(offset), problem: .spanDefect(defect, strict: false))])
        #expect(file.spans.count == (defect.isRepaired ? 2 : 1))
        if defect.isRepaired { #expect(file.spans[1].endTimeUnixNano == 5) }

        var options = ReadOptions()
        options.strict = true
        let error = try #require(throws: TraceReadError.self) {
            try request.withUnsafeBytes { buffer in try TraceReader.read(buffer, source: "in.binpb", options: options) }
        }
        #expect(error == TraceReadError(source: "in.binpb", location: .byteOffset(offset), problem: .spanDefect(defect, strict: true)))
    }

    @Test func theDefectsOfIDsComeInOneOrder() {
        let id = TraceID(high: 1, low: 2)
        #expect(SpanDefect.ofIDs(traceID: nil, spanID: nil) == .missingTraceID)
        #expect(SpanDefect.ofIDs(traceID: .zero, spanID: nil) == .zeroTraceID)
        #expect(SpanDefect.ofIDs(traceID: id, spanID: nil) == .missingSpanID)
        #expect(SpanDefect.ofIDs(traceID: id, spanID: SpanID(0)) == .zeroSpanID)
        #expect(SpanDefect.ofIDs(traceID: id, spanID: SpanID(3)) == nil)
    }

    @Test func jsonLinesInChunksSayTheLineOfTheWholeFile() throws {
        // Larger than a chunk: the chunks are read on several threads, and each says the lines of
        // the whole file, in order, the repaired apart from the left out.
        func line(_ spanID: String, start: Int, end: Int) -> String {
            #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":""#
                + spanID + #"","startTimeUnixNano":"\#(start)","endTimeUnixNano":"\#(end)"}]}]}]}"#
        }
        var lines = (1...20_000).map { line(String(format: "%016x", $0), start: 1, end: 2) }
        lines[14_999] = line("0102030405060708", start: 9, end: 1)
        lines[19_998] = line("0000000000000000", start: 1, end: 2)
        lines[1] = line("0102030405060709", start: 9, end: 8)
        let path = try temporaryFile("defects.jsonl", Data((lines.joined(separator: "\n") + "\n").utf8))
        let file = try TraceReader.read(contentsOf: path)
        #expect(file.report.repaired.map(\.location) == [2, 15_000].map { .text(line: $0, column: 44) })
        #expect(file.report.skipped.map(\.location) == [.text(line: 19_999, column: 44)])
        #expect(file.report.skipped.first?.spanDefect == .zeroSpanID)
        #expect(file.spans.count == 19_999)
    }
}
