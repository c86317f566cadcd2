import Foundation
import ServiceGraph
import Testing
import TraceModel
import TraceReaders

/// `--edges paired` on the test data of Grafana Tempo's metrics-generator (`servicegraphs`) and the
/// OpenTelemetry Collector's `servicegraph` connector, against the edges their own tests assert
/// (`Fixtures/Engines/expectations.json`; sources and commits in each folder's PROVENANCE.md).
/// Where tracegraph draws something else on purpose, `differences` says what and why.
@Suite struct EngineFixtureTests {
    static let folder: String = {
        var path = #filePath
        path = String(path[..<path.lastIndex(of: "/")!])
        return path + "/Fixtures/Engines"
    }()

    struct Case: CustomTestStringConvertible, Sendable {
        var engine: String
        var fixture: String
        var test: String
        var edges: [[String: any Sendable]]
        var testDescription: String { "\(engine) \(test) on \(fixture)" }

        /// The file with the trace: Tempo's own, or for the Collector the JSON made from its YAML or Go code.
        var path: String? {
            if engine == "tempo" { return fixture.hasPrefix("go:") ? nil : EngineFixtureTests.folder + "/tempo/" + fixture }
            let stem = fixture.hasPrefix("go:")
                ? "go-" + fixture.dropFirst(3).replacingOccurrences(of: "(false)", with: "-noParent").replacingOccurrences(of: "(true)", with: "-withParent")
                : String(fixture.dropLast(".yaml".count))
            return EngineFixtureTests.folder + "/collector/derived/" + stem + ".otlp.json"
        }
    }

    /// Settings the upstream test changes that tracegraph has no counterpart for: such cases are not compared.
    static let settingsWithoutCounterpart: Set<String> = [
        "filterPolicies", "spanMultiplierKey", "maxItems", "databaseNameAttributes", "testMutatesFixture",
    ]

    static let all: [Case] = {
        let data = FileManager.default.contents(atPath: folder + "/expectations.json")!
        let entries = try! JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        return entries.map { entry in
            Case(engine: entry["engine"] as! String, fixture: entry["fixture"] as! String, test: entry["test"] as! String,
                 edges: entry["edges"] as! [[String: any Sendable]])
        }
    }()

    static let compared: [Case] = {
        let data = FileManager.default.contents(atPath: folder + "/expectations.json")!
        let entries = try! JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        return zip(all, entries).compactMap { testCase, entry in
            let settings = Set((entry["config"] as? [String: Any] ?? [:]).keys)
            guard settings.isDisjoint(with: settingsWithoutCounterpart), !testCase.edges.isEmpty, testCase.path != nil,
                  !notReadable.keys.contains(testCase.fixture) else { return nil }
            return testCase
        }
    }()

    /// Fixtures tracegraph cannot read, and why.
    static let notReadable: [String: String] = [:]

    /// Upstream's counts (requests, failed) of an edge and tracegraph's, where they differ on purpose.
    static let countDifferences: [String: (requests: Int, failed: Int)] = [
        // One server span there has an empty spanId: the Collector pairs it by its parent id alone;
        // tracegraph leaves a span without an id out (nothing could point at it) and says so among
        // the skipped parts, so the failed call it recorded is not counted.
        "collector failed-label-not-work-simple-trace.yaml foo -> bar": (2, 0),
    ]

    /// Upstream's edge (client → server) and what tracegraph draws instead (nil: no edge), with why.
    static let differences: [String: (client: String, server: String)?] = [
        // Databases: tracegraph names a database by db.namespace / db.name and keeps where it runs
        // (server.address, net.peer.name) as its address, so two hosts stay two nodes; Tempo names it
        // by the address when there is one of the attributes it reads, and does not read net.peer.name.
        "tempo trace-with-queue-database2.json mythical-server -> mythical-database": ("mythical-server", "postgres"),
        "tempo trace-with-queue-database4.json mythical-server -> mythical-database:5432": ("mythical-server", "postgres"),
        "tempo trace-with-queue-database5.json mythical-server -> mythical-database": ("mythical-server", "postgres"),
        "tempo trace-with-db-system-name.json mythical-server -> postgresql": ("mythical-server", "mythical-database"),
        "tempo trace-with-db-system-and-system-name.json mythical-server -> mssql": ("mythical-server", "mythical-database"),
        // No generic caller: a root server span that names no caller has none in the graph, rather
        // than one `user` node that ties unrelated entry points together.
        "tempo trace-with-virtual-nodes.json user -> mythical-server": nil,
        "collector go:incompleteServerTraces(false) user -> some-server-service": nil,
        // The Collector's caller is always `user`; tracegraph takes the one the server span names (peer.service).
        "collector virtual-node-label-client-trace.yaml user -> bar-requester": ("external-platform", "bar-requester"),
        // No generic callee: a client span that names no peer calls nothing the graph can draw.
        "collector virtual-node-label-server-trace.yaml foo-server -> unknown": nil,
    ]

    @Test func everyCaseIsComparedOrSaysWhyNot() {
        let skipped = Self.all.filter { testCase in !Self.compared.contains { $0.test == testCase.test && $0.fixture == testCase.fixture } }
        // Only cases whose settings have no counterpart, that assert no edge, are built in Go code
        // Tempo's way (no file), or whose fixture does not read.
        #expect(Self.compared.count >= 20)
        for testCase in skipped {
            let why = testCase.edges.isEmpty || testCase.path == nil || Self.notReadable.keys.contains(testCase.fixture)
                || testCase.test.contains("applyFilterPolicy") || testCase.test.contains("tooManySpans")
                || testCase.test.contains("DatabaseNameAttributes") || testCase.test.contains("multiplier")
            #expect(why, "\(testCase.testDescription) is skipped without a reason")
        }
    }

    @Test(arguments: compared)
    func pairedEdgesAreTheOnesUpstreamAsserts(_ testCase: Case) throws {
        let spans = try TraceReader.read(contentsOf: testCase.path!).spans
        let graph = ServiceGraph(traces: TraceSet(spans), options: .init(edgeRule: .paired))
        let name = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.id, $0.name) })
        for expected in testCase.edges {
            let client = expected["client"] as! String, server = expected["server"] as! String
            let key = "\(testCase.engine) \(testCase.fixture) \(client) -> \(server)"
            let ours: (client: String, server: String)?? = Self.differences[key]
            let drawn: (client: String, server: String)? = ours ?? (client, server)
            // Upstream asserting no request on an edge asserts that there is no such edge.
            guard let drawn, expected["requests"] as? Int != 0 else {
                #expect(!graph.callEdges.contains { name[$0.to] == server && name[$0.from] == client }, "\(key)")
                if let drawn { #expect(!graph.callEdges.contains { name[$0.to] == drawn.server && name[$0.from] == drawn.client }, "\(key)") }
                continue
            }
            let edge = try #require(graph.callEdges.first { name[$0.from] == drawn.client && name[$0.to] == drawn.server },
                                    "\(key): edges are \(graph.callEdges.map { "\(name[$0.from]!) -> \(name[$0.to]!)" })")
            let counts = Self.countDifferences[key]
            if let requests = counts?.requests ?? expected["requests"] as? Int { #expect(edge.calls == requests, "\(key)") }
            if let failed = counts?.failed ?? expected["failed"] as? Int { #expect(edge.errors == failed, "\(key)") }
            if let connection = expected["connectionType"] as? String { #expect(edge.connection.rawValue == connection, "\(key)") }
        }
    }

    @Test func theSpanWithoutAnIDIsLeftOutAndSaidOrStopsTheReadWhenStrict() throws {
        let path = Self.folder + "/collector/derived/failed-label-not-work-simple-trace.otlp.json"
        let file = try TraceReader.read(contentsOf: path)
        #expect(file.spans.count == 5)
        #expect(file.report.skipped.map(\.problem) == [.spanDefect(.missingSpanID, strict: false)])
        var strict = ReadOptions()
        strict.strict = true
        #expect(throws: TraceReadError.self) { try TraceReader.read(contentsOf: path, options: strict) }
    }
}
