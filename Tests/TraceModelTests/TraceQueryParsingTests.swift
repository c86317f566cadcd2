import Testing
import TraceModel

/// The command line's ways of writing a ``TraceQuery``: conditions, link walks and times.
@Suite struct TraceQueryParsingTests {
    private static func span(name: String = "GET /checkout", service: String = "storefront", start: UInt64 = 1_000,
                             attributes: [Attribute] = [], resource: [Attribute] = [], linkAttributes: [Attribute]? = nil) -> Span {
        Span(traceID: TraceID(high: 0, low: 1), spanID: SpanID(1), name: name, startTimeUnixNano: start, endTimeUnixNano: start + 10,
             attributes: attributes,
             links: linkAttributes.map { [SpanLink(traceID: TraceID(high: 0, low: 2), spanID: SpanID(2), attributes: $0)] } ?? [],
             resource: Resource(attributes: [Attribute(key: "service.name", value: .string(service))] + resource))
    }

    private static let job = Attribute(key: "billing.job.id", value: .string("nightly-42"))

    @Test(arguments: [
        // On the span, the resource or a link, equal or found by a pattern; ints as written.
        ("billing.job.id=nightly-42", span(attributes: [job]), true),
        ("billing.job.id=nightly-42", span(resource: [job]), true),
        ("billing.job.id=nightly-42", span(linkAttributes: [job]), true),
        ("billing.job.id=nightly-4", span(attributes: [job]), false),
        ("billing.job.id~^nightly-\\d+$", span(attributes: [job]), true),
        ("billing.job.id~weekly", span(linkAttributes: [job]), false),
        ("http.status_code=402", span(attributes: [Attribute(key: "http.status_code", value: .int(402))]), true),
        ("name=GET /checkout", span(), true),
        ("name~POST", span(), false),
        ("service=storefront", span(), true),
        ("service~^store", span(service: "checkout"), false),
        // The first sign splits: a value may hold '=' and '~'.
        ("url.query=a=1~2", span(attributes: [Attribute(key: "url.query", value: .string("a=1~2"))]), true),
    ])
    func aConditionIsMetByTheSpansItNames(text: String, span: Span, isMet: Bool) throws {
        let condition = try SpanCondition.parse(where: text)
        #expect(condition.isMet(by: span) == isMet)
        #expect(condition.description == "--where " + text)
    }

    @Test(arguments: [
        ("nightly-42", "expected KEY=VALUE or KEY~REGEX"),
        ("=nightly-42", "the key before '=' is empty"),
        ("job~(", "not a regular expression"),
    ])
    func aConditionThatDoesNotReadSaysWhy(text: String, reason: String) {
        #expect {
            try SpanCondition.parse(where: text)
        } throws: { error in
            guard let error = error as? TraceQueryError else { return false }
            return error.option == "--where" && error.value == text && error.reason.contains(reason)
        }
    }

    @Test func aStartWindowIncludesBothEnds() {
        let condition = SpanCondition(startingFrom: 100, to: 200)
        #expect([99, 100, 200, 201].map { condition.isMet(by: Self.span(start: $0)) } == [false, true, true, false])
        #expect(SpanCondition(startingFrom: nil, to: 200).isMet(by: Self.span(start: 0)))
        #expect(SpanCondition(startingFrom: 100, to: nil).isMet(by: Self.span(start: .max - 20)))
    }

    @Test(arguments: [
        ("5b8efff798038103d269b633813fc60c", nil as String?),
        ("5B8EFFF798038103D269B633813FC60C:86f4d2c1a8e2b3f0", "86f4d2c1a8e2b3f0"),
    ])
    func aLinkWalkStartsAtATraceOrASpan(text: String, span: String?) throws {
        let start = try LinkedTraces.parse(text, depth: 2, direction: .forward)
        #expect(start.traceID.description == "5b8efff798038103d269b633813fc60c")
        #expect(start.spanID?.description == span)
        #expect(start.depth == 2)
        #expect(TraceQuery(linkedTo: start).optionsDescription
            == "--linked-to " + text.lowercased() + " --link-depth 2 --direction forward")
    }

    @Test(arguments: ["", "5b8e", "00000000000000000000000000000000", "5b8efff798038103d269b633813fc60c:", "5b8efff798038103d269b633813fc60c:xyz",
                      "5b8efff798038103d269b633813fc60c:86f4d2c1a8e2b3f0:1"])
    func aLinkWalkFromNothingIsRefused(text: String) {
        #expect(throws: TraceQueryError.self) { try LinkedTraces.parse(text, depth: nil, direction: .both) }
    }

    @Test func aLinkWalkGoesAtLeastOneLink() {
        #expect(throws: TraceQueryError(option: "--link-depth", value: "0", reason: "a walk along links goes at least 1 link")) {
            try LinkedTraces.parse("5b8efff798038103d269b633813fc60c", depth: 0, direction: .both)
        }
    }

    /// 2026-11-29T10:00:00Z.
    private static let now: UInt64 = 1_795_946_400 * 1_000_000_000

    @Test(arguments: [
        ("2026-11-29T10:00:00Z", now),
        ("2026-11-29t10:00:00z", now),
        ("2026-11-29 10:00:00Z", now),
        ("2026-11-29T11:30:00+01:30", now),
        ("2026-11-29T08:00:00-02:00", now),
        ("2026-11-29T10:00:00.25Z", now + 250_000_000),
        ("2026-11-29T10:00:00.123456789123Z", now + 123_456_789),
        ("2026-11-29", now - 10 * 3_600_000_000_000),
        ("2024-02-29", 1_709_164_800 * 1_000_000_000),
        ("1970-01-01T00:00:00Z", 0),
        ("-2h", now - 2 * 3_600_000_000_000),
        ("-30m", now - 30 * 60_000_000_000),
        ("-7d", now - 7 * 86_400_000_000_000),
        ("-90s", now - 90_000_000_000),
        ("+1w", now + 7 * 86_400_000_000_000),
        ("now", now),
    ] as [(String, UInt64)])
    func timesReadAsRFC3339OrRelativeToNow(text: String, nanoseconds: UInt64) throws {
        #expect(try TimeBound.parse(text, option: "--from", now: Self.now) == nanoseconds)
    }

    @Test(arguments: ["", "yesterday", "2026-13-01", "2026-02-29", "2026-11-31", "2026-11-29T24:00:00Z", "2026-11-29T10:00:00",
                      "2026-11-29T10:00Z", "2026-11-29T10:00:00.Z", "2026-11-29T10:00:00+1:00", "1969-12-31T23:00:00Z", "-2y", "-h",
                      "-99999999999999d"])
    func aTimeThatDoesNotReadSaysHowToWriteOne(text: String) {
        #expect {
            try TimeBound.parse(text, option: "--to", now: Self.now)
        } throws: { error in
            (error as? TraceQueryError)?.reason.contains("RFC 3339") == true
        }
    }

    @Test(arguments: [0, now, now + 250_000_000, 951_782_400 * 1_000_000_000 + 1] as [UInt64])
    func aFormattedTimeReadsBackTheSame(nanoseconds: UInt64) throws {
        let text = TimeBound.format(nanoseconds)
        #expect(try TimeBound.parse(text, option: "--from", now: 0) == nanoseconds)
    }

    @Test func aTimeWindowIsWrittenAsTheOptionsThatMakeIt() {
        #expect(SpanCondition(startingFrom: Self.now, to: nil).description == "--from 2026-11-29T10:00:00Z")
        #expect(SpanCondition(startingFrom: nil, to: Self.now + 500_000_000).description == "--to 2026-11-29T10:00:00.5Z")
    }
}
