#if canImport(Glibc)
import Glibc
#endif

/// Why an output could not be written.
public struct OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): cannot write the output: \(reason)" }
}

/// Writes outputs whole or not at all, to what their path names.
///
/// - `-` is standard output. So are `/dev/stdout`, `/dev/stderr`, `/dev/fd/N` and `/proc/self/fd/N`:
///   the process's own descriptor is written to, where it stands (appending if it was opened to append),
///   as `-` does; `-o /dev/stdout` prints.
/// - A symbolic link is followed, link by link, to what it names, which is written as below;
///   the link stays a link. A dangling link names the file to create (and the folders it needs).
/// - What exists and is neither a regular file nor a folder (a character or block device, a FIFO,
///   another link in /proc) is opened and written in place, not truncated and never replaced:
///   `/dev/null` stays a device, a FIFO waits for its reader as with the shell's `>`, and a write
///   error such as `/dev/full`'s "No space left on device" is an ``OutputError``. (A socket cannot
///   be opened, which is an error too.)
/// - A regular file, or no file yet, is written whole to a temporary file in the target's folder,
///   flushed with fsync and renamed over the target, so that no reader ever sees half a file and a
///   failed write leaves the earlier file as it was. The new file keeps the mode of the file it
///   replaces and, where the process may give files away (as root), its owner and group; a new file
///   gets 0666 less the umask. Missing folders are created.
/// - A regular file with other hard links is replaced the same way, and a warning on standard error
///   says that the other names keep the earlier content. Writing it in place instead would change
///   every name at once, but a reader could then see half a report, and a failed write (a full disk)
///   would destroy the earlier one; and hard links to outputs are mostly made by tools that count on
///   a file never changing under them (snapshots made with `cp -al`, build caches). A symbolic link
///   is the way to give an output a second name that follows it.
///
/// The temporary file is made with O_TMPFILE: it has no name until it is complete, and a process
/// that ends while writing, even by SIGKILL, leaves nothing. Where the filesystem has no O_TMPFILE
/// (NFS, overlayfs before Linux 6.6) or /proc is not mounted, it is a named `.NAME.tmp-XXXXXX`
/// beside the target, removed when the write fails and when SIGINT, SIGTERM or SIGHUP ends the
/// process (a program that handles those signals itself keeps its handlers); SIGKILL can leave it.
/// TRACEGRAPH_NO_O_TMPFILE=1 in the environment asks for the named file, to test that way.
public enum OutputFile {
    /// Writes `bytes` to `path`, as ``OutputFile`` says; `-` writes to standard output.
    /// - Returns: what a person should know about the write, one line each (a replaced file's other
    ///   hard links keep the earlier content); the caller says them, or not when asked to be quiet.
    @discardableResult
    public static func write(_ bytes: [UInt8], to path: String) throws(OutputError) -> [String] {
        let named = getenv("TRACEGRAPH_NO_O_TMPFILE").map { $0.pointee != 0 } ?? false
        return try write(bytes, to: path, unnamedTemporaryFile: !named)
    }

    /// Writes `bytes` to `path`, with a named temporary file unless `unnamedTemporaryFile`.
    @discardableResult
    static func write(_ bytes: [UInt8], to path: String, unnamedTemporaryFile: Bool) throws(OutputError) -> [String] {
        if path == "-" {
            try writeAll(bytes, to: STDOUT_FILENO, path: path)
            return []
        }
        try makeFolders(folder(of: path), for: path)
        switch try destination(of: path) {
        case .descriptor(let descriptor):
            try writeAll(bytes, to: descriptor, path: path)
            return []
        case .inPlace(let target):
            try writeInPlace(bytes, to: target, path: path)
            return []
        case .replacing(let target, let previous):
            return try replace(target, previous: previous, with: bytes, path: path, unnamedTemporaryFile: unnamedTemporaryFile)
        }
    }

    private enum Destination {
        /// One of this process's descriptors.
        case descriptor(Int32)
        /// A device, a FIFO, a link in /proc.
        case inPlace(String)
        /// A regular file, a folder (which the rename refuses), or nothing yet: `previous` is what is there.
        case replacing(String, previous: stat?)
    }

    /// What `path` names, its symbolic links followed.
    private static func destination(of path: String) throws(OutputError) -> Destination {
        var current = path
        for _ in 0..<40 {
            var status = stat()
            guard lstat(current, &status) == 0 else {
                guard errno == ENOENT else { throw OutputError(path: path) }
                if current != path { try makeFolders(folder(of: current), for: path) }
                return .replacing(current, previous: nil)
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG, S_IFDIR:
                return .replacing(current, previous: status)
            case S_IFLNK:
                switch procLink(current) {
                case .descriptor(let descriptor): return .descriptor(descriptor)
                case .other: return .inPlace(current)
                case nil: break
                }
                guard let target = linkTarget(current) else { throw OutputError(path: path) }
                current = target
            default:
                return .inPlace(current)
            }
        }
        throw OutputError(path: path, errno: ELOOP)
    }

    /// Writes to what exists at `target` and is not a regular file, without truncating it.
    private static func writeInPlace(_ bytes: [UInt8], to target: String, path: String) throws(OutputError) {
        let opened = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC)
        guard opened >= 0 else { throw OutputError(path: path) }
        let file = Descriptor(opened)
        var status = stat()
        guard fstat(file.raw, &status) == 0 else { throw OutputError(path: path) }
        let kind = status.st_mode & S_IFMT
        // A regular file here is another process's descriptor in /proc (or what took a device's
        // place an instant ago): it is emptied first, as the shell's `>` does.
        if kind == S_IFREG, ftruncate(file.raw, 0) != 0 { throw OutputError(path: path) }
        try writeAll(bytes, to: file.raw, path: path)
        if kind == S_IFREG || kind == S_IFBLK, fsync(file.raw) != 0, errno != EINVAL { throw OutputError(path: path) }
        try file.close(path: path)
    }

    /// Writes `bytes` whole beside `target`, then puts them in its place.
    private static func replace(_ target: String, previous: stat?, with bytes: [UInt8], path: String,
                                unnamedTemporaryFile: Bool) throws(OutputError) -> [String] {
        let kept = previous.flatMap { $0.st_mode & S_IFMT == S_IFREG ? $0 : nil }
        let base = folder(of: target)
        let name = lastComponent(of: target)
        let openedFolder = open(base.isEmpty ? "." : base, openPathOnly | O_DIRECTORY | O_CLOEXEC)
        guard openedFolder >= 0 else { throw OutputError(path: path) }
        let folder = Descriptor(openedFolder)
        // A file that replaces another is its owner's alone until it has the other's mode.
        let mode: mode_t = kept == nil ? 0o666 : 0o600
        var written = false
        if unnamedTemporaryFile && access("/proc/self/fd", X_OK) == 0 {
            let opened = openat(folder.raw, ".", openUnnamedFile | O_WRONLY | O_CLOEXEC, mode)
            if opened >= 0 {
                try replaceWithUnnamedFile(Descriptor(opened), in: folder, name: name, exists: previous != nil,
                                           like: kept, bytes: bytes, path: path)
                written = true
            } else if errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL {
                throw OutputError(path: path)
            }
        }
        if !written {
            try replaceWithNamedFile(in: folder, name: name, mode: mode, like: kept, bytes: bytes, path: path)
        }
        syncFolder(folder)
        guard let kept, kept.st_nlink > 1 else { return [] }
        let others = kept.st_nlink - 1
        return ["\(path): replaced; \(others == 1 ? "its other hard link keeps" : "its \(others) other hard links keep") the earlier content"]
    }

    /// Writes an O_TMPFILE file and links it in: straight to the target's name when there is
    /// nothing there, or else to a temporary name renamed over the target.
    private static func replaceWithUnnamedFile(_ file: consuming Descriptor, in folder: borrowing Descriptor, name: String,
                                               exists: Bool, like kept: stat?, bytes: [UInt8], path: String) throws(OutputError) {
        try writeAll(bytes, to: file.raw, path: path)
        try settle(file, like: kept, path: path)
        let source = "/proc/self/fd/\(file.raw)"
        let folderRaw = folder.raw
        if !exists {
            if linkat(AT_FDCWD, source, folderRaw, name, AT_SYMLINK_FOLLOW) == 0 {
                do throws(OutputError) {
                    try file.close(path: path)
                } catch {
                    unlinkat(folderRaw, name, 0)
                    throw error
                }
                return
            }
            // Something appeared there meanwhile: it is replaced, as if it had been there.
            guard errno == EEXIST else { throw OutputError(path: path) }
        }
        let cleanup = TemporaryFileCleanup()
        let temporary = try temporaryName(for: name, in: folderRaw, cleanup: cleanup, path: path) { candidate in
            linkat(AT_FDCWD, source, folderRaw, candidate, AT_SYMLINK_FOLLOW) == 0
        }
        try moveIntoPlace(file, from: temporary, to: name, in: folderRaw, cleanup: cleanup, path: path)
    }

    /// Writes a named temporary file, which a signal or a failure removes, and renames it over the target.
    private static func replaceWithNamedFile(in folder: borrowing Descriptor, name: String, mode: mode_t,
                                             like kept: stat?, bytes: [UInt8], path: String) throws(OutputError) {
        let folderRaw = folder.raw
        let cleanup = TemporaryFileCleanup()
        var opened: Int32 = -1
        let temporary = try temporaryName(for: name, in: folderRaw, cleanup: cleanup, path: path) { candidate in
            opened = openat(folderRaw, candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            return opened >= 0
        }
        try moveIntoPlace(Descriptor(opened), from: temporary, to: name, in: folderRaw, cleanup: cleanup, path: path) { file throws(OutputError) in
            try writeAll(bytes, to: file.raw, path: path)
            try settle(file, like: kept, path: path)
        }
    }

    /// Finishes a file written under a temporary name (`finishing` it, then closing it) and renames
    /// it over `name`; when any step fails the temporary name is removed, and only a file in place
    /// disarms the signal cleanup.
    private static func moveIntoPlace(
        _ file: consuming Descriptor, from temporary: String, to name: String, in folder: Int32,
        cleanup: borrowing TemporaryFileCleanup, path: String,
        finishing: (borrowing Descriptor) throws(OutputError) -> Void = { _ in }
    ) throws(OutputError) {
        do throws(OutputError) {
            try finishing(file)
            try file.close(path: path)
            guard renameat(folder, temporary, folder, name) == 0 else { throw OutputError(path: path) }
        } catch {
            unlinkat(folder, temporary, 0)
            throw error
        }
        cleanup.disarm()
    }

    /// Gives a file a hidden name beside the target, `.NAME.tmp-XXXXXX`, with `create`,
    /// under `cleanup`'s watch.
    private static func temporaryName(for name: String, in folder: Int32, cleanup: borrowing TemporaryFileCleanup,
                                      path: String, _ create: (String) -> Bool) throws(OutputError) -> String {
        var prefix = name
        while prefix.utf8.count > 200 { prefix.removeLast() }
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        for _ in 0..<100 {
            let suffix = String(decoding: (0..<6).map { _ in letters.randomElement()! }, as: UTF8.self)
            let candidate = ".\(prefix).tmp-\(suffix)"
            if cleanup.make(candidate, in: folder, with: { create(candidate) }) { return candidate }
            guard errno == EEXIST else { throw OutputError(path: path) }
        }
        throw OutputError(path: path, errno: EEXIST)
    }

    /// Gives a new file the owner, group and mode of the one it replaces, as far as the process
    /// may, then flushes it to disk.
    private static func settle(_ file: borrowing Descriptor, like kept: stat?, path: String) throws(OutputError) {
        if let kept {
            // Only root gives files away; others may still keep a group they are in. Mode after owner,
            // since chown clears the set-id bits. A mode that cannot be set leaves the file at 0600.
            if fchown(file.raw, kept.st_uid, kept.st_gid) != 0, errno != EPERM, errno != EINVAL {
                throw OutputError(path: path)
            }
            _ = fchmod(file.raw, kept.st_mode & 0o7777)
        }
        if fsync(file.raw) != 0, errno != EINVAL { throw OutputError(path: path) }
    }

    /// Flushes a folder's new entry to disk, if the system lets it.
    private static func syncFolder(_ folder: borrowing Descriptor) {
        let opened = openat(folder.raw, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard opened >= 0 else { return }
        _ = fsync(opened)
        _ = close(opened)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(OutputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: path)
            }
            offset += written
        }
    }

    private static func makeFolders(_ folder: String, for path: String) throws(OutputError) {
        var current = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o777) != 0 && errno != EEXIST { throw OutputError(path: path) }
        }
    }

}
