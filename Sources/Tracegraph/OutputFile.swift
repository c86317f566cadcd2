#if canImport(Glibc)
import Glibc
#endif

/// Why an output could not be written.
public struct OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): cannot write the output: \(reason)" }
}

/// Writes outputs whole or not at all: to a temporary file beside the target,
/// then renamed over it, so that no reader ever sees half a file.
public enum OutputFile {
    /// Writes `bytes` to `path`, creating its folder if needed; `-` writes to standard output.
    public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) {
        if path == "-" {
            try writeAll(bytes, to: STDOUT_FILENO, path: path)
            return
        }
        let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        if !folder.isEmpty { try makeFolders(folder, for: path) }
        let name = path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array(((folder.isEmpty ? "" : folder + "/") + ".\(name).tmp-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw error(path) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        do throws(OutputError) {
            try writeAll(bytes, to: descriptor, path: path)
            // mkstemp makes the file readable by its owner only; outputs are ordinary files.
            let mask = umask(0)
            umask(mask)
            fchmod(descriptor, 0o666 & ~mask)
            guard close(descriptor) == 0 else { throw error(path) }
            guard rename(temporary, path) == 0 else { throw error(path) }
        } catch let failure {
            close(descriptor)
            unlink(temporary)
            throw failure
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(OutputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw error(path)
            }
            offset += written
        }
    }

    private static func makeFolders(_ folder: String, for path: String) throws(OutputError) {
        var current = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o777) != 0 && errno != EEXIST { throw error(path) }
        }
    }

    private static func error(_ path: String) -> OutputError {
        OutputError(path: path, reason: String(cString: strerror(errno)))
    }
}
