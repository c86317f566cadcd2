import Foundation
import Testing
@testable import TraceReaders
import TraceModel
import TraceTestSupport

/// A large Jaeger or Zipkin document read in parts on every core (`DocumentParts`) reads as it does
/// whole: the same spans in the same order, the same spans left out or repaired, the same first
/// error at the same line and column, under `--keep-going` and `--strict` too; cut at every
/// element, at places that only look like an element's start, and at random sizes.
@Suite struct DocumentPartsTests {
    /// What reading gave: the spans and the report, or the error.
    enum Read: Equatable {
        case spans([Span], InputReport)
        case failure(TraceReadError)
    }

    /// The bytes read whole, as a document is read when it is not read in parts.
    static func readWhole(_ bytes: [UInt8], format: TraceInputFormat, options: ReadOptions) -> Read {
        let context = ReadContext(source: "test", format: format, isCompressed: false, options: options)
        return bytes.withUnsafeBytes { buffer in
            do throws(TraceReadError) {
                var list = SpanList()
                let report = try context.readDocument(buffer, into: &list)
                return .spans(list.spans, report)
            } catch {
                return .failure(error)
            }
        }
    }

    /// The bytes read as a large input is: in parts of about `partSize` bytes, or whole when the
    /// parts decline (as `TraceReader` then reads it); `parts` says whether they did not.
    static func readInParts(_ bytes: [UInt8], format: TraceInputFormat, options: ReadOptions, partSize: Int) -> (read: Read, parts: Bool) {
        let context = ReadContext(source: "test", format: format, isCompressed: false, options: options)
        let input = InputBytes(bytes)
        var spans: [Span] = []
        do throws(TraceReadError) {
            guard let report = try TraceReader.readDocumentInParts(input, context: context, partSize: partSize,
                                                                    makeSink: { SpanList() }, take: { spans += $0.spans })
            else { return (readWhole(bytes, format: format, options: options), false) }
            return (.spans(spans, report), true)
        } catch {
            return (.failure(error), true)
        }
    }

    static func corpusFiles(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Corpus.folder + "/" + folder)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted().map { folder + "/" + $0 }
    }

    static func bytes(ofFile file: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Corpus.folder + "/" + file)))
    }

    /// Every trace of the Jaeger corpus in one document, `{"data": [...]}`, compact or pretty-printed.
    static func jaegerCorpusDocument(pretty: Bool) throws -> [UInt8] {
        var traces: [Any] = []
        for file in corpusFiles("jaeger") {
            let document = try JSONSerialization.jsonObject(with: Data(try bytes(ofFile: file)))
            if let envelope = document as? [String: Any], let data = envelope["data"] as? [Any] {
                traces += data
            } else if let list = document as? [Any] {
                traces += list
            } else {
                traces.append(document)
            }
        }
        let options: JSONSerialization.WritingOptions = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
        return Array(try JSONSerialization.data(withJSONObject: ["data": traces, "total": traces.count], options: options))
    }

    /// Every span of the Zipkin corpus in one array, the files' own text joined.
    static func zipkinCorpusDocument() throws -> [UInt8] {
        var parts: [String] = []
        for file in corpusFiles("zipkin") {
            var text = String(decoding: try bytes(ofFile: file), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            text.removeFirst()
            text.removeLast()
            if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { parts.append(text) }
        }
        return Array(("[" + parts.joined(separator: ",\n") + "]\n").utf8)
    }

    static let formats: [(String, TraceInputFormat)] = [("jaeger", .jaegerJSON), ("zipkin", .zipkinJSON)]

    static let optionSets: [ReadOptions] = {
        var keepGoing = ReadOptions(keepGoing: true)
        keepGoing.detail = .full
        var strict = ReadOptions()
        strict.strict = true
        var graph = ReadOptions()
        graph.detail = ReadDetail(names: false, linkingSpanNames: true, events: false, linkAttributes: true, scopes: false,
                                  spanAttributeKeys: ["peer.service", "db.system", "server.address"], resourceAttributeKeys: [])
        return [ReadOptions(), keepGoing, strict, graph]
    }()

    @Test(arguments: corpusFiles("jaeger").map { ($0, TraceInputFormat.jaegerJSON) } + corpusFiles("zipkin").map { ($0, TraceInputFormat.zipkinJSON) })
    func aCorpusFileCutAtEveryElementReadsAsItDoesWhole(file: String, format: TraceInputFormat) throws {
        let bytes = try Self.bytes(ofFile: file)
        for options in Self.optionSets {
            let whole = Self.readWhole(bytes, format: format, options: options)
            let (parts, _) = Self.readInParts(bytes, format: format, options: options, partSize: 1)
            #expect(parts == whole, "\(file)")
        }
    }

    @Test(arguments: [("jaeger compact", 0), ("jaeger pretty-printed", 1), ("zipkin", 2)])
    func theCorpusInOneDocumentCutAtEveryElementReadsAsItDoesWhole(name: String, which: Int) throws {
        let bytes = switch which {
        case 0: try Self.jaegerCorpusDocument(pretty: false)
        case 1: try Self.jaegerCorpusDocument(pretty: true)
        default: try Self.zipkinCorpusDocument()
        }
        let format: TraceInputFormat = which == 2 ? .zipkinJSON : .jaegerJSON
        for options in Self.optionSets {
            let whole = Self.readWhole(bytes, format: format, options: options)
            guard case .spans(let spans, _) = whole else {
                Issue.record("\(name) does not read whole")
                continue
            }
            #expect(spans.count > 50)
            for partSize in [1, 64, 1000, 5000] {
                let (parts, inParts) = Self.readInParts(bytes, format: format, options: options, partSize: partSize)
                #expect(inParts)
                #expect(parts == whole, "\(name), parts of \(partSize) bytes")
            }
        }
    }

    /// Generated exports, with several documents one after the other (JSON lines) for Zipkin.
    @Test(arguments: formats)
    func generatedExportsReadInPartsAsWhole(name: String, format: TraceInputFormat) throws {
        let bytes = try Self.generated(format: name, traces: 150)
        var random = SplitMix64(seed: 11)
        for options in Self.optionSets {
            let whole = Self.readWhole(bytes, format: format, options: options)
            for _ in 0..<4 {
                let partSize = Int.random(in: 1...20_000, using: &random)
                let (parts, inParts) = Self.readInParts(bytes, format: format, options: options, partSize: partSize)
                #expect(inParts)
                #expect(parts == whole, "\(name), parts of \(partSize) bytes")
            }
        }
        if format == .zipkinJSON {
            // Three documents as JSON lines: the first read in parts, the others after it.
            let lines = bytes + [0x0A] + bytes + [0x0A] + bytes
            let whole = Self.readWhole(lines, format: format, options: ReadOptions())
            #expect(Self.readInParts(lines, format: format, options: ReadOptions(), partSize: 3000).read == whole)
        }
    }

    /// Places that look like the start of an array element (after `},` or `],`) and read as one, but
    /// are inside an element: parts cut there are found out and read again from the right place.
    @Test(arguments: formats)
    func aCutInsideAnElementIsFoundOut(name: String, format: TraceInputFormat) throws {
        var elements: [String] = []
        for index in 1...40 {
            let id = String(format: "%016x", index)
            if format == .jaegerJSON {
                // An unknown member of a trace holding trace-like objects, skipped when read whole.
                elements.append(#"{"traceID":"\#(id)","spans":[{"traceID":"\#(id)","spanID":"\#(id)","startTime":1,"duration":2,"processID":"p1"}],"#
                    + #""extra":[{"spans":[]},{"spans":[{"traceID":"\#(id)","spanID":"00000000000000ff","processID":"p1"}]}],"#
                    + #""processes":{"p1":{"serviceName":"svc\#(index % 3)","tags":[]}}}"#)
            } else {
                // An unknown member of a span holding span-like objects.
                elements.append(#"{"traceId":"\#(id)","id":"\#(id)","extra":[{"traceId":"1","id":"2"},{"traceId":"1","id":"3"}],"#
                    + #""localEndpoint":{"serviceName":"svc\#(index % 3)"},"kind":"SERVER"}"#)
            }
        }
        let text = format == .jaegerJSON ? #"{"data":["# + elements.joined(separator: ",") + "]}" : "[" + elements.joined(separator: ",") + "]"
        let bytes = Array(text.utf8)
        let whole = Self.readWhole(bytes, format: format, options: ReadOptions())
        guard case .spans(let spans, _) = whole else {
            Issue.record("the document does not read whole")
            return
        }
        #expect(spans.count == 40)
        for partSize in [1, 30, 100, 250] {
            #expect(Self.readInParts(bytes, format: format, options: ReadOptions(), partSize: partSize).read == whole, "parts of \(partSize)")
        }
    }

    /// Traces longer than an element is read on trial, cut between: taken to be elements as far
    /// as they read, and checked by the part before.
    @Test func tracesLongerThanATrialAreCutBetween() throws {
        var traces: [String] = []
        for trace in 1...4 {
            let traceID = String(format: "%032x", trace)
            let spans = (1...400).map { span in
                #"{"traceID":"\#(traceID)","spanID":"\#(String(format: "%016x", span))","operationName":"op \#(span)","references":[],"#
                    + #""startTime":\#(1000 + span),"duration":10,"tags":[{"key":"span.kind","type":"string","value":"server"}],"processID":"p1"}"#
            }
            traces.append(#"{"traceID":"\#(traceID)","spans":["# + spans.joined(separator: ",") + #"],"processes":{"p1":{"serviceName":"svc\#(trace)"}}}"#)
        }
        let bytes = Array((#"{"data":["# + traces.joined(separator: ",") + "]}").utf8)
        #expect(bytes.count > 4 * DocumentParts.trialLength)
        let whole = Self.readWhole(bytes, format: .jaegerJSON, options: ReadOptions())
        for partSize in [1, 70_000] {
            let (parts, inParts) = Self.readInParts(bytes, format: .jaegerJSON, options: ReadOptions(), partSize: partSize)
            #expect(inParts)
            #expect(parts == whole, "parts of \(partSize)")
        }
    }

    /// A byte changed at random: whole and in parts, the same spans, or the same error at the same line
    /// and column; under keep-going the same spans and the same parts skipped.
    @Test(arguments: formats)
    func aChangedByteReadsTheSameInPartsAsWhole(name: String, format: TraceInputFormat) throws {
        let original = format == .jaegerJSON ? try Self.jaegerCorpusDocument(pretty: true) : try Self.zipkinCorpusDocument()
        let replacements = Array("x\"}],{[0-: \n\\".utf8)
        var random = SplitMix64(seed: format == .jaegerJSON ? 3 : 5)
        var failures = 0
        for trial in 0..<60 {
            var bytes = original
            let offset = Int.random(in: 0..<bytes.count, using: &random)
            bytes[offset] = replacements.randomElement(using: &random)!
            let options = Self.optionSets[trial % Self.optionSets.count]
            let whole = Self.readWhole(bytes, format: format, options: options)
            if case .failure = whole { failures += 1 }
            let partSize = Int.random(in: 1...4000, using: &random)
            let (parts, _) = Self.readInParts(bytes, format: format, options: options, partSize: partSize)
            #expect(parts == whole, "byte \(offset) changed, parts of \(partSize) bytes, keep going: \(options.keepGoing)")
        }
        #expect(failures > 5)
    }

    /// Service names that are equal as `String`s but not as bytes (é composed, and e with a combining
    /// acute) take the resource of the first read in the document, as one reader gives them, whichever
    /// part they are in; a nameless span, or an id read twice, makes the parts keep their records
    /// until the whole document is read, and settles them across it.
    @Test(arguments: [false, true])
    func serviceNamesAndIDsAreSettledAcrossTheParts(withSharedIDs: Bool) throws {
        var spans: [String] = []
        for index in 1...60 {
            let name = index <= 20 ? "caf\u{E9}" : "cafe\u{301}"
            let id = withSharedIDs && index.isMultiple(of: 7) ? "0000000000000007" : String(format: "%016x", index)
            let endpoint = index.isMultiple(of: 11) ? "" : #","localEndpoint":{"serviceName":"\#(name)"}"#
            spans.append(#"{"traceId":"00000000000000000000000000000001","id":"\#(id)","kind":"SERVER","parentId":"\#(String(format: "%016x", index - 1))"\#(endpoint)}"#)
        }
        let bytes = Array(("[" + spans.joined(separator: ",") + "]").utf8)
        let whole = Self.readWhole(bytes, format: .zipkinJSON, options: ReadOptions())
        guard case .spans(let read, _) = whole else {
            Issue.record("the document does not read whole")
            return
        }
        #expect(!read.contains { $0.resource.serviceName.utf8.count == 6 })
        for partSize in [1, 200, 900] {
            #expect(Self.readInParts(bytes, format: .zipkinJSON, options: ReadOptions(), partSize: partSize).read == whole, "parts of \(partSize)")
        }
        let named = Array(("[" + spans.enumerated().filter { !($0.offset + 1).isMultiple(of: 11) }.map(\.element).joined(separator: ",") + "]").utf8)
        let wholeNamed = Self.readWhole(named, format: .zipkinJSON, options: ReadOptions())
        #expect(Self.readInParts(named, format: .zipkinJSON, options: ReadOptions(), partSize: 300).read == wholeNamed)
    }

    /// A document smaller than two parts, or not of an array's shape, is read whole.
    @Test func smallOrOtherDocumentsAreNotReadInParts() throws {
        let zipkin = Array(#"[{"traceId":"1","id":"1"},{"traceId":"1","id":"2"}]"#.utf8)
        #expect(!Self.readInParts(zipkin, format: .zipkinJSON, options: ReadOptions(), partSize: zipkin.count).parts)
        #expect(Self.readInParts(zipkin, format: .zipkinJSON, options: ReadOptions(), partSize: 1).parts)
        let bareTrace = Array(#"{"traceID":"1","spans":[{"traceID":"1","spanID":"1"}]}"#.utf8)
        #expect(!Self.readInParts(bareTrace, format: .jaegerJSON, options: ReadOptions(), partSize: 1).parts)
        let dataLater = Array(#"{"total":1,"data":[{"traceID":"1","spans":[]}]}"#.utf8)
        #expect(!Self.readInParts(dataLater, format: .jaegerJSON, options: ReadOptions(), partSize: 1).parts)
    }

    /// `traces` request traces from `../shared/bench/gen_traces.py`, generated once per format.
    static func generated(format: String, traces: Int) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Corpus.benchFolder + "/gen_traces.py", "--traces", String(traces), "--format", format, "--seed", "3"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}
