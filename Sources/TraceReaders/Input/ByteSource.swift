import CZlib
import SystemCalls

/// Where an input's bytes come from: a file, standard input, or gzip data inflated on the fly.
protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TraceReadError) -> Int
}

extension ByteSource {
    /// `prefix` followed by up to `count` bytes read, in one new array: fewer only at the end.
    func read(_ count: Int, after prefix: [UInt8]) throws(TraceReadError) -> [UInt8] {
        var failure: TraceReadError?
        let block = [UInt8](unsafeUninitializedCapacity: prefix.count + count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            prefix.withUnsafeBytes { raw.copyMemory(from: $0) }
            initialized = prefix.count
            let total = prefix.count + count
            while initialized < total {
                do throws(TraceReadError) {
                    let got = try read(into: UnsafeMutableRawBufferPointer(rebasing: raw[initialized..<total]))
                    if got == 0 { break }
                    initialized += got
                } catch {
                    failure = error
                    break
                }
            }
        }
        if let failure { throw failure }
        return block
    }

    /// Appends up to `count` bytes to `bytes`; returns how many came (fewer only at the end).
    func append(upTo count: Int, to bytes: inout [UInt8]) throws(TraceReadError) -> Int {
        let before = bytes.count
        bytes = try read(count, after: bytes)
        return bytes.count - before
    }
}

/// Bytes already in memory, copied out as they are read.
final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = Array(bytes)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TraceReadError) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + count])) }
        offset += count
        return count
    }
}

/// A file or standard input, read with `read(2)`; the descriptor is closed once, when the source goes away.
final class FileSource: ByteSource {
    let path: String
    private let file: FileDescriptor

    /// Opens `path`; `-` is standard input.
    init(path: String) throws(TraceReadError) {
        self.path = path
        if path == "-" {
            file = .standardInput
            return
        }
        do throws(SystemError) {
            file = try FileDescriptor.open(path, for: .reading)
        } catch {
            throw Self.failure(path, error)
        }
        if (try? file.status())?.kind == .folder {
            throw TraceReadError(source: path, location: nil, problem: .cannotOpen(reason: "it is a folder, not a file"))
        }
    }

    /// The file's size, when it is a regular file.
    var size: Int? {
        guard let status = try? file.status(), status.kind == .regular else { return nil }
        return status.size
    }

    /// The whole file mapped into memory, when it is a regular file.
    func mapped() -> InputBytes? {
        path == "-" ? nil : file.mapped().map(InputBytes.init(mapping:))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TraceReadError) -> Int {
        do throws(SystemError) {
            return try file.read(into: buffer)
        } catch {
            throw Self.failure(path, error)
        }
    }

    static func failure(_ path: String, _ error: SystemError) -> TraceReadError {
        TraceReadError(source: path, location: nil, problem: .cannotOpen(reason: error.description))
    }
}

/// Gzip (or zlib) data inflated as it is read; several gzip members one after the other
/// (as `cat a.gz b.gz` makes) read as one stream. The inflater is released once, at the end.
final class GzipSource: ByteSource {
    /// Inflated bytes allowed whatever the ratio (`ReadOptions.maximumInflation`): small inputs are never refused.
    static let inflationAllowance = 64 << 20

    private let upstream: ByteSource
    private let path: String
    private let maximumInflation: Int
    /// zlib keeps the stream's address between calls: it lives in storage of its own that never
    /// moves, allocated here and freed once, when the source goes away.
    private let stream: UnsafeMutablePointer<z_stream>
    /// Inflated bytes handed out so far.
    private var inflated = 0
    private var input: [UInt8]
    private var inputOffset = 0
    private var upstreamEnded = false
    private var finished = false
    /// Compressed bytes consumed so far: where an error is.
    private var consumed = 0

    /// `prefix` holds bytes already taken from `upstream`, to be inflated first.
    init(upstream: ByteSource, prefix: [UInt8], path: String, maximumInflation: Int = ReadOptions.defaultMaximumInflation) throws(TraceReadError) {
        self.upstream = upstream
        self.path = path
        self.maximumInflation = maximumInflation
        input = prefix
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard czlib_inflate_init_auto(stream) == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw TraceReadError(source: path, location: nil, problem: .cannotOpen(reason: "cannot start gzip decompression"))
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TraceReadError) -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        while true {
            if inputOffset == input.count && !upstreamEnded {
                input.removeAll(keepingCapacity: true)
                inputOffset = 0
                if try upstream.append(upTo: 1 << 16, to: &input) == 0 { upstreamEnded = true }
            }
            let available = input.count - inputOffset
            if available == 0 && upstreamEnded {
                // The input ended: fine between members, truncated inside one.
                guard atMemberBoundary else { throw error("the gzip data ends too early (is the file truncated?)") }
                finished = true
                return 0
            }
            var produced = 0
            let status: Int32 = input.withUnsafeMutableBytes { inputBytes in
                stream.pointee.next_in = inputBytes.baseAddress!.assumingMemoryBound(to: Bytef.self) + inputOffset
                stream.pointee.avail_in = uInt(available)
                stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                // At most 1 MiB at a time, so that the check of the inflation below comes often.
                stream.pointee.avail_out = uInt(min(buffer.count, 1 << 20))
                let status = inflate(stream, Z_NO_FLUSH)
                let used = available - Int(stream.pointee.avail_in)
                inputOffset += used
                consumed += used
                produced = min(buffer.count, 1 << 20) - Int(stream.pointee.avail_out)
                return status
            }
            switch status {
            case Z_STREAM_END:
                // Another member may follow; a stream of members that hold nothing would keep the
                // read going for ever without a byte to show, so a run of them is refused.
                emptyMembersInARow = inflated + produced == inflatedAtMemberStart ? emptyMembersInARow + 1 : 0
                inflatedAtMemberStart = inflated + produced
                if emptyMembersInARow > Self.maximumEmptyMembersInARow {
                    throw error("more than \(Self.maximumEmptyMembersInARow) gzip members in a row hold nothing")
                }
                inflateReset(stream)
                atMemberBoundary = true
            case Z_OK:
                atMemberBoundary = false
            case Z_BUF_ERROR where available == 0:
                break
            default:
                throw error(stream.pointee.msg.map { String(cString: $0) } ?? "corrupt gzip data")
            }
            inflated += produced
            if inflated > Self.inflationAllowance, inflated / max(consumed, 1) > maximumInflation {
                throw error("the gzip data inflates more than \(maximumInflation) times its size "
                    + "(\(consumed) bytes to over \(inflated)): a gzip bomb? --max-inflation sets the ratio")
            }
            if produced > 0 { return produced }
        }
    }

    private var atMemberBoundary = false
    /// Members that inflated to nothing, one after the other, and where the current member started.
    private var emptyMembersInARow = 0
    private var inflatedAtMemberStart = 0
    /// `cat` of a few empty files makes a few; a thousand is a stream made to stall the reader.
    static let maximumEmptyMembersInARow = 1_000

    private func error(_ reason: String) -> TraceReadError {
        TraceReadError(source: path, location: .byteOffset(consumed), problem: .malformedCompression(reason: reason))
    }
}
