/// What is wrong with a part of a ``TraceQuery`` as written on a command line.
public struct TraceQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The option, as written (`--where`).
    public var option: String
    /// The value given.
    public var value: String
    /// What is wrong, and what would be right.
    public var reason: String

    public init(option: String, value: String, reason: String) {
        self.option = option
        self.value = value
        self.reason = reason
    }

    public var description: String { "\(option) \(value): \(reason)" }
}

extension SpanCondition {
    /// A condition written as `KEY=VALUE` (equal to the text) or `KEY~REGEX` (a regular expression
    /// found in the text), whichever sign comes first. `name` is the span's name, `service` its
    /// service; any other key is an attribute of the span, its resource or one of its links.
    public static func parse(where text: String) throws(TraceQueryError) -> SpanCondition {
        func failure(_ reason: String) -> TraceQueryError { TraceQueryError(option: "--where", value: text, reason: reason) }
        guard let sign = text.firstIndex(where: { $0 == "=" || $0 == "~" }) else {
            throw failure("expected KEY=VALUE or KEY~REGEX, for example billing.job.id=nightly-42")
        }
        let key = String(text[..<sign])
        let value = String(text[text.index(after: sign)...])
        guard !key.isEmpty else { throw failure("the key before '\(text[sign])' is empty") }
        let subject: Subject = switch key {
        case "name": .spanName
        case "service": .service
        default: .attribute(key)
        }
        if text[sign] == "=" { return SpanCondition(subject, .equals(value)) }
        do {
            return SpanCondition(subject, .pattern(try CompiledPattern(value)))
        } catch {
            throw failure("not a regular expression: \(error)")
        }
    }
}

extension LinkedTraces {
    /// `TRACE_ID` or `TRACE_ID:SPAN_ID`, in hexadecimal.
    public static func parse(_ text: String, depth: Int?, direction: LinkDirection) throws(TraceQueryError) -> LinkedTraces {
        func failure(_ reason: String) -> TraceQueryError { TraceQueryError(option: "--linked-to", value: text, reason: reason) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let traceID = TraceID(hex: String(parts[0])), traceID != .zero else {
            throw failure("expected a trace id of 32 hexadecimal digits, and optionally ':' and a span id of 16")
        }
        var spanID: SpanID?
        if parts.count == 2 {
            guard let id = SpanID(hex: String(parts[1])), id.value != 0 else { throw failure("the span id after ':' is not 16 hexadecimal digits") }
            spanID = id
        }
        if let depth, depth < 1 {
            throw TraceQueryError(option: "--link-depth", value: String(depth), reason: "a walk along links goes at least 1 link")
        }
        return LinkedTraces(traceID: traceID, spanID: spanID, depth: depth, direction: direction)
    }
}

/// A moment written as RFC 3339 (`2026-11-29T10:00:00Z`, `2026-11-29 10:00:00.5+01:00`, or a day,
/// `2026-11-29`, at midnight UTC) or relative to now (`-2h`, `-30m`, `-7d`, `-90s`, `now`).
public enum TimeBound {
    /// Nanoseconds since the Unix epoch; `now` in the same.
    public static func parse(_ text: String, option: String, now: UInt64) throws(TraceQueryError) -> UInt64 {
        func failure() -> TraceQueryError {
            TraceQueryError(option: option, value: text,
                            reason: "expected a time as RFC 3339 (2026-11-29T10:00:00Z) or relative to now (-2h, -30m, -7d)")
        }
        if text == "now" { return now }
        if let relative = relativeNanoseconds(text) {
            return relative >= 0 ? now &+ UInt64(relative) : (UInt64(-relative) > now ? 0 : now - UInt64(-relative))
        }
        guard let absolute = rfc3339Nanoseconds(Array(text.utf8)) else { throw failure() }
        return absolute
    }

    /// `-2h` and the like: a signed whole number and a unit (s, m, h, d, w), in nanoseconds.
    private static func relativeNanoseconds(_ text: String) -> Int64? {
        guard let first = text.first, first == "-" || first == "+", let unit = text.last, text.count >= 3 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1_000_000_000
        case "m": scale = 60_000_000_000
        case "h": scale = 3_600_000_000_000
        case "d": scale = 86_400_000_000_000
        case "w": scale = 604_800_000_000_000
        default: return nil
        }
        guard let count = Int64(text.dropFirst().dropLast()), count <= Int64.max / scale else { return nil }
        return first == "-" ? -count * scale : count * scale
    }

    /// RFC 3339, with a space allowed for the `T`, the time allowed to be left out (midnight UTC).
    private static func rfc3339Nanoseconds(_ bytes: [UInt8]) -> UInt64? {
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + digits] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += digits
            return value
        }
        func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), consume(0x2D), let month = number(2), consume(0x2D), let day = number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), year >= 1970 else { return nil }
        var seconds = daysSinceEpoch(year: year, month: month, day: day) * 86_400
        var fraction: UInt64 = 0
        if index < bytes.count {
            guard consume(0x54) || consume(0x74) || consume(0x20),
                  let hour = number(2), consume(0x3A), let minute = number(2), consume(0x3A), let second = number(2),
                  hour < 24, minute < 60, second <= 60 else { return nil }
            seconds += hour * 3600 + minute * 60 + second
            if consume(0x2E) {
                var digits = 0
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                    if digits < 9 { fraction = fraction * 10 + UInt64(bytes[index] - 0x30) }
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
                if digits < 9 { for _ in digits..<9 { fraction *= 10 } }
            }
            if consume(0x5A) || consume(0x7A) {
                // UTC.
            } else if index < bytes.count, bytes[index] == 0x2B || bytes[index] == 0x2D {
                let sign = bytes[index] == 0x2B ? 1 : -1
                index += 1
                guard let hours = number(2), consume(0x3A), let minutes = number(2), hours < 24, minutes < 60 else { return nil }
                seconds -= sign * (hours * 3600 + minutes * 60)
            } else {
                return nil
            }
        }
        guard index == bytes.count, seconds >= 0 else { return nil }
        return UInt64(seconds) * 1_000_000_000 + fraction
    }

    /// RFC 3339 in UTC, with the fraction of a second when there is one: `2026-11-29T10:00:00.25Z`.
    public static func format(_ nanoseconds: UInt64) -> String {
        let seconds = Int(nanoseconds / 1_000_000_000)
        let fraction = nanoseconds % 1_000_000_000
        // Howard Hinnant's civil_from_days.
        let z = seconds / 86_400 + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let secondOfDay = seconds % 86_400
        var text = "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        if fraction > 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 9 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
