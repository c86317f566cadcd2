import ServiceGraph
@testable import ServiceGraphMetrics
import Foundation

/// The metrics files of `Fixtures/` (PROVENANCE.md says how each was made) and small helpers.
enum MetricsFixtures {
    static let folder: String = {
        var path = #filePath
        path = String(path[..<path.lastIndex(of: "/")!])
        return path + "/Fixtures"
    }()

    static func path(_ name: String) -> String { folder + "/" + name }

    static func bytes(_ name: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path(name)) else { throw CocoaError(.fileNoSuchFile) }
        return Array(data)
    }

    /// Reads a fixture as tracegraph does, by its path.
    static func read(_ name: String, format: MetricsFormat? = nil) throws -> MetricsGraph {
        let bytes = try bytes(name)
        return try bytes.withUnsafeBytes { try MetricsReader.read($0, source: name, format: format) }
    }

    /// The edge from the node named `client` to the node named `server`.
    static func edge(_ graph: ServiceGraph, _ client: String, _ server: String) -> ServiceGraph.CallEdge? {
        let names = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.id, $0.name) })
        return graph.callEdges.first { names[$0.from] == client && names[$0.to] == server }
    }

    static func node(_ graph: ServiceGraph, _ name: String) -> ServiceGraph.Node? {
        graph.nodes.first { $0.name == name }
    }

    /// The error a read of `text` fails with.
    static func error(reading text: String, options: MetricsReadOptions = MetricsReadOptions()) -> MetricsReadError? {
        do {
            _ = try MetricsReader.read(text, source: "in.prom", options: options)
            return nil
        } catch {
            return error
        }
    }
}
