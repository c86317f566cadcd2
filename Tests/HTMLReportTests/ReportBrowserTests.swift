import Foundation
import Testing
import TraceTestSupport
import Tracegraph

/// The report as a person sees it: generated here, then opened in headless Chromium by
/// `Browser/check_report.py` (selenium driving Debian's chromium and chromedriver, which
/// Scripts/install-dependencies installs), which clicks through it and checks what shows.
@Suite(.serialized) struct ReportBrowserTests {
    static let browserFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser").path

    static let folder: String = {
        let path = NSTemporaryDirectory() + "tracegraph-report-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Runs a program; its exit status and what it printed.
    static func run(_ arguments: [String], output: String? = nil) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        if let output {
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: output)
        } else {
            process.standardOutput = pipe
        }
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// Writes the report of `traces` and has the browser check it as `scenario`.
    func check(_ traces: LoadedTraces, scenario: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = Self.folder + "/\(scenario).html"
        try OutputFile.write(Array(traces.htmlReport().html.utf8), to: path)
        let result = try Self.run(["python3", Self.browserFolder + "/check_report.py", "--scenario", scenario, path])
        #expect(result.status == 0, "the browser checks of the \(scenario) report failed:\n\(result.text)", sourceLocation: sourceLocation)
    }

    @Test func theExampleReportWorksInABrowser() throws {
        try check(LoadedTraces.builtInExample(), scenario: "example")
    }

    @Test func hostileTraceTextShowsAsTextAndRunsNothing() throws {
        try check(LoadedTraces(paths: [Self.browserFolder + "/hostile.json"]), scenario: "hostile")
    }

    @Test func aReportOfFiveThousandTracesOpensAndDraws() throws {
        let data = Self.folder + "/traces-5000.jsonl"
        let generated = try Self.run(["python3", Corpus.benchFolder + "/gen_traces.py", "--traces", "5000",
                                      "--format", "otlp-jsonl", "--seed", "11"], output: data)
        try #require(generated.status == 0, "gen_traces.py failed: \(generated.text)")
        try check(LoadedTraces(paths: [data]), scenario: "scale")
    }
}
