import Foundation
import Testing
import TraceTestSupport

/// With no input named, tracegraph reads standard input, as `dot` and `jq` do; on a terminal it
/// says how to use it instead. The built-in example only comes with `--example`.
@Suite struct StandardInputTests {
    /// Runs a shell command line in `folder`; its status, standard output and standard error.
    static func shell(_ command: String, in folder: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardInput = FileHandle.nullDevice
        let capture = folder + "/../" + UUID().uuidString + ".out"
        _ = FileManager.default.createFile(atPath: capture, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: capture) }
        process.standardOutput = FileHandle(forWritingAtPath: capture)
        process.standardError = process.standardOutput
        try process.run()
        process.waitUntilExit()
        let output = FileManager.default.contents(atPath: capture) ?? Data()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    static func quoted(_ argument: String) -> String { "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }

    /// util-linux's `script` runs a command on a pseudo-terminal: standard input and output are a terminal.
    static let script = "/usr/bin/script"

    static func onATerminal(_ arguments: [String], in folder: String) throws -> (status: Int32, output: String) {
        let command = ([Tool.path] + arguments).map(quoted).joined(separator: " ")
        return try shell("\(script) -qec \(quoted(command)) /dev/null", in: folder)
    }

    @Test func pipedDataIsReadWithNoInputNamed() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["graph", "-o", "graph.svg"], in: folder,
                                  standardInput: Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl")
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("read - (otlp-json (JSON lines)): 10 spans in 5 traces"), "\(result.standardError)")
        let svg = try String(contentsOfFile: folder + "/graph.svg", encoding: .utf8)
        #expect(svg.contains("analytics"))
        #expect(!svg.contains("storefront"), "not the built-in example")
    }

    @Test(arguments: ["graph", "report", "inspect"])
    func throughARealPipe(command: String) throws {
        let folder = try temporaryFolder()
        let tool = Self.quoted(Tool.path)
        let output = { (name: String) in command == "inspect" ? "" : " -o " + name }
        let implicit = try Self.shell("\(tool) example | \(tool) \(command)\(output("out")) --quiet", in: folder)
        #expect(implicit.status == 0, "\(implicit.output)")
        let named = try Self.shell("\(tool) example | \(tool) \(command) -\(output("out2")) --quiet", in: folder)
        #expect(named.status == 0, "\(named.output)")
        if command == "inspect" {
            #expect(implicit.output.contains("traces: 30"))
            #expect(implicit.output == named.output)
        } else {
            #expect(FileManager.default.contents(atPath: folder + "/out") == FileManager.default.contents(atPath: folder + "/out2"))
        }
    }

    @Test(arguments: ["graph", "report", "inspect"])
    func emptyStandardInputIsAnErrorNotTheExample(command: String) throws {
        let folder = try temporaryFolder()
        // Standard input is /dev/null: not a terminal, and no bytes, as in `tracegraph graph $FILES` with FILES empty in CI.
        let result = try Tool.run([command, "-q"], in: folder)
        #expect(result.status == 65)
        #expect(result.standardError == "tracegraph: error: standard input is empty: no spans to read. With no input named, "
            + "tracegraph reads standard input; name the exports to read, or pass --example for the built-in example.\n")
        #expect(result.standardOutput.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let named = try Tool.run([command, "-"], in: folder)
        #expect(named.status == 65)
        #expect(named.standardError == "tracegraph: error: standard input is empty: no spans to read\n")
    }

    @Test(arguments: ["graph", "report", "inspect"])
    func exampleWithInputsIsAUsageError(command: String) throws {
        let folder = try temporaryFolder()
        let input = Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl"
        let result = try Tool.run([command, "--example", input], in: folder)
        #expect(result.status == 64)
        #expect(result.standardError.contains("--example reads the built-in example instead of inputs, and one input was named: give either, not both."), "\(result.standardError)")
        #expect(result.standardError.contains("Usage: tracegraph \(command)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func inspectReadsTheExample() throws {
        let result = try Tool.run(["inspect", "--example"], in: try temporaryFolder())
        #expect(result.status == 0)
        #expect(String(decoding: result.standardOutput, as: UTF8.self).contains("built-in example: otlp-json, 217 spans"))
    }

    // Needs a terminal on standard input: `script` (util-linux) makes one. Without it the case cannot be run.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: script), "util-linux's script makes the terminal"),
          arguments: ["graph", "report", "inspect"])
    func onATerminalWithNoInputTheUsageIsPrinted(command: String) throws {
        let folder = try temporaryFolder()
        let result = try Self.onATerminal([command], in: folder)
        #expect(result.status == 64, "\(result.output)")
        #expect(result.output.contains("No input: name the trace exports to read, pipe them in, or pass --example for the built-in example."))
        #expect(result.output.contains("Usage: tracegraph \(command) "))
        #expect(result.output.contains("See 'tracegraph \(command) --help' for more information."))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        let example = try Self.onATerminal([command, "--example", "-o", "out", "-q"].filter { command != "inspect" || ($0 != "-o" && $0 != "out") }, in: folder)
        #expect(example.status == 0, "\(example.output)")
    }
}
