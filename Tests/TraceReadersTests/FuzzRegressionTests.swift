import Foundation
import ServiceGraph
import Testing
import TraceReaders
import TraceModel

/// The inputs that the fuzz targets of `Fuzz/` found a crash, hang or blow-up with, kept in
/// `Fixtures/Fuzz/TARGET/` beside this file, each read the way its target reads it (as
/// `FuzzInput` in `Fuzz/Sources/FuzzSupport/FuzzRead.swift` does): a byte of options, then the
/// export. Each must read, or fail with a clean error, and read the same from a file as from memory.
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/Fuzz")

    /// `TARGET/NAME` of every input kept.
    static let inputs: [String] = {
        let files = FileManager.default
        let targets = (try? files.contentsOfDirectory(atPath: folder.path)) ?? []
        return targets.sorted().flatMap { target in
            ((try? files.contentsOfDirectory(atPath: folder.appendingPathComponent(target).path)) ?? [])
                .filter { !$0.hasPrefix(".") }.sorted().map { "\(target)/\($0)" }
        }
    }()

    /// The format each target gives; `sniff` tells it from the content.
    static let formats: [String: TraceInputFormat?] = [
        "otlp-json": .otlpJSON, "otlp-proto": .otlpProtobuf, "jaeger": .jaegerJSON, "zipkin": .zipkinJSON, "sniff": nil,
    ]

    @Test(arguments: inputs)
    func readsOrFailsCleanly(_ input: String) throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent(input))
        let format = try #require(Self.formats[String(input.prefix { $0 != "/" })], "a folder named after a fuzz target")
        guard let flags = data.first else { return }
        var options = ReadOptions(
            detail: flags & 4 != 0 ? ServiceGraph.Accumulator.readDetail : .full, keepGoing: flags & 1 != 0, format: format
        )
        options.strict = flags & 2 != 0
        var export = Data(data.dropFirst())
        if flags & 16 != 0 { export = try gzipped(export) }

        let inMemory = Self.outcome { () throws(TraceReadError) in
            try export.withUnsafeBytes { bytes in
                Result { () throws(TraceReadError) in try TraceReader.read(bytes, source: input, options: options) }
            }.get()
        }
        if let file = try? inMemory.get() { #expect(file.report.spans == file.spans.count) }
        guard flags & 8 != 0 else { return }
        let path = try temporaryFile("fuzz-input", export)
        let fromFile = Self.outcome { () throws(TraceReadError) in try TraceReader.read(contentsOf: path, options: options) }
        #expect(Self.summary(fromFile) == Self.summary(inMemory))
    }

    static func outcome(_ read: () throws(TraceReadError) -> TraceFile) -> Result<TraceFile, TraceReadError> {
        Result(catching: read)
    }

    /// What the file and memory must agree on: a read or an error, and the counts.
    static func summary(_ outcome: Result<TraceFile, TraceReadError>) -> String {
        switch outcome {
        case .success(let file): "\(file.spans.count) spans, \(file.report.spans) counted, \(file.report.skipped.count) skipped"
        case .failure: "an error"
        }
    }
}

private func gzipped(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(data)
    try input.fileHandleForWriting.close()
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return compressed
}
