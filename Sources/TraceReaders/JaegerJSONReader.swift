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
/// The spans of a trace reach the sink once the trace is read (its processes may come after its
/// spans); under `keepGoing`, once the whole document is read, since a document that does not
/// read is left out whole.
///
/// **Speed.** The usual shapes are read without the general machinery, and the general way takes
/// over, from the same byte, at anything else: a span's members in the order of the span before
/// (checked byte for byte), ids of 32 or 16 hex digits and whole microseconds as written, tags
/// and references as compact JSON writes them (`{"key":…,"type":…,"value":…}`), kinds and tag
/// types compared as ASCII without a `String`. The processes of a trace are looked up by their
/// bytes, and a process whose text was read before (the same service in another trace) reuses
/// the resource made then.
struct JaegerJSONReader: JSONDocumentReader {
    var scanner: JSONScanner
    private let detail: ReadDetail
    private let spanKeys: AttributeKeyFilter
    private let resourceKeys: AttributeKeyFilter
    /// The spans of the document, their processes resolved, while they cannot go to the sink yet.
    private var pending: [Span] = []
    /// The spans of the traces being read (a document's own and those of its `data`, innermost
    /// last), while their processes are not known yet.
    private var traceSpans: [TraceSpan] = []
    /// The processes of the traces being read, innermost last.
    private var processes: [ProcessEntry] = []
    /// The references of the span being read: one array for every span.
    private var references: [Reference] = []
    /// The members of the last span, in its order: a prediction of the next span's.
    private var spanMembers = MemberOrderPrediction<SpanField>()
    /// The span being handed to the sink.
    private var passing = Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0,
                               resource: JaegerJSONReader.emptyResource)
    /// Resources made so far, by the text of the process they were read from.
    private var processCache = ProcessCache()
    var defects = SpanDefectLog<JSONError>()

    static let refTypeKey = "opentracing.ref_type"

    private static let expectedDocument = "a Jaeger JSON trace with \"spans\", or {\"data\": [traces]}"
    private static let emptyResource = Resource(attributes: [])
    /// ``emptyResource``, held here: a static is looked up on every use.
    private let emptyResource = JaegerJSONReader.emptyResource

    static let recoverableArrays: Set<String> = ["spans", "data"]

    init(_ bytes: UnsafeRawBufferPointer, detail: ReadDetail) {
        scanner = JSONScanner(bytes)
        self.detail = detail
        spanKeys = AttributeKeyFilter(detail.spanAttributeKeys)
        resourceKeys = AttributeKeyFilter(detail.resourceAttributeKeysToRead)
    }

    mutating func passOnDocument<Sink: SpanSink>(to sink: inout Sink) {
        for index in pending.indices { sink.receive(pending[index]) }
        pending.removeAll(keepingCapacity: true)
    }

    mutating func dropDocument() {
        pending.removeAll(keepingCapacity: true)
        traceSpans.removeAll(keepingCapacity: true)
        processes.removeAll(keepingCapacity: true)
    }

    // MARK: Documents and traces

    mutating func readDocument<Sink: SpanSink>(into sink: inout Sink, atOnce: Bool) throws(JSONError) {
        switch try scanner.peekKind() {
        case .object:
            try readTrace(topLevel: true, into: &sink, atOnce: atOnce)
        case .array:
            try scanner.beginArray()
            while try scanner.nextElement() { try readTrace(topLevel: false, into: &sink, atOnce: atOnce) }
        default:
            throw scanner.error(.unrecognizedDocument(expected: Self.expectedDocument))
        }
    }

    /// One element of a document's `data` array (or of an array of traces), its spans handed to
    /// the sink at once: for a part of a document read on its own (``JSONArrayParts``).
    mutating func readElement<Sink: SpanSink>(into sink: inout Sink) throws(JSONError) {
        try readTrace(topLevel: false, into: &sink, atOnce: true)
    }

    /// A trace object; at the top of a document also the `{"data": ...}` envelope. Its spans go to
    /// the sink `atOnce` when the trace is read, else to `pending`.
    private mutating func readTrace<Sink: SpanSink>(topLevel: Bool, into sink: inout Sink, atOnce: Bool) throws(JSONError) {
        scanner.skipWhitespace()
        let start = scanner.position
        try scanner.beginObject()
        try readTraceMembers(topLevel: topLevel, start: start, sawData: false, into: &sink, atOnce: atOnce)
    }

    /// The members of a document `{"data": [...], ...}` after its `data` array, which was read in
    /// parts (``DocumentParts``), its spans handed to the sink at once.
    mutating func readRestOfEnvelope<Sink: SpanSink>(startingAt start: Int, into sink: inout Sink) throws(JSONError) {
        try readTraceMembers(topLevel: true, start: start, sawData: true, into: &sink, atOnce: true)
    }

    /// The members of a trace object (`topLevel`: of a document) that starts at `start`, from the
    /// position on, to its end.
    private mutating func readTraceMembers<Sink: SpanSink>(topLevel: Bool, start: Int, sawData: Bool, into sink: inout Sink,
                                                           atOnce: Bool) throws(JSONError) {
        let firstSpan = traceSpans.count
        let firstProcess = processes.count
        var sawSpans = false
        var sawData = sawData
        while let key = try scanner.nextKey() {
            if key.matches("spans") {
                sawSpans = true
                if try scanner.skipNull() { continue }
                try scanner.beginArray()
                // Each span is read into its place in the array, not copied there.
                var spans: [TraceSpan] = []
                swap(&spans, &traceSpans)
                defer { swap(&spans, &traceSpans) }
                while try scanner.nextElement() {
                    spans.append(TraceSpan(span: blankSpan))
                    if try !readSpan(into: &spans[spans.count - 1]) { spans.removeLast() }
                }
            } else if key.matches("processes") {
                // A second "processes" replaces the first, as a dictionary read again would.
                processes.removeSubrange(firstProcess...)
                try readProcesses()
            } else if topLevel, key.matches("data") {
                sawData = true
                switch try scanner.peekKind() {
                case .null: try scanner.skipValue()
                case .object: try readTrace(topLevel: false, into: &sink, atOnce: atOnce)
                default:
                    try scanner.beginArray()
                    while try scanner.nextElement() { try readTrace(topLevel: false, into: &sink, atOnce: atOnce) }
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
        // Through the buffer, so that each span is passed on where it lies, not copied.
        let traceProcesses = processes[firstProcess...]
        let emptyResource = emptyResource
        for index in firstSpan..<traceSpans.count {
            let resource = traceSpans[index].process
                ?? traceSpans[index].processID.flatMap { Self.process(named: $0, in: traceProcesses) }
                ?? emptyResource
            traceSpans[index].span.resource = resource
        }
        if atOnce {
            for index in firstSpan..<traceSpans.count {
                // Moved into `passing`, and handed on from there: a span passed from an array
                // element is copied first, one passed from a member of the reader is not.
                swap(&passing, &traceSpans[index].span)
                sink.receive(passing)
            }
        } else {
            pending += traceSpans[firstSpan...].lazy.map(\.span)
        }
        traceSpans.removeSubrange(firstSpan...)
        processes.removeSubrange(firstProcess...)
    }

    /// The resource of the process of this id among the trace's (those from `first` on); the last
    /// of that id wins, as in a dictionary. Ids are compared as the `String`s they read as.
    private static func process(named id: JSONKey, in processes: ArraySlice<ProcessEntry>) -> Resource? {
        // The usual case: ASCII ids without escapes, equal when their bytes are; at anything else
        // the comparison of `String`s below.
        if let name = id.plainBytes, TextBytes.isASCII(name) {
            for index in processes.indices.reversed() {
                guard let key = processes[index].id.plainBytes else { break }
                if key.count == name.count, name.isEmpty || bytesAreEqual(key.baseAddress!, name.baseAddress!, count: name.count) {
                    return processes[index].resource
                }
                guard TextBytes.isASCII(key) else { break }
                if index == processes.startIndex { return nil }
            }
        }
        return id.withBytes { name -> Resource? in
            for entry in processes.reversed() where entry.id.withBytes({ TextBytes.sameString(name, $0) }) {
                return entry.resource
            }
            return nil
        }
    }

    private mutating func readProcesses() throws(JSONError) {
        if try scanner.skipNull() { return }
        try scanner.beginObject()
        while let key = try scanner.nextKey() {
            processes.append(ProcessEntry(id: key, resource: try readProcessOnce()))
        }
    }

    /// A process, its resource made once for each text: the same bytes read the same, and an
    /// object's text ends where its bytes say, whatever follows.
    private mutating func readProcessOnce() throws(JSONError) -> Resource {
        scanner.skipWhitespace()
        let start = scanner.position
        if let (resource, count) = processCache.resource(at: start, in: scanner.bytes) {
            scanner.skip(to: start + count)
            return resource
        }
        let resource = try readProcess()
        processCache.insert(UnsafeRawBufferPointer(rebasing: scanner.bytes[start..<scanner.position]), resource)
        return resource
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
    private struct TraceSpan {
        var span: Span
        /// `processID` (null reads as the empty id).
        var processID: JSONKey? = nil
        /// The span's own `process`.
        var process: Resource? = nil
    }

    /// A span with nothing read yet, to read one into.
    private var blankSpan: Span {
        Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0, resource: emptyResource)
    }

    /// A process of a trace: its id, and the resource it was read into.
    private struct ProcessEntry {
        var id: JSONKey
        var resource: Resource
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

    /// The members of a span the reader reads, and `warnings`, which every span of Jaeger's has.
    private enum SpanField: CaseIterable, KnownMember {
        case traceID, spanID, parentSpanID, references, startTime, duration, tags, logs, processID, process,
             operationName, flags, warnings

        /// The name in quotes with its colon, as compact JSON writes it.
        var token: StaticString {
            switch self {
            case .traceID: #""traceID":"#
            case .spanID: #""spanID":"#
            case .parentSpanID: #""parentSpanID":"#
            case .references: #""references":"#
            case .startTime: #""startTime":"#
            case .duration: #""duration":"#
            case .tags: #""tags":"#
            case .logs: #""logs":"#
            case .processID: #""processID":"#
            case .process: #""process":"#
            case .operationName: #""operationName":"#
            case .flags: #""flags":"#
            case .warnings: #""warnings":"#
            }
        }
    }

    /// A span, into `entry`, a blank one kept among the trace's until its processes are known; false
    /// when the span is left out (``SpanDefect``).
    private mutating func readSpan(into entry: inout TraceSpan) throws(JSONError) -> Bool {
        scanner.skipWhitespace()
        let start = scanner.position
        var traceID: ReadID<TraceID>?
        var spanID: ReadID<SpanID>?
        var legacyParent: SpanID?
        var startTime: UInt64 = 0
        var duration: Int64 = 0
        var marks = SpanMarks()
        var namePosition: Int?
        references.removeAll(keepingCapacity: true)
        try scanner.beginObject()
        spanMembers.begin()
        while let field = try spanMembers.next(&scanner) {
            switch field {
            case .traceID?:
                traceID = try readTraceID()
            case .spanID?:
                spanID = try readSpanID()
            case .parentSpanID?:
                legacyParent = try readSpanID().flatMap { $0.id.value == 0 ? nil : $0.id }
            case .references?:
                if try scanner.skipNull() { continue }
                try scanner.beginArray()
                while try scanner.nextElement() { references.append(try readReference()) }
            case .startTime?:
                startTime = try scanner.readWholeMicrosecondsAsNanoseconds(field: "startTime")
            case .duration?:
                duration = try scanner.readSignedWholeMicrosecondsAsNanoseconds(field: "duration")
            case .tags?:
                entry.span.attributes = try readTags(spanKeys, marks: &marks)
            case .logs? where detail.events:
                entry.span.events = try readLogs()
            case .processID?:
                // null reads as the empty id, as an optional string does.
                entry.processID = try scanner.readRawStringOrNull() ?? JSONKey(raw: UnsafeRawBufferPointer(start: nil, count: 0))
            case .process?:
                entry.process = try readProcessOnce()
            case .operationName? where detail.names:
                entry.span.name = try scanner.readOptionalString()
            case .operationName? where detail.linkingSpanNames:
                // Checked now, made into a string at the end if the span has links: most have none.
                scanner.skipWhitespace()
                namePosition = scanner.position
                _ = try scanner.readRawStringOrNull()
            case .flags? where detail.names:
                entry.span.flags = try scanner.readUInt32(field: "flags")
            default:
                try scanner.skipValue()
            }
        }
        entry.span.startTimeUnixNano = startTime
        entry.span.endTimeUnixNano = try scanner.end(of: startTime, lasting: duration, spanAt: start)
        guard try defects.check(&entry.span, traceID: traceID?.id, spanID: spanID?.id, at: start), let traceID, let spanID else {
            return false
        }
        entry.span.kind = marks.kind
        entry.span.status = status(from: marks)
        if let original = traceID.original, detail.keepsSpanAttribute(IDText.originalTraceIDKey) {
            entry.span.attributes.append(Attribute(key: IDText.originalTraceIDKey, value: .string(original)))
        }
        if let original = spanID.original, detail.keepsSpanAttribute(IDText.originalSpanIDKey) {
            entry.span.attributes.append(Attribute(key: IDText.originalSpanIDKey, value: .string(original)))
        }

        // The parent: the earliest CHILD_OF in the span's own trace, else the earliest FOLLOWS_FROM in it.
        if !references.isEmpty {
            let ownTrace = traceID.id
            let inOwnTrace = { (reference: Reference) in (reference.traceID?.id ?? ownTrace) == ownTrace }
            let parentIndex = references.firstIndex { $0.type == .childOf && inOwnTrace($0) }
                ?? references.firstIndex { $0.type == .followsFrom && inOwnTrace($0) }
            entry.span.parentSpanID = parentIndex.map { references[$0].spanID.id } ?? legacyParent
            for index in references.indices where index != parentIndex {
                entry.span.links.append(link(for: references[index], ownTrace: ownTrace))
            }
        } else {
            entry.span.parentSpanID = legacyParent
        }
        if let namePosition, !entry.span.links.isEmpty {
            var again = scanner.rewound(to: namePosition)
            entry.span.name = try again.readOptionalString()
        }
        return true
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
        if let reference = readCompactReference() { return reference }
        scanner.rewind(to: start)
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

    /// `{"refType":"CHILD_OF","traceID":"…","spanID":"…"}` as Jaeger writes it, the type `CHILD_OF` or
    /// `FOLLOWS_FROM` in either case, the ids of 32 (or 16) and 16 hex digits; nil for anything else,
    /// for the general way to read from the same byte.
    private mutating func readCompactReference() -> Reference? {
        guard scanner.consume(#"{"refType":"#), let name = scanner.readPlainString() else { return nil }
        let type: RefType
        if TextBytes.asciiCaseInsensitiveEquals(name, "CHILD_OF") {
            type = .childOf
        } else if TextBytes.asciiCaseInsensitiveEquals(name, "FOLLOWS_FROM") {
            type = .followsFrom
        } else {
            return nil
        }
        guard scanner.consume(#","traceID":"#), let traceID = scanner.readQuotedHexTraceID(),
              scanner.consume(#","spanID":"#), let spanID = scanner.readQuotedHexSpanID(), scanner.consume("}")
        else { return nil }
        return Reference(type: type, traceID: ReadID(id: traceID, original: nil), spanID: ReadID(id: spanID, original: nil))
    }

    private mutating func readTraceID() throws(JSONError) -> ReadID<TraceID>? {
        scanner.skipWhitespace()
        if let id = scanner.readQuotedHexTraceID() { return ReadID(id: id, original: nil) }
        if try scanner.skipNull() { return nil }
        let text = try scanner.readRawString()
        return text.withBytes { bytes -> ReadID<TraceID>? in
            if bytes.isEmpty { return nil }
            if let id = PaddedHexID.traceID(bytes) { return ReadID(id: id, original: nil) }
            return ReadID(id: StableIDHash.traceID(bytes), original: String(decoding: bytes, as: UTF8.self))
        }
    }

    private mutating func readSpanID() throws(JSONError) -> ReadID<SpanID>? {
        scanner.skipWhitespace()
        if let id = scanner.readQuotedHexSpanID() { return ReadID(id: id, original: nil) }
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
        if let tag = readCompactTag(filter, marks: &marks, isSpan: isSpan) { return tag.attribute }
        scanner.rewind(to: start)
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
                if isSpan { special = text.withBytes(Self.specialTag) }
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
        note(special, value, in: &marks)
        return key.map { Attribute(key: $0, value: value) }
    }

    /// What a special tag's value says.
    private func note(_ special: SpecialTag?, _ value: AttributeValue, in marks: inout SpanMarks) {
        switch special {
        case .spanKind?: marks.kind = Self.spanKind(value.description)
        case .error?: marks.errorTag = value == .bool(true) || value == .string("true")
        case .statusCode?: marks.statusCode = value.description
        case .statusDescription?: marks.statusDescription = value.description
        case nil: break
        }
    }

    /// A tag read the fast way.
    private struct CompactTag {
        var attribute: Attribute?
    }

    /// `{"key":"…","type":"…","value":…}` as Jaeger writes it, with a string or boolean value and
    /// an ASCII type; nil, with `marks` untouched, for anything else: the general way then reads
    /// it from the same byte. A string value becomes a `String` only when it is kept or needs one.
    private mutating func readCompactTag(_ filter: AttributeKeyFilter, marks: inout SpanMarks, isSpan: Bool) -> CompactTag? {
        guard scanner.consume(#"{"key":"#), let name = scanner.readPlainString(),
              scanner.consume(#","type":"#), let typeName = scanner.readPlainString(), let type = Self.tagType(ascii: typeName),
              scanner.consume(#","value":"#) else { return nil }
        let special = isSpan ? Self.specialTag(name) : nil
        let key = filter.kept(raw: name)
        var text: UnsafeRawBufferPointer?
        var flag = false
        if let plain = scanner.readPlainString() {
            text = plain
        } else if scanner.consume("true") {
            flag = true
        } else if !scanner.consume("false") {
            return nil
        }
        guard scanner.consume("}") else { return nil }
        guard key != nil || special != nil else { return CompactTag(attribute: nil) }
        guard let text else {
            let value = AttributeValue.bool(flag)
            note(special, value, in: &marks)
            return CompactTag(attribute: key.map { Attribute(key: $0, value: value) })
        }
        guard type == .string || type == .unknown else {
            // A string of another type: converted as the general way does.
            let value = Self.value(.string(String(decoding: text, as: UTF8.self)), as: type)
            note(special, value, in: &marks)
            return CompactTag(attribute: key.map { Attribute(key: $0, value: value) })
        }
        switch special {
        case .spanKind?: marks.kind = Self.spanKind(ascii: text) ?? Self.spanKind(String(decoding: text, as: UTF8.self))
        case .error?: marks.errorTag = TextBytes.equals(text, "true")
        case .statusCode?: marks.statusCode = String(decoding: text, as: UTF8.self)
        case .statusDescription?: marks.statusDescription = String(decoding: text, as: UTF8.self)
        case nil: break
        }
        return CompactTag(attribute: key.map { Attribute(key: $0, value: .string(String(decoding: text, as: UTF8.self))) })
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

    private static func specialTag(_ bytes: UnsafeRawBufferPointer) -> SpecialTag? {
        switch bytes.count {
        case 9 where TextBytes.equals(bytes, "span.kind"): .spanKind
        case 5 where TextBytes.equals(bytes, "error"): .error
        case 16 where TextBytes.equals(bytes, "otel.status_code"): .statusCode
        case 23 where TextBytes.equals(bytes, "otel.status_description"): .statusDescription
        default: nil
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

    /// ``tagType(_:)`` of ASCII bytes, without a `String`; nil for bytes that are not all ASCII,
    /// whose lower case only `String` knows.
    @inline(__always)
    private static func tagType(ascii name: UnsafeRawBufferPointer) -> TagType? {
        guard let word = TextBytes.foldedWord(name) else { return TextBytes.isASCII(name) ? .unknown : nil }
        switch word {
        case 0x0000_676E_6972_7473: return .string  // "string", as ``TextBytes/foldedWord(_:)`` spells it
        case 0x0000_0000_6C6F_6F62: return .bool
        case 0x0000_0034_3674_6E69: return .int64
        case 0x0034_3674_616F_6C66: return .float64
        case 0x0000_7972_616E_6962: return .binary
        default: return .unknown
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

    /// ``spanKind(_:)`` of ASCII bytes, without a `String`; nil for bytes that are not all ASCII.
    @inline(__always)
    private static func spanKind(ascii name: UnsafeRawBufferPointer) -> SpanKind? {
        guard let word = TextBytes.foldedWord(name) else { return TextBytes.isASCII(name) ? .unspecified : nil }
        switch word {
        case 0x0000_7265_7672_6573: return .server  // "server", as ``TextBytes/foldedWord(_:)`` spells it
        case 0x0000_746E_6569_6C63: return .client
        case 0x7265_6375_646F_7270: return .producer
        case 0x7265_6D75_736E_6F63: return .consumer
        case 0x6C61_6E72_6574_6E69: return .internal
        default: return .unspecified
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

/// Resources already made, by the text of the JSON object they were read from: a Jaeger export
/// repeats each process in every trace. At most ``capacity`` texts of up to ``longestText`` bytes
/// are kept, and looked for in turn at the position: a cache for the few services of an export.
private struct ProcessCache {
    private var texts: [[UInt8]] = []
    private var resources: [Resource] = []

    static let capacity = 64
    static let longestText = 1024

    /// The resource of the object whose text the bytes at `offset` start with, and the text's length.
    func resource(at offset: Int, in bytes: UnsafeRawBufferPointer) -> (Resource, Int)? {
        let available = bytes.count - offset
        guard available > 0 else { return nil }
        let start = bytes.baseAddress! + offset
        for index in texts.indices {
            let count = texts[index].count
            guard count <= available else { continue }
            let same = texts[index].withUnsafeBytes { bytesAreEqual($0.baseAddress!, start, count: count) }
            if same { return (resources[index], count) }
        }
        return nil
    }

    /// Keeps an object's text, and the resource read from it.
    mutating func insert(_ text: UnsafeRawBufferPointer, _ resource: Resource) {
        guard texts.count < Self.capacity, (2...Self.longestText).contains(text.count), text.first == UInt8(ascii: "{") else { return }
        texts.append(Array(text))
        resources.append(resource)
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
