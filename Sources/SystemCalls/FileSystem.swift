#if canImport(Glibc)
import Glibc
#endif

/// Calls on files by name.
package enum FileSystem {
    /// What `path` is; with `followingLinks` false, a symbolic link is itself.
    package static func status(ofPath path: String, followingLinks: Bool = true) throws(SystemError) -> FileStatus {
        var status = stat()
        guard (followingLinks ? stat(path, &status) : lstat(path, &status)) == 0 else { throw .current }
        return FileStatus(status)
    }

    /// What the symbolic link `link` holds, as it holds it.
    package static func linkContent(_ link: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBufferPointer { readlink(link, $0.baseAddress!, Int(PATH_MAX)) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// `path` with every link, `.` and `..` resolved.
    package static func realPath(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    /// Makes the folder `path`; one that exists is no error.
    package static func makeFolder(_ path: String) throws(SystemError) {
        guard mkdir(path, 0o777) == 0 || errno == EEXIST else { throw .current }
    }

    /// The names in the folder `path`, `.` and `..` left out, in no order.
    package static func names(inFolder path: String) throws(SystemError) -> [String] {
        guard let folder = opendir(path) else { throw .current }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Whether the process may go into the folder `path`.
    package static func canEnter(_ path: String) -> Bool {
        access(path, X_OK) == 0
    }

    /// The whole content of the file `path`.
    package static func contents(ofFile path: String) throws(SystemError) -> [UInt8] {
        let file = try FileDescriptor.open(path, for: .reading)
        var bytes: [UInt8] = []
        var failure: SystemError?
        repeat {
            let start = bytes.count
            bytes += repeatElement(0, count: max(start, 1 << 16))
            let count = bytes.withUnsafeMutableBytes { buffer in
                do throws(SystemError) {
                    return try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[start...]))
                } catch {
                    failure = error
                    return 0
                }
            }
            bytes.removeLast(bytes.count - start - count)
            if let failure { throw failure }
            if count == 0 { break }
        } while true
        try file.close()
        return bytes
    }
}

/// What the process runs on and as.
package enum Machine {
    package static var processID: Int32 { getpid() }
    package static var activeProcessorCount: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
    package static var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }

    /// The time of day, in nanoseconds since the Unix epoch.
    package static var nowUnixNanoseconds: UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The value of the environment variable `name`, if set.
    package static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
