import Foundation
import Testing
import TraceTestSupport

/// The `tracegraph` executable, run as a user runs it.
struct Tool {
    /// The executable beside this test bundle in the build folder.
    static let path: String = {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return String(bundle[..<bundle.lastIndex(of: "/")!]) + "/tracegraph"
    }()

    struct Result {
        var status: Int32
        var standardOutput: Data
        var standardError: String
    }

    /// Runs the tool (or a copy of it at `executable`) in `folder` with `arguments`.
    static func run(_ arguments: [String], in folder: String, environment: [String: String] = [:],
                    standardInput: String? = nil, executable: String = path) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Outputs go to files outside the folder, so that nothing can block and the folder holds only what the tool wrote.
        let capture = NSTemporaryDirectory() + "tracegraph-capture-" + UUID().uuidString
        _ = FileManager.default.createFile(atPath: capture + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: capture + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: capture + ".out")
            try? FileManager.default.removeItem(atPath: capture + ".err")
        }
        process.standardOutput = FileHandle(forWritingAtPath: capture + ".out")
        process.standardError = FileHandle(forWritingAtPath: capture + ".err")
        process.standardInput = standardInput.flatMap { FileHandle(forReadingAtPath: $0) } ?? FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let outputData = FileManager.default.contents(atPath: capture + ".out") ?? Data()
        let errorData = FileManager.default.contents(atPath: capture + ".err") ?? Data()
        return Result(status: process.terminationStatus, standardOutput: outputData,
                      standardError: String(decoding: errorData, as: UTF8.self))
    }
}

/// A fresh empty folder for one test.
func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "tracegraph-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct CommandLineTests {
    @Test func theExampleGoesToOutput() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["graph", "--example"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("read built-in example (otlp-json): 217 spans in 30 traces"))
        let svg = try String(contentsOfFile: folder + "/Output/service-graph.svg", encoding: .utf8)
        #expect(svg.contains(#"class="edge call""#))
        #expect(svg.contains(#"class="edge link""#))
        #expect(svg.contains("stroke-dasharray"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/Output") == ["service-graph.svg"])
    }

    @Test func dotGoesToStandardOutput() throws {
        let folder = try temporaryFolder()
        let input = Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl"
        let result = try Tool.run(["graph", input, "--format", "dot", "-o", "-"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        let dot = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(dot.hasPrefix("digraph services {"))
        #expect(dot.contains("\"svc_order-api\" -> topic_orders"))
        #expect(dot.contains("topic_orders -> \"svc_analytics-batch\""))
        #expect(result.standardError.contains("10 spans in 5 traces, 4 services, 4 links, 2 error spans"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func quietPrintsNothing() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["graph", "--example", "--quiet", "-o", "graph.svg"], in: folder)
        #expect(result.status == 0)
        #expect(result.standardError.isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder + "/graph.svg"))
    }

    @Test func severalInputsAreMergedAndRepeatsCountedOnce() throws {
        let folder = try temporaryFolder()
        let input = Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl"
        let result = try Tool.run(["graph", input, input, "-o", "graph.svg"], in: folder)
        #expect(result.status == 0)
        #expect(result.standardError.contains("read 2 inputs: 10 spans in 5 traces"))
        #expect(result.standardError.contains("10 duplicate spans counted once"))
    }

    static let badInputs: [(name: String, content: String?, status: Int32, message: String)] = [
        ("not-json.json", "hello, world", 65, "not-json.json:1:1: unexpected 'h': expected a value"),
        ("truncated.json", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","#,
         65, "truncated.json:1:90: the input ends too early"),
        ("no-ids.json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[\n  {\"name\":\"x\"}]}]}]}", 65,
         "no-ids.json:2:3: span has no traceId"),
        ("bad-id.json", #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"trace-123","spanId":"0102030405060708"}]}]}]}"#,
         65, #"bad-id.json:1:55: traceId "trace-123" is not an id of 16 bytes"#),
        ("empty.json", "", 65, "empty.json:1:1: the input is empty"),
        ("array.json", "[1, 2]", 65, "array.json:1:1: not a trace export this tool reads"),
        ("bad-line.jsonl", "{\"resourceSpans\":[]}\n{\"resourceSpans\":[}\n", 65, "bad-line.jsonl:2:19: unexpected '}'"),
        ("missing.json", nil, 66, "missing.json: cannot read the file: No such file or directory"),
    ]

    @Test(arguments: badInputs.indices)
    func badInputFailsWithItsPlaceAndWritesNothing(index: Int) throws {
        let bad = Self.badInputs[index]
        let folder = try temporaryFolder()
        if let content = bad.content {
            try content.write(toFile: folder + "/" + bad.name, atomically: true, encoding: .utf8)
        }
        // An earlier output stays as it was.
        try "earlier".write(toFile: folder + "/kept.svg", atomically: true, encoding: .utf8)
        let result = try Tool.run(["graph", bad.name, "-o", "kept.svg"], in: folder)
        let other = try Tool.run(["graph", bad.name, "-o", "Output/new.svg"], in: folder)
        #expect(result.status == bad.status)
        #expect(other.status == bad.status)
        #expect(result.standardError.contains("tracegraph: error: " + bad.message), "\(result.standardError)")
        #expect(try String(contentsOfFile: folder + "/kept.svg", encoding: .utf8) == "earlier")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(left == ([bad.name, "kept.svg"].filter { $0 != "missing.json" }).sorted())
    }

    @Test func anUnwritableOutputIsReported() throws {
        let folder = try temporaryFolder()
        try "x".write(toFile: folder + "/file", atomically: true, encoding: .utf8)
        let result = try Tool.run(["graph", "--example", "-o", "file/graph.svg"], in: folder)
        #expect(result.status == 73)
        #expect(result.standardError.contains("file/graph.svg: cannot write the output"))
    }

    @Test func missingGraphvizPluginsSayWhatToInstall() throws {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/no-plugins", withIntermediateDirectories: true)
        let result = try Tool.run(["graph", "--example", "-o", "graph.svg"], in: folder, environment: ["GVBINDIR": folder + "/no-plugins"])
        #expect(result.status == 70)
        #expect(result.standardError.contains(#"Graphviz has no layout plugin "dot""#))
        #expect(result.standardError.contains("apt-get install libgraphviz-dev"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/graph.svg"))
    }

    @Test func anUnknownFormatIsAUsageError() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["graph", "--example", "--format", "gif"], in: folder)
        #expect(result.status == 64)
        #expect(result.standardError.contains("gif"))
    }

    @Test func exampleCommandPrintsTheBuiltInExport() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["example"], in: folder)
        #expect(result.status == 0)
        let json = try JSONSerialization.jsonObject(with: result.standardOutput) as? [String: Any]
        #expect((json?["resourceSpans"] as? [Any])?.count == 10)
    }
}
