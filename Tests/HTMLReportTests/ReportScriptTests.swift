import Foundation
import Testing

/// The page's script, function by function: `Script/*.test.js` load the files of
/// Templates/script/ into node and test their pure functions (formatting, the model, the trace
/// filter, the flame graph's layout, grouping, paging) with node's own test runner, no npm
/// package. Scripts/install-dependencies installs node (Debian's nodejs).
@Suite struct ReportScriptTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Script").path

    /// `node` on the PATH, if there is one.
    static let node: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        .split(separator: ":")
        .map { $0 + "/node" }
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: node != nil, "node is not on the PATH: Scripts/install-dependencies installs it (Debian's nodejs)"))
    func thePageScriptsFunctionsPassTheirNodeTests() throws {
        let tests = try FileManager.default.contentsOfDirectory(atPath: Self.folder)
            .filter { $0.hasSuffix(".test.js") }
            .sorted()
            .map { Self.folder + "/" + $0 }
        try #require(!tests.isEmpty, "no *.test.js in \(Self.folder)")
        let result = try ReportBrowserTests.run([Self.node!, "--test"] + tests)
        #expect(result.status == 0, "node --test failed:\n\(result.text)")
        let passed = result.text.split(separator: "\n").first { $0.hasPrefix("# pass ") }.flatMap { Int($0.dropFirst(7)) } ?? 0
        #expect(passed > 0, "node ran no test:\n\(result.text)")
    }
}
