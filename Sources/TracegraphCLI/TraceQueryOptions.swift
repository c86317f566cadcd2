import ArgumentParser
import SystemCalls
import TraceModel

/// Which traces a command looks at (``TraceQuery``): the options every command that reads traces
/// shares, so that a graph and a list answer the same question.
struct TraceQueryOptions: ParsableArguments {
    @Option(name: .customLong("where"), help: ArgumentHelp(
        "Only traces with a span that meets this: KEY=VALUE (equal) or KEY~REGEX (found in the value), on span, resource and link attributes; 'name' is the span's name, 'service' its service. Repeat it for traces that meet each.",
        valueName: "condition"))
    var conditions: [String] = []

    @Option(help: ArgumentHelp("Only traces with a span of this service.", valueName: "name"))
    var service: String?

    @Option(help: ArgumentHelp(
        "Only traces with a span that starts at or after this time: RFC 3339 (2026-11-29T10:00:00Z, or a day) or relative to now (-2h, -30m, -7d).",
        valueName: "time"))
    var from: String?

    @Option(help: ArgumentHelp("Only traces with a span that starts at or before this time, written as for --from.", valueName: "time"))
    var to: String?

    @Option(help: ArgumentHelp(
        "Only the traces reached along span links from this trace, or this span of it (TRACE_ID:SPAN_ID), the trace itself included.",
        valueName: "trace[:span]"))
    var linkedTo: String?

    @Option(name: .customLong("link-depth"), help: ArgumentHelp(
        "With --linked-to: at most this many links away. Default: any number. (--depth is --focus's.)", valueName: "links"))
    var depth: Int?

    @Option(help: ArgumentHelp(
        "With --linked-to: 'forward' to the traces that link to it (the consumers of a message, the items of a batch), 'backward' to those it links to (its causes), or 'both' (each way on its own).",
        valueName: "direction"))
    var direction: LinkDirection = .both

    @Flag(help: "Only traces with an error span, and the traces they lead to and that lead to them along span links, at any distance: whole failure chains.")
    var errors = false

    func validate() throws {
        _ = try query()
    }

    /// The query the options ask, times relative to `now` (nanoseconds since the epoch).
    func query(now: UInt64 = Machine.nowUnixNanoseconds) throws -> TraceQuery {
        do throws(TraceQueryError) {
            var query = TraceQuery(errors: errors)
            query.conditions = try conditions.map { (text: String) throws(TraceQueryError) in try SpanCondition.parse(where: text) }
            if let service { query.conditions.append(SpanCondition(.service, .equals(service))) }
            if from != nil || to != nil {
                let start = try from.map { (text: String) throws(TraceQueryError) in try TimeBound.parse(text, option: "--from", now: now) }
                let end = try to.map { (text: String) throws(TraceQueryError) in try TimeBound.parse(text, option: "--to", now: now) }
                if let start, let end, end < start {
                    throw TraceQueryError(option: "--to", value: to!, reason: "it is before --from \(from!)")
                }
                query.conditions.append(SpanCondition(startingFrom: start, to: end))
            }
            if query.conditions.count > TraceQuery.maximumConditions {
                throw TraceQueryError(option: "--where", value: "…", reason: "at most \(TraceQuery.maximumConditions) conditions")
            }
            if let linkedTo {
                query.linkedTo = try LinkedTraces.parse(linkedTo, depth: depth, direction: direction)
            } else if depth != nil {
                throw TraceQueryError(option: "--link-depth", value: String(depth!), reason: "it says how far --linked-to walks; give --linked-to too")
            }
            return query
        } catch {
            throw ValidationError(error.description)
        }
    }
}

extension LinkDirection: ExpressibleByArgument {}
