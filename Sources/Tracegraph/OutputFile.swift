import SystemCalls

/// Why an output could not be written.
public struct OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): cannot write the output: \(reason)" }
}

extension OutputError {
    init(path: String, _ error: SystemError) {
        self.init(path: path, reason: error.description)
    }
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
        let named = Machine.environment("TRACEGRAPH_NO_O_TMPFILE").map { !$0.isEmpty } ?? false
        return try write(bytes, to: path, unnamedTemporaryFile: !named)
    }

    /// Writes `bytes` to `path`, with a named temporary file unless `unnamedTemporaryFile`.
    @discardableResult
    static func write(_ bytes: [UInt8], to path: String, unnamedTemporaryFile: Bool) throws(OutputError) -> [String] {
        do throws(SystemError) {
            if path == "-" {
                try FileDescriptor.standardOutput.write(bytes)
                return []
            }
            try makeFolders(folder(of: path))
            switch try destination(of: path) {
            case .descriptor(let descriptor):
                try FileDescriptor(borrowing: descriptor).write(bytes)
                return []
            case .inPlace(let target):
                try writeInPlace(bytes, to: target)
                return []
            case .replacing(let target, let previous):
                return try replace(target, previous: previous, with: bytes, path: path, unnamedTemporaryFile: unnamedTemporaryFile)
            }
        } catch {
            throw OutputError(path: path, error)
        }
    }

    private enum Destination {
        /// One of this process's descriptors.
        case descriptor(Int32)
        /// A device, a FIFO, a link in /proc.
        case inPlace(String)
        /// A regular file, a folder (which the rename refuses), or nothing yet: `previous` is what is there.
        case replacing(String, previous: FileStatus?)
    }

    /// What `path` names, its symbolic links followed.
    private static func destination(of path: String) throws(SystemError) -> Destination {
        var current = path
        for _ in 0..<40 {
            let status: FileStatus
            do throws(SystemError) {
                status = try FileSystem.status(ofPath: current, followingLinks: false)
            } catch where error == .noSuchFile {
                if current != path { try makeFolders(folder(of: current)) }
                return .replacing(current, previous: nil)
            }
            switch status.kind {
            case .regular, .folder:
                return .replacing(current, previous: status)
            case .symbolicLink:
                switch procLink(current) {
                case .descriptor(let descriptor): return .descriptor(descriptor)
                case .other: return .inPlace(current)
                case nil: break
                }
                guard let target = linkTarget(current) else { throw .current }
                current = target
            default:
                return .inPlace(current)
            }
        }
        throw .tooManyLinks
    }

    /// Writes to what exists at `target` and is not a regular file, without truncating it.
    private static func writeInPlace(_ bytes: [UInt8], to target: String) throws(SystemError) {
        let file = try FileDescriptor.open(target, for: .writingInPlace)
        let kind = try file.status().kind
        // A regular file here is another process's descriptor in /proc (or what took a device's
        // place an instant ago): it is emptied first, as the shell's `>` does.
        if kind == .regular { try file.truncate() }
        try file.write(bytes)
        if kind == .regular || kind == .blockDevice { try file.sync() }
        try file.close()
    }

    /// Writes `bytes` whole beside `target`, then puts them in its place.
    private static func replace(_ target: String, previous: FileStatus?, with bytes: [UInt8], path: String,
                                unnamedTemporaryFile: Bool) throws(SystemError) -> [String] {
        let kept = previous.flatMap { $0.kind == .regular ? $0 : nil }
        let base = folder(of: target)
        let name = lastComponent(of: target)
        let folder = try FileDescriptor.open(base.isEmpty ? "." : base, for: .folder)
        // A file that replaces another is its owner's alone until it has the other's mode.
        let mode: UInt32 = kept == nil ? 0o666 : 0o600
        var written = false
        if unnamedTemporaryFile && FileSystem.canEnter("/proc/self/fd") {
            var unnamed: FileDescriptor?
            do throws(SystemError) {
                unnamed = try folder.makeUnnamedFile(mode: mode)
            } catch where [.notSupported, .isFolder, .invalid].contains(error) {
                // No O_TMPFILE on this filesystem: a named file instead.
            }
            if let file = unnamed.take() {
                try replaceWithUnnamedFile(file, in: folder, name: name, exists: previous != nil, like: kept, bytes: bytes)
                written = true
            }
        }
        if !written {
            try replaceWithNamedFile(in: folder, name: name, mode: mode, like: kept, bytes: bytes)
        }
        folder.syncFolder()
        guard let kept, kept.linkCount > 1 else { return [] }
        let others = kept.linkCount - 1
        return ["\(path): replaced; \(others == 1 ? "its other hard link keeps" : "its \(others) other hard links keep") the earlier content"]
    }

    /// Writes an O_TMPFILE file and links it in: straight to the target's name when there is
    /// nothing there, or else to a temporary name renamed over the target.
    private static func replaceWithUnnamedFile(_ file: consuming FileDescriptor, in folder: borrowing FileDescriptor, name: String,
                                               exists: Bool, like kept: FileStatus?, bytes: [UInt8]) throws(SystemError) {
        try file.write(bytes)
        try settle(file, like: kept)
        if !exists {
            var linked = true
            do throws(SystemError) {
                try folder.link(file, as: name)
            } catch where error == .exists {
                // Something appeared there meanwhile: it is replaced, as if it had been there.
                linked = false
            }
            if linked {
                do throws(SystemError) {
                    try file.close()
                } catch {
                    folder.remove(name)
                    throw error
                }
                return
            }
        }
        let cleanup = TemporaryFileCleanup()
        let temporary = try temporaryName(for: name, in: folder, cleanup: cleanup) { (candidate: String) throws(SystemError) in
            try folder.link(file, as: candidate)
        }
        try moveIntoPlace(file, from: temporary, to: name, in: folder, cleanup: cleanup)
    }

    /// Writes a named temporary file, which a signal or a failure removes, and renames it over the target.
    private static func replaceWithNamedFile(in folder: borrowing FileDescriptor, name: String, mode: UInt32,
                                             like kept: FileStatus?, bytes: [UInt8]) throws(SystemError) {
        let cleanup = TemporaryFileCleanup()
        var made: FileDescriptor?
        let temporary = try temporaryName(for: name, in: folder, cleanup: cleanup) { (candidate: String) throws(SystemError) in
            made = try folder.makeFile(named: candidate, mode: mode)
        }
        try moveIntoPlace(made.take()!, from: temporary, to: name, in: folder, cleanup: cleanup) { file throws(SystemError) in
            try file.write(bytes)
            try settle(file, like: kept)
        }
    }

    /// Finishes a file written under a temporary name (`finishing` it, then closing it) and renames
    /// it over `name`; when any step fails the temporary name is removed, and only a file in place
    /// disarms the signal cleanup.
    private static func moveIntoPlace(
        _ file: consuming FileDescriptor, from temporary: String, to name: String, in folder: borrowing FileDescriptor,
        cleanup: borrowing TemporaryFileCleanup,
        finishing: (borrowing FileDescriptor) throws(SystemError) -> Void = { _ in }
    ) throws(SystemError) {
        do throws(SystemError) {
            try finishing(file)
            try file.close()
            try folder.rename(temporary, to: name)
        } catch {
            folder.remove(temporary)
            throw error
        }
        cleanup.disarm()
    }

    /// Gives a file a hidden name beside the target, `.NAME.tmp-XXXXXX`, with `create`,
    /// under `cleanup`'s watch.
    private static func temporaryName(for name: String, in folder: borrowing FileDescriptor, cleanup: borrowing TemporaryFileCleanup,
                                      _ create: (String) throws(SystemError) -> Void) throws(SystemError) -> String {
        var prefix = name
        while prefix.utf8.count > 200 { prefix.removeLast() }
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        for _ in 0..<100 {
            let suffix = String(decoding: (0..<6).map { _ in letters.randomElement()! }, as: UTF8.self)
            let candidate = ".\(prefix).tmp-\(suffix)"
            do throws(SystemError) {
                try cleanup.make(candidate, in: folder) { () throws(SystemError) in try create(candidate) }
                return candidate
            } catch where error == .exists {
                continue
            }
        }
        throw .exists
    }

    /// Gives a new file the owner, group and mode of the one it replaces, as far as the process
    /// may, then flushes it to disk.
    private static func settle(_ file: borrowing FileDescriptor, like kept: FileStatus?) throws(SystemError) {
        if let kept {
            // Mode after owner, since chown clears the set-id bits. A mode that cannot be set
            // leaves the file at 0600.
            try file.setOwner(kept.owner, group: kept.group)
            file.setPermissions(kept.permissions)
        }
        try file.sync()
    }

    private static func makeFolders(_ folder: String) throws(SystemError) {
        var current = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            current += "/" + component
            try FileSystem.makeFolder(current)
        }
    }
}
