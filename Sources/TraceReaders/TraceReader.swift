#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TraceModel

/// The export formats this library reads.
public enum TraceInputFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// OTLP/JSON: one `ExportTraceServiceRequest`, or JSON lines of them.
    case otlpJSON = "otlp-json"

    public var description: String { rawValue }
}

/// The spans read from one input.
public struct TraceFile: Sendable {
    /// The input's path, `-` for standard input, or the name the caller gave.
    public var source: String
    public var format: TraceInputFormat
    /// The spans in input order, repeats included: `TraceSet` counts those.
    public var spans: [Span]
}

/// Reads trace exports from files or bytes.
public enum TraceReader {
    /// Reads the file at `path`; `-` reads standard input.
    public static func read(contentsOf path: String) throws(TraceReadError) -> TraceFile {
        let bytes = try readBytes(path)
        return try bytes.withUnsafeBytes { buffer in Result { () throws(TraceReadError) in try read(buffer, source: path) } }.get()
    }

    /// Reads an export held in memory; `source` names it in errors.
    public static func read(_ bytes: UnsafeRawBufferPointer, source: String) throws(TraceReadError) -> TraceFile {
        var reader = OTLPJSONReader(bytes, detail: .full)
        var spans = SpanList()
        var skipped: [JSONError] = []
        do {
            try reader.readAll(into: &spans, skipped: &skipped)
        } catch {
            throw TraceReadError(source: source, location: .text(of: error.offset, in: bytes), problem: error.problem)
        }
        return TraceFile(source: source, format: .otlpJSON, spans: spans.spans)
    }

    /// Reads an export held in a string; `source` names it in errors.
    public static func read(_ text: String, source: String) throws(TraceReadError) -> TraceFile {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(TraceReadError) in try read(UnsafeRawBufferPointer(buffer), source: source) }
        }.get()
    }

    private static func readBytes(_ path: String) throws(TraceReadError) -> [UInt8] {
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw cannotOpen(path) }
        defer { if path != "-" { close(descriptor) } }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw cannotOpen(path) }
        if status.st_mode & S_IFMT == S_IFDIR {
            throw TraceReadError(source: path, location: nil, problem: .cannotOpen(reason: "it is a folder, not a file"))
        }
        var bytes: [UInt8] = []
        var capacity = max(Int(status.st_size) + 1, 1 << 16)
        while true {
            bytes.reserveCapacity(capacity)
            let count = bytes.count
            let spare = capacity - count
            var readCount = 0
            bytes.append(contentsOf: repeatElement(0, count: spare))
            readCount = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + count, spare)
            }
            if readCount < 0 {
                if errno == EINTR { bytes.removeLast(spare); continue }
                throw cannotOpen(path)
            }
            bytes.removeLast(spare - readCount)
            if readCount == 0 { return bytes }
            if bytes.count == capacity { capacity *= 2 }
        }
    }

    private static func cannotOpen(_ path: String) -> TraceReadError {
        TraceReadError(source: path, location: nil, problem: .cannotOpen(reason: String(cString: strerror(errno))))
    }
}

/// Keeps every span it receives, in order.
struct SpanList: SpanSink {
    var spans: [Span] = []
    mutating func receive(_ span: Span) { spans.append(span) }
}
