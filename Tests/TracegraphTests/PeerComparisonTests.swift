import Foundation
import Testing
import Tracegraph
import TraceTestSupport

/// tracegraph against the script a user would write instead (`../shared/bench/peer_servicegraph.py`),
/// on data from `../shared/bench/gen_traces.py`.
@Suite(.serialized) struct PeerComparisonTests {
    struct Edge: Hashable, CustomStringConvertible {
        var from: String
        var to: String
        var description: String { "\(from) -> \(to)" }
    }

    struct Counts: Equatable {
        var calls: [Edge: [Int]] = [:]
        var links: [Edge: Int] = [:]
    }

    static let folder: String = {
        let path = NSTemporaryDirectory() + "tracegraph-peer-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path + "/bin", withIntermediateDirectories: true)
        return path
    }()

    static func run(_ executable: String, _ arguments: [String], output: String? = nil, environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let output {
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: output)
        }
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
    }

    /// 2,000 request traces as the Collector's JSON lines, generated once.
    static let data: String = {
        let path = folder + "/traces.jsonl"
        try! run("/usr/bin/env", ["python3", Corpus.benchFolder + "/gen_traces.py", "--traces", "2000",
                                  "--format", "otlp-jsonl", "--seed", "7"], output: path)
        return path
    }()

    /// The edges the peer script finds: it hands its DOT to a `dot` on the PATH, here one that keeps it.
    static func peerCounts() throws -> Counts {
        let fakeDot = folder + "/bin/dot"
        try "#!/bin/sh\ncat > \"$PEER_DOT\"\necho '<svg/>'\n".write(toFile: fakeDot, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fakeDot)
        let dotPath = folder + "/peer.dot"
        try run("/usr/bin/env", ["python3", Corpus.benchFolder + "/peer_servicegraph.py", data, folder + "/peer.svg"],
                environment: ["PATH": folder + "/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? ""), "PEER_DOT": dotPath])
        var counts = Counts()
        let call = /^  "(.+)" -> "(.+)" \[label="(\d+) calls, (\d+) errors"\];$/
        let link = /^  "(.+)" -> "(.+)" \[style=dashed, label="(\d+) links"\];$/
        for line in try String(contentsOfFile: dotPath, encoding: .utf8).split(separator: "\n") {
            if let match = line.wholeMatch(of: call) {
                counts.calls[Edge(from: String(match.1), to: String(match.2))] = [Int(match.3)!, Int(match.4)!]
            } else if let match = line.wholeMatch(of: link) {
                counts.links[Edge(from: String(match.1), to: String(match.2))] = Int(match.3)!
            }
        }
        return counts
    }

    static func ourCounts(_ graph: ServiceGraph) -> (counts: Counts, unresolvedLinks: Int) {
        let names = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.id, $0.name) })
        var counts = Counts()
        for edge in graph.callEdges {
            counts.calls[Edge(from: names[edge.from]!, to: names[edge.to]!)] = [edge.calls, edge.errors]
        }
        var unresolved = 0
        for edge in graph.linkEdges {
            if edge.from == .outsideInput { unresolved += edge.links; continue }
            // Links are grouped by operation; the peer counts them by pair.
            counts.links[Edge(from: names[edge.from]!, to: names[edge.to]!), default: 0] += edge.links
        }
        return (counts, unresolved)
    }

    @Test func everyEdgeThePeerFindsIsFoundWithTheSameCounts() throws {
        let peer = try Self.peerCounts()
        #expect(peer.calls.count >= 5)
        #expect(peer.links.count >= 3)
        let loaded = try LoadedTraces(paths: [Self.data])

        // Without inferred peers, the service-to-service edges are exactly the peer's, but for the
        // calls whose failure only the client span recorded (a timeout, a reset connection): the
        // peer counts the callee's errors alone, tracegraph either side's, as Tempo and the Collector do.
        let clientOnlyFailures = Self.clientOnlyFailures(loaded.traces)
        #expect(clientOnlyFailures.values.reduce(0, +) > 0)
        let plain = Self.ourCounts(ServiceGraph(traces: loaded.traces, options: .init(inferUninstrumentedPeers: false)))
        #expect(plain.counts.calls == peer.calls.mapValues { _ in [] }.merging(peer.calls) { $1 }.reduce(into: [:]) { result, entry in
            result[entry.key] = [entry.value[0], entry.value[1] + (clientOnlyFailures[entry.key] ?? 0)]
        })
        #expect(plain.counts.links == peer.links)
        // The peer drops links whose target is not in the file; tracegraph counts them on their own edge.
        #expect(plain.unresolvedLinks == loaded.summary.unresolvedLinks)

        // With inferred peers (databases, topics), every call edge of the peer is still there, unchanged;
        // links into consumers come from the topic their producers sent to, in the same numbers.
        let full = Self.ourCounts(ServiceGraph(traces: loaded.traces))
        for (edge, counts) in plain.counts.calls {
            #expect(full.counts.calls[edge] == counts, "\(edge)")
        }
        #expect(full.counts.calls.count > peer.calls.count)
        func byLinkingService(_ links: [Edge: Int]) -> [String: Int] {
            links.reduce(into: [:]) { $0[$1.key.to, default: 0] += $1.value }
        }
        #expect(byLinkingService(full.counts.links) == byLinkingService(peer.links))
        #expect(full.counts.links.keys.contains { $0.from == "orders" && $0.to == "email" })
        #expect(full.counts.calls[Edge(from: "checkout", to: "orders")] != nil)
    }

    /// Calls whose client or producer span failed while the callee's span did not, by edge, read
    /// straight off the spans.
    static func clientOnlyFailures(_ traces: TraceSet) -> [Edge: Int] {
        var failures: [Edge: Int] = [:]
        for span in traces.spans {
            guard let parentID = span.parentSpanID, !span.isError,
                  let parent = traces[SpanKey(traceID: span.traceID, spanID: parentID)],
                  parent.serviceName != span.serviceName, parent.kind == .client || parent.kind == .producer, parent.isError
            else { continue }
            failures[Edge(from: parent.serviceName, to: span.serviceName), default: 0] += 1
        }
        return failures
    }

    @Test func shufflingTheLinesChangesNoByteOfTheOutput() throws {
        let lines = try String(contentsOfFile: Self.data, encoding: .utf8).split(separator: "\n")
        var generator = SystemRandomNumberGenerator()
        let shuffledPath = Self.folder + "/shuffled.jsonl"
        try (lines.shuffled(using: &generator).joined(separator: "\n") + "\n").write(toFile: shuffledPath, atomically: true, encoding: .utf8)
        for format in [GraphvizFormat.svg, .dot] {
            let original = try GraphvizRenderer().render(ServiceGraph(traces: try LoadedTraces(paths: [Self.data]).traces), format: format)
            let shuffled = try GraphvizRenderer().render(ServiceGraph(traces: try LoadedTraces(paths: [shuffledPath]).traces), format: format)
            #expect(original == shuffled)
        }
    }
}
