import Foundation
import Testing
import TraceModel
import TraceReaders
import TraceTestSupport

/// Formats told from content, for every real file and for the envelopes query APIs wrap exports in.
@Suite struct FormatDetectionTests {
    static let folders: [(folder: String, format: TraceInputFormat)] = [
        ("otlp-json", .otlpJSON), ("otlp-jsonl", .otlpJSON), ("tempo", .otlpJSON),
        ("jaeger", .jaegerJSON), ("zipkin", .zipkinJSON), ("otlp-proto", .otlpProtobuf),
    ]

    @Test(arguments: folders.map(\.folder))
    func everyCorpusFileIsReadAsItsFormat(folder: String) throws {
        let expected = Self.folders.first { $0.folder == folder }!.format
        let files = try TraceReader.expand([Corpus.folder + "/" + folder])
        #expect(!files.isEmpty)
        for path in files {
            let file = try TraceReader.read(contentsOf: path)
            #expect(file.format == expected, "\(path)")
            #expect(!file.spans.isEmpty, "\(path)")
        }
    }

    static let request = #"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},"scopeSpans":[{"spans":[{"traceId":"AQIDBAUGBwgJCgsMDQ4PEA==","spanId":"AQIDBAUGBwg=","name":"GET"}]}]}]}"#

    @Test(arguments: [
        request,
        #"{"trace": \#(request)}"#,
        #"{"result": \#(request)}"#,
        #"{"data": \#(request)}"#,
        #"{"batches":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},"instrumentationLibrarySpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","name":"GET"}]}]}]}"#,
    ])
    func otlpInItsEnvelopesAndWithBase64IDs(json: String) throws {
        let file = try TraceReader.read(json, source: "envelope.json")
        #expect(file.format == .otlpJSON)
        #expect(file.spans.map(\.traceID) == [TraceID(hex: "0102030405060708090a0b0c0d0e0f10")!])
        #expect(file.spans.map(\.spanID) == [SpanID(hex: "0102030405060708")!])
        #expect(file.spans.map(\.serviceName) == ["api"])
    }

    @Test func jaegerAndZipkinShapes() throws {
        let jaegerTrace = #"{"traceID":"0000000000000001","spans":[{"traceID":"0000000000000001","spanID":"0000000000000002","operationName":"op","references":[],"startTime":1,"duration":2,"processID":"p1"}],"processes":{"p1":{"serviceName":"svc","tags":[]}}}"#
        for json in [jaegerTrace, #"{"data":[\#(jaegerTrace)],"total":0}"#, #"{"data":\#(jaegerTrace)}"#, "[\(jaegerTrace)]"] {
            let file = try TraceReader.read(json, source: "jaeger.json")
            #expect(file.format == .jaegerJSON, "\(json)")
            #expect(file.spans.map(\.serviceName) == ["svc"])
        }
        let zipkinSpan = #"{"traceId":"0000000000000001","id":"0000000000000002","name":"get","localEndpoint":{"serviceName":"web"}}"#
        for json in ["[\(zipkinSpan)]", "[[\(zipkinSpan)]]"] {
            let file = try TraceReader.read(json, source: "zipkin.json")
            #expect(file.format == .zipkinJSON)
            #expect(file.spans.map(\.serviceName) == ["web"])
        }
        #expect(try TraceReader.read("[]", source: "empty.json").spans.isEmpty)
    }

    @Test func aForcedFormatIsReadAsThatFormat() throws {
        let error = try #require(throws: TraceReadError.self) {
            try TraceReader.read(contentsOf: Corpus.folder + "/otlp-json/otel-proto__trace.json", options: ReadOptions(format: .zipkinJSON))
        }
        #expect(error.source.hasSuffix("otel-proto__trace.json"))
    }
}
