import ArgumentParser
import Foundation
import Testing
@testable import TracegraphCLI
import Tracegraph

/// The exit codes: one table, every failure in it, and the table said in `--help` and README.md.
@Suite struct ExitCodeTests {
    struct StrayError: Error, CustomStringConvertible {
        var description: String { "something nobody expected" }
    }

    @Test func anErrorOutsideTheKnownSetIsAnInternalFailure() {
        let failure = Failure(StrayError())
        #expect(failure.status == .internalFailure)
        #expect(failure.status.rawValue == 70)
        #expect(failure.message.contains("internal error"))
        #expect(failure.message.contains("something nobody expected"))
    }

    @Test func reportingErrorsEndsAStrayErrorWithSeventy() {
        #expect(throws: ExitCode(70)) { try reportingErrors { throw StrayError() } }
    }

    @Test func eachKnownErrorHasItsStatus() throws {
        var cases: [(any Error, Int32)] = [
            (TraceReadError(source: "a.json", location: nil, problem: .cannotOpen(reason: "gone")), 66),
            (TraceReadError(source: "a.json", location: .text(line: 1, column: 1), problem: .emptyInput), 65),
            (ReportError.templateUnreadable(path: "t/report.html", reason: "gone"), 66),
            (ReportError.templateInvalid(name: "report.html", reason: "bad"), 65),
            (GraphvizError(problem: .layoutFailed), 70),
            (MetricsReadError(source: "a.prom", line: 3, column: 1, problem: .lineTooLong(limit: 65_536)), 65),
            (InputReadError.metrics(MetricsReadError(source: "a.json", line: 1, column: 1, problem: .seriesWithoutName(labels: "{}"))), 65),
            (InputReadError.traces(TraceReadError(source: "a.json", location: nil, problem: .cannotOpen(reason: "gone"))), 66),
            (InputReadError.mixedInputs(metrics: ["a.prom"], traces: ["b.json"]), 64),
            (InputReadError.spansNeeded(metrics: ["a.prom"]), 64),
            (InputReadError.queryNeedsSpans(metrics: ["a.prom"]), 64),
            (Failure.noTraceSelected(query: "--errors", traces: 3), 65),
            (InputReadError.savedGraphNotAlone(saved: ["base.json"], others: ["b.json"]), 64),
            (MetricsReadError(source: "base.json", line: 1, column: 18, problem: .newerSavedGraph(version: 2, read: 1)), 65),
            (ConfigurationError(path: "tracegraph.yml", line: 2, column: 3, problem: .unknownKey(key: "renmae", place: "services", known: ["rename", "hide"])), 78),
        ]
        var unwritable: (any Error)?
        do { try OutputFile.write([], to: "/proc/tracegraph/out.svg") } catch { unwritable = error }
        #expect(unwritable is OutputError)
        cases.append((try #require(unwritable), 73))
        for (error, status) in cases {
            #expect(Failure(error).status.rawValue == status, "\(error)")
        }
    }

    @Test func helpSaysTheTable() throws {
        let result = try Tool.run(["--help"], in: try temporaryFolder())
        #expect(result.status == 0)
        let help = String(decoding: result.standardOutput, as: UTF8.self)
        let words = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(words.contains("Exit codes: 0 success, 1 tracegraph diff's --fail-on matched a change, 64 wrong usage, "
            + "65 malformed input, or an invalid report template, "
            + "66 an input or a report template cannot be read, 70 Graphviz failed, or another internal error, "
            + "73 an output cannot be written, 78 a configuration file cannot be used."), "\(help)")
        #expect(words.contains(ExitStatus.sentence))
    }

    @Test func readmeSaysTheTable() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        #expect(text.split(whereSeparator: \.isWhitespace).joined(separator: " ").contains(ExitStatus.sentence))
    }
}
