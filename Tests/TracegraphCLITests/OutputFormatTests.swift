import Foundation
import Testing

/// `graph` writes the format its output's name says, takes Graphviz's `-T`, and writes no
/// binary format to a terminal.
@Suite struct OutputFormatTests {
    enum Kind: String, CustomStringConvertible {
        case svg, dot, png, pdf
        var description: String { rawValue }

        init?(_ bytes: Data) {
            let text = String(decoding: bytes.prefix(64), as: UTF8.self)
            if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { self = .png }
            else if text.hasPrefix("%PDF-") { self = .pdf }
            else if text.hasPrefix("digraph services {") { self = .dot }
            else if text.hasPrefix("<?xml") { self = .svg }
            else { return nil }
        }
    }

    static func written(_ arguments: [String], file: String) throws -> Kind? {
        let folder = try temporaryFolder()
        let result = try Tool.run(["graph", "--example", "-q"] + arguments, in: folder)
        #expect(result.status == 0, "\(result.standardError)")
        let bytes = file == "-" ? result.standardOutput : try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))
        return Kind(bytes)
    }

    @Test(arguments: [
        ("graph.svg", Kind.svg), ("graph.dot", .dot), ("graph.gv", .dot), ("graph.png", .png), ("graph.pdf", .pdf),
        ("Graph.PNG", .png), ("out/graph.v2.pdf", .pdf),
    ])
    func theExtensionSaysTheFormat(file: String, kind: Kind) throws {
        #expect(try Self.written(["-o", file], file: file) == kind)
    }

    @Test(arguments: [
        (["-o", "graph"], "graph", Kind.svg),
        (["-o", "graph", "--format", "png"], "graph", .png),
        (["-o", ".hidden"], ".hidden", .svg),
        (["-o", "graph.txt", "--format", "dot"], "graph.txt", .dot),
        (["-o", "graph.gv", "--format", "dot"], "graph.gv", .dot),
        (["-o", "-"], "-", .svg),
        (["-o", "-", "--format", "png"], "-", .png),
        (["--format", "pdf"], "Output/service-graph.pdf", .pdf),
        (["-T", "dot", "-o", "-"], "-", .dot),
        (["-Tpng", "-o", "graph"], "graph", .png),
        (["-Tsvg", "-o", "graph.svg"], "graph.svg", .svg),
    ])
    func withoutAnExtensionFormatDecides(arguments: [String], file: String, kind: Kind) throws {
        #expect(try Self.written(arguments, file: file) == kind)
    }

    @Test(arguments: [
        (["-o", "graph.png", "--format", "svg"], "-o graph.png names png and --format asks for svg"),
        (["-o", "graph.svg", "-Tpng"], "-o graph.svg names svg and --format asks for png"),
        (["-o", "graph.gv", "-T", "pdf"], "-o graph.gv names dot and --format asks for pdf"),
    ])
    func aFormatThatContradictsTheExtensionIsAUsageError(arguments: [String], message: String) throws {
        let folder = try temporaryFolder()
        let result = try Tool.run(["graph", "--example"] + arguments, in: folder)
        #expect(result.status == 64)
        #expect(result.standardError.contains(message), "\(result.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    // Needs a terminal on standard output: `script` (util-linux) makes one. Without it the case cannot be run.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: StandardInputTests.script), "util-linux's script makes the terminal"),
          arguments: ["png", "pdf"])
    func aBinaryFormatIsNotWrittenToATerminal(format: String) throws {
        let folder = try temporaryFolder()
        let result = try StandardInputTests.onATerminal(["graph", "--example", "-o", "-", "-T", format], in: folder)
        #expect(result.status == 64, "\(result.output)")
        #expect(result.output.contains("\(format.uppercased()) is not written to a terminal"))
        #expect(!result.output.contains("IHDR") && !result.output.contains("%PDF"), "no image bytes")
        let svg = try StandardInputTests.onATerminal(["graph", "--example", "-q", "-o", "-"], in: folder)
        #expect(svg.status == 0)
        #expect(svg.output.contains("<svg"))
    }
}
