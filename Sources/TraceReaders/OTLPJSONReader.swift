import TraceModel

/// Reads OTLP/JSON: one `ExportTraceServiceRequest` (or `TracesData`) document,
/// or the OpenTelemetry Collector file exporter's JSON lines, one request per line.
///
/// It follows the OTLP/JSON encoding (hex ids, 64-bit integers as decimal
/// strings, enums as integers, lowerCamelCase names) and takes what real
/// producers also write: upper-case hex, base64 ids, integers as JSON numbers,
/// enum names such as `SPAN_KIND_SERVER`, `"parentSpanId": ""` for a root,
/// snake_case names, Tempo's `batches` and the older `instrumentationLibrarySpans`.
/// Unknown fields are skipped.
struct OTLPJSONReader {
    private var scanner: JSONScanner
    private(set) var spans: [Span] = []

    init(_ bytes: UnsafeRawBufferPointer) {
        scanner = JSONScanner(bytes)
    }

    /// Reads every request in the input, one after the other.
    mutating func readAll() throws(JSONError) {
        if scanner.isAtEndOfInput() { throw scanner.error(.emptyInput) }
        repeat {
            try readRequest()
        } while !scanner.isAtEndOfInput()
    }

    private mutating func readRequest() throws(JSONError) {
        guard try scanner.peekKind() == .object else {
            throw scanner.error(.unrecognizedDocument(expected: "an OTLP JSON object with \"resourceSpans\""))
        }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("resourceSpans") || key.matches("batches") {
                try readArray { (reader: inout Self) throws(JSONError) in try reader.readResourceSpans() }
            } else {
                try scanner.skipValue()
            }
        }
    }

    private mutating func readArray(_ element: (inout Self) throws(JSONError) -> Void) throws(JSONError) {
        if try scanner.skipNull() { return }
        try scanner.beginArray()
        while try scanner.nextElement() { try element(&self) }
    }

    private mutating func readResourceSpans() throws(JSONError) {
        let firstSpan = spans.count
        var resource = Resource(attributes: [])
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("resource") {
                resource = try readResource()
            } else if key.matches("scopeSpans") || key.matches("instrumentationLibrarySpans") {
                try readArray { (reader: inout Self) throws(JSONError) in try reader.readScopeSpans() }
            } else {
                try scanner.skipValue()
            }
        }
        // The resource may come after the spans in the object: set it once the object is read.
        for index in firstSpan..<spans.count { spans[index].resource = resource }
    }

    private mutating func readResource() throws(JSONError) -> Resource {
        var attributes: [Attribute] = []
        var dropped: UInt32 = 0
        if try scanner.skipNull() { return Resource(attributes: []) }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("attributes") {
                attributes = try readAttributes()
            } else if key.matches("droppedAttributesCount") {
                dropped = try readUInt32(field: "droppedAttributesCount")
            } else {
                try scanner.skipValue()
            }
        }
        return Resource(attributes: attributes, droppedAttributesCount: dropped)
    }

    private mutating func readScopeSpans() throws(JSONError) {
        let firstSpan = spans.count
        var scope = InstrumentationScope()
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("scope") || key.matches("instrumentationLibrary") {
                scope = try readScope()
            } else if key.matches("spans") {
                try readArray { (reader: inout Self) throws(JSONError) in try reader.readSpan() }
            } else {
                try scanner.skipValue()
            }
        }
        for index in firstSpan..<spans.count { spans[index].scope = scope }
    }

    private mutating func readScope() throws(JSONError) -> InstrumentationScope {
        var scope = InstrumentationScope()
        if try scanner.skipNull() { return scope }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("name") {
                scope.name = try readString()
            } else if key.matches("version") {
                scope.version = try readString()
            } else if key.matches("attributes") {
                scope.attributes = try readAttributes()
            } else {
                try scanner.skipValue()
            }
        }
        return scope
    }

    private mutating func readSpan() throws(JSONError) {
        scanner.skipWhitespace()
        let start = scanner.position
        var traceID: TraceID?
        var spanID: SpanID?
        var span = Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0,
                        resource: Resource(attributes: []))
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("traceId") {
                traceID = try readTraceID(field: "traceId")
            } else if key.matches("spanId") {
                spanID = try readSpanID(field: "spanId")
            } else if key.matches("parentSpanId") {
                span.parentSpanID = try readSpanID(field: "parentSpanId").flatMap { $0.value == 0 ? nil : $0 }
            } else if key.matches("name") {
                span.name = try readString()
            } else if key.matches("kind") {
                span.kind = try readEnum(field: "kind", prefix: "SPAN_KIND_", names: SpanKind.allCases.map(\.otlpName)) {
                    SpanKind(rawValue: UInt8(clamping: $0)) ?? .unspecified
                }
            } else if key.matches("startTimeUnixNano") {
                span.startTimeUnixNano = try readUInt64(field: "startTimeUnixNano")
            } else if key.matches("endTimeUnixNano") {
                span.endTimeUnixNano = try readUInt64(field: "endTimeUnixNano")
            } else if key.matches("attributes") {
                span.attributes = try readAttributes()
            } else if key.matches("events") {
                if try !scanner.skipNull() {
                    try scanner.beginArray()
                    while try scanner.nextElement() { span.events.append(try readEvent()) }
                }
            } else if key.matches("links") {
                if try !scanner.skipNull() {
                    try scanner.beginArray()
                    while try scanner.nextElement() { span.links.append(try readLink()) }
                }
            } else if key.matches("status") {
                span.status = try readStatus()
            } else if key.matches("traceState") {
                span.traceState = try readString()
            } else if key.matches("flags") {
                span.flags = try readUInt32(field: "flags")
            } else if key.matches("droppedAttributesCount") {
                span.droppedAttributesCount = try readUInt32(field: "droppedAttributesCount")
            } else if key.matches("droppedEventsCount") {
                span.droppedEventsCount = try readUInt32(field: "droppedEventsCount")
            } else if key.matches("droppedLinksCount") {
                span.droppedLinksCount = try readUInt32(field: "droppedLinksCount")
            } else {
                try scanner.skipValue()
            }
        }
        guard let traceID else { throw scanner.error(.missingField(name: "traceId", in: "span"), at: start) }
        guard let spanID else { throw scanner.error(.missingField(name: "spanId", in: "span"), at: start) }
        span.traceID = traceID
        span.spanID = spanID
        spans.append(span)
    }

    private mutating func readEvent() throws(JSONError) -> SpanEvent {
        var event = SpanEvent(timeUnixNano: 0, name: "")
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("timeUnixNano") {
                event.timeUnixNano = try readUInt64(field: "timeUnixNano")
            } else if key.matches("name") {
                event.name = try readString()
            } else if key.matches("attributes") {
                event.attributes = try readAttributes()
            } else if key.matches("droppedAttributesCount") {
                event.droppedAttributesCount = try readUInt32(field: "droppedAttributesCount")
            } else {
                try scanner.skipValue()
            }
        }
        return event
    }

    private mutating func readLink() throws(JSONError) -> SpanLink {
        scanner.skipWhitespace()
        let start = scanner.position
        var traceID: TraceID?
        var spanID: SpanID?
        var link = SpanLink(traceID: .zero, spanID: SpanID(0))
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("traceId") {
                traceID = try readTraceID(field: "link traceId")
            } else if key.matches("spanId") {
                spanID = try readSpanID(field: "link spanId")
            } else if key.matches("traceState") {
                link.traceState = try readString()
            } else if key.matches("attributes") {
                link.attributes = try readAttributes()
            } else if key.matches("droppedAttributesCount") {
                link.droppedAttributesCount = try readUInt32(field: "droppedAttributesCount")
            } else if key.matches("flags") {
                link.flags = try readUInt32(field: "flags")
            } else {
                try scanner.skipValue()
            }
        }
        guard let traceID else { throw scanner.error(.missingField(name: "traceId", in: "link"), at: start) }
        guard let spanID else { throw scanner.error(.missingField(name: "spanId", in: "link"), at: start) }
        link.traceID = traceID
        link.spanID = spanID
        return link
    }

    private mutating func readStatus() throws(JSONError) -> SpanStatus {
        var status = SpanStatus()
        if try scanner.skipNull() { return status }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("code") {
                status.code = try readEnum(field: "status code", prefix: "STATUS_CODE_", names: ["UNSET", "OK", "ERROR"]) {
                    SpanStatus.Code(rawValue: UInt8(clamping: $0)) ?? .unset
                }
            } else if key.matches("message") {
                status.message = try readString()
            } else {
                try scanner.skipValue()
            }
        }
        return status
    }

    // MARK: Attributes

    private mutating func readAttributes() throws(JSONError) -> [Attribute] {
        var attributes: [Attribute] = []
        if try scanner.skipNull() { return attributes }
        try scanner.beginArray()
        while try scanner.nextElement() {
            attributes.append(try readKeyValue())
        }
        return attributes
    }

    private mutating func readKeyValue() throws(JSONError) -> Attribute {
        var attribute = Attribute(key: "", value: .empty)
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("key") {
                attribute.key = try readString()
            } else if key.matches("value") {
                attribute.value = try readAnyValue()
            } else {
                try scanner.skipValue()
            }
        }
        return attribute
    }

    private mutating func readAnyValue() throws(JSONError) -> AttributeValue {
        var value = AttributeValue.empty
        if try scanner.skipNull() { return value }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if try scanner.skipNull() { continue }
            if key.matches("stringValue") {
                value = .string(try readString())
            } else if key.matches("boolValue") {
                value = .bool(try scanner.readBool())
            } else if key.matches("intValue") {
                value = .int(try readInt64(field: "intValue"))
            } else if key.matches("doubleValue") {
                value = .double(try readDouble(field: "doubleValue"))
            } else if key.matches("bytesValue") {
                let start = scanner.position
                let text = try readString()
                guard let bytes = Base64.decode(text) else {
                    throw scanner.error(.invalidValue(field: "bytesValue", value: text), at: start)
                }
                value = .bytes(bytes)
            } else if key.matches("arrayValue") {
                value = .array(try readValueList())
            } else if key.matches("kvlistValue") {
                value = .keyValueList(try readKeyValueList())
            } else {
                try scanner.skipValue()
            }
        }
        return value
    }

    private mutating func readValueList() throws(JSONError) -> [AttributeValue] {
        var values: [AttributeValue] = []
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("values"), try !scanner.skipNull() {
                try scanner.beginArray()
                while try scanner.nextElement() { values.append(try readAnyValue()) }
            } else {
                try scanner.skipValue()
            }
        }
        return values
    }

    private mutating func readKeyValueList() throws(JSONError) -> [Attribute] {
        var attributes: [Attribute] = []
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("values") {
                attributes = try readAttributes()
            } else {
                try scanner.skipValue()
            }
        }
        return attributes
    }

    // MARK: Scalars

    private mutating func readString() throws(JSONError) -> String {
        if try scanner.skipNull() { return "" }
        return try scanner.readString()
    }

    /// A 64-bit unsigned integer, written as a decimal string (OTLP/JSON) or as a JSON number.
    private mutating func readUInt64(field: String) throws(JSONError) -> UInt64 {
        if try scanner.skipNull() { return 0 }
        let start = scanner.position
        if try scanner.peekKind() == .string {
            let text = try scanner.readString()
            guard let value = UInt64(text) else { throw scanner.error(.invalidValue(field: field, value: text), at: start) }
            return value
        }
        guard let value = try scanner.readNumberToken().uint64 else {
            throw scanner.error(.numberOutOfRange(field: field), at: start)
        }
        return value
    }

    private mutating func readUInt32(field: String) throws(JSONError) -> UInt32 {
        let start = scanner.position
        guard let value = UInt32(exactly: try readUInt64(field: field)) else {
            throw scanner.error(.numberOutOfRange(field: field), at: start)
        }
        return value
    }

    private mutating func readInt64(field: String) throws(JSONError) -> Int64 {
        let start = scanner.position
        if try scanner.peekKind() == .string {
            let text = try scanner.readString()
            guard let value = Int64(text) else { throw scanner.error(.invalidValue(field: field, value: text), at: start) }
            return value
        }
        guard let value = try scanner.readNumberToken().int64 else {
            throw scanner.error(.numberOutOfRange(field: field), at: start)
        }
        return value
    }

    /// A double, written as a JSON number or as a string ("NaN", "Infinity", "-Infinity" or a number).
    private mutating func readDouble(field: String) throws(JSONError) -> Double {
        let start = scanner.position
        if try scanner.peekKind() == .string {
            let text = try scanner.readString()
            switch text {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let value = Double(text) else { throw scanner.error(.invalidValue(field: field, value: text), at: start) }
                return value
            }
        }
        guard let value = try scanner.readNumberToken().double else {
            throw scanner.error(.numberOutOfRange(field: field), at: start)
        }
        return value
    }

    /// An enum as its number or its name, with or without the name's prefix.
    private mutating func readEnum<T>(
        field: String, prefix: String, names: [String], make: (Int64) -> T
    ) throws(JSONError) -> T {
        let start = scanner.position
        if try scanner.skipNull() { return make(0) }
        if try scanner.peekKind() == .string {
            let text = try scanner.readString()
            let bare = text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
            guard let index = names.firstIndex(of: bare) else {
                throw scanner.error(.invalidValue(field: field, value: text), at: start)
            }
            return make(Int64(index))
        }
        guard let number = try scanner.readNumberToken().int64 else {
            throw scanner.error(.numberOutOfRange(field: field), at: start)
        }
        return make(number)
    }

    // MARK: Ids

    private mutating func readTraceID(field: String) throws(JSONError) -> TraceID? {
        let start = scanner.position
        let text = try readString()
        if text.isEmpty { return nil }
        guard let bytes = IDText.bytes(of: text, count: 16) else {
            throw scanner.error(.invalidID(field: field, value: text, byteCount: 16), at: start)
        }
        return TraceID(high: IDText.uint64(bytes[0..<8]), low: IDText.uint64(bytes[8..<16]))
    }

    private mutating func readSpanID(field: String) throws(JSONError) -> SpanID? {
        let start = scanner.position
        let text = try readString()
        if text.isEmpty { return nil }
        guard let bytes = IDText.bytes(of: text, count: 8) else {
            throw scanner.error(.invalidID(field: field, value: text, byteCount: 8), at: start)
        }
        return SpanID(IDText.uint64(bytes[...]))
    }
}

extension SpanKind {
    /// The name OTLP gives the kind, without its `SPAN_KIND_` prefix.
    var otlpName: String {
        switch self {
        case .unspecified: "UNSPECIFIED"
        case .internal: "INTERNAL"
        case .server: "SERVER"
        case .client: "CLIENT"
        case .producer: "PRODUCER"
        case .consumer: "CONSUMER"
        }
    }
}

/// Ids as text: hexadecimal (OTLP/JSON), or base64 (the protobuf JSON mapping, as Tempo writes them).
enum IDText {
    /// The id's bytes, when the text is `count` bytes in hex or in base64.
    static func bytes(of text: String, count: Int) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        if utf8.count == count * 2 {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(count)
            var index = 0
            while index < utf8.count {
                guard let high = HexDigits.value(of: utf8[index]), let low = HexDigits.value(of: utf8[index + 1]) else { return nil }
                bytes.append(UInt8(high << 4 | low))
                index += 2
            }
            return bytes
        }
        if let decoded = Base64.decode(text), decoded.count == count { return decoded }
        return nil
    }

    static func uint64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// Base64, standard or URL-safe alphabet, padded or not.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        var padding = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="):
                padding += 1
                continue
            default: return nil
            }
            if padding > 0 { return nil }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard padding <= 2, bits < 6 else { return nil }
        return output
    }
}
