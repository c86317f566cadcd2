#if canImport(Glibc)
import Glibc
#endif

/// Where to go on after a document that did not read, under `keepGoing`, in the layout the input has.
///
/// In JSON lines each line is a document of its own: the rest of the broken line is left out and
/// the next line read. A document that spans lines (a pretty-printed export) is one whole: there
/// the innermost span (or, outside spans, batch of spans) that holds the error is blanked out of
/// a copy of the input, with the comma that separated it, and the document read again from its
/// start, so that one bad byte costs one span, not the export. Blanking keeps every other byte
/// where it was, so lines and columns of later errors are those of the input. A truncated
/// document is closed after its last whole span.
struct JSONRecovery {
    /// The names of the arrays whose elements may be left out whole: the spans, and the batches
    /// that hold them, in the reader's format; "" for an array that is the document.
    let arrays: Set<String>
    /// The input with the broken spans blanked, once one was; it lives as long as the reader.
    private var copy: PatchedBytes?
    /// Spans blanked in the current document; past ``maximumRepairs`` the rest of it is left out,
    /// since each repair reads the document again.
    private var repairs = 0
    private var repairedDocumentStart = -1

    static let maximumRepairs = 32

    init(arrays: Set<String>) {
        self.arrays = arrays
    }

    /// Moves `scanner` to where reading goes on after `error` in the document that starts at
    /// `documentStart`: the start of the same document in bytes with the broken span blanked (and
    /// then returns true: the document is read again), or past what is left out.
    mutating func goOn(after error: JSONError, documentStart: Int, scanner: inout JSONScanner) -> Bool {
        let bytes = scanner.bytes
        switch step(after: error, documentStart: documentStart, in: bytes) {
        case .reread(let patched):
            scanner = JSONScanner(patched, position: documentStart)
            return true
        case .resume(let offset):
            scanner = scanner.rewound(to: offset)
            return false
        }
    }

    private enum Step {
        /// Read the document again from its start in these bytes, the broken span blanked.
        case reread(UnsafeRawBufferPointer)
        /// Go on reading at this offset of the same bytes.
        case resume(at: Int)
    }

    private mutating func step(after error: JSONError, documentStart: Int, in bytes: UnsafeRawBufferPointer) -> Step {
        let errorOffset = min(error.offset, bytes.count)
        guard documentStart < errorOffset, memchr(bytes.baseAddress! + documentStart, 0x0A, errorOffset - documentStart) != nil else {
            return .resume(at: Self.lineAfter(errorOffset, in: bytes))
        }
        if documentStart != repairedDocumentStart {
            repairedDocumentStart = documentStart
            repairs = 0
        }
        repairs += 1
        let scan = StructureScan(bytes, from: documentStart, to: errorOffset)
        // The innermost span or batch around the error.
        let broken = repairs > Self.maximumRepairs ? nil : scan.openElements.first { arrays.contains($0.arrayName) }
        guard let element = broken else {
            // Past the document, and never where it started: each step goes forward.
            return .resume(at: max(StructureScan.endOfValue(in: bytes, from: documentStart), documentStart + 1))
        }
        let (start, end) = (element.start, StructureScan.endOfValue(in: bytes, from: element.start))
        let enclosing = element.enclosingClosers
        let patched = copy ?? PatchedBytes(bytes)
        copy = patched
        patched.blank(start..<end)
        if end >= bytes.count {
            // Truncated inside the span: close what was open around it.
            patched.blankComma(before: start)
            patched.append(enclosing)
        } else if !patched.blankComma(after: end) {
            patched.blankComma(before: start)
        }
        return .reread(patched.buffer)
    }

    private static func lineAfter(_ offset: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        guard offset < bytes.count, let newline = memchr(bytes.baseAddress! + offset, 0x0A, bytes.count - offset) else { return bytes.count }
        return UnsafeRawPointer(newline) - bytes.baseAddress! + 1
    }
}

/// A tolerant pass over JSON that may be broken: it follows strings and brackets only, and
/// never fails, so that the structure around an error can be found.
private struct StructureScan {
    /// An array element that starts before the error and has not ended there: innermost first,
    /// with what closes the containers around it, innermost last.
    struct OpenElement {
        var start: Int
        /// The name of the member the array is the value of; "" for an array in an array, or alone.
        var arrayName: String
        var enclosingClosers: [UInt8]
    }

    private(set) var openElements: [OpenElement] = []

    init(_ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int) {
        // Each open container: its closer, its name in the object around it, and for an array
        // where its current element started.
        var stack: [(closer: UInt8, name: String, elementStart: Int?)] = []
        var name = ""
        var index = start
        while index < end {
            let byte = bytes[index]
            if Self.isWhitespace(byte) {
                index += 1
                continue
            }
            if let last = stack.indices.last, stack[last].closer == UInt8(ascii: "]"), stack[last].elementStart == nil,
               byte != UInt8(ascii: "]"), byte != UInt8(ascii: ",") {
                stack[last].elementStart = index
            }
            switch byte {
            case UInt8(ascii: "\""):
                let stringEnd = Self.endOfString(in: bytes, from: index)
                if stack.last?.closer == UInt8(ascii: "}"), let colon = Self.nextNonWhitespace(in: bytes, from: stringEnd),
                   bytes[colon] == UInt8(ascii: ":") {
                    name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[index + 1..<max(index + 1, stringEnd - 1)]), as: UTF8.self)
                }
                index = stringEnd
                continue
            case UInt8(ascii: "{"):
                stack.append((UInt8(ascii: "}"), "", nil))
            case UInt8(ascii: "["):
                stack.append((UInt8(ascii: "]"), stack.last?.closer == UInt8(ascii: "}") ? name : "", nil))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
            case UInt8(ascii: ","):
                if let last = stack.indices.last, stack[last].closer == UInt8(ascii: "]") { stack[last].elementStart = nil }
            default: break
            }
            index += 1
        }
        for level in stack.indices.reversed() {
            guard let elementStart = stack[level].elementStart else { continue }
            openElements.append(OpenElement(start: elementStart, arrayName: stack[level].name,
                                            enclosingClosers: stack[...level].reversed().map(\.closer)))
        }
    }

    /// Just past the string that starts with the quote at `start`; at the end of its line if it
    /// does not end there (a string cannot hold a line break), so that a stray quote costs a line,
    /// not the rest of the document; the end of the input if that comes first.
    static func endOfString(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            case 0x0A: return index
            default: index += 1
            }
        }
        return bytes.count
    }

    /// Just past the value that starts at `start`: its closing bracket for an object or array;
    /// the end of the input when it never closes.
    static func endOfValue(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index = endOfString(in: bytes, from: index)
                if depth == 0 { return index }
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth <= 0 { return index + 1 }
            case UInt8(ascii: ","), UInt8(ascii: "\n"):
                if depth == 0 { return index }
            default: break
            }
            index += 1
        }
        return bytes.count
    }

    static func nextNonWhitespace(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
        return index < bytes.count ? index : nil
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

/// A copy of an input in memory of its own, in which broken spans are blanked; freed once.
private final class PatchedBytes {
    private var storage: UnsafeMutableRawBufferPointer
    private(set) var count: Int

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[..<count]) }

    init(_ bytes: UnsafeRawBufferPointer) {
        // Room for the closers of a truncated document.
        storage = .allocate(byteCount: bytes.count + 2 * JSONScanner.maximumDepth, alignment: 16)
        storage.copyMemory(from: bytes)
        count = bytes.count
    }

    deinit { storage.deallocate() }

    /// Spaces over `range`, line breaks kept, so that later lines keep their numbers.
    func blank(_ range: Range<Int>) {
        for index in range.clamped(to: 0..<count) where storage[index] != 0x0A { storage[index] = 0x20 }
    }

    /// Blanks the comma after `offset`, white space apart; false if the next byte is not one.
    @discardableResult
    func blankComma(after offset: Int) -> Bool {
        guard let next = StructureScan.nextNonWhitespace(in: buffer, from: offset), storage[next] == UInt8(ascii: ",") else { return false }
        storage[next] = 0x20
        return true
    }

    /// Blanks the comma before `offset`, white space apart, if there is one.
    func blankComma(before offset: Int) {
        var index = offset - 1
        while index >= 0, StructureScan.isWhitespace(storage[index]) { index -= 1 }
        if index >= 0, storage[index] == UInt8(ascii: ",") { storage[index] = 0x20 }
    }

    /// Appends closing brackets after the end; at most one per level of nesting the scanner allows.
    func append(_ closers: [UInt8]) {
        let kept = closers.prefix(storage.count - count)
        for (offset, byte) in kept.enumerated() { storage[count + offset] = byte }
        count += kept.count
    }
}
