import Dispatch
import SystemCalls
import Tracegraph

/// One line on standard error, rewritten four times a second while inputs are read: the bytes
/// read of the total, spans a second, and the time left. It appears only after a second, so a
/// short run prints nothing, and it is wiped when reading ends, so what follows starts clean.
final class ProgressLine: @unchecked Sendable {
    private let progress: ReadProgress
    private let timer: DispatchSourceTimer
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    /// Touched only on the timer's queue, and in `finish` after the timer is cancelled.
    private var isShown = false
    private let queue = DispatchQueue(label: "tracegraph.progress")

    /// Starts counting; the line shows after a second of reading.
    init(_ progress: ReadProgress) {
        self.progress = progress
        start = clock.now
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + 1, repeating: .milliseconds(250))
        timer.setEventHandler { [unowned self] in self.draw() }
        timer.resume()
    }

    /// Stops the line and wipes it.
    func finish() {
        timer.cancel()
        queue.sync {
            if isShown { Self.write("\r\u{1B}[K") }
            isShown = false
        }
    }

    private func draw() {
        let seconds = Double((clock.now - start).components.seconds) + Double((clock.now - start).components.attoseconds) / 1e18
        Self.write("\r" + Self.text(bytes: progress.bytesRead, of: progress.totalBytes, spans: progress.spansRead, seconds: seconds)
            + "\u{1B}[K")
        isShown = true
    }

    /// `tracegraph: reading 1.2 GB of 5 GB (24%), 3,100,000 spans/s, about 12 s left`; once every
    /// byte is read, `tracegraph: read 5 GB, 14,400,000 spans; joining them up`.
    static func text(bytes: Int, of total: Int?, spans: Int, seconds: Double) -> String {
        if let total, bytes >= total {
            return "tracegraph: read " + GraphWording.bytes(bytes) + ", " + GraphWording.count(spans, "span") + "; joining them up"
        }
        var text = "tracegraph: reading " + GraphWording.bytes(bytes)
        if let total, total > 0 {
            text += " of " + GraphWording.bytes(total) + " (" + GraphWording.percent(min(1, Double(bytes) / Double(total))) + ")"
        }
        guard seconds > 0 else { return text }
        text += ", " + GraphWording.count(Int(Double(spans) / seconds)) + " spans/s"
        if let total, bytes > 0, total > bytes {
            let left = Double(total - bytes) / (Double(bytes) / seconds)
            text += ", about " + GraphWording.duration(nanos: UInt64(min(left, 1e7) * 1e9)) + " left"
        }
        return text
    }

    private static func write(_ text: String) {
        // Numbers only, nothing from the inputs: no escaping to do.
        try? FileDescriptor.standardError.write(Array(text.utf8))
    }
}
