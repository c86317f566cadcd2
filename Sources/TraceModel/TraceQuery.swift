/// Which traces of an export to look at: the questions asynchronous systems raise ("every trace
/// linked to this batch job", "the errors downstream of this message", "the whole causal chain
/// of a failure"), asked of the spans as they are read. Every output that reads traces takes
/// the same query, so that a graph, a report and a list answer the same question.
///
/// A trace is selected in three steps:
/// 1. **Conditions.** It has, for each condition, a span that meets it (not necessarily the same
///    span for every condition). No conditions: every trace.
/// 2. **Links.** With ``linkedTo``, only the traces reached along links from that trace (or
///    span), the start included.
/// 3. **Errors.** With ``errors``, only those with an error span, and then every trace they
///    lead to along links and every trace that leads to them, at any distance, selected or not:
///    the path from a failed message to the consumer that failed stays whole. Each way is walked
///    on its own, never turning: a failure's cause is kept, not the cause's other effects. With
///    ``linkedTo``, the chains stay among the traces reached from its start: "the errors
///    downstream of this message", and the path to them.
public struct TraceQuery: Sendable {
    public var conditions: [SpanCondition]
    public var linkedTo: LinkedTraces?
    public var errors: Bool

    public init(conditions: [SpanCondition] = [], linkedTo: LinkedTraces? = nil, errors: Bool = false) {
        self.conditions = conditions
        self.linkedTo = linkedTo
        self.errors = errors
    }

    /// How many conditions a query can have: one bit each a trace.
    public static let maximumConditions = 64

    /// A query that selects every trace.
    public var selectsEverything: Bool { conditions.isEmpty && linkedTo == nil && !errors }

    /// The query as the command line's options write it, for messages: `--where k=v --errors`.
    public var optionsDescription: String {
        var parts = conditions.map(\.description)
        if let linkedTo {
            var start = linkedTo.traceID.description
            if let span = linkedTo.spanID { start += ":" + span.description }
            parts.append("--linked-to " + start)
            if let depth = linkedTo.depth { parts.append("--link-depth \(depth)") }
            if linkedTo.direction != .both { parts.append("--direction " + linkedTo.direction.rawValue) }
        }
        if errors { parts.append("--errors") }
        return parts.joined(separator: " ")
    }

    /// `detail` with what the conditions look at decoded too: span names, the attributes they
    /// name on spans of every kind, resources and links.
    public func detail(widening detail: ReadDetail) -> ReadDetail {
        var wider = detail
        for condition in conditions {
            switch condition.subject {
            case .spanName:
                wider.names = true
            case .attribute(let key):
                if var keys = wider.spanAttributeKeys, !keys.contains(key) {
                    keys.append(key)
                    wider.spanAttributeKeys = keys
                }
                if var keys = wider.resourceAttributeKeys, !keys.contains(key) {
                    keys.append(key)
                    wider.resourceAttributeKeys = keys
                }
                wider.spanAttributeKinds = nil
                wider.linkAttributes = true
            case .service, .startTime:
                break
            }
        }
        return wider
    }
}

/// The traces reached along span links from one trace or span.
public struct LinkedTraces: Hashable, Sendable {
    public var traceID: TraceID
    /// The span the walk starts from: its first step follows only links to it (forward) or from
    /// it (backward); nil starts from the whole trace.
    public var spanID: SpanID?
    /// How many links away at most; nil for any number.
    public var depth: Int?
    public var direction: LinkDirection

    public init(traceID: TraceID, spanID: SpanID? = nil, depth: Int? = nil, direction: LinkDirection = .both) {
        self.traceID = traceID
        self.spanID = spanID
        self.depth = depth
        self.direction = direction
    }
}

/// Which way a walk along links goes. A link points from the linking span to the span it links
/// to, its cause: a consumer links to the producer of its message, a retry to the failed attempt.
public enum LinkDirection: String, Hashable, Sendable, CaseIterable {
    /// From causes to effects: the traces that link to these (the consumers of a message, the
    /// items of a batch job that link to it).
    case forward
    /// From effects to causes: the traces these link to.
    case backward
    /// Both ways, each on its own: the causes of a trace and its effects, not its causes' other effects.
    case both
}

/// What one span must be for its trace to meet a condition of a ``TraceQuery``.
public struct SpanCondition: Sendable, CustomStringConvertible {
    /// What of the span a condition looks at.
    public enum Subject: Hashable, Sendable {
        /// An attribute of the span, of its resource or of one of its links, with this key.
        case attribute(String)
        /// The span's name (`--where name=…`).
        case spanName
        /// The span's service.
        case service
        /// The span's start time, in nanoseconds since the Unix epoch.
        case startTime
    }

    /// How a text is matched.
    public enum TextMatch: Sendable {
        case equals(String)
        /// A regular expression that matches anywhere in the text (anchor it to match all of it).
        case pattern(CompiledPattern)

        func matches(_ text: String) -> Bool {
            switch self {
            case .equals(let value): text == value
            case .pattern(let pattern): pattern.isFound(in: text)
            }
        }
    }

    /// A regular expression, compiled. A `Regex` is not `Sendable`: each thread that matches
    /// takes a copy of its own (``SpanCondition/copiedForThisThread()``).
    public final class CompiledPattern: @unchecked Sendable {
        public let pattern: String
        /// Used by one thread only: the one that made this value.
        private let regex: Regex<AnyRegexOutput>

        /// Throws when `pattern` is not a regular expression; the error says why.
        public init(_ pattern: String) throws {
            self.pattern = pattern
            regex = try Regex(pattern)
        }

        func isFound(in text: String) -> Bool {
            (try? regex.firstMatch(in: text)) != nil
        }
    }

    /// The condition with a regular expression of its own, for matching on another thread.
    public func copiedForThisThread() -> SpanCondition {
        guard case .pattern(let pattern) = match, let copy = try? CompiledPattern(pattern.pattern) else { return self }
        var condition = self
        condition.match = .pattern(copy)
        return condition
    }

    public var subject: Subject
    private var match: TextMatch
    /// For ``Subject/startTime``: the first and last nanosecond allowed, both included.
    private var window: ClosedRange<UInt64>

    /// A condition on a text: an attribute, the span's name or its service.
    public init(_ subject: Subject, _ match: TextMatch) {
        self.subject = subject
        self.match = match
        window = 0...UInt64.max
    }

    /// A condition on the span's start: at or after `from`, at or before `to` (nanoseconds since the epoch).
    public init(startingFrom from: UInt64?, to: UInt64?) {
        subject = .startTime
        match = .equals("")
        window = (from ?? 0)...max(from ?? 0, to ?? .max)
    }

    /// Whether `span` meets the condition.
    public func isMet(by span: Span) -> Bool {
        switch subject {
        case .attribute(let key):
            if let value = span.attributes[key], match.matches(value.description) { return true }
            if let value = span.resource.attributes[key], match.matches(value.description) { return true }
            return span.links.contains { link in link.attributes[key].map { match.matches($0.description) } ?? false }
        case .spanName:
            return match.matches(span.name)
        case .service:
            return match.matches(span.serviceName)
        case .startTime:
            return window.contains(span.startTimeUnixNano)
        }
    }

    /// The condition as the command line's options write it: `--where KEY=VALUE`, `--from TIME`.
    public var description: String {
        let text: String
        switch match {
        case .equals(let value): text = "=" + value
        case .pattern(let pattern): text = "~" + pattern.pattern
        }
        switch subject {
        case .attribute(let key): return "--where " + key + text
        case .spanName: return "--where name" + text
        case .service: return "--where service" + text
        case .startTime:
            var parts: [String] = []
            if window.lowerBound > 0 { parts.append("--from " + TimeBound.format(window.lowerBound)) }
            if window.upperBound < .max { parts.append("--to " + TimeBound.format(window.upperBound)) }
            return parts.joined(separator: " ")
        }
    }
}
