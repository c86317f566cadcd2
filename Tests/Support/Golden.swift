import Foundation
import Testing

/// Golden files: expected outputs kept in a `Golden` folder beside the test that uses them.
///
/// Set `TRACEGRAPH_RECORD_GOLDEN=1` to write the actual output over the golden file; the
/// test then fails with a note of what it wrote, so that a re-recording is never silent.
public enum Golden {
    public static let recordVariable = "TRACEGRAPH_RECORD_GOLDEN"

    public static func check(_ actual: String, matches name: String, testFile: String = #filePath,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let folder = String(testFile[..<testFile.lastIndex(of: "/")!]) + "/Golden"
        let path = folder + "/" + name
        if ProcessInfo.processInfo.environment[recordVariable] == "1" {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try actual.write(toFile: path, atomically: true, encoding: .utf8)
                Issue.record("re-recorded \(path); run again without \(recordVariable) to check it", sourceLocation: sourceLocation)
            } catch {
                Issue.record("cannot record \(path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            Issue.record("no golden file \(path); record it with \(recordVariable)=1", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let firstDifference = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(expectedLines.count, actualLines.count)
            let shown = { (lines: [Substring]) in firstDifference < lines.count ? String(lines[firstDifference]) : "(end of file)" }
            Issue.record("""
                output differs from \(path) at line \(firstDifference + 1):
                  golden: \(shown(expectedLines))
                  actual: \(shown(actualLines))
                if the change is intended, re-record with \(recordVariable)=1
                """, sourceLocation: sourceLocation)
        }
    }
}
