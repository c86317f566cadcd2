#if canImport(Glibc)
import Glibc
#endif

/// A regular file mapped into memory, read only; unmapped once, when the value goes away.
package final class MemoryMapping: @unchecked Sendable {
    /// Stays valid, and unchanged, while the value lives.
    package let buffer: UnsafeRawBufferPointer
    private let address: UnsafeMutableRawPointer
    /// Pages before this offset have been handed back.
    private var released = 0

    /// Maps a regular, non-empty file; nil for anything else (a pipe, a terminal, an empty file).
    init?(_ descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0,
              let address = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, descriptor, 0),
              address != MAP_FAILED
        else { return nil }
        madvise(address, Int(status.st_size), MADV_SEQUENTIAL)
        self.address = address
        buffer = UnsafeRawBufferPointer(start: address, count: Int(status.st_size))
    }

    deinit {
        munmap(address, buffer.count)
    }

    /// Says that the bytes before `offset` will not be read again: their pages go back to the
    /// system, so that reading a large file does not keep it all resident.
    package func release(before offset: Int) {
        let pageSize = Machine.pageSize
        let end = offset / pageSize * pageSize
        guard end > released else { return }
        madvise(address + released, end - released, MADV_DONTNEED)
        released = end
    }
}
