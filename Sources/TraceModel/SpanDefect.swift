/// What makes a well-formed span record unusable as it stands: the one rule every reader applies,
/// and its wording.
///
/// A span without a trace id or span id, or with an all-zero one (which W3C Trace Context and
/// OTLP call invalid), is left out: nothing could point at it reliably, and one such id would
/// merge unrelated spans into one trace. A span that ends before it starts is repaired: its end
/// is taken as its start, a duration of 0, and it is read. A strict read stops at either instead.
/// A span has at most one defect of ids, the trace id's before the span id's.
public enum SpanDefect: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case missingTraceID
    case missingSpanID
    case zeroTraceID
    case zeroSpanID
    case endBeforeStart

    /// Whether a span with this defect is read, repaired, rather than left out.
    public var isRepaired: Bool { self == .endBeforeStart }

    /// The defects that leave a span out.
    public static let leavingOut: [SpanDefect] = allCases.filter { !$0.isRepaired }
    /// The defects that a span is read with, repaired.
    public static let repairing: [SpanDefect] = allCases.filter(\.isRepaired)

    /// The defect of a span's ids, if any (nil: an absent or empty id).
    @inlinable
    public static func ofIDs(traceID: TraceID?, spanID: SpanID?) -> SpanDefect? {
        guard let traceID else { return .missingTraceID }
        if traceID == .zero { return .zeroTraceID }
        guard let spanID else { return .missingSpanID }
        if spanID.value == 0 { return .zeroSpanID }
        return nil
    }

    /// Repairs a span that ends before it starts (its end becomes its start) and says so.
    @inlinable
    public static func repairTimes(of span: inout Span) -> SpanDefect? {
        guard span.endTimeUnixNano < span.startTimeUnixNano else { return nil }
        span.endTimeUnixNano = span.startTimeUnixNano
        return .endBeforeStart
    }

    /// The span as this defect describes it: `a span without a trace id`.
    public var description: String {
        switch self {
        case .missingTraceID: "a span without a trace id"
        case .missingSpanID: "a span without a span id"
        case .zeroTraceID: "a span whose trace id is all zeros (invalid in W3C and OTLP)"
        case .zeroSpanID: "a span whose span id is all zeros (invalid in W3C and OTLP)"
        case .endBeforeStart: "a span that ends before it starts"
        }
    }

    /// What a read that is not strict does with such a span.
    public var outcome: String {
        isRepaired ? "read as ending when it starts (a duration of 0)" : "left out"
    }
}
