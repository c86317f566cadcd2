import TraceModel

/// Reads Zipkin v2 JSON: an array of span objects, as `POST /api/v2/spans` takes and
/// `GET /api/v2/trace/{id}` answers, or an array of such arrays, as `GET /api/v2/traces`
/// answers (a list of traces). Several such documents may follow one another (JSON lines).
///
/// What it makes of each span:
/// - `traceId` (16 or 32 hex digits; shorter ones are left-padded to 32), `id`, `parentId`
///   (an absent, empty or all-zero one makes a root), `name`, `kind` (`CLIENT`, `SERVER`,
///   `PRODUCER`, `CONSUMER`, in either case; anything else, or none, is unspecified, but see
///   the next rule).
/// - A span without a kind that has both endpoints, a `localEndpoint.serviceName` and a
///   `remoteEndpoint` with a `serviceName` or an address, is a client call: its kind is
///   `CLIENT`, so its endpoints map as a client's below. Zipkin's v1 converter
///   (`zipkin2.v1.V1SpanConverter`) writes such spans for v1 spans with `ca` and `sa` but no
///   core annotations, and for `sa` alone (which it leaves without a kind on purpose, "sa is
///   a default for a remote address"). Zipkin itself links them as client calls:
///   `zipkin2.internal.DependencyLinker` treats spans with the kind unset but the
///   remoteEndpoint set the same as client spans ("Treat unknown type of span as a client
///   span if we know both sides"). It does so only when the remote endpoint has a service
///   name, as its links join service names; here an address is enough, as the graph draws a
///   callee known only by its address too. The local service name must be the span's own,
///   not inherited (Zipkin reads the span's `localServiceName` too), and a `shared` span is
///   not promoted: it is the server half of an RPC.
/// - `timestamp` and `duration` are microseconds; without a timestamp the span starts at 0,
///   without a duration it ends when it starts. A negative duration ends it before it starts,
///   which is repaired (``SpanDefect``).
/// - A span without a `traceId` or `id`, or with an all-zero one, is left out (``SpanDefect``).
/// - `localEndpoint.serviceName` is the resource's `service.name`. A span without one (no
///   `localEndpoint`, or an empty `serviceName`) has the service of its nearest ancestor in
///   the same document that names one, found by walking `parentId` up through the
///   document's spans; a span left without a `localEndpoint` by its instrumentation runs in
///   its parent's process, and should not break a chain with `unknown_service`. The walk
///   stops, leaving the span without a `service.name` (it reads as `unknown_service`), at a
///   parent not in the document, at a cycle, and at a nameless `SERVER`, `CONSUMER` or
///   `shared` span: such a span was called from another process, so its parent's service is
///   its caller's, not its own, and its children's neither. The local address and port are
///   the attributes `network.local.address` / `network.local.port`.
/// - `remoteEndpoint.serviceName` is the attribute `peer.service` on a span of any kind: on a
///   `CLIENT` or `PRODUCER` span it names the callee or the broker written to (the peer the
///   graph draws), on a `SERVER` span the caller (of a root span, the only trace of it), on a
///   `CONSUMER` span the broker read from. This is what the OpenTelemetry Collector's Zipkin
///   translator does (`pkg/translator/zipkin/zipkinv2`, `zTagsToInternalAttrs`, which maps
///   the remote service name to `peer.service` whatever the kind); the graph still reads
///   `peer.service` as a callee only on client and producer spans. The remote address and
///   port are `server.address` / `server.port` on a `CLIENT` or `PRODUCER` span without a
///   remote `serviceName` (the callee the graph draws), else `network.peer.address` /
///   `network.peer.port`. A tag of the same key wins.
/// - `tags` become attributes; `annotations` become events named by their `value`.
/// - Status: `otel.status_code` = `ERROR` is an error (the message is the `error` tag, else
///   `otel.status_description`) and `OK` is OK; without that tag, any `error` tag, even an
///   empty one, is an error whose message is the tag's value.
/// - `shared` marks the server half of an RPC; `debug` is not kept.
///
/// **Shared spans.** In Zipkin's RPC model the client and the server record one call
/// under the same span id: the client half in the caller's process, the server half
/// (`shared: true`) in the callee's. Left alone, the two records are one (trace id, span
/// id) twice, and one would be dropped as a repeat. So, within a document, the records
/// that share a (trace id, span id) are sorted into halves: a record is on the callee
/// side when it is `shared`, `SERVER` or `CONSUMER` (Zipkin marks the consumer half of a
/// message that shares its producer's id `shared` too), on the caller side otherwise, and
/// a half is the records of one side and one `localEndpoint.serviceName`. Then:
/// 1. A group of one half is left as it is: its records are true repeats (same id, same
///    side, same service), which `TraceSet` counts once.
/// 2. Otherwise the first callee half (or, with none, the first half) keeps the original
///    id, because the spans the server's process creates under the call name it as their
///    parent. The first caller half gets a derived id, the FNV-1a 64 hash of the trace id,
///    the span id and the word `client`; any further half gets the hash of the trace id,
///    the span id and `client:` or `server:` followed by its service name. A derived id
///    that would equal an id already in the trace is hashed again with a counter. A record
///    whose id changed keeps the original id in the attribute `tracegraph.original_span_id`.
/// 3. The callee halves' parent becomes the first caller half (the callee was called by
///    it); the caller halves keep their own `parentId`.
/// 4. Any other record whose `parentId` names such a group is given the half of its own
///    service, a callee half first (a local child of the client half, in the client's
///    process, stays under the client half, as Zipkin's own tree builder does), else the
///    half that kept the original id. A record of a group naming its own id as parent
///    becomes a root rather than a cycle.
///
/// Then the graph reads caller → callee: the parent's service → the client half (the same
/// service) → the server half (across services).
///
/// **Inherited services come after the separation.** Before it, a `parentId` that names a
/// shared id names two records, in two processes, and a child cannot say which one's
/// service it would inherit; after it, every id but those of true repeats names one record,
/// and the tree the services are inherited along is the one the graph reads. So the
/// separation sorts the records into halves by the service names as written (a half without
/// one is a half of its own, rule 4 matching it by "no name" too), and a nameless client
/// half then inherits the service of its own parent, the caller's.
///
/// The spans of a document reach the sink once the whole document is read.
///
/// **Speed.** A span's members in the order of the span before (checked byte for byte), ids of 32
/// or 16 hex digits, whole microseconds and tags without escapes are read without the general
/// machinery, which takes over from the same byte at anything else; kinds are compared as ASCII
/// words; a service name read before (by its bytes) reuses its `String` and resource; the
/// document's ids are found in a table of their own, without hashing a `SpanKey` for each.
struct ZipkinJSONReader: JSONDocumentReader {
    var scanner: JSONScanner
    private let detail: ReadDetail
    private let spanKeys: AttributeKeyFilter
    private let endpointKeys: EndpointKeys
    /// The spans of the document being read, with what the shared-span rule needs.
    private(set) var records: [ZipkinRecord] = []
    /// The service names read, and one resource for each.
    var services = ZipkinServices()
    /// The members of the last span, in its order: a prediction of the next span's.
    private var spanMembers = MemberOrderPrediction<SpanField>()
    /// The record spans are read into when they go to the sink at once, kept from element to element.
    private var reused: ZipkinRecord? = ZipkinRecord(span: Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0,
                                                                endTimeUnixNano: 0, resource: ZipkinJSONReader.emptyResource))
    /// The span being handed to the sink.
    private var passing = Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0,
                               resource: ZipkinJSONReader.emptyResource)
    var defects = SpanDefectLog<JSONError>()

    private static let expectedDocument = "a Zipkin v2 JSON array of spans"
    private static let emptyResource = Resource(attributes: [])
    private let emptyResource = ZipkinJSONReader.emptyResource

    static let recoverableArrays: Set<String> = [""]

    init(_ bytes: UnsafeRawBufferPointer, detail: ReadDetail) {
        scanner = JSONScanner(bytes)
        self.detail = detail
        spanKeys = AttributeKeyFilter(detail.spanAttributeKeys)
        endpointKeys = EndpointKeys(detail)
    }

    mutating func passOnDocument<Sink: SpanSink>(to sink: inout Sink) {
        var document = ZipkinDocument(segments: [records], services: services.resources, detail: detail)
        records = []
        document.resolve()
        for index in document.segments[0].indices {
            // Moved into `passing`, and handed on from there: a span passed from an array element
            // is copied first, one passed from a member of the reader is not.
            swap(&passing, &document.segments[0][index].span)
            sink.receive(passing)
        }
    }

    mutating func dropDocument() {
        records.removeAll(keepingCapacity: true)
    }

    /// Makes room for this many records, so that a part's records are not copied as they grow.
    mutating func reserveRecords(_ count: Int) {
        records.reserveCapacity(count)
    }

    /// Hands over the records read, keeping none.
    mutating func takeRecords() -> [ZipkinRecord] {
        var taken: [ZipkinRecord] = []
        swap(&taken, &records)
        return taken
    }

    // MARK: Documents

    mutating func readDocument<Sink: SpanSink>(into sink: inout Sink, atOnce: Bool) throws(JSONError) {
        guard try scanner.peekKind() == .array else {
            throw scanner.error(.unrecognizedDocument(expected: Self.expectedDocument))
        }
        try scanner.beginArray()
        while try scanner.nextElement() { try readElement() }
    }

    /// One element of the document's array: a span, or an array of spans (a trace).
    mutating func readElement() throws(JSONError) {
        // Each span is read into its place in the array, not copied there.
        var read: [ZipkinRecord] = []
        swap(&read, &records)
        defer { swap(&read, &records) }
        switch try scanner.peekKind() {
        case .object:
            try readSpan(into: &read)
        case .array:
            try scanner.beginArray()
            while try scanner.nextElement() { try readSpan(into: &read) }
        case let kind:
            throw scanner.error(.wrongType(expected: "a span object or an array of spans", found: kind.name))
        }
    }

    /// One element of the document's array, each span handed to the sink as soon as it is read, its
    /// id appended to `keys`: for a part of a document that turns out to need nothing settled across
    /// it. False when a span had no service name of its own.
    mutating func readElement<Sink: SpanSink>(passingTo sink: inout Sink, keys: inout [SpanKey]) throws(JSONError) -> Bool {
        // One record for every span, emptied of what the last one set (``clear(_:)``), and handed on
        // from a member: a span is neither made nor copied nor destroyed for each.
        var record: ZipkinRecord?
        swap(&record, &reused)
        defer { swap(&record, &reused) }
        var allNamed = true
        switch try scanner.peekKind() {
        case .object:
            try readSpan(into: &record!, passingTo: &sink, keys: &keys, allNamed: &allNamed)
        case .array:
            try scanner.beginArray()
            while try scanner.nextElement() { try readSpan(into: &record!, passingTo: &sink, keys: &keys, allNamed: &allNamed) }
        case let kind:
            throw scanner.error(.wrongType(expected: "a span object or an array of spans", found: kind.name))
        }
        return allNamed
    }

    /// A span into `record`, emptied first, handed to the sink unless it is left out.
    private mutating func readSpan<Sink: SpanSink>(into record: inout ZipkinRecord, passingTo sink: inout Sink,
                                                   keys: inout [SpanKey], allNamed: inout Bool) throws(JSONError) {
        clear(&record)
        guard try readSpan(into: &record) else { return }
        keys.append(SpanKey(traceID: record.span.traceID, spanID: record.span.spanID))
        if record.serviceName == nil { allNamed = false }
        swap(&record.span, &passing)
        sink.receive(passing)
        swap(&record.span, &passing)
    }

    /// Empties what reading a span sets, as a new record is; a field already empty is not written.
    private func clear(_ record: inout ZipkinRecord) {
        record.isShared = false
        if record.serviceName != nil { record.serviceName = nil }
        record.span.parentSpanID = nil
        record.span.kind = .unspecified
        if !record.span.name.isEmpty { record.span.name = "" }
        if !record.span.attributes.isEmpty { record.span.attributes = [] }
        if !record.span.events.isEmpty { record.span.events = [] }
        if record.span.status.code != .unset || !record.span.status.message.isEmpty { record.span.status = .unset }
        if !record.span.resource.attributes.isEmpty { record.span.resource = emptyResource }
    }

    // MARK: Spans

    private struct Endpoint {
        var serviceName = JSONKey.empty
        var ipv4 = JSONKey.empty
        var ipv6 = JSONKey.empty
        var port: Int64?

        /// `ipv4`, else `ipv6`, when one is not empty.
        var address: JSONKey? { !ipv4.isEmpty ? ipv4 : !ipv6.isEmpty ? ipv6 : nil }
    }

    /// Which of the attributes made of endpoints the detail keeps: looked up once, not for every span.
    private struct EndpointKeys {
        var localAddress, localPort, peerService, serverAddress, serverPort, peerAddress, peerPort: Bool

        init(_ detail: ReadDetail) {
            localAddress = detail.keepsSpanAttribute("network.local.address")
            localPort = detail.keepsSpanAttribute("network.local.port")
            peerService = detail.keepsSpanAttribute("peer.service")
            serverAddress = detail.keepsSpanAttribute("server.address")
            serverPort = detail.keepsSpanAttribute("server.port")
            peerAddress = detail.keepsSpanAttribute("network.peer.address")
            peerPort = detail.keepsSpanAttribute("network.peer.port")
        }
    }

    /// What the tags of a span say about its status, whether or not the filter keeps them.
    private struct StatusTags {
        var error: String?
        var statusCode: String?
        var statusDescription: String?
    }

    /// The members of a span the reader reads.
    private enum SpanField: CaseIterable, KnownMember {
        case traceId, id, parentId, kind, timestamp, duration, localEndpoint, remoteEndpoint, tags, shared,
             annotations, name

        /// The name in quotes with its colon, as compact JSON writes it.
        var token: StaticString {
            switch self {
            case .traceId: #""traceId":"#
            case .id: #""id":"#
            case .parentId: #""parentId":"#
            case .kind: #""kind":"#
            case .timestamp: #""timestamp":"#
            case .duration: #""duration":"#
            case .localEndpoint: #""localEndpoint":"#
            case .remoteEndpoint: #""remoteEndpoint":"#
            case .tags: #""tags":"#
            case .shared: #""shared":"#
            case .annotations: #""annotations":"#
            case .name: #""name":"#
            }
        }
    }

    /// A span, appended to `read` unless it is left out (``SpanDefect``).
    private mutating func readSpan(into read: inout [ZipkinRecord]) throws(JSONError) {
        read.append(ZipkinRecord(span: Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0,
                                            resource: emptyResource)))
        if try !readSpan(into: &read[read.count - 1]) { read.removeLast() }
    }

    private mutating func readSpan(into record: inout ZipkinRecord) throws(JSONError) -> Bool {
        scanner.skipWhitespace()
        let start = scanner.position
        var traceID: TraceID?
        var spanID: SpanID?
        var timestamp: UInt64 = 0
        var duration: Int64 = 0
        var isShared = false
        var local = Endpoint()
        var remote: Endpoint?
        var statusTags = StatusTags()
        try scanner.beginObject()
        spanMembers.begin()
        while let field = try spanMembers.next(&scanner) {
            switch field {
            case .traceId?:
                scanner.skipWhitespace()
                if let id = scanner.readQuotedHexTraceID() {
                    traceID = id
                } else {
                    traceID = try readID(field: "traceId", byteCount: 16) { PaddedHexID.traceID($0) }
                }
            case .id?:
                scanner.skipWhitespace()
                if let id = scanner.readQuotedHexSpanID() {
                    spanID = id
                } else {
                    spanID = try readID(field: "id", byteCount: 8) { PaddedHexID.spanID($0) }
                }
            case .parentId?:
                scanner.skipWhitespace()
                var parent = scanner.readQuotedHexSpanID()
                if parent == nil { parent = try readID(field: "parentId", byteCount: 8) { PaddedHexID.spanID($0) } }
                record.span.parentSpanID = parent.flatMap { $0.value == 0 ? nil : $0 }
            case .kind?:
                record.span.kind = try readKind()
            case .timestamp?:
                timestamp = try scanner.readWholeMicrosecondsAsNanoseconds(field: "timestamp")
            case .duration?:
                duration = try scanner.readSignedWholeMicrosecondsAsNanoseconds(field: "duration")
            case .localEndpoint?:
                local = try readEndpoint() ?? Endpoint()
            case .remoteEndpoint?:
                remote = try readEndpoint()
            case .tags?:
                record.span.attributes = try readTags(&statusTags)
            case .shared?:
                isShared = try scanner.skipNull() ? false : try scanner.readBool()
            case .annotations? where detail.events:
                record.span.events = try readAnnotations()
            case .name? where detail.names:
                record.span.name = try scanner.readOptionalString()
            case .name? where detail.linkingSpanNames:
                // Zipkin spans have no links: checked as a string, not kept.
                _ = try scanner.readRawStringOrNull()
            default:
                try scanner.skipValue()
            }
        }
        record.span.startTimeUnixNano = timestamp
        record.span.endTimeUnixNano = try scanner.end(of: timestamp, lasting: duration, spanAt: start)
        guard try defects.check(&record.span, traceID: traceID, spanID: spanID, at: start) else { return false }
        record.span.status = status(from: statusTags)
        let hasServiceName = !local.serviceName.isEmpty
        if record.span.kind == .unspecified, !isShared, hasServiceName, let remote,
           !remote.serviceName.isEmpty || remote.address != nil {
            record.span.kind = .client
        }
        addEndpointAttributes(local: local, remote: remote, to: &record.span)
        record.isShared = isShared
        if hasServiceName {
            let service = services.service(named: local.serviceName)
            record.serviceName = service.name
            record.span.resource = service.resource
        }
        return true
    }

    /// `kind`, as its upper case names it; null or anything else is unspecified.
    private mutating func readKind() throws(JSONError) -> SpanKind {
        guard let name = try scanner.readRawStringOrNull() else { return .unspecified }
        let kind = name.withBytes { bytes -> SpanKind? in
            guard let word = TextBytes.foldedWord(bytes) else { return TextBytes.isASCII(bytes) ? .unspecified : nil }
            switch word {
            case 0x0000_746E_6569_6C63: return .client  // "client", as ``TextBytes/foldedWord(_:)`` spells it
            case 0x0000_7265_7672_6573: return .server
            case 0x7265_6375_646F_7270: return .producer
            case 0x7265_6D75_736E_6F63: return .consumer
            default: return .unspecified
            }
        }
        if let kind { return kind }
        // Not ASCII: upper case as `String` has it.
        return switch name.string.uppercased() {
        case "CLIENT": .client
        case "SERVER": .server
        case "PRODUCER": .producer
        case "CONSUMER": .consumer
        default: .unspecified
        }
    }

    private func status(from tags: StatusTags) -> SpanStatus {
        if let code = tags.statusCode {
            switch code.uppercased() {
            case "ERROR": return SpanStatus(code: .error, message: detail.names ? tags.error ?? tags.statusDescription ?? "" : "")
            case "OK": return SpanStatus(code: .ok)
            default: return .unset
            }
        }
        if let message = tags.error { return SpanStatus(code: .error, message: detail.names ? message : "") }
        return .unset
    }

    private func addEndpointAttributes(local: Endpoint, remote: Endpoint?, to span: inout Span) {
        func add(_ key: String, _ value: @autoclosure () -> AttributeValue) {
            guard span.attributes[key] == nil else { return }
            span.attributes.append(Attribute(key: key, value: value()))
        }
        if endpointKeys.localAddress, let address = local.address { add("network.local.address", .string(address.string)) }
        if endpointKeys.localPort, let port = local.port { add("network.local.port", .int(port)) }
        guard let remote else { return }
        if endpointKeys.peerService, !remote.serviceName.isEmpty { add("peer.service", .string(remote.serviceName.string)) }
        if (span.kind == .client || span.kind == .producer) && remote.serviceName.isEmpty {
            if endpointKeys.serverAddress, let address = remote.address { add("server.address", .string(address.string)) }
            if endpointKeys.serverPort, let port = remote.port { add("server.port", .int(port)) }
        } else {
            if endpointKeys.peerAddress, let address = remote.address { add("network.peer.address", .string(address.string)) }
            if endpointKeys.peerPort, let port = remote.port { add("network.peer.port", .int(port)) }
        }
    }

    /// A hexadecimal id; nil for null or an empty string.
    private mutating func readID<ID>(field: String, byteCount: Int,
                                     _ parse: (UnsafeRawBufferPointer) -> ID?) throws(JSONError) -> ID? {
        if try scanner.skipNull() { return nil }
        scanner.skipWhitespace()
        let start = scanner.position
        let text = try scanner.readRawString()
        if text.withBytes({ $0.isEmpty }) { return nil }
        guard let id = text.withBytes(parse) else {
            throw scanner.error(.invalidID(field: field, value: text.string, byteCount: byteCount), at: start)
        }
        return id
    }

    private mutating func readEndpoint() throws(JSONError) -> Endpoint? {
        // The usual endpoint, `{"serviceName":"name"}` without escapes or white space.
        scanner.skipWhitespace()
        let start = scanner.position
        if scanner.consume(#"{"serviceName":"#), let name = scanner.readPlainString(), scanner.consume("}") {
            return Endpoint(serviceName: JSONKey(raw: name))
        }
        scanner.rewind(to: start)
        if try scanner.skipNull() { return nil }
        var endpoint = Endpoint()
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("serviceName") {
                endpoint.serviceName = try scanner.readRawStringOrNull() ?? .empty
            } else if key.matches("ipv4") {
                endpoint.ipv4 = try scanner.readRawStringOrNull() ?? .empty
            } else if key.matches("ipv6") {
                endpoint.ipv6 = try scanner.readRawStringOrNull() ?? .empty
            } else if key.matches("port") {
                endpoint.port = try scanner.skipNull() ? nil : try scanner.readInt64(field: "port")
            } else {
                try scanner.skipValue()
            }
        }
        return endpoint
    }

    private mutating func readAnnotations() throws(JSONError) -> [SpanEvent] {
        var events: [SpanEvent] = []
        if try scanner.skipNull() { return events }
        try scanner.beginArray()
        while try scanner.nextElement() {
            var event = SpanEvent(timeUnixNano: 0, name: "")
            try scanner.beginObject()
            while let key = try scanner.nextKey() {
                if key.matches("timestamp") {
                    event.timeUnixNano = try scanner.readMicrosecondsAsNanoseconds(field: "annotation timestamp")
                } else if key.matches("value") {
                    event.name = try scanner.readOptionalString()
                } else {
                    try scanner.skipValue()
                }
            }
            events.append(event)
        }
        return events
    }

    /// `{"key": "value", ...}`. Zipkin's values are strings; numbers and booleans are kept as such.
    private mutating func readTags(_ statusTags: inout StatusTags) throws(JSONError) -> [Attribute] {
        var attributes: [Attribute] = []
        if try scanner.skipNull() { return attributes }
        try scanner.beginObject()
        while true {
            // The usual member, `"key":"value"` without escapes or white space, read the fast way.
            let memberStart = scanner.mark
            if let name = scanner.readPlainMemberName() {
                let special = Self.specialTag(name)
                let kept = spanKeys.kept(raw: name)
                if special == 0 && kept == nil, scanner.readPlainString() != nil { continue }
                if let text = scanner.readPlainString() {
                    let value = AttributeValue.string(String(decoding: text, as: UTF8.self))
                    note(special, value, in: &statusTags)
                    if let kept { attributes.append(Attribute(key: kept, value: value)) }
                    continue
                }
                scanner.rewind(to: memberStart)
            }
            guard let key = try scanner.nextKey() else { break }
            let special = key.withBytes(Self.specialTag)
            let kept = spanKeys.kept(key)
            if special == 0 && kept == nil {
                try scanner.skipValue()
                continue
            }
            let value: AttributeValue
            switch try scanner.peekKind() {
            case .string: value = .string(try scanner.readString())
            case .bool: value = .bool(try scanner.readBool())
            case .number:
                let number = try scanner.readNumberToken()
                if number.isInteger, let integer = number.int64 { value = .int(integer) } else { value = .double(number.double ?? .nan) }
            case .null:
                try scanner.skipValue()
                continue
            case let kind:
                throw scanner.error(.wrongType(expected: "a string tag value", found: kind.name))
            }
            note(special, value, in: &statusTags)
            if let kept { attributes.append(Attribute(key: kept, value: value)) }
        }
        return attributes
    }

    /// 1 for `error`, 2 for `otel.status_code`, 3 for `otel.status_description`, 0 for any other key.
    private static func specialTag(_ bytes: UnsafeRawBufferPointer) -> UInt8 {
        switch bytes.count {
        case 5 where TextBytes.equals(bytes, "error"): 1
        case 16 where TextBytes.equals(bytes, "otel.status_code"): 2
        case 23 where TextBytes.equals(bytes, "otel.status_description"): 3
        default: 0
        }
    }

    private func note(_ special: UInt8, _ value: AttributeValue, in statusTags: inout StatusTags) {
        switch special {
        case 1: statusTags.error = value.description
        case 2: statusTags.statusCode = value.description
        case 3: statusTags.statusDescription = value.description
        default: break
        }
    }
}

/// A span of a Zipkin document, with what the shared-span rule needs.
struct ZipkinRecord: Sendable {
    var span: Span
    var isShared = false
    /// `localEndpoint.serviceName`; nil when absent or empty.
    var serviceName: String?

    var isCallee: Bool { isShared || span.kind == .server || span.kind == .consumer }
}

/// The service names of a Zipkin document by their bytes, each with one `String` and the resource
/// that the first name equal to it as a `String` was given, as a dictionary of `String`s would.
struct ZipkinServices {
    /// One resource per service name (as `String`s compare), in the order they were first read.
    private(set) var resources = ServiceResources()
    private var spellings: [[UInt8]] = []
    private var named: [(name: String, resource: Resource)] = []
    /// Slots of `spellings` by the bytes' hash; -1 for none.
    private var slots = [Int32](repeating: -1, count: 64)
    private var last = -1

    init(resources: ServiceResources = ServiceResources()) {
        self.resources = resources
    }

    /// The service of these bytes: their `String` and its resource.
    mutating func service(named key: JSONKey) -> (name: String, resource: Resource) {
        key.withBytes { bytes in
            if last >= 0, Self.same(spellings[last], bytes) { return named[last] }
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: TextBytes.hash(bytes)) & mask
            while slots[slot] >= 0 {
                let index = Int(slots[slot])
                if Self.same(spellings[index], bytes) {
                    last = index
                    return named[index]
                }
                slot = (slot + 1) & mask
            }
            let name = String(decoding: bytes, as: UTF8.self)
            let entry = (name, resources.resource(for: name))
            slots[slot] = Int32(spellings.count)
            last = spellings.count
            spellings.append(Array(bytes))
            named.append(entry)
            if spellings.count * 2 > slots.count { grow() }
            return entry
        }
    }

    private static func same(_ spelling: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        spelling.count == bytes.count && spelling.withUnsafeBytes { bytes.isEmpty || bytesAreEqual($0.baseAddress!, bytes.baseAddress!, count: bytes.count) }
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, spelling) in spellings.enumerated() {
            var slot = spelling.withUnsafeBytes { Int(truncatingIfNeeded: TextBytes.hash($0)) } & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}

/// One resource per service name, as `String`s compare: the first name read of each makes it.
struct ServiceResources {
    private(set) var resources: [String: Resource] = [:]
    /// The names in the order they were first read.
    private(set) var names: [String] = []

    mutating func resource(for serviceName: String) -> Resource {
        if let resource = resources[serviceName] { return resource }
        let resource = Resource(attributes: [Attribute(key: "service.name", value: .string(serviceName))])
        resources[serviceName] = resource
        names.append(serviceName)
        return resource
    }
}

/// A whole Zipkin document's records, in one or more segments in document order (the parts of a
/// document read in parallel), and what is done across them before they go to a sink: shared
/// span ids separated, services inherited (as ``ZipkinJSONReader`` says).
struct ZipkinDocument {
    var segments: [[ZipkinRecord]]
    /// Where each segment starts, as an index of the whole.
    private var starts: [Int] = []
    private(set) var count = 0
    var services: ServiceResources
    let detail: ReadDetail

    init(segments: [[ZipkinRecord]], services: ServiceResources, detail: ReadDetail) {
        self.segments = segments
        self.services = services
        self.detail = detail
        for segment in segments {
            starts.append(count)
            count += segment.count
        }
    }

    /// The segment and offset of a record of the whole.
    @inline(__always)
    private func locate(_ index: Int) -> (segment: Int, offset: Int) {
        if segments.count == 1 { return (0, index) }
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return (low, index - starts[low])
    }

    subscript(index: Int) -> ZipkinRecord {
        get {
            let (segment, offset) = locate(index)
            return segments[segment][offset]
        }
        _modify {
            let (segment, offset) = locate(index)
            yield &segments[segment][offset]
        }
    }

    /// The ids of every record, in order.
    private var keys: [SpanKey] {
        var keys: [SpanKey] = []
        keys.reserveCapacity(count)
        for segment in segments {
            // Through the buffer, field by field: a record taken whole is a copy of its span.
            segment.withUnsafeBufferPointer { records in
                for index in records.indices { keys.append(SpanKey(traceID: records[index].span.traceID, spanID: records[index].span.spanID)) }
            }
        }
        return keys
    }

    /// Whether a record has no service name of its own.
    private var hasNamelessRecord: Bool {
        segments.contains { segment in
            segment.withUnsafeBufferPointer { records in records.indices.contains { records[$0].serviceName == nil } }
        }
    }

    /// Shared span ids separated, then services inherited.
    mutating func resolve() {
        separateSharedSpans()
        if hasNamelessRecord { inheritServices() }
    }

    // MARK: Shared spans

    /// The records of one side and one service within a group sharing a span id.
    private struct Half {
        var isCallee: Bool
        var serviceName: String?
        var members: [Int]
        var id: SpanID
    }

    /// A half's side and service.
    private struct HalfKey: Hashable {
        var isCallee: Bool
        var serviceName: String?
    }

    /// A group of records sharing a span id, split into halves with distinct ids.
    private struct Split {
        var halves: [Half]
        /// The half that kept the original id.
        var primary: Int
        /// Each half by its side and service.
        var halfOf: [HalfKey: Int]

        /// The half a record of this service, whose `parentId` names the group, hangs under: the
        /// callee half of its service, else the caller half of its service, else the primary.
        func parent(forService serviceName: String?) -> SpanID {
            let half = halfOf[HalfKey(isCallee: true, serviceName: serviceName)]
                ?? halfOf[HalfKey(isCallee: false, serviceName: serviceName)]
                ?? primary
            return halves[half].id
        }
    }

    /// Gives the halves of shared spans distinct ids and links them parent to child, as
    /// ``ZipkinJSONReader`` says.
    private mutating func separateSharedSpans() {
        guard count > 1 else { return }
        let table = SpanKeyIndex(keys)
        guard !table.groupsOfSeveral.isEmpty else { return }  // No id occurs twice.

        var derived = Set<SpanKey>()
        var splits: [SpanKey: Split] = [:]
        /// Whether a record's parent is settled by the shared-span rule, not by its `parentId`.
        var reparented = [Bool](repeating: false, count: count)
        /// Whether the records of a group of several (by its first) were split.
        var isSplit = [Bool](repeating: false, count: count)
        // Walk the groups in document order, so that derived ids do not depend on hashing order.
        for first in table.groupsOfSeveral {
            let key = table.keys[first]
            let members = table.members(of: first)
            var halves: [Half] = []
            // Each half by its side and service: many records of one id must not make this quadratic.
            var halfOf: [HalfKey: Int] = [:]
            for member in members {
                let halfKey = HalfKey(isCallee: self[member].isCallee, serviceName: self[member].serviceName)
                if let half = halfOf[halfKey] {
                    halves[half].members.append(member)
                } else {
                    halfOf[halfKey] = halves.count
                    halves.append(Half(isCallee: halfKey.isCallee, serviceName: halfKey.serviceName, members: [member], id: key.spanID))
                }
            }
            guard halves.count > 1 else { continue }
            let primary = halves.firstIndex(where: \.isCallee) ?? 0
            let firstCaller = halves.firstIndex { !$0.isCallee }
            for half in halves.indices where half != primary {
                let word = half == firstCaller
                    ? "client"
                    : (halves[half].isCallee ? "server:" : "client:") + (halves[half].serviceName ?? "")
                let id = Self.derivedID(for: key, word: word) { table.contains($0) || derived.contains($0) }
                derived.insert(SpanKey(traceID: key.traceID, spanID: id))
                halves[half].id = id
                for member in halves[half].members {
                    self[member].span.spanID = id
                    if detail.keepsSpanAttribute(IDText.originalSpanIDKey) {
                        self[member].span.attributes.append(
                            Attribute(key: IDText.originalSpanIDKey, value: .string(key.spanID.description)))
                    }
                }
            }
            for half in halves {
                for member in half.members {
                    if half.isCallee, let firstCaller {
                        self[member].span.parentSpanID = halves[firstCaller].id
                        reparented[member] = true
                    } else if self[member].span.parentSpanID == key.spanID {
                        self[member].span.parentSpanID = nil
                        reparented[member] = true
                    }
                }
            }
            splits[key] = Split(halves: halves, primary: primary, halfOf: halfOf)
            isSplit[first] = true
        }
        guard !splits.isEmpty else { return }
        var index = 0
        for segment in segments.indices {
            for offset in segments[segment].indices {
                defer { index += 1 }
                guard !reparented[index], let parent = segments[segment][offset].span.parentSpanID else { continue }
                let parentKey = SpanKey(traceID: segments[segment][offset].span.traceID, spanID: parent)
                guard let first = table.firstIndex(of: parentKey), isSplit[first], let split = splits[parentKey] else { continue }
                segments[segment][offset].span.parentSpanID = split.parent(forService: segments[segment][offset].serviceName)
            }
        }
    }

    /// The id of a half that gives up the shared one: a hash of the trace id, the span id and
    /// a word, hashed again with a counter while it names a span already in the trace.
    private static func derivedID(for key: SpanKey, word: String, isTaken: (SpanKey) -> Bool) -> SpanID {
        var hash = StableIDHash()
        hash.add(key.traceID.high)
        hash.add(key.traceID.low)
        hash.add(key.spanID.value)
        hash.add(word.utf8)
        var attempt: UInt64 = 0
        while true {
            var candidate = hash
            if attempt > 0 { candidate.add(attempt) }
            let id = SpanID(candidate.value == 0 ? 1 : candidate.value)
            if !isTaken(SpanKey(traceID: key.traceID, spanID: id)) { return id }
            attempt += 1
        }
    }

    // MARK: Inherited services

    /// Gives each record without a service name of its own the service of its nearest named
    /// ancestor in the document, as ``ZipkinJSONReader`` says. Runs after
    /// `separateSharedSpans`, when every id but those of true repeats names one record.
    ///
    /// Each walk goes up by `parentId` until it meets a named record, a record already
    /// settled, a callee record (whose parent is in another process), a parent not in the
    /// document, or a record of its own path (a cycle); every record of the path then has
    /// the answer. So each record is walked once, with no recursion, however deep the chain.
    private mutating func inheritServices() {
        let table = SpanKeyIndex(keys)
        enum State: UInt8 { case unvisited, onPath, settled }
        var state = [State](repeating: .unvisited, count: count)
        var settled = [String?](repeating: nil, count: count)
        var path: [Int] = []
        var start = 0
        for segment in segments.indices {
            for offset in segments[segment].indices {
                defer { start += 1 }
                guard segments[segment][offset].serviceName == nil && state[start] == .unvisited else { continue }
                var current = start
                var found: String?
                while true {
                    let record = self[current]
                    if let name = record.serviceName {
                        found = name
                        break
                    }
                    if state[current] == .settled {
                        found = settled[current]
                        break
                    }
                    if state[current] == .onPath { break }  // A cycle of records without a name.
                    state[current] = .onPath
                    path.append(current)
                    guard !record.isCallee, let parent = record.span.parentSpanID,
                          let next = table.firstIndex(of: SpanKey(traceID: record.span.traceID, spanID: parent))
                    else { break }
                    current = next
                }
                for index in path {
                    state[index] = .settled
                    settled[index] = found
                    if let found { self[index].span.resource = services.resource(for: found) }
                }
                path.removeAll(keepingCapacity: true)
            }
        }
    }
}

/// The ids of a document's records, each once, in a table of their own: the first record of
/// each id, and the records of the ids that several records carry, in document order.
struct SpanKeyIndex {
    let keys: [SpanKey]
    /// The first record of an id, in the slot its hash picks (or a later one); -1 for none.
    private var slots: [Int32]
    /// The next record of the same id; -1 for none.
    private var next: [Int32]
    /// The first records of the ids that several records carry, in document order.
    private(set) var groupsOfSeveral: [Int] = []

    init(_ keys: [SpanKey]) {
        precondition(keys.count < Int(Int32.max), "more span records than the key table can number")
        self.keys = keys
        var capacity = 16
        while capacity < keys.count * 2 { capacity *= 2 }
        slots = [Int32](repeating: -1, count: capacity)
        next = []
        var last: [Int32] = []
        let mask = capacity - 1
        for index in keys.indices {
            let key = keys[index]
            var slot = Self.hash(key) & mask
            while true {
                let found = slots[slot]
                if found < 0 {
                    slots[slot] = Int32(index)
                    break
                }
                if keys[Int(found)] == key {
                    // Another record of an id already seen: chained after the last of them.
                    if next.isEmpty {
                        next = [Int32](repeating: -1, count: keys.count)
                        last = [Int32](repeating: -1, count: keys.count)
                    }
                    let first = Int(found)
                    if next[first] < 0 { groupsOfSeveral.append(first) }
                    let tail = last[first] < 0 ? first : Int(last[first])
                    next[tail] = Int32(index)
                    last[first] = Int32(index)
                    break
                }
                slot = (slot + 1) & mask
            }
        }
        groupsOfSeveral.sort()
    }

    @inline(__always)
    private static func hash(_ key: SpanKey) -> Int {
        var hash = key.traceID.low &* 0x9E37_79B9_7F4A_7C15 ^ key.traceID.high
        hash = (hash ^ key.spanID.value) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: hash ^ hash >> 29)
    }

    /// The first record of this id.
    func firstIndex(of key: SpanKey) -> Int? {
        let mask = slots.count - 1
        var slot = Self.hash(key) & mask
        while slots[slot] >= 0 {
            if keys[Int(slots[slot])] == key { return Int(slots[slot]) }
            slot = (slot + 1) & mask
        }
        return nil
    }

    func contains(_ key: SpanKey) -> Bool { firstIndex(of: key) != nil }

    /// The records of the id whose first record is `first`, in document order.
    func members(of first: Int) -> [Int] {
        var members = [first]
        guard !next.isEmpty else { return members }
        var index = next[first]
        while index >= 0 {
            members.append(Int(index))
            index = next[Int(index)]
        }
        return members
    }
}
