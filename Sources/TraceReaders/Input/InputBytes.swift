import SystemCalls

/// An input's bytes, held still for as long as the value lives: a file mapped into memory, or
/// bytes read, copied into memory of its own. Either is released once, when the value goes away.
final class InputBytes: @unchecked Sendable {
    /// Stays valid, and unchanged, while the value lives.
    let buffer: UnsafeRawBufferPointer
    /// A mapped file; nil when the bytes were copied.
    private let mapping: MemoryMapping?
    /// The copy's memory; nil for a mapped file.
    private let allocation: UnsafeMutableRawBufferPointer?

    /// A copy of `bytes`, in memory this value owns: a pointer into an array is valid only inside
    /// the array's `withUnsafeBytes`, and these bytes are read long after.
    init(_ bytes: consuming [UInt8]) {
        let owned = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        bytes.withUnsafeBytes { owned.copyMemory(from: $0) }
        allocation = owned
        buffer = UnsafeRawBufferPointer(owned)
        mapping = nil
    }

    /// A file mapped into memory.
    init(mapping: MemoryMapping) {
        self.mapping = mapping
        allocation = nil
        buffer = mapping.buffer
    }

    deinit {
        allocation?.deallocate()
    }

    /// Says that the bytes before `offset` will not be read again: a mapped file's pages go back
    /// to the system, so that reading a large file does not keep it all resident.
    func release(before offset: Int) {
        mapping?.release(before: offset)
    }
}
