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
        try check(html: traces.htmlReport().html, scenario: scenario, sourceLocation: sourceLocation)
    }

    func check(html: String, scenario: String, name: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = Self.folder + "/\(name ?? scenario).html"
        try OutputFile.write(Array(html.utf8), to: path)
        let result = try Self.run(["python3", Self.browserFolder + "/check_report.py", "--scenario", scenario, path])
        #expect(result.status == 0, "the browser checks of the \(scenario) report failed:\n\(result.text)", sourceLocation: sourceLocation)
    }

    @Test func theExampleReportWorksInABrowser() throws {
        try check(LoadedTraces.builtInExample(), scenario: "example")
    }

    @Test func hostileTraceTextShowsAsTextAndRunsNothing() throws {
        try check(LoadedTraces(paths: [Self.browserFolder + "/hostile.json"]), scenario: "hostile")
    }

    @Test func aTraceOfFiftyThousandSpansDrawsWithoutFreezingThePage() throws {
        // A batch job: one root, 49,999 descendants eight to a parent, siblings partly overlapping.
        var random = SeededGenerator(seed: 3)
        var starts: [UInt64] = [0], ends: [UInt64] = [600_000_000_000]
        var spans = [Fixture.span(trace: 1, id: 1, service: "batch", name: "nightly run", start: 0, durationNanos: ends[0])]
        for id in 2...50_000 {
            let parent = (id - 2) / 8 + 1
            let room = ends[parent - 1] - starts[parent - 1]
            let start = starts[parent - 1] + random.next() % max(room / 2, 1)
            let duration = max(room / 8 + random.next() % max(room / 8, 1), 1)
            let end = min(start + duration, ends[parent - 1])
            starts.append(start)
            ends.append(end)
            spans.append(Fixture.span(trace: 1, id: UInt64(id), parent: UInt64(parent), service: "worker-\(id % 7)",
                                      name: "item \(id)", error: id % 997 == 0, start: start, durationNanos: end - start))
        }
        let set = TraceSet(spans)
        var accumulator = ServiceGraph.Accumulator()
        for span in set.spans { accumulator.receive(span) }
        let svg = try GraphvizRenderer().render(accumulator.finish().graph, format: .svg)
        let report = try HTMLReport(traces: set, summary: TraceSetSummary(set), inputs: [], graphSVG: String(decoding: svg, as: UTF8.self))
        try check(html: report.html, scenario: "scale", name: "large-trace")
    }

    @Test func aReportOfFiveThousandTracesOpensAndDraws() throws {
        let data = Self.folder + "/traces-5000.jsonl"
        let generated = try Self.run(["python3", Corpus.benchFolder + "/gen_traces.py", "--traces", "5000",
                                      "--format", "otlp-jsonl", "--seed", "11"], output: data)
        try #require(generated.status == 0, "gen_traces.py failed: \(generated.text)")
        try check(LoadedTraces(paths: [data]), scenario: "scale")
    }
}
