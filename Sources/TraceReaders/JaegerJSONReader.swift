import TraceModel

/// Reads Jaeger JSON, the model Jaeger's query API answers with and the UI's
/// "Download JSON" writes: `{"data": [trace, ...], "total": ..., "errors": ...}`,
/// `{"data": {trace}}`, a bare trace object, or an array of trace objects, where a
/// trace is `{"traceID", "spans", "processes", "warnings"}` with its keys in any order.
/// Several such documents may follow one another (JSON lines).
///
/// What it makes of each part:
/// - **Processes** become resources: `serviceName` is `service.name`, the process
///   `tags` the other resource attributes. A span's own `process` object wins over its
///   `processID`; an unknown `processID` gives a resource without `service.name`.
/// - **Times** are microseconds (`startTime`, `duration`), turned into nanoseconds. A negative
///   `duration` ends the span before it starts, which is repaired (``SpanDefect``).
/// - A span without a `traceID` or `spanID`, or with an all-zero one, is left out (``SpanDefect``).
/// - **Tags** become attributes, all of them, `span.kind` and `error` included. A
///   value that does not match its `type` is kept as well as it can be: an `int64`
///   written as a JSON string is an integer when it parses as one, a `bool` written
///   as `"true"` is a boolean, anything else keeps its JSON type. `binary` is base64.
/// - **Kind** comes from the `span.kind` tag; **status** is an error when the `error`
///   tag is `true` or `"true"` or `otel.status_code` is `"ERROR"` (the message is
///   `otel.status_description`), OK when `otel.status_code` is `"OK"`.
/// - **Logs** become events: the name is the `event` field, which then leaves the
///   attributes (as OpenTelemetry's Jaeger translator does), else the `message` field,
///   which stays; the fields are the event's attributes.
/// - **Parent and links**, by the rule of jaeger-ui and Jaeger's storage readers: the
///   parent is the earliest `CHILD_OF` reference with the span's own trace id, else the
///   earliest `FOLLOWS_FROM` with it, else the legacy `parentSpanID` field. Every other
///   reference is a link whose attribute `opentracing.ref_type` says `child_of` or
///   `follows_from`.
///
/// **Ids.** Hexadecimal ids shorter than the id are left-padded with zeros, so that a
/// 64-bit trace id of 16 digits and its 32-digit form are the same trace. An id that is
/// not hexadecimal at all (jaeger-ui's test traces use `trace-123` and `span-1`) is
/// mapped to a stable FNV-1a 64 hash of its text (two differently seeded hashes for
/// the two halves of a trace id), so that every reference naming the same text still
/// resolves to the same span; the text itself is kept in the span attributes
/// `tracegraph.original_trace_id` / `tracegraph.original_span_id` (and in the link
/// attributes of a link to such an id), so that nothing is silently lost. A hash could
/// in principle collide with a real id of the file; with 64 bits that is left to chance.
///
/// The spans of a document reach the sink once the whole document is read.
struct JaegerJSONReader: JSONDocumentReader {
    var scanner: JSONScanner
    private let detail: ReadDetail
    private let spanKeys: AttributeKeyFilter
    private let resourceKeys: AttributeKeyFilter
    /// The spans of the document being read, their processes resolved.
    private var pending: [Span] = []
    var defects = SpanDefectLog<JSONError>()

    static let refTypeKey = "opentracing.ref_type"

    private static let expectedDocument = "a Jaeger JSON trace with \"spans\", or {\"data\": [traces]}"
    private static let emptyResource = Resource(attributes: [])

    static let recoverableArrays: Set<String> = ["spans", "data"]

    init(_ bytes: UnsafeRawBufferPointer, detail: ReadDetail) {
        scanner = JSONScanner(bytes)
        self.detail = detail
        spanKeys = AttributeKeyFilter(detail.spanAttributeKeys)
        resourceKeys = AttributeKeyFilter(detail.resourceAttributeKeysToRead)
    }

    mutating func passOnDocument<Sink: SpanSink>(to sink: inout Sink) {
        for span in pending { sink.receive(span) }
        pending.removeAll(keepingCapacity: true)
    }

    mutating func dropDocument() {
        pending.removeAll(keepingCapacity: true)
    }

    // MARK: Documents and traces

    mutating func readDocument() throws(JSONError) {
        switch try scanner.peekKind() {
        case .object:
            try readTrace(topLevel: true)
        case .array:
            try scanner.beginArray()
            while try scanner.nextElement() { try readTrace(topLevel: false) }
        default:
            throw scanner.error(.unrecognizedDocument(expected: Self.expectedDocument))
        }
    }

    /// A trace object; at the top of a document also the `{"data": ...}` envelope.
    private mutating func readTrace(topLevel: Bool) throws(JSONError) {
        scanner.skipWhitespace()
        let start = scanner.position
        var spans: [PartialSpan] = []
        var processes: [String: Resource] = [:]
        var sawSpans = false
        var sawData = false
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("spans") {
                sawSpans = true
                if try scanner.skipNull() { continue }
                try scanner.beginArray()
                while try scanner.nextElement() {
                    if let span = try readSpan() { spans.append(span) }
                }
            } else if key.matches("processes") {
                processes = try readProcesses()
            } else if topLevel, key.matches("data") {
                sawData = true
                switch try scanner.peekKind() {
                case .null: try scanner.skipValue()
                case .object: try readTrace(topLevel: false)
                default:
                    try scanner.beginArray()
                    while try scanner.nextElement() { try readTrace(topLevel: false) }
                }
            } else {
                try scanner.skipValue()
            }
        }
        if !sawSpans && !sawData {
            throw topLevel
                ? scanner.error(.unrecognizedDocument(expected: Self.expectedDocument), at: start)
                : scanner.error(.missingField(name: "spans", in: "trace"), at: start)
        }
        // The processes may come after the spans: resolve them once the trace object is read.
        for partial in spans {
            var span = partial.span
            span.resource = partial.process ?? partial.processID.flatMap { processes[$0] } ?? Self.emptyResource
            pending.append(span)
        }
    }

    private mutating func readProcesses() throws(JSONError) -> [String: Resource] {
        var processes: [String: Resource] = [:]
        if try scanner.skipNull() { return processes }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            processes[key.string] = try readProcess()
        }
        return processes
    }

    private mutating func readProcess() throws(JSONError) -> Resource {
        if try scanner.skipNull() { return Self.emptyResource }
        var serviceName = ""
        var tags: [Attribute] = []
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("serviceName") {
                serviceName = try scanner.readOptionalString()
            } else if key.matches("tags") {
                var ignored = SpanMarks()
                tags = try readTags(resourceKeys, marks: &ignored)
            } else {
                try scanner.skipValue()
            }
        }
        if serviceName.isEmpty { return Resource(attributes: tags) }
        return Resource(attributes: [Attribute(key: "service.name", value: .string(serviceName))] + tags)
    }

    // MARK: Spans

    /// A span as read, before the processes of its trace are known.
    private struct PartialSpan {
        var span: Span
        var processID: String?
        var process: Resource?
    }

    /// An id as read, with the text it was hashed from when that text was not hexadecimal.
    private struct ReadID<ID> {
        var id: ID
        var original: String?
    }

    private enum RefType: Equatable {
        case childOf, followsFrom
        case other(String)

        var attributeValue: String {
            switch self {
            case .childOf: "child_of"
            case .followsFrom: "follows_from"
            case .other(let name): name
            }
        }
    }

    private struct Reference {
        var type: RefType
        var traceID: ReadID<TraceID>?
        var spanID: ReadID<SpanID>
    }

    /// What the tags of a span say besides attributes.
    private struct SpanMarks {
        var kind = SpanKind.unspecified
        var errorTag = false
        var statusCode: String?
        var statusDescription: String?
    }

    /// A span, or nil when it is left out (``SpanDefect``).
    private mutating func readSpan() throws(JSONError) -> PartialSpan? {
        scanner.skipWhitespace()
        let start = scanner.position
        var traceID: ReadID<TraceID>?
        var spanID: ReadID<SpanID>?
        var legacyParent: SpanID?
        var references: [Reference] = []
        var startTime: UInt64 = 0
        var duration: Int64 = 0
        var marks = SpanMarks()
        var partial = PartialSpan(
            span: Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0,
                       resource: Self.emptyResource))
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("traceID") {
                traceID = try readTraceID()
            } else if key.matches("spanID") {
                spanID = try readSpanID()
            } else if key.matches("parentSpanID") {
                legacyParent = try readSpanID().flatMap { $0.id.value == 0 ? nil : $0.id }
            } else if key.matches("references") {
                if try scanner.skipNull() { continue }
                try scanner.beginArray()
                while try scanner.nextElement() { references.append(try readReference()) }
            } else if key.matches("startTime") {
                startTime = try scanner.readMicrosecondsAsNanoseconds(field: "startTime")
            } else if key.matches("duration") {
                duration = try scanner.readSignedMicrosecondsAsNanoseconds(field: "duration")
            } else if key.matches("tags") {
                partial.span.attributes = try readTags(spanKeys, marks: &marks)
            } else if key.matches("logs"), detail.events {
                partial.span.events = try readLogs()
            } else if key.matches("processID") {
                partial.processID = try scanner.readOptionalString()
            } else if key.matches("process") {
                partial.process = try readProcess()
            } else if key.matches("operationName"), detail.readsAnyNames {
                partial.span.name = try scanner.readOptionalString()
            } else if key.matches("flags"), detail.names {
                partial.span.flags = try scanner.readUInt32(field: "flags")
            } else {
                try scanner.skipValue()
            }
        }
        var span = partial.span
        span.startTimeUnixNano = startTime
        span.endTimeUnixNano = try scanner.end(of: startTime, lasting: duration, spanAt: start)
        guard try defects.check(&span, traceID: traceID?.id, spanID: spanID?.id, at: start), let traceID, let spanID else {
            return nil
        }
        span.kind = marks.kind
        span.status = status(from: marks)
        if let original = traceID.original, detail.keepsSpanAttribute(IDText.originalTraceIDKey) {
            span.attributes.append(Attribute(key: IDText.originalTraceIDKey, value: .string(original)))
        }
        if let original = spanID.original, detail.keepsSpanAttribute(IDText.originalSpanIDKey) {
            span.attributes.append(Attribute(key: IDText.originalSpanIDKey, value: .string(original)))
        }

        // The parent: the earliest CHILD_OF in the span's own trace, else the earliest FOLLOWS_FROM in it.
        let ownTrace = traceID.id
        let inOwnTrace = { (reference: Reference) in (reference.traceID?.id ?? ownTrace) == ownTrace }
        let parentIndex = references.firstIndex { $0.type == .childOf && inOwnTrace($0) }
            ?? references.firstIndex { $0.type == .followsFrom && inOwnTrace($0) }
        span.parentSpanID = parentIndex.map { references[$0].spanID.id } ?? legacyParent
        for (index, reference) in references.enumerated() where index != parentIndex {
            span.links.append(link(for: reference, ownTrace: ownTrace))
        }
        partial.span = span
        return partial
    }

    private func status(from marks: SpanMarks) -> SpanStatus {
        let code = marks.statusCode?.uppercased()
        if marks.errorTag || code == "ERROR" {
            return SpanStatus(code: .error, message: detail.names ? marks.statusDescription ?? "" : "")
        }
        if code == "OK" { return SpanStatus(code: .ok) }
        return .unset
    }

    private func link(for reference: Reference, ownTrace: TraceID) -> SpanLink {
        var link = SpanLink(traceID: reference.traceID?.id ?? ownTrace, spanID: reference.spanID.id)
        guard detail.linkAttributes else { return link }
        link.attributes.append(Attribute(key: Self.refTypeKey, value: .string(reference.type.attributeValue)))
        if let original = reference.traceID?.original {
            link.attributes.append(Attribute(key: IDText.originalTraceIDKey, value: .string(original)))
        }
        if let original = reference.spanID.original {
            link.attributes.append(Attribute(key: IDText.originalSpanIDKey, value: .string(original)))
        }
        return link
    }

    private mutating func readReference() throws(JSONError) -> Reference {
        scanner.skipWhitespace()
        let start = scanner.position
        var type = RefType.childOf
        var traceID: ReadID<TraceID>?
        var spanID: ReadID<SpanID>?
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("refType") {
                let name = try scanner.readOptionalString().uppercased()
                switch name {
                case "", "CHILD_OF": type = .childOf
                case "FOLLOWS_FROM": type = .followsFrom
                default: type = .other(name.lowercased())
                }
            } else if key.matches("traceID") {
                traceID = try readTraceID()
            } else if key.matches("spanID") {
                spanID = try readSpanID()
            } else {
                try scanner.skipValue()
            }
        }
        guard let spanID else { throw scanner.error(.missingField(name: "spanID", in: "reference"), at: start) }
        return Reference(type: type, traceID: traceID, spanID: spanID)
    }

    private mutating func readTraceID() throws(JSONError) -> ReadID<TraceID>? {
        if try scanner.skipNull() { return nil }
        let text = try scanner.readRawString()
        return text.withBytes { bytes -> ReadID<TraceID>? in
            if bytes.isEmpty { return nil }
            if let id = PaddedHexID.traceID(bytes) { return ReadID(id: id, original: nil) }
            return ReadID(id: StableIDHash.traceID(bytes), original: String(decoding: bytes, as: UTF8.self))
        }
    }

    private mutating func readSpanID() throws(JSONError) -> ReadID<SpanID>? {
        if try scanner.skipNull() { return nil }
        let text = try scanner.readRawString()
        return text.withBytes { bytes -> ReadID<SpanID>? in
            if bytes.isEmpty { return nil }
            if let id = PaddedHexID.spanID(bytes) { return ReadID(id: id, original: nil) }
            return ReadID(id: StableIDHash.spanID(bytes), original: String(decoding: bytes, as: UTF8.self))
        }
    }

    // MARK: Logs

    private mutating func readLogs() throws(JSONError) -> [SpanEvent] {
        var events: [SpanEvent] = []
        if try scanner.skipNull() { return events }
        try scanner.beginArray()
        while try scanner.nextElement() { events.append(try readLog()) }
        return events
    }

    private mutating func readLog() throws(JSONError) -> SpanEvent {
        var event = SpanEvent(timeUnixNano: 0, name: "")
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("timestamp") {
                event.timeUnixNano = try scanner.readMicrosecondsAsNanoseconds(field: "log timestamp")
            } else if key.matches("fields") {
                var ignored = SpanMarks()
                event.attributes = try readTags(AttributeKeyFilter(nil), marks: &ignored, isSpan: false)
            } else {
                try scanner.skipValue()
            }
        }
        if let index = event.attributes.firstIndex(where: { $0.key == "event" }) {
            event.name = event.attributes[index].value.description
            event.attributes.remove(at: index)
        } else if let message = event.attributes["message"] {
            event.name = message.description
        }
        return event
    }

    // MARK: Tags

    private enum TagType {
        case string, bool, int64, float64, binary, unknown
    }

    /// A tag value as written, before its `type` (which may come after it) is known.
    private enum RawTagValue {
        case string(String)
        case number(JSONNumber)
        case bool(Bool)
        case null
    }

    private enum SpecialTag {
        case spanKind, error, statusCode, statusDescription
    }

    /// Tags as attributes; on a span (`isSpan`), `span.kind`, `error` and `otel.status_*`
    /// are noted in `marks` whether or not the filter keeps them.
    private mutating func readTags(_ filter: AttributeKeyFilter, marks: inout SpanMarks,
                                   isSpan: Bool = true) throws(JSONError) -> [Attribute] {
        var attributes: [Attribute] = []
        if try scanner.skipNull() { return attributes }
        try scanner.beginArray()
        while try scanner.nextElement() {
            if let attribute = try readTag(filter, marks: &marks, isSpan: isSpan) { attributes.append(attribute) }
        }
        return attributes
    }

    /// One `{key, type, value}`; nil when the filter drops its key.
    private mutating func readTag(_ filter: AttributeKeyFilter, marks: inout SpanMarks,
                                  isSpan: Bool) throws(JSONError) -> Attribute? {
        scanner.skipWhitespace()
        let start = scanner.position
        var sawKey = false
        var key: String?
        var special: SpecialTag?
        var type = TagType.unknown
        var raw = RawTagValue.null
        try scanner.beginObject()
        while let member = try scanner.nextKey() {
            if member.matches("key") {
                let text = try scanner.readRawString()
                sawKey = true
                key = filter.kept(text)
                if isSpan { special = Self.specialTag(text) }
            } else if member.matches("type") {
                type = Self.tagType(try scanner.readOptionalString())
            } else if member.matches("value") {
                if sawKey && key == nil && special == nil {
                    try scanner.skipValue()
                } else {
                    raw = try readRawTagValue()
                }
            } else {
                try scanner.skipValue()
            }
        }
        guard sawKey else { throw scanner.error(.missingField(name: "key", in: "tag"), at: start) }
        let value = Self.value(raw, as: type)
        switch special {
        case .spanKind?: marks.kind = Self.spanKind(value.description)
        case .error?: marks.errorTag = value == .bool(true) || value == .string("true")
        case .statusCode?: marks.statusCode = value.description
        case .statusDescription?: marks.statusDescription = value.description
        case nil: break
        }
        return key.map { Attribute(key: $0, value: value) }
    }

    private mutating func readRawTagValue() throws(JSONError) -> RawTagValue {
        switch try scanner.peekKind() {
        case .string: return .string(try scanner.readString())
        case .number: return .number(try scanner.readNumberToken())
        case .bool: return .bool(try scanner.readBool())
        case .null:
            try scanner.skipValue()
            return .null
        case let kind:
            throw scanner.error(.wrongType(expected: "a string, number or boolean tag value", found: kind.name))
        }
    }

    private static func specialTag(_ key: JSONKey) -> SpecialTag? {
        key.withBytes { bytes -> SpecialTag? in
            if bytes.elementsEqual("span.kind".utf8) { return .spanKind }
            if bytes.elementsEqual("error".utf8) { return .error }
            if bytes.elementsEqual("otel.status_code".utf8) { return .statusCode }
            if bytes.elementsEqual("otel.status_description".utf8) { return .statusDescription }
            return nil
        }
    }

    private static func tagType(_ name: String) -> TagType {
        switch name.lowercased() {
        case "string": .string
        case "bool": .bool
        case "int64": .int64
        case "float64": .float64
        case "binary": .binary
        default: .unknown
        }
    }

    private static func spanKind(_ name: String) -> SpanKind {
        switch name.lowercased() {
        case "server": .server
        case "client": .client
        case "producer": .producer
        case "consumer": .consumer
        case "internal": .internal
        default: .unspecified
        }
    }

    /// The value as its type says where it can be read so, else as its JSON type says.
    private static func value(_ raw: RawTagValue, as type: TagType) -> AttributeValue {
        switch (type, raw) {
        case (.bool, .string(let text)) where text == "true" || text == "false":
            return .bool(text == "true")
        case (.int64, .string(let text)):
            if let value = Int64(text) { return .int(value) }
        case (.float64, .string(let text)):
            switch text {
            case "NaN": return .double(.nan)
            case "Infinity", "+Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            default: if let value = Double(text) { return .double(value) }
            }
        case (.float64, .number(let number)):
            if let value = number.double { return .double(value) }
        case (.binary, .string(let text)):
            if let bytes = Base64.decode(text) { return .bytes(bytes) }
        default:
            break
        }
        switch raw {
        case .string(let text): return .string(text)
        case .bool(let value): return .bool(value)
        case .null: return .empty
        case .number(let number):
            if number.isInteger, let value = number.int64 { return .int(value) }
            if let value = number.double { return .double(value) }
            return .string(String(decoding: number.bytes, as: UTF8.self))
        }
    }
}

/// Hexadecimal ids of up to their full length, left-padded with zeros: 64-bit trace ids
/// (16 digits) as Jaeger and Zipkin write them, and ids whose leading zeros were dropped.
enum PaddedHexID {
    /// 1 to 32 hexadecimal digits, either case.
    static func traceID(_ text: UnsafeRawBufferPointer) -> TraceID? {
        guard (1...32).contains(text.count) else { return nil }
        let split = max(0, text.count - 16)
        guard let low = HexDigits.parseUInt64(text[split...]) else { return nil }
        if split == 0 { return TraceID(high: 0, low: low) }
        guard let high = HexDigits.parseUInt64(text[0..<split]) else { return nil }
        return TraceID(high: high, low: low)
    }

    /// 1 to 16 hexadecimal digits, either case.
    static func spanID(_ text: UnsafeRawBufferPointer) -> SpanID? {
        guard (1...16).contains(text.count) else { return nil }
        return HexDigits.parseUInt64(text[...]).map(SpanID.init)
    }
}

/// FNV-1a, 64 bits: a stable hash for ids the readers must make up, the same on every
/// run and platform (unlike `Hasher`).
struct StableIDHash {
    static let offsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    /// A second starting value, for a second hash of the same text independent of the first.
    static let secondBasis: UInt64 = 0x8422_2325_CBF2_9CE4
    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    private(set) var value: UInt64

    init(basis: UInt64 = StableIDHash.offsetBasis) {
        value = basis
    }

    mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes {
            value = (value ^ UInt64(byte)) &* Self.prime
        }
    }

    /// The 8 bytes of an integer, big-endian.
    mutating func add(_ integer: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { add(CollectionOfOne(UInt8(truncatingIfNeeded: integer >> UInt64(shift)))) }
    }

    /// A trace id for text that is not a hexadecimal one: two differently seeded hashes of it.
    static func traceID(_ text: UnsafeRawBufferPointer) -> TraceID {
        var high = StableIDHash()
        high.add(text)
        var low = StableIDHash(basis: secondBasis)
        low.add(text)
        return TraceID(high: high.value, low: low.value)
    }

    /// A span id for text that is not a hexadecimal one; never zero, the invalid span id.
    static func spanID(_ text: UnsafeRawBufferPointer) -> SpanID {
        var hash = StableIDHash()
        hash.add(text)
        return SpanID(hash.value == 0 ? 1 : hash.value)
    }
}
