import Testing
import TraceModel

@Suite struct IdentifierTests {
    @Test(arguments: [
        ("5B8EFFF798038103D269B633813FC60C", "5b8efff798038103d269b633813fc60c"),
        ("00000000000000010000000000000000", "00000000000000010000000000000000"),
        ("ffffffffffffffffffffffffffffffff", "ffffffffffffffffffffffffffffffff"),
    ])
    func traceIDRoundTripsThroughHexInEitherCase(hex: String, canonical: String) throws {
        let id = try #require(TraceID(hex: hex))
        #expect(id.description == canonical)
        #expect(TraceID(hex: canonical) == id)
    }

    @Test(arguments: ["", "5b8efff798038103", "5b8efff798038103d269b633813fc60c00", "zz8efff798038103d269b633813fc60c", "trace-123"])
    func traceIDRejectsWrongLengthOrDigits(text: String) {
        #expect(TraceID(hex: text) == nil)
    }

    @Test func spanIDKeepsAll64Bits() throws {
        let id = try #require(SpanID(hex: "EEE19B7EC3C1B174"))
        #expect(id.value == 0xEEE1_9B7E_C3C1_B174)
        #expect(id.description == "eee19b7ec3c1b174")
        #expect(SpanID(hex: "eee19b7ec3c1b17") == nil)
    }

    @Test func traceIDsOrderByHighThenLowHalf() {
        let a = TraceID(high: 1, low: 0xFFFF)
        let b = TraceID(high: 2, low: 0)
        #expect(a < b)
        #expect(TraceID(high: 2, low: 1) > b)
    }

    @Test func resourceNamesAnUnnamedServiceAsTheSDKsDo() {
        #expect(Resource(attributes: []).serviceName == "unknown_service")
        let withExecutable = Resource(attributes: [Attribute(key: "process.executable.name", value: .string("worker"))])
        #expect(withExecutable.serviceName == "unknown_service:worker")
        let named = Resource(attributes: [Attribute(key: "service.name", value: .string("cart"))])
        #expect(named.serviceName == "cart")
    }

    @Test func traceSetCountsARepeatedSpanOnce() {
        let resource = Resource(attributes: [])
        let span = Span(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), name: "a",
                        startTimeUnixNano: 10, endTimeUnixNano: 20, resource: resource)
        var set = TraceSet()
        let addedFirst = set.add(span)
        let addedAgain = set.add(span)
        var other = span
        other.spanID = SpanID(4)
        let addedOther = set.add(other)
        #expect(addedFirst && !addedAgain && addedOther)
        #expect(set.spans.count == 2)
        #expect(set.duplicateSpanCount == 1)
        #expect(set[span.key]?.name == "a")
        #expect(set.traceIDs == [TraceID(high: 1, low: 2)])
    }

    @Test func durationIsZeroWhenASpanEndsBeforeItStarts() {
        let span = Span(traceID: TraceID(high: 1, low: 2), spanID: SpanID(3), name: "a",
                        startTimeUnixNano: 20, endTimeUnixNano: 10, resource: Resource(attributes: []))
        #expect(span.durationNanos == 0)
    }
}
