import Testing
import TraceModel

/// A question people ask of linked traces, asked as a ``TraceQuery``, and the traces its answer
/// holds, counted by root (`service name`: how many traces).
public struct QueryQuestion: Sendable, CustomTestStringConvertible {
    public var question: String
    public var query: TraceQuery
    public var roots: [String: Int]
    public var testDescription: String { question }

    public init(question: String, query: TraceQuery, roots: [String: Int]) {
        self.question = question
        self.query = query
        self.roots = roots
    }

    /// The traces `ids` of `spans`, counted by their root span's `service name`.
    public static func roots(of ids: some Sequence<TraceID>, in spans: [Span]) -> [String: Int] {
        let selected = Set(ids)
        var names: [String: Int] = [:]
        for span in spans where span.parentSpanID == nil && selected.contains(span.traceID) {
            names[span.serviceName + " " + span.name, default: 0] += 1
        }
        return names
    }
}
