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
struct ZipkinJSONReader: JSONDocumentReader {
    var scanner: JSONScanner
    private let detail: ReadDetail
    private let spanKeys: AttributeKeyFilter
    /// The spans of the document being read, with what the shared-span rule needs.
    private var records: [Record] = []
    /// One resource per service name, shared by its spans.
    private var resources: [String: Resource] = [:]
    var defects = SpanDefectLog<JSONError>()

    private static let expectedDocument = "a Zipkin v2 JSON array of spans"
    private static let emptyResource = Resource(attributes: [])

    static let recoverableArrays: Set<String> = [""]

    init(_ bytes: UnsafeRawBufferPointer, detail: ReadDetail) {
        scanner = JSONScanner(bytes)
        self.detail = detail
        spanKeys = AttributeKeyFilter(detail.spanAttributeKeys)
    }

    mutating func passOnDocument<Sink: SpanSink>(to sink: inout Sink) {
        separateSharedSpans()
        if records.contains(where: { $0.serviceName == nil }) { inheritServices() }
        for record in records { sink.receive(record.span) }
        records.removeAll(keepingCapacity: true)
    }

    mutating func dropDocument() {
        records.removeAll(keepingCapacity: true)
    }

    // MARK: Documents

    mutating func readDocument<Sink: SpanSink>(into sink: inout Sink, atOnce: Bool) throws(JSONError) {
        guard try scanner.peekKind() == .array else {
            throw scanner.error(.unrecognizedDocument(expected: Self.expectedDocument))
        }
        try scanner.beginArray()
        while try scanner.nextElement() {
            switch try scanner.peekKind() {
            case .object:
                try readSpan()
            case .array:
                try scanner.beginArray()
                while try scanner.nextElement() { try readSpan() }
            case let kind:
                throw scanner.error(.wrongType(expected: "a span object or an array of spans", found: kind.name))
            }
        }
    }

    // MARK: Spans

    private struct Record {
        var span: Span
        var isShared: Bool
        /// `localEndpoint.serviceName`; nil when absent or empty.
        var serviceName: String?

        var isCallee: Bool { isShared || span.kind == .server || span.kind == .consumer }
    }

    private struct Endpoint {
        var serviceName = ""
        var ipv4 = ""
        var ipv6 = ""
        var port: Int64?

        var address: String? { !ipv4.isEmpty ? ipv4 : !ipv6.isEmpty ? ipv6 : nil }
    }

    /// What the tags of a span say about its status, whether or not the filter keeps them.
    private struct StatusTags {
        var error: String?
        var statusCode: String?
        var statusDescription: String?
    }

    private mutating func readSpan() throws(JSONError) {
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
        var span = Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0,
                        resource: Self.emptyResource)
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("traceId") {
                traceID = try readID(field: "traceId", byteCount: 16) { PaddedHexID.traceID($0) }
            } else if key.matches("id") {
                spanID = try readID(field: "id", byteCount: 8) { PaddedHexID.spanID($0) }
            } else if key.matches("parentId") {
                span.parentSpanID = try readID(field: "parentId", byteCount: 8) { PaddedHexID.spanID($0) }
                    .flatMap { $0.value == 0 ? nil : $0 }
            } else if key.matches("kind") {
                span.kind = switch try scanner.readOptionalString().uppercased() {
                case "CLIENT": .client
                case "SERVER": .server
                case "PRODUCER": .producer
                case "CONSUMER": .consumer
                default: .unspecified
                }
            } else if key.matches("timestamp") {
                timestamp = try scanner.readMicrosecondsAsNanoseconds(field: "timestamp")
            } else if key.matches("duration") {
                duration = try scanner.readSignedMicrosecondsAsNanoseconds(field: "duration")
            } else if key.matches("localEndpoint") {
                local = try readEndpoint() ?? Endpoint()
            } else if key.matches("remoteEndpoint") {
                remote = try readEndpoint()
            } else if key.matches("tags") {
                span.attributes = try readTags(&statusTags)
            } else if key.matches("shared") {
                isShared = try scanner.skipNull() ? false : try scanner.readBool()
            } else if key.matches("annotations"), detail.events {
                span.events = try readAnnotations()
            } else if key.matches("name"), detail.readsAnyNames {
                span.name = try scanner.readOptionalString()
            } else {
                try scanner.skipValue()
            }
        }
        span.startTimeUnixNano = timestamp
        span.endTimeUnixNano = try scanner.end(of: timestamp, lasting: duration, spanAt: start)
        guard try defects.check(&span, traceID: traceID, spanID: spanID, at: start) else { return }
        span.status = status(from: statusTags)
        let serviceName = local.serviceName.isEmpty ? nil : local.serviceName
        if span.kind == .unspecified, !isShared, serviceName != nil, let remote,
           !remote.serviceName.isEmpty || remote.address != nil {
            span.kind = .client
        }
        addEndpointAttributes(local: local, remote: remote, to: &span)
        span.resource = resource(serviceName)
        records.append(Record(span: span, isShared: isShared, serviceName: serviceName))
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
        func add(_ key: String, _ value: AttributeValue) {
            guard detail.keepsSpanAttribute(key), span.attributes[key] == nil else { return }
            span.attributes.append(Attribute(key: key, value: value))
        }
        if let address = local.address { add("network.local.address", .string(address)) }
        if let port = local.port { add("network.local.port", .int(port)) }
        guard let remote else { return }
        if !remote.serviceName.isEmpty { add("peer.service", .string(remote.serviceName)) }
        if (span.kind == .client || span.kind == .producer) && remote.serviceName.isEmpty {
            if let address = remote.address { add("server.address", .string(address)) }
            if let port = remote.port { add("server.port", .int(port)) }
        } else {
            if let address = remote.address { add("network.peer.address", .string(address)) }
            if let port = remote.port { add("network.peer.port", .int(port)) }
        }
    }

    private mutating func resource(_ serviceName: String?) -> Resource {
        guard let serviceName else { return Self.emptyResource }
        if let resource = resources[serviceName] { return resource }
        let resource = Resource(attributes: [Attribute(key: "service.name", value: .string(serviceName))])
        resources[serviceName] = resource
        return resource
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
        if try scanner.skipNull() { return nil }
        var endpoint = Endpoint()
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            if key.matches("serviceName") {
                endpoint.serviceName = try scanner.readOptionalString()
            } else if key.matches("ipv4") {
                endpoint.ipv4 = try scanner.readOptionalString()
            } else if key.matches("ipv6") {
                endpoint.ipv6 = try scanner.readOptionalString()
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
        while let key = try scanner.nextKey() {
            let special = key.withBytes { bytes -> UInt8 in
                if bytes.elementsEqual("error".utf8) { return 1 }
                if bytes.elementsEqual("otel.status_code".utf8) { return 2 }
                if bytes.elementsEqual("otel.status_description".utf8) { return 3 }
                return 0
            }
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
            switch special {
            case 1: statusTags.error = value.description
            case 2: statusTags.statusCode = value.description
            case 3: statusTags.statusDescription = value.description
            default: break
            }
            if let kept { attributes.append(Attribute(key: kept, value: value)) }
        }
        return attributes
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

    /// Gives the halves of shared spans distinct ids and links them parent to child, as the
    /// type's documentation says.
    private mutating func separateSharedSpans() {
        var groups: [SpanKey: [Int]] = [:]
        for (index, record) in records.enumerated() { groups[record.span.key, default: []].append(index) }
        guard groups.count < records.count else { return }  // No id occurs twice.

        var taken = Set(groups.keys)
        var splits: [SpanKey: Split] = [:]
        /// The records whose parent is settled by the shared-span rule, not by their `parentId`.
        var reparented = Set<Int>()
        // Walk the groups in document order, so that derived ids do not depend on hashing order.
        for (index, record) in records.enumerated() {
            let key = record.span.key
            guard let members = groups[key], members.count > 1, members[0] == index else { continue }
            var halves: [Half] = []
            // Each half by its side and service: many records of one id must not make this quadratic.
            var halfOf: [HalfKey: Int] = [:]
            for member in members {
                let halfKey = HalfKey(isCallee: records[member].isCallee, serviceName: records[member].serviceName)
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
                let id = Self.derivedID(for: key, word: word, avoiding: taken)
                taken.insert(SpanKey(traceID: key.traceID, spanID: id))
                halves[half].id = id
                for member in halves[half].members {
                    records[member].span.spanID = id
                    if detail.keepsSpanAttribute(IDText.originalSpanIDKey) {
                        records[member].span.attributes.append(
                            Attribute(key: IDText.originalSpanIDKey, value: .string(key.spanID.description)))
                    }
                }
            }
            for half in halves {
                for member in half.members {
                    if half.isCallee, let firstCaller {
                        records[member].span.parentSpanID = halves[firstCaller].id
                        reparented.insert(member)
                    } else if records[member].span.parentSpanID == key.spanID {
                        records[member].span.parentSpanID = nil
                        reparented.insert(member)
                    }
                }
            }
            splits[key] = Split(halves: halves, primary: primary, halfOf: halfOf)
        }
        guard !splits.isEmpty else { return }
        for index in records.indices where !reparented.contains(index) {
            guard let parent = records[index].span.parentSpanID,
                  let split = splits[SpanKey(traceID: records[index].span.traceID, spanID: parent)]
            else { continue }
            records[index].span.parentSpanID = split.parent(forService: records[index].serviceName)
        }
    }

    /// The id of a half that gives up the shared one: a hash of the trace id, the span id and
    /// a word, hashed again with a counter while it names a span already in the trace.
    private static func derivedID(for key: SpanKey, word: String, avoiding taken: Set<SpanKey>) -> SpanID {
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
            if !taken.contains(SpanKey(traceID: key.traceID, spanID: id)) { return id }
            attempt += 1
        }
    }

    // MARK: Inherited services

    /// Gives each record without a service name of its own the service of its nearest named
    /// ancestor in the document, as the type's documentation says. Runs after
    /// `separateSharedSpans`, when every id but those of true repeats names one record.
    ///
    /// Each walk goes up by `parentId` until it meets a named record, a record already
    /// settled, a callee record (whose parent is in another process), a parent not in the
    /// document, or a record of its own path (a cycle); every record of the path then has
    /// the answer. So each record is walked once, with no recursion, however deep the chain.
    private mutating func inheritServices() {
        var indexOfID: [SpanKey: Int] = [:]
        indexOfID.reserveCapacity(records.count)
        for index in records.indices where indexOfID[records[index].span.key] == nil {
            indexOfID[records[index].span.key] = index
        }
        enum State: UInt8 { case unvisited, onPath, settled }
        var state = [State](repeating: .unvisited, count: records.count)
        var settled = [String?](repeating: nil, count: records.count)
        var path: [Int] = []
        for start in records.indices where records[start].serviceName == nil && state[start] == .unvisited {
            var current = start
            var found: String?
            while true {
                if let name = records[current].serviceName {
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
                guard !records[current].isCallee, let parent = records[current].span.parentSpanID,
                      let next = indexOfID[SpanKey(traceID: records[current].span.traceID, spanID: parent)]
                else { break }
                current = next
            }
            for index in path {
                state[index] = .settled
                settled[index] = found
                if let found { records[index].span.resource = resource(found) }
            }
            path.removeAll(keepingCapacity: true)
        }
    }
}
