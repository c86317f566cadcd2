#if canImport(Glibc)
import Glibc
#endif

/// An input's bytes, held still for as long as the value lives: a file mapped into memory, or
/// bytes read, copied into memory of its own. Either is released once, when the value goes away.
final class InputBytes: @unchecked Sendable {
    /// Stays valid, and unchanged, while the value lives.
    let buffer: UnsafeRawBufferPointer
    /// A mapped file's address; nil when the bytes were copied.
    private let mapping: UnsafeMutableRawPointer?
    /// The copy's memory; nil for a mapped file.
    private let allocation: UnsafeMutableRawBufferPointer?
    /// Pages before this offset have been handed back.
    private var released = 0

    /// A copy of `bytes`, in memory this value owns: a pointer into an array is valid only inside
    /// the array's `withUnsafeBytes`, and these bytes are read long after.
    init(_ bytes: consuming [UInt8]) {
        let owned = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        bytes.withUnsafeBytes { owned.copyMemory(from: $0) }
        allocation = owned
        buffer = UnsafeRawBufferPointer(owned)
        mapping = nil
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
        allocation = nil
        buffer = UnsafeRawBufferPointer(start: address, count: Int(status.st_size))
    }

    deinit {
        if let mapping { munmap(mapping, buffer.count) }
        allocation?.deallocate()
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
