import Foundation
import Testing
import TraceTestSupport
@testable import TracegraphCLI

@Suite struct ProgressLineTests {
    @Test(arguments: [
        (1_200_000_000, 5_000_000_000 as Int?, 3_000_000, 1.0,
         "tracegraph: reading 1.2 GB of 5 GB (24%), 3,000,000 spans/s, about 3.2 s left"),
        (512, nil, 10, 2.0, "tracegraph: reading 512 B, 5 spans/s"),
        (0, 61_000_000, 0, 0.0, "tracegraph: reading 0 B of 61 MB (0%)"),
        (61_000_000, 61_000_000, 20_000, 3.0, "tracegraph: read 61 MB, 20,000 spans; joining them up"),
    ])
    func theLineSaysBytesOfTheTotalSpansASecondAndTimeLeft(bytes: Int, total: Int?, spans: Int, seconds: Double, expected: String) {
        #expect(ProgressLine.text(bytes: bytes, of: total, spans: spans, seconds: seconds) == expected)
    }

    @Test func aShortRunPrintsNoProgressEvenWhenAskedAndQuietPrintsNoneAtAll() throws {
        let folder = try temporaryFolder()
        let shown = try Tool.run(["inspect", "--example", "--progress"], in: folder)
        #expect(shown.status == 0)
        #expect(!shown.standardError.contains("\r"))
        let asked = try Tool.run(["graph", "--example", "--no-progress", "-q", "-o", "g.svg"], in: folder)
        #expect(asked.standardError.isEmpty)
    }
}
