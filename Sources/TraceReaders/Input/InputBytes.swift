#if canImport(Glibc)
import Glibc
#endif

/// An input's bytes, held still for as long as the value lives: a file mapped into memory
/// (unmapped once, when the value goes away), or bytes read into an array.
final class InputBytes: @unchecked Sendable {
    /// Stays valid, and unchanged, while the value lives.
    let buffer: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?
    private let storage: [UInt8]
    /// Pages before this offset have been handed back.
    private var released = 0

    init(_ bytes: [UInt8]) {
        storage = bytes
        mapping = nil
        // The array is a constant of this object and never changes, so its storage stays where
        // it is for as long as the object lives.
        buffer = storage.withUnsafeBytes { $0 }
    }

    /// Maps a regular, non-empty file; nil for anything else (a pipe, a terminal, an empty file).
    init?(mapping descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0,
              let address = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, descriptor, 0),
              address != MAP_FAILED
        else { return nil }
        madvise(address, Int(status.st_size), MADV_SEQUENTIAL)
        mapping = address
        storage = []
        buffer = UnsafeRawBufferPointer(start: address, count: Int(status.st_size))
    }

    deinit {
        if let mapping { munmap(mapping, buffer.count) }
    }

    /// Says that the bytes before `offset` will not be read again: a mapped file's pages go back
    /// to the system, so that reading a large file does not keep it all resident.
    func release(before offset: Int) {
        guard let mapping else { return }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = offset / pageSize * pageSize
        guard end > released else { return }
        madvise(mapping + released, end - released, MADV_DONTNEED)
        released = end
    }
}
