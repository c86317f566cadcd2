/// Lines and columns of byte offsets, found going forward from the last offset asked for: the
/// places of many series, in order, take one pass over the text, even when it is all one line
/// (as Prometheus writes its answers).
struct TextPlaces {
    private let bytes: UnsafeRawBufferPointer
    private var scanned = 0
    private var line = 1
    /// The column of the byte at `scanned`; columns count Unicode scalars.
    private var column = 1

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func place(of offset: Int) -> Place {
        let end = min(offset, bytes.count)
        if end < scanned { self = TextPlaces(bytes) }
        for index in scanned..<end {
            if bytes[index] == 0x0A {
                line += 1
                column = 1
            } else if bytes[index] & 0xC0 != 0x80 {
                column += 1
            }
        }
        scanned = end
        return Place(line: line, column: column)
    }
}
