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
        // The span without ids is left out, and said, and then the file holds no span.
        ("no-ids.json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[\n  {\"name\":\"x\"}]}]}]}", 65,
         "no-ids.json holds no span"),
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

    @Test func aSpanWithoutIDsIsLeftOutAndSaidOrFailsWhenStrict() throws {
        let folder = try temporaryFolder()
        let text = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"api\"}}]},"
            + "\"scopeSpans\":[{\"spans\":[\n  {\"name\":\"x\"},\n  {\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"0102030405060708\",\"name\":\"y\"}]}]}]}"
        try text.write(toFile: folder + "/export.json", atomically: true, encoding: .utf8)
        let result = try Tool.run(["graph", "export.json", "-o", "graph.svg"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("1 span in 1 trace"))
        #expect(result.standardError.contains("tracegraph: warning: left out 1 span that cannot be used:\n  export.json:2:3: a span without a trace id: left out\n"))
        let strict = try Tool.run(["graph", "export.json", "--strict", "-o", "strict.svg"], in: folder)
        #expect(strict.status == 65)
        #expect(strict.standardError.contains("tracegraph: error: export.json:2:3: a span without a trace id, which --strict does not accept"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/strict.svg"))
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

/// Outputs that are not new regular files, through the built tool: what `-o` names is written
/// as OutputFile's documentation says.
@Suite struct OutputPathTests {
    @Test func theToolsOwnDescriptorsAreWrittenToThemselves() throws {
        let folder = try temporaryFolder()
        let expected = try Tool.run(["example"], in: folder).standardOutput
        var paths = ["/dev/fd/1", "/proc/self/fd/1"]
        // As root, a regression would replace the machine's /dev/stdout: only a user tries it.
        if getuid() != 0 { paths.append("/dev/stdout") }
        for path in paths {
            let result = try Tool.run(["example", "-o", path], in: folder)
            #expect(result.status == 0, "\(path): \(result.standardError)")
            #expect(result.standardOutput == expected, "\(path)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func devicesStayDevicesAndAFullOneIsAnError() throws {
        let folder = try temporaryFolder()
        guard let (null, full) = try characterDevices(in: folder) else { return }
        let written = try Tool.run(["example", "-o", null], in: folder)
        #expect(written.status == 0, "\(written.standardError)")
        #expect(fileType(null) == S_IFCHR)
        let failed = try Tool.run(["example", "-o", full], in: folder)
        #expect(failed.status == 73)
        #expect(failed.standardError.contains("tracegraph: error: \(full): cannot write the output: No space left on device"),
                "\(failed.standardError)")
        #expect(fileType(full) == S_IFCHR)
    }

    @Test func aHardLinkedOutputIsReplacedWithAWarning() throws {
        let folder = try temporaryFolder()
        try "earlier".write(toFile: folder + "/example.json", atomically: true, encoding: .utf8)
        try #require(link(folder + "/example.json", folder + "/published.json") == 0)
        let result = try Tool.run(["example", "-o", "example.json"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains(
            "tracegraph: warning: example.json: replaced; its other hard link keeps the earlier content"), "\(result.standardError)")
        #expect(try String(contentsOfFile: folder + "/published.json", encoding: .utf8) == "earlier")
        #expect(FileManager.default.contents(atPath: folder + "/example.json") == (try Tool.run(["example"], in: folder).standardOutput))
    }

    /// 4,000 request traces (a report of some megabytes), generated once and kept between runs.
    static let largeInput: String? = {
        let path = NSTemporaryDirectory() + "tracegraph-output-test-4000-traces.json"
        if FileManager.default.fileExists(atPath: path) { return path }
        let partial = path + ".\(getpid())"
        _ = FileManager.default.createFile(atPath: partial, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Corpus.benchFolder + "/gen_traces.py", "--traces", "4000", "--seed", "3"]
        process.standardOutput = FileHandle(forWritingAtPath: partial)
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0, rename(partial, path) == 0 else { return nil }
        return path
    }()

    /// The report of `largeInput`, written without interruption.
    static let completeReport: Data? = {
        guard let input = largeInput, let result = try? Tool.run(["report", input, "-q", "-o", "-"], in: NSTemporaryDirectory()),
              result.status == 0 else { return nil }
        return result.standardOutput
    }()

    /// A signal while the report is being written (its file open in the folder, or a hidden file
    /// there), with each kind of temporary file, over an earlier report or none: SIGTERM, and
    /// SIGKILL where nothing can clean up (O_TMPFILE and no earlier report, so no name until the end).
    @Test(arguments: [(named: true, earlier: false, signal: SIGTERM), (named: true, earlier: true, signal: SIGTERM),
                      (named: false, earlier: true, signal: SIGTERM), (named: false, earlier: false, signal: SIGKILL)])
    func aSignalWhileWritingLeavesNoTemporaryFile(named: Bool, earlier: Bool, signal: Int32) throws {
        let input = try #require(Self.largeInput, "gen_traces.py could not make the input")
        let complete = try #require(Self.completeReport)
        var environment = ProcessInfo.processInfo.environment
        environment["TRACEGRAPH_NO_O_TMPFILE"] = named ? "1" : nil
        for _ in 0..<3 {
            let folder = try #require(realpath(try temporaryFolder(), nil).map { pointer in
                defer { free(pointer) }
                return String(cString: pointer)
            })
            if earlier { try "earlier".write(toFile: folder + "/report.html", atomically: true, encoding: .utf8) }
            let process = try spawn(Tool.path, ["report", input, "-q", "-o", folder + "/report.html"], environment: environment)
            var signalled = false
            var status: Int32 = 0
            while waitpid(process, &status, WNOHANG) == 0 {
                if isWriting(into: folder, process: process) {
                    signalled = kill(process, signal) == 0
                    waitpid(process, &status, 0)
                    break
                }
                usleep(100)
            }
            let left = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0 != "report.html" }
            #expect(left.isEmpty, "left behind: \(left)")
            let report = FileManager.default.contents(atPath: folder + "/report.html")
            let expected: [Data?] = [complete, earlier ? Data("earlier".utf8) : nil]
            #expect(expected.contains(report), "report.html: \(report.map { "\($0.count) bytes" } ?? "absent")")
            let killedBy = status & 0x7f
            #expect(killedBy == 0 ? status == 0 : killedBy == signal, "wait status \(status)")
            if signalled && killedBy == signal { break }
        }
    }
}

/// Starts `executable` with every signal unblocked and handled by default: Foundation's Process
/// passes its own thread's blocked signals on, and a blocked SIGTERM would never arrive.
private func spawn(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var handled = sigset_t()
    sigemptyset(&handled)
    for number in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&handled, number) }
    posix_spawnattr_setsigdefault(&attributes, &handled)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
        posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
    }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var process: pid_t = 0
    let result = posix_spawn(&process, executable, &actions, &attributes, argv, envp)
    guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EINVAL) }
    return process
}

/// Whether `process` has a file open in `folder`, or a hidden file is there.
private func isWriting(into folder: String, process: Int32) -> Bool {
    let descriptors = "/proc/\(process)/fd"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: descriptors)) ?? [] {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: descriptors + "/" + name),
           target.hasPrefix(folder + "/") {
            return true
        }
    }
    return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).contains { $0.hasPrefix(".") }
}

private func fileType(_ path: String) -> mode_t? {
    var status = stat()
    return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : nil
}

/// A null device and a full one: /dev/null and /dev/full for a user, who cannot replace them;
/// copies made with mknod in `folder` for root. Nil when root cannot make them.
private func characterDevices(in folder: String) throws -> (null: String, full: String)? {
    guard getuid() == 0 else { return ("/dev/null", "/dev/full") }
    var filesystem = statvfs()
    guard statvfs(folder, &filesystem) == 0, filesystem.f_flag & 4 == 0 /* ST_NODEV */,
          mknod(folder + "/null", S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0,
          mknod(folder + "/full", S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0 else { return nil }
    return (folder + "/null", folder + "/full")
}
