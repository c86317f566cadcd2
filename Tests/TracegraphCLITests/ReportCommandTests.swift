import Foundation
import Testing
import TraceTestSupport

@Suite struct ReportCommandTests {
    @Test func theExamplesReportGoesToOutput() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["report", "--example"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("wrote Output/report.html: 30 traces"))
        let html = try String(contentsOfFile: folder + "/Output/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains(#"<script type="application/json" id="report-data">"#))
        #expect(html.contains(#"class="edge link""#), "the service graph is inline")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/Output") == ["report.html"])
    }

    @Test func theToolCopiedElsewhereCarriesItsTemplates() throws {
        let folder = try temporaryFolder()
        let copy = folder + "/tracegraph"
        try FileManager.default.copyItem(atPath: Tool.path, toPath: copy)
        let moved = try Tool.run(["report", "--example", "-o", "-", "-q"], in: folder, executable: copy)
        let original = try Tool.run(["report", "--example", "-o", "-", "-q"], in: folder)
        #expect(moved.status == 0, "\(moved.standardError)")
        #expect(moved.standardOutput == original.standardOutput)
        #expect(String(decoding: moved.standardOutput, as: UTF8.self).contains(#"id="report-data""#))
    }

    @Test func aLimitLeavesTracesOutAndSaysSo() throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["report", "--example", "--max-traces", "4", "-o", "r.html"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("wrote r.html: 4 traces (26 left out by --max-traces 4)"))
    }

    @Test func customisedTemplatesAreUsed() throws {
        let folder = try temporaryFolder()
        try "<title>{{title}}</title><p>{{traces}} traces, {{spans}} spans</p>".write(toFile: folder + "/report.html", atomically: true, encoding: .utf8)
        try "body{}".write(toFile: folder + "/report.css", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder + "/script", withIntermediateDirectories: true)
        try "# the script's files, none\n".write(toFile: folder + "/script/order.txt", atomically: true, encoding: .utf8)
        let result = try Tool.run(["report", "--example", "--templates", ".", "--title", "<Shop>", "-o", "-"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(String(decoding: result.standardOutput, as: UTF8.self) == "<title>&lt;Shop&gt;</title><p>30 traces, 217 spans</p>")
    }

    @Test(arguments: [
        (["report", "--example", "--templates", "missing"], Int32(66), "missing/report.html: cannot read the report template"),
        (["report", "--example", "--max-traces", "0"], Int32(64), "--max-traces must be at least 1"),
        (["report", "--example", "-o", "/proc/report.html"], Int32(73), "/proc/report.html: cannot write the output"),
    ])
    func failuresExitWithTheirCodeAndSayWhy(arguments: [String], status: Int32, message: String) throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(arguments, in: folder)
        #expect(result.status == status)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "nothing half-written")
    }

    @Test func anInvalidTemplateNamesItsLine() throws {
        let folder = try temporaryFolder()
        try "<p>\n{{#open}}".write(toFile: folder + "/report.html", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder + "/script", withIntermediateDirectories: true)
        for name in ["report.css", "script/order.txt"] { try "".write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        let result = try Tool.run(["report", "--example", "--templates", ".", "-o", "out.html"], in: folder)
        #expect(result.status == 65)
        #expect(result.standardError.contains("report.html:2:"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.html"))
    }
}
