#if canImport(Glibc)
import Glibc
#endif

/// What `stat(2)` says of a file, as far as this package asks.
package struct FileStatus: Sendable {
    package enum Kind: Sendable, Equatable {
        case regular, folder, symbolicLink, characterDevice, blockDevice, fifo, socket
    }

    package var kind: Kind
    package var size: Int
    /// How many names the file has (hard links).
    package var linkCount: Int
    package var owner: UInt32
    package var group: UInt32
    /// The permission bits, set-id and sticky bits included.
    package var permissions: UInt32

    init(_ status: stat) {
        kind = switch status.st_mode & S_IFMT {
        case S_IFDIR: .folder
        case S_IFLNK: .symbolicLink
        case S_IFCHR: .characterDevice
        case S_IFBLK: .blockDevice
        case S_IFIFO: .fifo
        case S_IFSOCK: .socket
        default: .regular
        }
        size = Int(status.st_size)
        linkCount = Int(status.st_nlink)
        owner = status.st_uid
        group = status.st_gid
        permissions = status.st_mode & 0o7777
    }
}
