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

/// Files that are something else, named as such; JSON that a bad byte must not turn into protobuf.
@Suite struct ForeignFileTests {
    static let samples: [(bytes: [UInt8], kind: String)] = [
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "a PNG image"),
        (Array("%PDF-1.7\n%âãÏÓ\n".utf8), "a PDF document"),
        ([0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0], "a ZIP archive"),
        (Array("\n  <!DOCTYPE html><html><body>502 Bad Gateway</body></html>".utf8), "an HTML page"),
        (Array("<html><head><title>Sign in</title></head></html>".utf8), "an HTML page"),
    ]

    @Test(arguments: samples.indices)
    func aFileOfAnotherKindIsNamedAsSuch(sample: Int) throws {
        let (bytes, kind) = Self.samples[sample]
        for read in [
            { try bytes.withUnsafeBytes { try TraceReader.read($0, source: "export.json") } },
            { try TraceReader.read(contentsOf: try temporaryFile("export.json", Data(bytes))) },
        ] {
            #expect {
                _ = try read()
            } throws: { error in
                (error as? TraceReadError)?.problem == .notATraceExport(looksLike: kind)
            }
        }
    }

    @Test func oneControlByteNearTheStartOfJSONIsAJSONErrorWhereItIs() throws {
        let text = "{\"resourceSpans\": [\u{01}]}"
        #expect {
            _ = try TraceReader.read(text, source: "export.json")
        } throws: { error in
            guard let error = error as? TraceReadError else { return false }
            return error.location == .text(line: 1, column: 20) && error.description.contains("export.json:1:20")
        }
    }
}
