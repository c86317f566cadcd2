import TraceModel

/// Reads OTLP/protobuf trace exports: one binary `ExportTraceServiceRequest` or
/// `TracesData` (the same layout: field 1, repeated `ResourceSpans`), or the
/// OpenTelemetry Collector file exporter's `format: proto` output, a stream of such
/// messages each preceded by its length as 4 bytes, big-endian.
///
/// It decodes straight from the bytes into `Span` values, with no intermediate tree,
/// and gives the same spans as `OTLPJSONReader` for the same data: an empty or
/// all-zero parent span id means a root, a `ResourceSpans` without a resource gets
/// `Resource(attributes: [])`, the scope is set on every span of a `ScopeSpans`, and
/// `ReadDetail` leaves out what the consumer does not need (attribute keys are
/// compared as bytes before any `String` is made), and a span without ids or with an
/// all-zero one is left out, one that ends before it starts repaired (``SpanDefect``).
///
/// Field numbers and wire types are those of opentelemetry-proto
/// (`collector/trace/v1/trace_service.proto`, `trace/v1/trace.proto`,
/// `common/v1/common.proto`, `resource/v1/resource.proto`), including the deprecated
/// `ResourceSpans.instrumentation_library_spans` (field 1000, wire-compatible with
/// `ScopeSpans`), read only when a `ResourceSpans` has no `scope_spans`, as the
/// specification asks of receivers. Unknown fields are skipped by their wire type.
///
/// As protobuf decoders do, when a singular field occurs more than once the last
/// occurrence wins (nested messages are not merged).
///
/// Every length is checked against the end of its enclosing message before use;
/// malformed input (truncated values, over-long varints, a known field with the wrong
/// wire type, ids of the wrong length, groups, values nested deeper than
/// `maximumValueDepth`) throws a `ProtobufError` with the byte offset of the problem.
struct OTLPProtobufReader {
    /// How deeply `AnyValue`s may nest (arrays and key-value lists inside values)
    /// before the input is refused: this bounds the decoder's recursion.
    static let maximumValueDepth = 100

    /// How an input is laid out.
    enum Layout: Sendable, Equatable {
        /// One message, the whole input.
        case singleMessage
        /// Messages each preceded by a 4-byte big-endian length, as the Collector's file exporter writes.
        case lengthPrefixedStream
    }

    private let bytes: UnsafeRawBufferPointer
    private let detail: ReadDetail
    private let spanKeys: ProtobufKeyFilter
    private let resourceKeys: ProtobufKeyFilter
    /// The spans of the message being read.
    private var pending: [Span] = []
    /// Spans left out or repaired, with where they are.
    private var defects = SpanDefectLog<ProtobufError>()
    /// The last resource decoded and the bytes it came from: the next `ResourceSpans`
    /// (or frame) usually repeats the same resource byte for byte, and then shares it.
    private var lastResource: (range: Range<Int>, resource: Resource)?

    private static let emptyResource = Resource(attributes: [])

    init(_ bytes: UnsafeRawBufferPointer, detail: ReadDetail) {
        self.bytes = bytes
        self.detail = detail
        spanKeys = ProtobufKeyFilter(detail.spanAttributeKeys)
        resourceKeys = ProtobufKeyFilter(detail.resourceAttributeKeysToRead)
    }

    // MARK: Layout

    /// Whether `bytes` is a stream of length-prefixed messages: at least 4 bytes, and the
    /// 4-byte big-endian lengths, each followed by that many bytes, end exactly at the end
    /// of the buffer. This is the strict test, for telling formats apart; a damaged
    /// stream fails it (see `layout(of:)`).
    static func isLengthPrefixedStream(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 4 else { return false }
        var position = 0
        while bytes.count - position >= 4 {
            let length = Int(frameLength(bytes, at: position))
            guard length <= bytes.count - position - 4 else { return false }
            position += 4 + length
        }
        return position == bytes.count
    }

    /// How `readAll` takes `bytes`. The rule:
    ///
    /// - A buffer whose first byte is 0x00 is a length-prefixed stream (possibly damaged):
    ///   no protobuf message can start with 0x00, a tag of field number 0, while a frame
    ///   shorter than 16 MiB starts with a length whose first byte is 0x00.
    /// - Otherwise it is a stream when `isLengthPrefixedStream` holds: its lengths chain
    ///   exactly to the end (a frame of 16 MiB or more).
    /// - Otherwise it is a single message (which normally starts with 0x0A, field 1 as
    ///   length-delimited); an empty buffer is an empty message.
    ///
    /// A single message could in theory also chain as frames, but only if its first four
    /// bytes, read as a length of at least 0x0A000000 (160 MiB), and every length after
    /// them landed exactly on the end of the buffer.
    static func layout(of bytes: UnsafeRawBufferPointer) -> Layout {
        guard bytes.count >= 4 else { return .singleMessage }
        if bytes[0] == 0 || isLengthPrefixedStream(bytes) { return .lengthPrefixedStream }
        return .singleMessage
    }

    private static func frameLength(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    // MARK: Reading

    /// Reads every message of the input, a single message or a length-prefixed stream
    /// (see `layout(of:)`), passing the spans of each message to the sink once the whole
    /// message is decoded; a message that fails contributes nothing.
    ///
    /// With `keepGoing`, a malformed frame of a stream is noted in `skipped` and reading
    /// goes on with the next frame; a length prefix that runs past the end of the input
    /// (or too few bytes left for one) leaves no next frame to find, so it is noted and
    /// reading stops. A single message cannot be skipped: its error is thrown.
    mutating func readAll<Sink: SpanSink>(into sink: inout Sink, keepGoing: Bool = false, strict: Bool = false,
                                          skipped: inout [ProtobufError]) throws(ProtobufError) {
        defects.strict = strict
        // Spans left out or repaired are said among the skipped parts, in input order.
        defer { defects.hand(to: &skipped) }
        switch Self.layout(of: bytes) {
        case .singleMessage:
            try readMessage(0..<bytes.count)
            deliver(to: &sink)
        case .lengthPrefixedStream:
            var position = 0
            while position < bytes.count {
                let left = bytes.count - position
                guard left >= 4 else {
                    let error = ProtobufError(
                        offset: position,
                        reason: "\(left) byte\(left == 1 ? "" : "s") after the last frame, too few for a 4-byte length prefix"
                    )
                    if keepGoing { skipped.append(error); return }
                    throw error
                }
                let length = Int(Self.frameLength(bytes, at: position))
                let start = position + 4
                guard length <= bytes.count - start else {
                    let error = ProtobufError(
                        offset: position,
                        reason: "a frame length of \(length) bytes runs past the end of the input (\(bytes.count - start) bytes left)"
                    )
                    if keepGoing { skipped.append(error); return }
                    throw error
                }
                do {
                    try readMessage(start..<start + length)
                    deliver(to: &sink)
                } catch {
                    guard keepGoing else { throw error }
                    skipped.append(error)
                    pending.removeAll(keepingCapacity: true)
                }
                position = start + length
            }
        }
    }

    /// Every span of `bytes`, a single message or a length-prefixed stream, in input order.
    static func spans(in bytes: UnsafeRawBufferPointer, detail: ReadDetail = .full) throws(ProtobufError) -> [Span] {
        var reader = OTLPProtobufReader(bytes, detail: detail)
        var list = SpanList()
        var skipped: [ProtobufError] = []
        try reader.readAll(into: &list, skipped: &skipped)
        return list.spans
    }

    private mutating func deliver<Sink: SpanSink>(to sink: inout Sink) {
        for span in pending { sink.receive(span) }
        pending.removeAll(keepingCapacity: true)
    }

    /// An `ExportTraceServiceRequest` or `TracesData`.
    private mutating func readMessage(_ range: Range<Int>) throws(ProtobufError) {
        pending.removeAll(keepingCapacity: true)
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            if field.number == 1 {
                try readResourceSpans(message.lengthDelimited(field, "ExportTraceServiceRequest.resource_spans"))
            } else {
                try message.skip(field)
            }
        }
    }

    private mutating func readResourceSpans(_ range: Range<Int>) throws(ProtobufError) {
        let firstSpan = pending.count
        var resource: Resource?
        var hasScopeSpans = false
        var librarySpans: [Range<Int>] = []
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            switch field.number {
            case 1:
                resource = try readResource(message.lengthDelimited(field, "ResourceSpans.resource"))
            case 2:
                hasScopeSpans = true
                try readScopeSpans(message.lengthDelimited(field, "ResourceSpans.scope_spans"))
            case 3:
                try message.skip(field, expecting: .lengthDelimited, "ResourceSpans.schema_url")
            case 1000:
                librarySpans.append(try message.lengthDelimited(field, "ResourceSpans.instrumentation_library_spans"))
            default:
                try message.skip(field)
            }
        }
        // The deprecated field counts only when the new one is absent (trace.proto's rule for receivers).
        if !hasScopeSpans {
            for library in librarySpans { try readScopeSpans(library) }
        }
        // The resource may come after the spans: set it once the message is read.
        let finalResource = resource ?? Self.emptyResource
        for index in firstSpan..<pending.count { pending[index].resource = finalResource }
    }

    private mutating func readResource(_ range: Range<Int>) throws(ProtobufError) -> Resource {
        if let last = lastResource, last.range.count == range.count,
           UnsafeRawBufferPointer(rebasing: bytes[last.range]).elementsEqual(UnsafeRawBufferPointer(rebasing: bytes[range])) {
            return last.resource
        }
        var attributes: [Attribute] = []
        var dropped: UInt32 = 0
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            switch field.number {
            case 1:
                let entry = try message.lengthDelimited(field, "Resource.attributes")
                if let attribute = try readKeyValue(entry, resourceKeys, depth: 0) { attributes.append(attribute) }
            case 2:
                dropped = UInt32(truncatingIfNeeded: try message.varint(field, "Resource.dropped_attributes_count"))
            case 3:
                try message.skip(field, expecting: .lengthDelimited, "Resource.entity_refs")
            default:
                try message.skip(field)
            }
        }
        let resource = Resource(attributes: attributes, droppedAttributesCount: dropped)
        lastResource = (range, resource)
        return resource
    }

    /// A `ScopeSpans`, or the deprecated `InstrumentationLibrarySpans`, which has the same fields.
    private mutating func readScopeSpans(_ range: Range<Int>) throws(ProtobufError) {
        let firstSpan = pending.count
        var scope = InstrumentationScope()
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            switch field.number {
            case 1:
                let scopeRange = try message.lengthDelimited(field, "ScopeSpans.scope")
                if detail.scopes { scope = try readScope(scopeRange) }
            case 2:
                try readSpan(message.lengthDelimited(field, "ScopeSpans.spans"), at: field.offset)
            case 3:
                try message.skip(field, expecting: .lengthDelimited, "ScopeSpans.schema_url")
            default:
                try message.skip(field)
            }
        }
        if detail.scopes {
            for index in firstSpan..<pending.count { pending[index].scope = scope }
        }
    }

    /// An `InstrumentationScope`, or the deprecated `InstrumentationLibrary` (name and version).
    private func readScope(_ range: Range<Int>) throws(ProtobufError) -> InstrumentationScope {
        var scope = InstrumentationScope()
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            switch field.number {
            case 1: scope.name = message.string(try message.lengthDelimited(field, "InstrumentationScope.name"))
            case 2: scope.version = message.string(try message.lengthDelimited(field, "InstrumentationScope.version"))
            case 3:
                let entry = try message.lengthDelimited(field, "InstrumentationScope.attributes")
                if let attribute = try readKeyValue(entry, .all, depth: 0) { scope.attributes.append(attribute) }
            case 4: try message.skip(field, expecting: .varint, "InstrumentationScope.dropped_attributes_count")
            default: try message.skip(field)
            }
        }
        return scope
    }

    // MARK: Spans

    /// A `Span`; `offset` is where its field starts, for errors about the span as a whole.
    private mutating func readSpan(_ range: Range<Int>, at offset: Int) throws(ProtobufError) {
        var traceID: TraceID?
        var spanID: SpanID?
        var span = Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0,
                        resource: Self.emptyResource)
        var nameRange: Range<Int>?
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            switch field.number {
            case 1:
                traceID = try readTraceID(message.lengthDelimited(field, "Span.trace_id"), field, "Span.trace_id")
            case 2:
                spanID = try readSpanID(message.lengthDelimited(field, "Span.span_id"), field, "Span.span_id")
            case 3:
                let value = try message.lengthDelimited(field, "Span.trace_state")
                if detail.names { span.traceState = message.string(value) }
            case 4:
                let value = try message.lengthDelimited(field, "Span.parent_span_id")
                span.parentSpanID = try readSpanID(value, field, "Span.parent_span_id").flatMap { $0.value == 0 ? nil : $0 }
            case 5:
                let value = try message.lengthDelimited(field, "Span.name")
                if detail.names { span.name = message.string(value) } else if detail.linkingSpanNames { nameRange = value }
            case 6:
                span.kind = SpanKind(rawValue: Self.enumValue(try message.varint(field, "Span.kind"))) ?? .unspecified
            case 7:
                span.startTimeUnixNano = try message.fixed64(field, "Span.start_time_unix_nano")
            case 8:
                span.endTimeUnixNano = try message.fixed64(field, "Span.end_time_unix_nano")
            case 9:
                let entry = try message.lengthDelimited(field, "Span.attributes")
                if let attribute = try readKeyValue(entry, spanKeys, depth: 0) { span.attributes.append(attribute) }
            case 10:
                let value = try message.varint(field, "Span.dropped_attributes_count")
                if detail.names { span.droppedAttributesCount = UInt32(truncatingIfNeeded: value) }
            case 11:
                let value = try message.lengthDelimited(field, "Span.events")
                if detail.events { span.events.append(try readEvent(value)) }
            case 12:
                let value = try message.varint(field, "Span.dropped_events_count")
                if detail.names { span.droppedEventsCount = UInt32(truncatingIfNeeded: value) }
            case 13:
                span.links.append(try readLink(message.lengthDelimited(field, "Span.links"), at: field.offset))
            case 14:
                let value = try message.varint(field, "Span.dropped_links_count")
                if detail.readsAnyNames { span.droppedLinksCount = UInt32(truncatingIfNeeded: value) }
            case 15:
                span.status = try readStatus(message.lengthDelimited(field, "Span.status"))
            case 16:
                let value = try message.fixed32(field, "Span.flags")
                if detail.names { span.flags = value }
            default:
                try message.skip(field)
            }
        }
        guard try defects.check(&span, traceID: traceID, spanID: spanID, at: offset) else { return }
        // Without all names, only a span with links needs its name.
        if let nameRange, !span.links.isEmpty || span.droppedLinksCount > 0 { span.name = message.string(nameRange) }
        pending.append(span)
    }

    private func readEvent(_ range: Range<Int>) throws(ProtobufError) -> SpanEvent {
        var event = SpanEvent(timeUnixNano: 0, name: "")
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            switch field.number {
            case 1: event.timeUnixNano = try message.fixed64(field, "Event.time_unix_nano")
            case 2: event.name = message.string(try message.lengthDelimited(field, "Event.name"))
            case 3:
                let entry = try message.lengthDelimited(field, "Event.attributes")
                if let attribute = try readKeyValue(entry, .all, depth: 0) { event.attributes.append(attribute) }
            case 4:
                event.droppedAttributesCount = UInt32(truncatingIfNeeded: try message.varint(field, "Event.dropped_attributes_count"))
            default: try message.skip(field)
            }
        }
        return event
    }

    /// A `Link`; `offset` is where its field starts.
    private func readLink(_ range: Range<Int>, at offset: Int) throws(ProtobufError) -> SpanLink {
        var traceID: TraceID?
        var spanID: SpanID?
        var link = SpanLink(traceID: .zero, spanID: SpanID(0))
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            switch field.number {
            case 1:
                traceID = try readTraceID(message.lengthDelimited(field, "Link.trace_id"), field, "Link.trace_id")
            case 2:
                spanID = try readSpanID(message.lengthDelimited(field, "Link.span_id"), field, "Link.span_id")
            case 3:
                let value = try message.lengthDelimited(field, "Link.trace_state")
                if detail.linkAttributes { link.traceState = message.string(value) }
            case 4:
                let entry = try message.lengthDelimited(field, "Link.attributes")
                if detail.linkAttributes, let attribute = try readKeyValue(entry, .all, depth: 0) {
                    link.attributes.append(attribute)
                }
            case 5:
                let value = try message.varint(field, "Link.dropped_attributes_count")
                if detail.linkAttributes { link.droppedAttributesCount = UInt32(truncatingIfNeeded: value) }
            case 6:
                let value = try message.fixed32(field, "Link.flags")
                if detail.linkAttributes { link.flags = value }
            default:
                try message.skip(field)
            }
        }
        guard let traceID else { throw ProtobufError(offset: offset, reason: "a link has no trace_id") }
        guard let spanID else { throw ProtobufError(offset: offset, reason: "a link has no span_id") }
        link.traceID = traceID
        link.spanID = spanID
        return link
    }

    private func readStatus(_ range: Range<Int>) throws(ProtobufError) -> SpanStatus {
        var status = SpanStatus()
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            switch field.number {
            case 2:
                let value = try message.lengthDelimited(field, "Status.message")
                if detail.names { status.message = message.string(value) }
            case 3:
                status.code = SpanStatus.Code(rawValue: Self.enumValue(try message.varint(field, "Status.code"))) ?? .unset
            default:
                // Field 1, the long-removed `deprecated_code`, is skipped like any unknown field.
                try message.skip(field)
            }
        }
        return status
    }

    /// An enum's varint as the JSON reader maps numbers: negative values to 0, values over 255 to 255.
    @inline(__always)
    private static func enumValue(_ varint: UInt64) -> UInt8 {
        UInt8(clamping: Int32(truncatingIfNeeded: varint))
    }

    // MARK: Ids

    /// A 16-byte trace id; nil when empty (an absent field reads the same).
    @inline(__always)
    private func readTraceID(_ range: Range<Int>, _ field: ProtobufField, _ name: StaticString) throws(ProtobufError) -> TraceID? {
        if range.isEmpty { return nil }
        guard range.count == 16 else {
            throw ProtobufError(offset: field.offset, reason: "\(name) is \(range.count) bytes long, expected 16")
        }
        let scanner = ProtobufScanner(bytes, range: range)
        return TraceID(high: scanner.bigEndianUInt64(at: range.lowerBound),
                       low: scanner.bigEndianUInt64(at: range.lowerBound + 8))
    }

    /// An 8-byte span id; nil when empty.
    @inline(__always)
    private func readSpanID(_ range: Range<Int>, _ field: ProtobufField, _ name: StaticString) throws(ProtobufError) -> SpanID? {
        if range.isEmpty { return nil }
        guard range.count == 8 else {
            throw ProtobufError(offset: field.offset, reason: "\(name) is \(range.count) bytes long, expected 8")
        }
        return SpanID(ProtobufScanner(bytes, range: range).bigEndianUInt64(at: range.lowerBound))
    }

    // MARK: Attributes

    /// One `KeyValue`; nil when the filter drops its key. The key is compared as bytes
    /// before any `String` is made, and a dropped attribute's value is not decoded.
    /// `depth` counts the values this one is nested in.
    private func readKeyValue(_ range: Range<Int>, _ filter: ProtobufKeyFilter, depth: Int) throws(ProtobufError) -> Attribute? {
        var key = range.lowerBound..<range.lowerBound
        var value: Range<Int>?
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            switch field.number {
            case 1: key = try message.lengthDelimited(field, "KeyValue.key")
            case 2: value = try message.lengthDelimited(field, "KeyValue.value")
            default: try message.skip(field)
            }
        }
        // The value may come before the key on the wire: decide on the key first.
        guard let keyString = filter.kept(UnsafeRawBufferPointer(rebasing: bytes[key])) else { return nil }
        guard let value else { return Attribute(key: keyString, value: .empty) }
        return Attribute(key: keyString, value: try readAnyValue(value, depth: depth))
    }

    private func readAnyValue(_ range: Range<Int>, depth: Int) throws(ProtobufError) -> AttributeValue {
        guard depth < Self.maximumValueDepth else {
            throw ProtobufError(offset: range.lowerBound,
                                reason: "attribute values nest more than \(Self.maximumValueDepth) deep")
        }
        var value = AttributeValue.empty
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            switch field.number {
            case 1: value = .string(message.string(try message.lengthDelimited(field, "AnyValue.string_value")))
            case 2: value = .bool(try message.varint(field, "AnyValue.bool_value") != 0)
            case 3: value = .int(Int64(bitPattern: try message.varint(field, "AnyValue.int_value")))
            case 4: value = .double(Double(bitPattern: try message.fixed64(field, "AnyValue.double_value")))
            case 5: value = .array(try readArrayValue(message.lengthDelimited(field, "AnyValue.array_value"), depth: depth + 1))
            case 6:
                let list = try message.lengthDelimited(field, "AnyValue.kvlist_value")
                value = .keyValueList(try readKeyValueList(list, depth: depth + 1))
            case 7: value = .bytes(Array(UnsafeRawBufferPointer(rebasing: bytes[try message.lengthDelimited(field, "AnyValue.bytes_value")])))
            default: try message.skip(field)
            }
        }
        return value
    }

    private func readArrayValue(_ range: Range<Int>, depth: Int) throws(ProtobufError) -> [AttributeValue] {
        var values: [AttributeValue] = []
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            if field.number == 1 {
                values.append(try readAnyValue(message.lengthDelimited(field, "ArrayValue.values"), depth: depth))
            } else {
                try message.skip(field)
            }
        }
        return values
    }

    private func readKeyValueList(_ range: Range<Int>, depth: Int) throws(ProtobufError) -> [Attribute] {
        var attributes: [Attribute] = []
        var message = ProtobufScanner(bytes, range: range)
        while let field = try message.nextField() {
            if field.number == 1 {
                let entry = try message.lengthDelimited(field, "KeyValueList.values")
                if let attribute = try readKeyValue(entry, .all, depth: depth) { attributes.append(attribute) }
            } else {
                try message.skip(field)
            }
        }
        return attributes
    }
}

/// Which attribute keys the protobuf reader keeps, compared on raw bytes so that a
/// dropped key costs no `String`; a kept key is returned as the one shared `String`.
struct ProtobufKeyFilter {
    private let keys: [(bytes: [UInt8], string: String)]?

    /// Keeps the keys listed; nil keeps every key.
    init(_ keys: [String]?) {
        self.keys = keys.map { $0.map { (Array($0.utf8), $0) } }
    }

    /// Keeps every key.
    static let all = ProtobufKeyFilter(nil)

    /// The key as a `String` when it is kept, else nil. Invalid UTF-8 becomes U+FFFD.
    @inline(__always)
    func kept(_ key: UnsafeRawBufferPointer) -> String? {
        guard let keys else { return String(decoding: key, as: UTF8.self) }
        for candidate in keys where candidate.bytes.count == key.count {
            if candidate.bytes.withUnsafeBytes({ $0.elementsEqual(key) }) { return candidate.string }
        }
        return nil
    }
}
