#if canImport(Glibc)
import Glibc
#endif

/// A system call's failure: its `errno`, and the system's words for it.
package struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    package var code: Int32

    package init(code: Int32) {
        self.code = code
    }

    /// The failure the last system call on this thread left in `errno`.
    package static var current: SystemError { SystemError(code: errno) }

    /// For example "No such file or directory".
    package var description: String { String(cString: strerror(code)) }

    package static let noSuchFile = SystemError(code: ENOENT)
    package static let exists = SystemError(code: EEXIST)
    package static let tooManyLinks = SystemError(code: ELOOP)
    package static let isFolder = SystemError(code: EISDIR)
    package static let invalid = SystemError(code: EINVAL)
    package static let notSupported = SystemError(code: EOPNOTSUPP)
}
