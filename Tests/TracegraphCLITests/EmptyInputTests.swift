import Foundation
import Testing
import TraceTestSupport

/// Inputs that hold no spans get a clear answer, never an empty picture that looks like a result.
@Suite struct EmptyInputTests {
    @Test(arguments: ["{}", "[]", "{\"name\": \"not a trace export\"}", "{\"resourceSpans\": []}"])
    func jsonThatHoldsNoSpanIsAnError(text: String) throws {
        let folder = try temporaryFolder()
        try text.write(toFile: folder + "/export.json", atomically: true, encoding: .utf8)
        for arguments in [["graph", "export.json", "-o", "out"], ["report", "export.json", "-o", "out"], ["inspect", "export.json"]] {
            let result = try Tool.run(arguments, in: folder)
            #expect(result.status == 65, "\(arguments[0]): \(result.standardError)")
            #expect(result.standardError.contains("export.json holds no span: nothing to draw"), "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
        }
    }

    @Test func aFileOfNULBytesIsNamedAsHoldingNoSpanNotDrawn() throws {
        // 1,024 zero bytes read as OTLP/protobuf are 1,024 empty messages: well formed, and no span.
        let folder = try temporaryFolder()
        try Data(count: 1024).write(to: URL(fileURLWithPath: folder + "/zeros.bin"))
        let result = try Tool.run(["graph", "zeros.bin", "-o", "graph.svg"], in: folder)
        #expect(result.status == 65, "\(result.standardError)")
        #expect(result.standardError.contains("zeros.bin holds no span"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/graph.svg"))
    }

    @Test func withAllowEmptyTheEmptyGraphIsWrittenAndTheInputNamed() throws {
        let folder = try temporaryFolder()
        try "{}".write(toFile: folder + "/export.json", atomically: true, encoding: .utf8)
        let result = try Tool.run(["graph", "export.json", "--allow-empty", "-o", "graph.svg"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("warning: export.json holds no spans"))
        #expect(FileManager.default.fileExists(atPath: folder + "/graph.svg"))
    }

    @Test func anInputWithoutSpansBesideOthersIsNamedInAWarning() throws {
        let folder = try temporaryFolder()
        try "[]".write(toFile: folder + "/empty.json", atomically: true, encoding: .utf8)
        let result = try Tool.run(["graph", "empty.json", Corpus.folder + "/otlp-jsonl/python-sdk-links.jsonl", "-o", "graph.svg"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("warning: empty.json holds no spans"))
    }

    @Test func anEmptyFolderIsAnError() throws {
        let folder = try temporaryFolder()
        try FileManager.default.createDirectory(atPath: folder + "/exports", withIntermediateDirectories: true)
        let result = try Tool.run(["graph", "exports", "-o", "graph.svg"], in: folder)
        #expect(result.status == 66, "\(result.standardError)")
        #expect(result.standardError.contains("exports holds no files"))
        let allowed = try Tool.run(["graph", "exports", "--allow-empty", "-o", "graph.svg"], in: folder)
        #expect(allowed.status == 0, "\(allowed.standardError)")
    }
}
