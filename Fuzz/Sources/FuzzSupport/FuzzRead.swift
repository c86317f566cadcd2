@_exported import TraceReaders
import FuzzZlib
import ServiceGraph
import TraceModel
#if canImport(Glibc)
import Glibc
#endif

/// One fuzz input: a byte of options, then the export.
///
/// The options byte, bit by bit:
/// - 0: `keepGoing`
/// - 1: `strict`
/// - 2: the service graph's `ReadDetail` (what `tracegraph graph` decodes) instead of everything
/// - 3: read through the path API, from a file, as well as from memory, and check that both agree
/// - 4: gzip the export first (what the reader sees is the compressed file)
///
/// A crash, hang or blow-up is a finding; so is a file that reads otherwise than the same bytes in memory.
public struct FuzzInput {
    public var options: ReadOptions
    public var throughPath: Bool
    public var gzip: Bool
    /// The bytes the reader is given (compressed, when `gzip`).
    public var export: [UInt8]

    public init?(_ data: UnsafeRawBufferPointer, format: TraceInputFormat?) {
        guard let flags = data.first else { return nil }
        options = ReadOptions(
            detail: flags & 4 != 0 ? ServiceGraph.Accumulator.readDetail : .full,
            keepGoing: flags & 1 != 0, format: format
        )
        options.strict = flags & 2 != 0
        throughPath = flags & 8 != 0
        gzip = flags & 16 != 0
        let payload = UnsafeRawBufferPointer(rebasing: data.dropFirst())
        export = gzip ? Gzip.compress(payload) : Array(payload)
    }
}

public enum FuzzRead {
    /// libFuzzer's entry, for one target: `format` nil tells it from the content.
    public static func run(_ data: UnsafeRawBufferPointer, format: TraceInputFormat?) -> CInt {
        guard let input = FuzzInput(data, format: format) else { return 0 }
        let inMemory = Outcome(input.export.withUnsafeBytes { bytes in
            Result { () throws(TraceReadError) in try TraceReader.read(bytes, source: "fuzz", options: input.options) }
        })
        inMemory.check()
        guard input.throughPath else { return 0 }
        let path = TemporaryFile.write(input.export)
        let fromFile = Outcome(Result { () throws(TraceReadError) in try TraceReader.read(contentsOf: path, options: input.options) })
        fromFile.check()
        if fromFile != inMemory {
            fatalError("The file reads otherwise than the same bytes in memory: \(fromFile) from the file, \(inMemory) from memory")
        }
        return 0
    }
}

/// What a read came to, as far as the file and memory must agree.
struct Outcome: Equatable, CustomStringConvertible {
    var spans: Int?
    var reportedSpans: Int?
    var skipped: Int?
    var failed: Bool

    init(_ result: Result<TraceFile, TraceReadError>) {
        switch result {
        case .success(let file):
            spans = file.spans.count
            reportedSpans = file.report.spans
            skipped = file.report.skipped.count
            failed = false
            // Every message is made, as the command would print it.
            for error in file.report.skipped { _ = error.description }
        case .failure(let error):
            failed = true
            _ = error.description
        }
    }

    func check() {
        if let spans, spans != reportedSpans {
            fatalError("The report counts \(reportedSpans ?? -1) spans, the file has \(spans)")
        }
    }

    var description: String {
        failed ? "an error" : "\(spans ?? 0) spans (report: \(reportedSpans ?? 0)), \(skipped ?? 0) skipped"
    }
}

/// The one file of this process that the path API reads, in memory where there is /dev/shm.
enum TemporaryFile {
    static let path: String = {
        var folder = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        if let temporary = getenv("TMPDIR") { folder = String(cString: temporary) }
        return "\(folder)/tracegraph-fuzz-\(getpid())"
    }()

    static func write(_ bytes: [UInt8]) -> String {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { fatalError("Cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else { fatalError("Cannot write \(path): \(String(cString: strerror(errno)))") }
                offset += written
            }
        }
        return path
    }
}

public enum Gzip {
    /// The bytes as a gzip file, as `gzip` would write them.
    public static func compress(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var stream = z_stream()
        // 12 + 16: a window of 4 KiB (as large as an input), with gzip's header and trailer; little
        // memory (memLevel 2), so that each input does not allocate and clear a quarter of a megabyte.
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 12 + 16, 2, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, CInt(MemoryLayout<z_stream>.size)) == Z_OK else { fatalError("deflateInit2 failed") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 32)
        let status = output.withUnsafeMutableBytes { out in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(bytes.count)
            stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(out.count)
            return deflate(&stream, Z_FINISH)
        }
        guard status == Z_STREAM_END else { fatalError("deflate failed: \(status)") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }
}
