import Synchronization

/// How far reading has come, for a person watching: the bytes of the inputs read and the spans in
/// them, counted from any thread as each part is done (a chunk of JSON lines, or a whole input).
public final class ReadProgress: Sendable {
    /// The size of every input together, when all are files whose size is known.
    public let totalBytes: Int?
    private let bytes = Atomic<Int>(0)
    private let spans = Atomic<Int>(0)

    public init(totalBytes: Int?) {
        self.totalBytes = totalBytes
    }

    /// Bytes of the inputs read so far.
    public var bytesRead: Int { bytes.load(ordering: .relaxed) }
    /// Spans read so far, repeats included.
    public var spansRead: Int { spans.load(ordering: .relaxed) }

    /// Counts a part done.
    package func add(bytes: Int, spans: Int) {
        self.bytes.add(bytes, ordering: .relaxed)
        self.spans.add(spans, ordering: .relaxed)
    }
}

/// What one input has added to a ``ReadProgress`` so far, so that its end adds the rest.
struct ProgressCount {
    var bytes = 0
    var spans = 0

    /// Counts a part of an input done.
    mutating func add(bytes: Int, spans: Int, to progress: ReadProgress?) {
        guard let progress else { return }
        self.bytes += bytes
        self.spans += spans
        progress.add(bytes: bytes, spans: spans)
    }
}
