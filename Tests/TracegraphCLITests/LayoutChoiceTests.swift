import Foundation
import Testing
import TraceTestSupport

/// A random mesh as OTLP/JSON lines: `services` services, each calling `callsEach` others, seeded.
private func meshExport(services: Int, callsEach: Int) -> String {
    var state: UInt64 = 42
    func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
    func resource(_ service: String, _ span: String) -> String {
        #"{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\#(service)"}}]},"scopeSpans":[{"spans":[\#(span)]}]}"#
    }
    var lines: [String] = []
    var trace = 0
    for caller in 0..<services {
        for _ in 0..<callsEach {
            trace += 1
            let callee = (caller + 1 + next(services - 1)) % services
            let id = String(format: "%032x", trace)
            let client = #"{"traceId":"\#(id)","spanId":"0000000000000001","name":"call","kind":3,"startTimeUnixNano":"1000","endTimeUnixNano":"2000"}"#
            let server = #"{"traceId":"\#(id)","spanId":"0000000000000002","parentSpanId":"0000000000000001","name":"serve","kind":2,"startTimeUnixNano":"1100","endTimeUnixNano":"1900"}"#
            lines.append(#"{"resourceSpans":[\#(resource("svc-\(caller)", client)),\#(resource("svc-\(callee)", server))]}"#)
        }
    }
    return lines.joined(separator: "\n") + "\n"
}

@Suite struct LayoutChoiceTests {
    @Test func aDenseGraphIsDrawnBySfdpAndTheCommandSaysWhy() throws {
        let folder = try temporaryFolder()
        try meshExport(services: 120, callsEach: 4).write(toFile: folder + "/mesh.jsonl", atomically: true, encoding: .utf8)
        let result = try Tool.run(["graph", "mesh.jsonl", "--full", "-o", "mesh.svg"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("with sfdp and straight edges"), "\(result.standardError)")
        let quiet = try Tool.run(["graph", "mesh.jsonl", "--full", "-q", "-o", "mesh.svg"], in: folder)
        #expect(quiet.standardError.isEmpty, "\(quiet.standardError)")
        let asked = try Tool.run(["graph", "mesh.jsonl", "--full", "--engine", "sfdp", "-o", "mesh.svg"], in: folder)
        #expect(!asked.standardError.contains("straight edges"), "\(asked.standardError)")
    }

    @Test func pastTheReadableSizeTheBusiestPartIsDrawnAndBothTheTerminalAndThePictureSaySo() throws {
        let folder = try temporaryFolder()
        try meshExport(services: 120, callsEach: 4).write(toFile: folder + "/mesh.jsonl", atomically: true, encoding: .utf8)
        let result = try Tool.run(["graph", "mesh.jsonl", "-o", "mesh.svg"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        let note = try #require(result.standardError.split(separator: "\n").first { $0.contains("busiest of") })
        #expect(note.hasSuffix("nodes; --full draws every one"), "\(note)")
        #expect(!result.standardError.contains("sfdp"), "\(result.standardError)")
        let svg = try String(contentsOfFile: folder + "/mesh.svg", encoding: .utf8)
        #expect(svg.contains("busiest of"))
        #expect(svg.contains("full draws every one."))
        let wrote = try #require(result.standardError.split(separator: "\n").last)
        let nodes = try #require(Int(wrote.split(separator: ": ").last!.split(separator: " ")[0]))
        #expect(nodes <= 50)
    }

    @Test func aFocusDrawsANeighbourhoodAndOneThatMatchesNothingNamesTheNearest() throws {
        let folder = try temporaryFolder()
        try meshExport(services: 120, callsEach: 4).write(toFile: folder + "/mesh.jsonl", atomically: true, encoding: .utf8)
        let result = try Tool.run(["graph", "mesh.jsonl", "--focus", "svc-7", "--depth", "1", "-T", "dot", "-o", "-"], in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(String(decoding: result.standardOutput, as: UTF8.self).contains("\"svc_svc-7\""))
        #expect(result.standardError.contains("within 1 edge of svc-7 (--focus, --depth), of 120"), "\(result.standardError)")
        let missing = try Tool.run(["graph", "mesh.jsonl", "--focus", "svc-7x", "-o", "none.svg"], in: folder)
        #expect(missing.status == 64)
        #expect(missing.standardError.contains("--focus svc-7x matches no service or peer in the graph; the nearest names: svc-7,"),
                "\(missing.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/none.svg"))
    }

    @Test func aLayoutPastItsTimeoutStopsWithAClearMessage() throws {
        let folder = try temporaryFolder()
        try meshExport(services: 120, callsEach: 4).write(toFile: folder + "/mesh.jsonl", atomically: true, encoding: .utf8)
        // dot on every edge of this mesh takes well over ten seconds.
        let start = Date()
        let result = try Tool.run(["graph", "mesh.jsonl", "--full", "--engine", "dot", "--layout-timeout", "1", "-o", "slow.svg"], in: folder)
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(result.status == 70)
        #expect(result.standardError.contains("Graphviz's dot layout was still running after 1 s (--layout-timeout)"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/slow.svg"))
    }

    @Test func theExampleIsDrawnAsAlwaysWithoutAWord() throws {
        let result = try Tool.run(["graph", "--example", "-o", "example.svg"], in: try temporaryFolder())
        #expect(result.status == 0)
        #expect(!result.standardError.contains("laid out"), "\(result.standardError)")
    }
}
