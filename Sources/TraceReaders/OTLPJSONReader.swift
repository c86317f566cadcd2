import TraceModel

/// Reads OTLP/JSON: one `ExportTraceServiceRequest` (or `TracesData`) document,
/// or the OpenTelemetry Collector file exporter's JSON lines, one request per line,
/// also wrapped as query APIs answer: Tempo's `{"batches": [...]}` and
/// `{"trace": {...}}`, Jaeger's v3 `{"result": {...}}`, a `{"data": ...}` envelope.
///
/// It follows the OTLP/JSON encoding (hex ids, 64-bit integers as decimal
/// strings, enums as integers, lowerCamelCase names) and takes what real
/// producers also write: upper-case hex, base64 ids, integers as JSON numbers,
/// enum names such as `SPAN_KIND_SERVER`, `"parentSpanId": ""` for a root,
/// snake_case names and the older `instrumentationLibrarySpans`. Unknown fields
/// are skipped. The spans of a request reach the sink once the whole request is read.
struct OTLPJSONReader<Sink: SpanSink> {
    private var scanner: JSONScanner
    private let detail: ReadDetail
    private let spanKeys: AttributeKeyFilter
    private let resourceKeys: AttributeKeyFilter
    /// Bit `kind.rawValue` is set when the attributes of spans of that kind are kept
    /// (`ReadDetail.spanAttributeKinds`): a test that hashes nothing.
    private let attributeKinds: UInt8
    /// The spans of the request being read, while they cannot go to the sink yet.
    private var pending: [Span] = [] { didSet { updateCanPassOn() } }
    /// The sink, while `readAll` runs.
    private var sink: UnsafeMutablePointer<Sink>?
    private var keepGoing = false { didSet { updateCanPassOn() } }
    /// Documents (requests) begun so far: more than one makes the input JSON lines.
    private(set) var documentCount = 0
    /// The members of the last span, in its order: a prediction of the next span's.
    private var spanMembers = MemberOrderPrediction<SpanField>()
    /// The scope of the `ScopeSpans` being read, once read (when scopes are read at all).
    private var currentScope: InstrumentationScope? {
        didSet {
            span.scope = currentScope ?? InstrumentationScope()
            updateCanPassOn()
        }
    }
    /// The last service name read, shared by the spans of a resource and the next ones that repeat it.
    private var lastServiceName = ""
    /// The resource of the `ResourceSpans` being read, once read: spans read after it take it at once.
    private var currentResource: Resource? {
        didSet {
            span.resource = currentResource ?? Self.emptyResource
            updateCanPassOn()
        }
    }
    /// The span being read: one value reused from span to span, so that its resource and scope
    /// are not copied, nor its empty fields released, for every span. `clearSpan()` empties what
    /// the last span set.
    private var span = Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0,
                            resource: emptyResource)
    /// The mapped input these bytes are all of, when they are: the pages the reader has passed go
    /// back to the system as it reads, so that a document of gigabytes does not stay resident.
    var input: InputBytes? {
        didSet { nextRelease = input == nil ? .max : Self.releaseStep }
    }
    /// Where the reader next hands back the pages behind it.
    private var nextRelease = Int.max
    private static var releaseStep: Int { 16 << 20 }

    init(_ bytes: UnsafeRawBufferPointer, detail: ReadDetail) {
        scanner = JSONScanner(bytes)
        self.detail = detail
        spanKeys = AttributeKeyFilter(detail.spanAttributeKeys)
        resourceKeys = AttributeKeyFilter(detail.resourceAttributeKeysToRead)
        attributeKinds = detail.spanAttributeKinds.map { $0.reduce(0) { $0 | 1 << $1.rawValue } } ?? .max
    }

    /// Reads every request in the input, one after the other. With `keepGoing`, an error is noted
    /// in `skipped` and ``JSONRecovery`` says how to go on: in JSON lines the rest of the line is
    /// left out, in a request that spans lines the broken span. A span that cannot be used as it
    /// stands (``SpanDefect``) is left out or repaired and noted in `skipped`, or with `strict`
    /// stops the read.
    mutating func readAll(into sink: inout Sink, keepGoing: Bool = false, strict: Bool = false, skipped: inout [JSONError]) throws(JSONError) {
        try withUnsafeMutablePointer(to: &sink) { pointer in
            Result { () throws(JSONError) in
                self.sink = pointer
                self.keepGoing = keepGoing
                defects.strict = strict
                defer { self.sink = nil }
                try readAll(skipped: &skipped)
                defects.hand(to: &skipped)
            }
        }.get()
    }

    /// Spans left out or repaired, with where they are.
    private var defects = SpanDefectLog<JSONError>()

    /// Whether a span just read can go to the sink at once: it has its resource (and scope),
    /// nothing read before it waits, and no request has to be dropped whole on an error.
    /// Worked out when one of those changes, not for every span.
    private var canPassOn = false

    private mutating func updateCanPassOn() {
        canPassOn = !keepGoing && pending.isEmpty && currentResource != nil && (currentScope != nil || !detail.scopes)
    }

    private mutating func readAll(skipped: inout [JSONError]) throws(JSONError) {
        if scanner.isAtEndOfInput() { throw scanner.error(.emptyInput) }
        var recovery = JSONRecovery(arrays: ["spans", "scopeSpans", "resourceSpans", "batches"])
        var rereading = false
        repeat {
            let documentStart = scanner.position
            if !rereading { documentCount += 1 }
            rereading = false
            do {
                try readDocument()
                for index in pending.indices { sink!.pointee.receive(pending[index]) }
                pending.removeAll(keepingCapacity: true)
            } catch {
                guard keepGoing else { throw error }
                skipped.append(error)
                defects.forget(from: documentStart)
                pending.removeAll(keepingCapacity: true)
                rereading = recovery.goOn(after: error, documentStart: documentStart, scanner: &scanner)
            }
        } while !scanner.isAtEndOfInput()
    }

    /// A request, or an envelope around one.
    private mutating func readDocument() throws(JSONError) {
        guard try scanner.peekKind() == .object else {
            throw scanner.error(.unrecognizedDocument(expected: "an OTLP JSON object with \"resourceSpans\""))
        }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("resourceSpans") || key.matches("batches") {
                if try scanner.beginArrayUnlessNull() {
                    while try scanner.nextElement() { try readResourceSpans() }
                }
            } else if key.matches("trace") || key.matches("result") || key.matches("data") {
                if try scanner.peekKind() == .object { try readDocument() } else { try scanner.skipValue() }
            } else {
                try scanner.skipValue()
            }
        }
    }

    private mutating func readResourceSpans() throws(JSONError) {
        let firstSpan = pending.count
        currentResource = nil
        defer { currentResource = nil }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("resource") {
                currentResource = try readResource()
                // Spans read before the resource take it now.
                for index in firstSpan..<pending.count { pending[index].resource = currentResource! }
            } else if key.matches("scopeSpans") || key.matches("instrumentationLibrarySpans") {
                if try scanner.beginArrayUnlessNull() {
                    while try scanner.nextElement() { try readScopeSpans() }
                }
            } else {
                try scanner.skipValue()
            }
        }
    }

    private mutating func readResource() throws(JSONError) -> Resource {
        var attributes: [Attribute] = []
        var dropped: UInt32 = 0
        if try scanner.skipNull() { return Resource(attributes: []) }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("attributes") {
                attributes = try readAttributes(resourceKeys)
            } else if key.matches("droppedAttributesCount") {
                dropped = try scanner.readUInt32(field: "droppedAttributesCount")
            } else {
                try scanner.skipValue()
            }
        }
        var resource = Resource(attributes: attributes, droppedAttributesCount: dropped)
        // Share one String among the resources that name the same service.
        if resource.serviceName == lastServiceName { resource.serviceName = lastServiceName } else { lastServiceName = resource.serviceName }
        return resource
    }

    private mutating func readScopeSpans() throws(JSONError) {
        let firstSpan = pending.count
        var scope = InstrumentationScope()
        currentScope = nil
        defer { currentScope = nil }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("scope") || key.matches("instrumentationLibrary") {
                if detail.scopes {
                    scope = try readScope()
                    currentScope = scope
                } else {
                    try scanner.skipValue()
                }
            } else if key.matches("spans") {
                // A loop here, not a closure: calling one per span costs a look-up of this generic type.
                if try scanner.beginArrayUnlessNull() {
                    while try scanner.nextElement() {
                        try readSpan()
                        if scanner.position >= nextRelease { releasePassedPages() }
                    }
                }
            } else {
                try scanner.skipValue()
            }
        }
        if detail.scopes {
            for index in firstSpan..<pending.count { pending[index].scope = scope }
        }
    }

    /// Hands back the pages before the reader's position; read again (an error's line is counted
    /// from the start, a broken request is read again under keepGoing), they come back from the file.
    private mutating func releasePassedPages() {
        input?.release(before: scanner.position)
        nextRelease = scanner.position + Self.releaseStep
    }

    private mutating func readScope() throws(JSONError) -> InstrumentationScope {
        var scope = InstrumentationScope()
        if try scanner.skipNull() { return scope }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("name") {
                scope.name = try scanner.readOptionalString()
            } else if key.matches("version") {
                scope.version = try scanner.readOptionalString()
            } else if key.matches("attributes") {
                scope.attributes = try readAttributes(AttributeKeyFilter(nil))
            } else {
                try scanner.skipValue()
            }
        }
        return scope
    }

    private static var emptyResource: Resource { Resource(attributes: []) }

    private mutating func readSpan() throws(JSONError) {
        scanner.skipWhitespace()
        let start = scanner.position
        var traceID: TraceID?
        var spanID: SpanID?
        var namePosition: Int?
        var isKindKnown = false
        clearSpan()
        try scanner.beginObject()
        spanMembers.begin()
        while let field = try spanMembers.next(&scanner) {
            switch field {
            case .traceId?:
                traceID = try scanner.readTraceID(field: "traceId")
            case .spanId?:
                spanID = try scanner.readSpanID(field: "spanId")
            case .parentSpanId?:
                span.parentSpanID = try scanner.readSpanID(field: "parentSpanId").flatMap { $0.value == 0 ? nil : $0 }
            case .kind?:
                let kind = try scanner.readEnum(field: "kind", prefix: "SPAN_KIND_", names: SpanKind.otlpNames)
                span.kind = SpanKind(rawValue: UInt8(clamping: kind)) ?? .unspecified
                isKindKnown = true
            case .startTimeUnixNano?:
                span.startTimeUnixNano = try scanner.readUInt64(field: "startTimeUnixNano")
            case .endTimeUnixNano?:
                span.endTimeUnixNano = try scanner.readUInt64(field: "endTimeUnixNano")
            case .attributes?:
                if isKindKnown, attributeKinds & 1 << span.kind.rawValue == 0 {
                    // Read past them the fast way, keeping none.
                    _ = try readAttributes(keepNoAttributes)
                } else {
                    // Into the last span's array, emptied: no array is made and freed for each span.
                    var attributes: [Attribute] = []
                    swap(&attributes, &span.attributes)
                    try readAttributes(spanKeys, into: &attributes)
                    span.attributes = attributes
                }
            case .links?:
                if try scanner.beginArrayUnlessNull() {
                    while try scanner.nextElement() {
                        let link = try readLink()
                        span.links.append(link)
                    }
                }
            case .status?:
                span.status = try readStatus()
            case .name? where detail.names:
                span.name = try scanner.readOptionalString()
            case .name? where detail.linkingSpanNames:
                // Read again at the end if the span has links: most have none, and need no string.
                scanner.skipWhitespace()
                namePosition = scanner.position
                try scanner.skipValue()
            case .events? where detail.events:
                if try scanner.beginArrayUnlessNull() {
                    while try scanner.nextElement() {
                        let event = try readEvent()
                        span.events.append(event)
                    }
                }
            case .traceState? where detail.names:
                span.traceState = try scanner.readOptionalString()
            case .flags? where detail.names:
                span.flags = try scanner.readUInt32(field: "flags")
            case .droppedAttributesCount? where detail.names:
                span.droppedAttributesCount = try scanner.readUInt32(field: "droppedAttributesCount")
            case .droppedEventsCount? where detail.names:
                span.droppedEventsCount = try scanner.readUInt32(field: "droppedEventsCount")
            case .droppedLinksCount? where detail.readsAnyNames:
                span.droppedLinksCount = try scanner.readUInt32(field: "droppedLinksCount")
            default:
                try scanner.skipValue()
            }
        }
        if let namePosition, !span.links.isEmpty || span.droppedLinksCount > 0 {
            var again = scanner.rewound(to: namePosition)
            span.name = try again.readOptionalString()
        }
        guard try defects.check(&span, traceID: traceID, spanID: spanID, at: start) else { return }
        if canPassOn { sink!.pointee.receive(span) } else { pending.append(span) }
    }

    /// Empties the fields of the reused span that a span sets, keeping its resource and scope.
    /// A field already empty is not written: that would release it again.
    private mutating func clearSpan() {
        span.parentSpanID = nil
        span.flags = 0
        span.kind = .unspecified
        span.startTimeUnixNano = 0
        span.endTimeUnixNano = 0
        span.droppedAttributesCount = 0
        span.droppedEventsCount = 0
        span.droppedLinksCount = 0
        if !span.traceState.isEmpty { span.traceState = "" }
        if !span.name.isEmpty { span.name = "" }
        if !span.attributes.isEmpty { span.attributes.removeAll(keepingCapacity: true) }
        if !span.events.isEmpty { span.events = [] }
        if !span.links.isEmpty { span.links = [] }
        if span.status.code != .unset || !span.status.message.isEmpty { span.status = .unset }
    }

    private mutating func readEvent() throws(JSONError) -> SpanEvent {
        var event = SpanEvent(timeUnixNano: 0, name: "")
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("timeUnixNano") {
                event.timeUnixNano = try scanner.readUInt64(field: "timeUnixNano")
            } else if key.matches("name") {
                event.name = try scanner.readOptionalString()
            } else if key.matches("attributes") {
                event.attributes = try readAttributes(AttributeKeyFilter(nil))
            } else if key.matches("droppedAttributesCount") {
                event.droppedAttributesCount = try scanner.readUInt32(field: "droppedAttributesCount")
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
                traceID = try scanner.readTraceID(field: "link traceId")
            } else if key.matches("spanId") {
                spanID = try scanner.readSpanID(field: "link spanId")
            } else if key.matches("traceState"), detail.linkAttributes {
                link.traceState = try scanner.readOptionalString()
            } else if key.matches("attributes"), detail.linkAttributes {
                link.attributes = try readAttributes(AttributeKeyFilter(nil))
            } else if key.matches("droppedAttributesCount"), detail.linkAttributes {
                link.droppedAttributesCount = try scanner.readUInt32(field: "droppedAttributesCount")
            } else if key.matches("flags"), detail.linkAttributes {
                link.flags = try scanner.readUInt32(field: "flags")
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
        // Unset status, as SDKs write it: an empty object.
        if scanner.consume("{}") { return status }
        if try scanner.skipNull() { return status }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("code") {
                let code = try scanner.readEnum(field: "status code", prefix: "STATUS_CODE_", names: ["UNSET", "OK", "ERROR"])
                status.code = SpanStatus.Code(rawValue: UInt8(clamping: code)) ?? .unset
            } else if key.matches("message"), detail.names {
                status.message = try scanner.readOptionalString()
            } else {
                try scanner.skipValue()
            }
        }
        return status
    }

    // MARK: Attributes

    private mutating func readAttributes(_ filter: AttributeKeyFilter) throws(JSONError) -> [Attribute] {
        var attributes: [Attribute] = []
        try readAttributes(filter, into: &attributes)
        return attributes
    }

    /// Appends the attributes the filter keeps.
    private mutating func readAttributes(_ filter: AttributeKeyFilter, into attributes: inout [Attribute]) throws(JSONError) {
        guard try scanner.beginArrayUnlessNull() else { return }
        while try scanner.nextElement() {
            if let attribute = try readKeyValue(filter) { attributes.append(attribute) }
        }
    }

    /// One `KeyValue`; nil when the filter drops its key.
    private mutating func readKeyValue(_ filter: AttributeKeyFilter) throws(JSONError) -> Attribute? {
        // The shape nearly every producer writes, byte for byte: read without the general machinery.
        // Anything else (white space, escapes, other value types) goes the general way from the start.
        let start = scanner.position
        if scanner.consume(#"{"key":"#), let name = scanner.readPlainString(),
           scanner.consume(#","value":{"stringValue":"#), let text = scanner.readPlainString(), scanner.consume("}}") {
            guard let key = filter.kept(JSONKey(raw: name)) else { return nil }
            return Attribute(key: key, value: .string(String(decoding: text, as: UTF8.self)))
        }
        scanner.rewind(to: start)
        var key: String?
        var isDropped = false
        var value = AttributeValue.empty
        try scanner.beginObject()
        while let member = try scanner.nextKey() {
            if member.matches("key") {
                let raw = try scanner.readRawString()
                key = filter.kept(raw)
                isDropped = key == nil
            } else if member.matches("value"), !isDropped {
                value = try readAnyValue()
            } else {
                try scanner.skipValue()
            }
        }
        guard let key else { return isDropped ? nil : Attribute(key: "", value: value) }
        return Attribute(key: key, value: value)
    }

    private mutating func readAnyValue() throws(JSONError) -> AttributeValue {
        var value = AttributeValue.empty
        if try scanner.skipNull() { return value }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if try scanner.skipNull() { continue }
            if key.matches("stringValue") {
                value = .string(try scanner.readString())
            } else if key.matches("boolValue") {
                value = .bool(try scanner.readBool())
            } else if key.matches("intValue") {
                value = .int(try scanner.readInt64(field: "intValue"))
            } else if key.matches("doubleValue") {
                value = .double(try scanner.readDouble(field: "doubleValue"))
            } else if key.matches("bytesValue") {
                let start = scanner.position
                let text = try scanner.readRawString()
                guard let bytes = text.withBytes({ Base64.decode($0) }) else {
                    throw scanner.error(.invalidValue(field: "bytesValue", value: text.string), at: start)
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
            if key.matches("values"), try scanner.beginArrayUnlessNull() {
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
                attributes = try readAttributes(AttributeKeyFilter(nil))
            } else {
                try scanner.skipValue()
            }
        }
        return attributes
    }
}

/// A filter that keeps no attribute.
private let keepNoAttributes = AttributeKeyFilter([])

/// The members of an OTLP span.
enum SpanField: CaseIterable, KnownMember, Sendable {
    case traceId, spanId, parentSpanId, kind, startTimeUnixNano, endTimeUnixNano, attributes, links, status,
         name, events, traceState, flags, droppedAttributesCount, droppedEventsCount, droppedLinksCount

    /// The name in quotes with its colon, as compact JSON writes it.
    var token: StaticString {
        switch self {
        case .traceId: #""traceId":"#
        case .spanId: #""spanId":"#
        case .parentSpanId: #""parentSpanId":"#
        case .kind: #""kind":"#
        case .startTimeUnixNano: #""startTimeUnixNano":"#
        case .endTimeUnixNano: #""endTimeUnixNano":"#
        case .attributes: #""attributes":"#
        case .links: #""links":"#
        case .status: #""status":"#
        case .name: #""name":"#
        case .events: #""events":"#
        case .traceState: #""traceState":"#
        case .flags: #""flags":"#
        case .droppedAttributesCount: #""droppedAttributesCount":"#
        case .droppedEventsCount: #""droppedEventsCount":"#
        case .droppedLinksCount: #""droppedLinksCount":"#
        }
    }
}

extension SpanKind {
    /// The names OTLP gives the kinds, without their `SPAN_KIND_` prefix, in order of value.
    static let otlpNames = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]
}
