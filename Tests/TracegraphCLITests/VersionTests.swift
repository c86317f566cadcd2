import Foundation
import Testing
@testable import TracegraphCLI
import Tracegraph

@Suite struct VersionTests {
    @Test func versionSaysTracegraphsAndGraphvizs() throws {
        let result = try Tool.run(["--version"], in: try temporaryFolder())
        #expect(result.status == 0, "\(result.standardError)")
        let text = String(decoding: result.standardOutput, as: UTF8.self)
        #expect(text == "tracegraph \(tracegraphVersion) (Graphviz \(GraphvizRenderer.graphvizVersion))\n")
        #expect(text.wholeMatch(of: /tracegraph \d+\.\d+\.\d+ \(Graphviz \d+\.\d+(\.\d+)?\)\n/) != nil, "\(text)")
        #expect(result.standardError.isEmpty)
    }

    @Test func withNothingTheHelpIsPrinted() throws {
        let result = try Tool.run([], in: try temporaryFolder())
        #expect(result.status == 0)
        #expect(String(decoding: result.standardOutput, as: UTF8.self).contains("USAGE: tracegraph"))
    }
}
