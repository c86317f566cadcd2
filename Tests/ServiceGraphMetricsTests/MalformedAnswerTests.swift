import Testing
@testable import ServiceGraphMetrics

/// Prometheus API answers that are cut short, not JSON, or JSON of the wrong shape: each is an
/// error that names the input, the line and the column, and says what is wrong; none is a crash.
@Suite struct MalformedAnswerTests {
    struct Malformed: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var line: Int
        var column: Int
        /// The end of the error's description, after `answer.json:LINE:COLUMN: `.
        var message: String
        var testDescription: String { name }

        init(_ name: String, _ json: String, line: Int = 1, column: Int, _ message: String) {
            self.init(name, Array(json.utf8), line: line, column: column, message)
        }

        init(_ name: String, _ bytes: [UInt8], line: Int = 1, column: Int, _ message: String) {
            self.name = name
            self.bytes = bytes
            self.line = line
            self.column = column
            self.message = message
        }
    }

    /// An answer of one series whose `value` is `sample`.
    static func answer(value sample: String) -> String {
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":"
            + "\"traces_service_graph_request_total\",\"client\":\"a\",\"server\":\"b\"},\"value\":\(sample)}]}}"
    }

    static let notAnAnswer = "not a Prometheus HTTP API answer: "

    static let malformed: [Malformed] = [
        Malformed("empty", "", column: 1, notAnAnswer + "the input ends too early: expected an object (is the file truncated?)"),
        Malformed("cut in a string", "{\"status\":\"succ", column: 16,
                  notAnAnswer + "the input ends too early: expected '\"' to close the string (is the file truncated?)"),
        Malformed("cut in a sample", String(answer(value: "[1,\"5\"]").prefix(157)), column: 158,
                  notAnAnswer + "the input ends too early: expected a value (is the file truncated?)"),
        Malformed("cut after the series", String(answer(value: "[1,\"5\"]").dropLast(3)), column: 163,
                  notAnAnswer + "the input ends too early: expected ',' or ']' (is the file truncated?)"),
        Malformed("status a number", "{\"status\":200,\"data\":{}}", column: 11, notAnAnswer + "expected a string, found a number"),
        Malformed("result an object", "{\"status\":\"success\",\n  \"data\":{\"resultType\":\"vector\",\"result\":{}}}", line: 2, column: 42,
                  notAnAnswer + "expected an array, found an object"),
        Malformed("a series an array", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[[]]}}", column: 61,
                  notAnAnswer + "expected a series object {\"metric\": …}, found an array"),
        Malformed("a label value a number", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":1}}]}}",
                  column: 83, notAnAnswer + "expected a string, found a number"),
        Malformed("the time a string", answer(value: "[\"1\",\"5\"]"), column: 156, notAnAnswer + "expected a number, found a string"),
        Malformed("the value a word", answer(value: "[1,\"many\"]"), column: 158, notAnAnswer + "the sample value \"many\" is not a number"),
        Malformed("a sample of three", answer(value: "[1,\"5\",\"6\"]"), column: 155, notAnAnswer + "a sample is [time, \"value\"], two elements"),
        Malformed("a bad number", answer(value: "[1.,\"5\"]"), column: 156, notAnAnswer + "not a valid JSON number"),
        Malformed("a bad escape", "{\"status\":\"succ\\ess\"}", column: 16, notAnAnswer + "invalid escape sequence in a string"),
        Malformed("a raw line break in a string", "{\"status\":\"succ\ness\"}", column: 16,
                  notAnAnswer + "a control character in a string must be escaped"),
        Malformed("a missing comma", "{\"status\":\"success\" \"data\":{}}", column: 21, notAnAnswer + "unexpected '\"': expected ',' or '}'"),
        Malformed("something after the answer", "{\"status\":\"success\",\"data\":{}} {}", column: 32, notAnAnswer + "something follows the answer"),
        Malformed("nested too deep", answer(value: String(repeating: "[", count: 300)), column: 215,
                  "arrays and objects nest more than 64 deep"),
        Malformed("invalid UTF-8 between members", Array("{\"status\":\"succès\",".utf8) + [0xFF] + Array("\"data\":{}}".utf8), column: 20,
                  notAnAnswer + "unexpected byte 0xFF: expected a member name in double quotes"),
        Malformed("invalid UTF-8 as a value", Array("{\"status\":".utf8) + [0xC3, 0x28] + Array("}".utf8), column: 11,
                  notAnAnswer + "unexpected byte 0xC3: expected a value"),
    ]

    @Test(arguments: malformed)
    func aMalformedAnswerIsAnErrorAtItsLineAndColumn(_ bad: Malformed) throws {
        let error = try #require(Self.error(reading: bad.bytes))
        #expect((error.line, error.column) == (bad.line, bad.column))
        #expect(error.description == "answer.json:\(bad.line):\(bad.column): \(bad.message)")
    }

    @Test func invalidUTF8InALabelIsReadAsReplacementCharacters() throws {
        let bytes = Array("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":".utf8)
            + Array("\"traces_service_graph_request_total\",\"client\":\"a".utf8) + [0xFF, 0xC3]
            + Array("\",\"server\":\"b\"},\"value\":[1,\"5\"]}]}}".utf8)
        let graph = try Self.read(bytes, options: MetricsReadOptions()).get().graph()
        #expect(MetricsFixtures.edge(graph, "a\u{FFFD}\u{FFFD}", "b")?.calls == 5)
    }

    @Test(arguments: [(1, 1), (64, 64), (1_000, 256)])
    func theNestingLimitIsTheOptionsWithinTheScanners(_ limits: (option: Int, applied: Int)) throws {
        var options = MetricsReadOptions()
        options.maximumNesting = limits.option
        // The answer's object, its data, the result array, the series and its value: five deep.
        let fits = Self.error(reading: Array(Self.answer(value: "[1,\"5\"]").utf8), options: options)
        #expect((fits == nil) == (limits.applied >= 5))
        let deep = "{\"x\":" + String(repeating: "[", count: 1_000)
        let refused = try #require(Self.error(reading: Array(deep.utf8), options: options))
        #expect(refused.problem == .nestingTooDeep(limit: limits.applied))
        // At the first bracket past the limit, the answer's object being the first container.
        #expect((refused.line, refused.column) == (1, 5 + limits.applied))
    }

    private static func error(reading bytes: [UInt8], options: MetricsReadOptions = MetricsReadOptions()) -> MetricsReadError? {
        guard case .failure(let error) = read(bytes, options: options) else { return nil }
        return error
    }

    private static func read(_ bytes: [UInt8], options: MetricsReadOptions) -> Result<MetricsGraph, MetricsReadError> {
        bytes.withUnsafeBytes { buffer in
            Result { () throws(MetricsReadError) in
                try MetricsReader.read(buffer, source: "answer.json", format: .prometheusJSON, options: options)
            }
        }
    }
}
