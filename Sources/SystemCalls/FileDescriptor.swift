#if canImport(Glibc)
import Glibc
#endif

/// An open file descriptor, closed exactly once: by ``close()``, which says when closing fails,
/// or else when the value goes away. One that was borrowed (standard input or output, another
/// part of the process's) is never closed.
package struct FileDescriptor: ~Copyable {
    package let raw: Int32
    private let owned: Bool

    /// Takes over `raw`, to close it.
    package init(adopting raw: Int32) {
        self.raw = raw
        owned = true
    }

    /// Uses `raw`, which stays open.
    package init(borrowing raw: Int32) {
        self.raw = raw
        owned = false
    }

    package static var standardInput: FileDescriptor { FileDescriptor(borrowing: STDIN_FILENO) }
    package static var standardOutput: FileDescriptor { FileDescriptor(borrowing: STDOUT_FILENO) }
    package static var standardError: FileDescriptor { FileDescriptor(borrowing: STDERR_FILENO) }

    /// How a file is opened by name.
    package enum Access {
        /// To read.
        case reading
        /// To write what is there, without creating, truncating or becoming its terminal.
        case writingInPlace
        /// A folder, only to name files in it (O_PATH).
        case folder
    }

    /// open(2)'s O_TMPFILE and O_PATH, which Glibc defines for GNU programs only: Linux's
    /// generic values, those of every architecture Swift runs on.
    private static let unnamedFile = Int32(0o20000000) | O_DIRECTORY
    private static let pathOnly = Int32(0o10000000)

    package static func open(_ path: String, for access: Access) throws(SystemError) -> FileDescriptor {
        let flags = switch access {
        case .reading: O_RDONLY | O_CLOEXEC
        case .writingInPlace: O_WRONLY | O_NOCTTY | O_CLOEXEC
        case .folder: pathOnly | O_DIRECTORY | O_CLOEXEC
        }
        let raw = Glibc.open(path, flags)
        guard raw >= 0 else { throw .current }
        return FileDescriptor(adopting: raw)
    }

    // MARK: Files in a folder this descriptor holds

    /// A new file without a name in this folder (O_TMPFILE), open to write.
    package func makeUnnamedFile(mode: UInt32) throws(SystemError) -> FileDescriptor {
        let opened = openat(raw, ".", Self.unnamedFile | O_WRONLY | O_CLOEXEC, mode)
        guard opened >= 0 else { throw .current }
        return FileDescriptor(adopting: opened)
    }

    /// A new file `name` in this folder, open to write; an error if the name is taken.
    package func makeFile(named name: String, mode: UInt32) throws(SystemError) -> FileDescriptor {
        let opened = openat(raw, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard opened >= 0 else { throw .current }
        return FileDescriptor(adopting: opened)
    }

    /// Gives `file`, an open file, the name `name` in this folder, through /proc.
    package func link(_ file: borrowing FileDescriptor, as name: String) throws(SystemError) {
        guard linkat(AT_FDCWD, "/proc/self/fd/\(file.raw)", raw, name, AT_SYMLINK_FOLLOW) == 0 else { throw .current }
    }

    /// Renames `name` to `newName` in this folder, replacing what has that name.
    package func rename(_ name: String, to newName: String) throws(SystemError) {
        guard renameat(raw, name, raw, newName) == 0 else { throw .current }
    }

    /// Removes `name` from this folder, if it can.
    package func remove(_ name: String) {
        _ = unlinkat(raw, name, 0)
    }

    /// Flushes this folder's entries to disk, if the system lets it.
    package func syncFolder() {
        let opened = openat(raw, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard opened >= 0 else { return }
        _ = fsync(opened)
        _ = Glibc.close(opened)
    }

    // MARK: Reading and writing

    /// Reads up to `buffer.count` bytes; 0 at the end.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        while true {
            let count = Glibc.read(raw, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw .current }
        }
    }

    /// Writes all of `bytes`.
    package func write(_ bytes: [UInt8]) throws(SystemError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(raw, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw .current
            }
            offset += written
        }
    }

    package func status() throws(SystemError) -> FileStatus {
        var status = stat()
        guard fstat(raw, &status) == 0 else { throw .current }
        return FileStatus(status)
    }

    /// Empties the file.
    package func truncate() throws(SystemError) {
        guard ftruncate(raw, 0) == 0 else { throw .current }
    }

    /// Flushes the file to disk; a file that cannot be flushed (EINVAL: a pipe, a device) is no error.
    package func sync() throws(SystemError) {
        guard fsync(raw) == 0 || errno == EINVAL else { throw .current }
    }

    /// Gives the file an owner and group, as far as the process may: only root gives files away,
    /// others may still keep a group they are in; not being allowed is no error.
    package func setOwner(_ owner: UInt32, group: UInt32) throws(SystemError) {
        guard fchown(raw, owner, group) == 0 || errno == EPERM || errno == EINVAL else { throw .current }
    }

    /// Sets the permission bits, if it can; the file keeps the ones it has if not.
    package func setPermissions(_ permissions: UInt32) {
        _ = fchmod(raw, permissions & 0o7777)
    }

    package var isTerminal: Bool { isatty(raw) != 0 }

    /// The file mapped into memory, when it is a regular, non-empty file.
    package func mapped() -> MemoryMapping? {
        MemoryMapping(raw)
    }

    /// Closes the descriptor. Linux frees it even when close fails (EINTR included): it is never
    /// closed again, and only a failure other than EINTR is one.
    package consuming func close() throws(SystemError) {
        let owned = owned
        let raw = raw
        discard self
        guard owned else { return }
        guard Glibc.close(raw) == 0 || errno == EINTR else { throw .current }
    }

    deinit {
        if owned { _ = Glibc.close(raw) }
    }
}
