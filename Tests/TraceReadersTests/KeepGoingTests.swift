import Foundation
import Testing
@testable import TraceReaders
import TraceModel
import TraceTestSupport

/// `--keep-going` understands the layout it is in: in JSON lines a bad line costs that line; in a
/// pretty-printed document a bad byte costs the span that holds it, not the export.
@Suite struct KeepGoingTests {
    /// Pretty-printed real exports, and a key that each span of the format has once.
    static let prettyExports = [
        ("otlp-json/jaeger-pr9263__hotrod_n_plus_one_full_concurrent.json", "\"startTimeUnixNano\""),
        ("jaeger/jaeger-ui__genaiTestTrace.json", "\"operationName\""),
        ("zipkin/zipkin-lens__smartthings-oauth-authorization.json", "\"traceId\""),
        ("zipkin/zipkin-lens__messaging-kafka.json", "\"traceId\""),
    ]

    /// Where the occurrences of `key` start in `data`.
    static func offsets(of key: String, in data: Data) -> [Int] {
        let needle = Data(key.utf8)
        var found: [Int] = []
        var range = data.startIndex..<data.endIndex
        while let hit = data.range(of: needle, in: range) {
            found.append(hit.lowerBound)
            range = hit.upperBound..<data.endIndex
        }
        return found
    }

    static func line(of offset: Int, in data: Data) -> Int {
        data.prefix(offset).reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    @Test(arguments: prettyExports)
    func aBadByteInAPrettyPrintedExportCostsTheSpanThatHoldsIt(file: String, key: String) throws {
        let path = Corpus.folder + "/" + file
        let original = try TraceReader.read(contentsOf: path)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        let spanKeys = Self.offsets(of: key, in: data)
        #expect(spanKeys.count == original.spans.count)
        let broken = spanKeys[spanKeys.count / 2]
        data[broken] = 0x01
        let copy = try temporaryFile((file as NSString).lastPathComponent, data)
        #expect(throws: TraceReadError.self) { try TraceReader.read(contentsOf: copy) }

        let kept = try TraceReader.read(contentsOf: copy, options: ReadOptions(keepGoing: true))
        #expect(kept.report.skipped.count == 1, "\(kept.report.skipped)")
        #expect(kept.report.skipped.first?.location == .text(line: Self.line(of: broken, in: data), column: Self.column(of: broken, in: data)))
        #expect(kept.report.layout == .document)
        // Every span but the broken one, as it was.
        #expect(kept.spans.count == original.spans.count - 1)
        var left = original.spans
        left.remove(at: spanKeys.count / 2)
        #expect(kept.spans == left)
    }

    static func column(of offset: Int, in data: Data) -> Int {
        let lineStart = data.prefix(offset).lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        return String(decoding: data[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1
    }

    @Test func aTruncatedPrettyPrintedExportKeepsItsWholeSpans() throws {
        let (file, key) = Self.prettyExports[0]
        let path = Corpus.folder + "/" + file
        let original = try TraceReader.read(contentsOf: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let spanKeys = Self.offsets(of: key, in: data)
        let cut = try temporaryFile("cut.json", data.prefix(spanKeys[25]))
        let error = #expect(throws: TraceReadError.self) { try TraceReader.read(contentsOf: cut) }
        #expect(error?.problem == .unexpectedEnd(expected: "a member name in double quotes"), "\(String(describing: error))")

        let kept = try TraceReader.read(contentsOf: cut, options: ReadOptions(keepGoing: true))
        #expect(kept.report.skipped.count == 1)
        #expect(kept.spans == Array(original.spans.prefix(25)))
    }

    @Test func aBadByteOutsideTheSpansCostsTheirBatch() throws {
        // Two resources; the service name of the first is broken: its spans are left out, not the second's.
        func resource(_ service: String, _ spans: ClosedRange<Int>) -> String {
            let list = spans.map { index in
                """
                      {
                        "traceId": "\(String(format: "%032x", index))",
                        "spanId": "\(String(format: "%016x", index))",
                        "name": "op \(index)",
                        "startTimeUnixNano": "1000",
                        "endTimeUnixNano": "2000"
                      }
                """
            }
            return """
              {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "\(service)"}}]},
                "scopeSpans": [{"spans": [
            \(list.joined(separator: ",\n"))
                ]}]
              }
            """
        }
        let text = "{\"resourceSpans\": [\n" + resource("\u{1}broken", 1...3) + ",\n" + resource("kept", 4...5) + "\n]}\n"
        let kept = try TraceReader.read(text, source: "two.json", options: ReadOptions(keepGoing: true))
        #expect(kept.spans.map(\.name) == ["op 4", "op 5"])
        #expect(kept.spans.allSatisfy { $0.resource.serviceName == "kept" })
        #expect(kept.report.skipped.map(\.location) == [.text(line: 3, column: 83)])
    }

    @Test func aSpanLeftOutBeforeTheBrokenOneIsNamedOnceThoughTheDocumentIsReadTwice() throws {
        let text = """
            {"resourceSpans": [{"scopeSpans": [{"spans": [
              {"traceId": "00000000000000000000000000000000", "spanId": "0000000000000001", "startTimeUnixNano": "1", "endTimeUnixNano": "2"},
              {"traceId": "00000000000000000000000000000001", "spanId": \u{1}, "startTimeUnixNano": "1", "endTimeUnixNano": "2"},
              {"traceId": "00000000000000000000000000000001", "spanId": "0000000000000003", "startTimeUnixNano": "1", "endTimeUnixNano": "2"}
            ]}]}]}
            """
        let kept = try TraceReader.read(text, source: "pretty.json", options: ReadOptions(keepGoing: true))
        #expect(kept.spans.map(\.spanID) == [SpanID(3)])
        #expect(kept.report.skipped.map(\.location) == [.text(line: 2, column: 3), .text(line: 3, column: 61)], "\(kept.report.skipped)")
    }

    @Test func inJSONLinesABadLineCostsThatLineOnly() throws {
        let good = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"00000000000000000000000000000001","spanId":"0000000000000001","name":"a","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#
        let text = good + "\n" + #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"x"}]}]}]}"# + "\n" + good.replacingOccurrences(of: "01\"", with: "02\"") + "\n"
        let kept = try TraceReader.read(text, source: "lines.jsonl", options: ReadOptions(keepGoing: true))
        #expect(kept.spans.count == 2)
        #expect(kept.report.layout == .jsonLines)
        #expect(kept.report.skipped.map(\.location) == [.text(line: 2, column: 55)])
    }

    @Test func aDocumentBrokenBeyondRepairIsLeftOutAndTheNextOneRead() throws {
        // More broken spans than are repaired one by one: the rest of that document is left out.
        let spans = (1...(JSONRecovery.maximumRepairs + 5)).map { index in
            "      {\"traceId\": \"\(String(format: "%032x", index))\", \"spanId\": \u{1}, \"startTimeUnixNano\": \"1\"}"
        }
        let text = "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [\n" + spans.joined(separator: ",\n") + "\n]}]}]}\n"
        let kept = try TraceReader.read(text, source: "bad.json", options: ReadOptions(keepGoing: true))
        #expect(kept.spans.isEmpty)
        #expect(kept.report.skipped.count == JSONRecovery.maximumRepairs + 1)
    }
}
