import Foundation
import Testing
import TraceTestSupport

/// `tracegraph summary` and the formats written in Swift alone, from the command line.
@Suite struct SummaryCommandTests {
    @Test func summaryWritesMarkdownToStandardOutputByDefault() throws {
        let result = try Tool.run(["summary", "--example", "-q"], in: try temporaryFolder())
        #expect(result.status == 0, "\(result.standardError)")
        let text = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(text.hasPrefix("## Service graph\n\n**10 services · 10 peers · 17 call edges · 5 link edges · 14 error spans**"))
        #expect(text.contains("```mermaid\nflowchart LR\n") && text.contains("### Span links"))
    }

    @Test(arguments: [("graph.mmd", "flowchart LR\n"), ("graph.json", "{\"schemaVersion\":1,"), ("graph.md", "## Service graph\n")])
    func theExtensionChoosesAFormatWrittenInSwift(file: String, start: String) throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["graph", "--example", "-o", file], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(try String(contentsOfFile: folder + "/" + file, encoding: .utf8).hasPrefix(start))
    }

    @Test func aWorkflowIsNotDrawnInMermaid() throws {
        let result = try Tool.run(["workflows", "--example", "-o", "w.mmd"], in: try temporaryFolder())
        #expect(result.status == 64)
        #expect(result.standardError.contains("a workflow is drawn in svg, dot, png, pdf, not mermaid."), "\(result.standardError)")
    }
}
