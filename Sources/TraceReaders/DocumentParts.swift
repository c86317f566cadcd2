import Dispatch
import Synchronization
import SystemCalls
import TraceModel
#if canImport(Glibc)
import Glibc
#endif

/// A large JSON document whose bulk is one array of many elements (a Jaeger document's `data`
/// array of traces, or its array of traces; a Zipkin document's array of spans or of traces), read
/// on every core: the array cut into parts of whole elements, each part read on its own into a sink
/// of its own, the sinks taken in input order, as JSON lines are read in chunks.
///
/// **Cutting.** Where a part ends is found near every ``partSize`` bytes, cheaply: a `}` (or `]`),
/// a comma and a `{` (or `[`), white space apart, whose element reads on its own as one of the
/// array's (a trace with spans, a span with ids); nothing before it is read. Such a place could in
/// principle be inside an element (a trace-like object in a span's JSON, say), so each cut is
/// checked: a part is read from its first element element by element, and stops at the first
/// element that starts at or past the next part's start; only when it stops exactly there is the
/// next part's start an element's start, and the next part's reading the one a reading of the
/// whole would have made. Parts are checked in order, from the array's first element, which the
/// array's opening says. A cut that proves wrong costs the parts from it on, which are read again
/// from where the part before really ended, as one part on the calling thread.
///
/// **What stays the same.** The spans, in the same order; the first error (and its line and
/// column: offsets are the whole input's) and the spans left out or repaired, in order. Zipkin's
/// shared span ids and inherited services are settled across the whole document, as one reading
/// settles them (``ZipkinDocument``). Under `keepGoing`, a document with an error in it is read
/// again whole, as before: its recovery (``JSONRecovery``) rereads the whole document.
enum DocumentParts {
    /// Parts are about this big; a document of less than two parts is read whole.
    static let partSize = 4 << 20

    /// How far past a part's intended end a cut is looked for; past it, the part goes on to the end.
    static func searchWindow(partSize: Int) -> Int { max(partSize, 1 << 20) }

    /// Where a document's array of elements is.
    struct ArrayStart {
        /// Where the document starts (after white space).
        var documentStart: Int
        /// The first byte of the array's first element.
        var firstElement: Int
        /// How many containers deep the elements are (the document's own array: 1).
        var depth: Int
        /// `{` for an array of objects, `[` for an array of arrays.
        var opener: UInt8
        /// A Jaeger `{"data": [...]}` document, whose other members follow the array.
        var isEnvelope = false
    }

    /// What reading one part gave.
    struct Outcome<Part: Sendable>: Sendable {
        /// The offset of the part's first element.
        var start: Int
        var part: Part?
        /// The error the part stopped at.
        var error: JSONError?
        /// Where its reading stopped: the first byte of the next element, or just past the array's `]`.
        var end = 0
        /// Whether the part ended with the array.
        var arrayEnded = false
        /// Spans left out or repaired, in order.
        var skipped: [JSONError] = []
        var spans = 0
    }

    /// How the reading of the parts ended.
    enum Ending {
        /// The array ended here, every part read and taken.
        case arrayEnd(Int)
        /// A part, whose start was right, stopped at this error.
        case failure(JSONError)
    }

    /// Reads parts of one format.
    protocol Reading: Sendable {
        associatedtype Part: Sendable
        /// Whether an element of the array plausibly starts at `offset`: it reads as one on its own.
        func isElementStart(_ offset: Int, in bytes: UnsafeRawBufferPointer) -> Bool
        /// Reads elements from `start` on, while they start before `limit`.
        func readPart(_ bytes: UnsafeRawBufferPointer, start: Int, limit: Int) -> Outcome<Part>
    }

    /// Reads the array in parts on every core and hands each part's outcome to `take`, in input
    /// order, on the calling thread, each only once it is known to start where the one before ended.
    static func read<R: Reading>(_ reading: R, _ input: InputBytes, array: ArrayStart, partSize: Int,
                                 take: (R.Part, Outcome<R.Part>) -> Void) -> Ending {
        let bytes = input.buffer
        let finished = Mutex([Int: Outcome<R.Part>]())
        let slots = DispatchSemaphore(value: max(2, Machine.activeProcessorCount + 1))
        let group = DispatchGroup()
        var dispatched = 0
        var taken = 0
        /// The start of the next part to take, known to be an element's.
        var expected = array.firstElement
        var ending: Ending?
        var isCutWrong = false

        func takeFinished(wait: Bool) {
            if wait { group.wait() }
            while ending == nil, !isCutWrong, taken < dispatched, let outcome = finished.withLock({ $0.removeValue(forKey: taken) }) {
                taken += 1
                guard outcome.start == expected else {
                    isCutWrong = true
                    return
                }
                if let error = outcome.error {
                    ending = .failure(error)
                    return
                }
                take(outcome.part!, outcome)
                input.release(before: outcome.end)
                expected = outcome.end
                if outcome.arrayEnded { ending = .arrayEnd(outcome.end) }
            }
        }

        var next: Int? = array.firstElement
        while ending == nil, !isCutWrong, let start = next {
            let limit = nextElementStart(after: start + partSize, window: searchWindow(partSize: partSize), in: bytes,
                                         opener: array.opener, reading: reading) ?? Int.max
            next = limit == Int.max ? nil : limit
            let index = dispatched
            dispatched += 1
            slots.wait()
            DispatchQueue.global().async(group: group) {
                let outcome = reading.readPart(input.buffer, start: start, limit: limit)
                finished.withLock { $0[index] = outcome }
                slots.signal()
            }
            takeFinished(wait: false)
        }
        takeFinished(wait: true)
        if let ending { return ending }
        // A cut that was not an element's start: the rest from where the last part really ended.
        let rest = reading.readPart(bytes, start: expected, limit: .max)
        if let error = rest.error { return .failure(error) }
        take(rest.part!, rest)
        return .arrayEnd(rest.end)
    }

    /// The first place at or after `offset`, and within `window` bytes of it, where an element of the
    /// array plausibly starts: a closer, a comma and an opener, white space apart, at an element that
    /// reads as one on its own; nil when there is none.
    static func nextElementStart<R: Reading>(after offset: Int, window: Int, in bytes: UnsafeRawBufferPointer,
                                             opener: UInt8, reading: R) -> Int? {
        let closer = opener == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
        let end = min(bytes.count, offset &+ window)
        var index = offset
        while index < end, let found = memchr(bytes.baseAddress! + index, Int32(UInt8(ascii: ",")), end - index) {
            let comma = UnsafeRawPointer(found) - bytes.baseAddress!
            index = comma + 1
            var before = comma - 1
            while before >= 0, isWhitespace(bytes[before]) { before -= 1 }
            guard before >= 0, bytes[before] == closer else { continue }
            var after = comma + 1
            while after < bytes.count, isWhitespace(bytes[after]) { after += 1 }
            guard after < bytes.count, bytes[after] == opener, reading.isElementStart(after, in: bytes) else { continue }
            return after
        }
        return nil
    }

    /// How much of an element is read on trial: an element that goes on past it (a large trace) is
    /// taken to be one, as far as it read; the part before it checks that.
    static let trialLength = 64 << 10

    /// The bytes up to ``trialLength`` past `offset`.
    static func trialWindow(_ offset: Int, in bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[..<min(bytes.count, offset + trialLength)])
    }

    /// Whether a trial read stopped only because its window ended before the input did.
    static func isCutShort(_ error: JSONError, window: UnsafeRawBufferPointer, bytes: UnsafeRawBufferPointer) -> Bool {
        guard window.count < bytes.count, error.offset >= window.count - 1 else { return false }
        if case .unexpectedEnd = error.problem { return true }
        return false
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// A reader of a part's elements: its scanner, and the spans it left out or repaired.
    protocol PartReader {
        var scanner: JSONScanner { get set }
        var defects: SpanDefectLog<JSONError> { get set }
    }

    /// Reads the elements of the part that starts at `outcome.start`, while they start before
    /// `limit`, each with `readElement` on `reader`, noting in `outcome` where the reading ended
    /// and the spans left out or repaired, or the error it stopped at; false at an error.
    static func readPart<Reader: PartReader, Part>(
        with reader: inout Reader, _ bytes: UnsafeRawBufferPointer, depth: Int, limit: Int, into outcome: inout Outcome<Part>,
        _ readElement: (inout Reader) throws(JSONError) -> Void
    ) -> Bool {
        var scanner = JSONScanner(bytes, elementAt: outcome.start, depth: depth)
        do throws(JSONError) {
            (outcome.end, outcome.arrayEnded) = try readElements(&scanner, limit: limit) { (scanner: inout JSONScanner) throws(JSONError) in
                reader.scanner = scanner
                defer { scanner = reader.scanner }
                try readElement(&reader)
            }
        } catch {
            outcome.error = error
            return false
        }
        reader.defects.hand(to: &outcome.skipped)
        return true
    }

    /// Reads elements of one part with `readElement`, from `start`, while they start before `limit`.
    static func readElements(_ scanner: inout JSONScanner, limit: Int, _ readElement: (inout JSONScanner) throws(JSONError) -> Void)
        throws(JSONError) -> (end: Int, arrayEnded: Bool) {
        while true {
            try readElement(&scanner)
            if try !scanner.nextElement() { return (scanner.position, true) }
            if scanner.position >= limit { return (scanner.position, false) }
        }
    }
}

// MARK: Jaeger

extension DocumentParts {
    /// A Jaeger document's array of traces: the `data` array of `{"data": [...]}` when `data` is its
    /// first member, or the document when it is an array; nil for anything else, or an empty array.
    static func jaegerArray(_ bytes: UnsafeRawBufferPointer) -> ArrayStart? {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        let documentStart = scanner.position
        var depth = 1
        var isEnvelope = false
        do throws(JSONError) {
            switch try scanner.peekKind() {
            case .object:
                try scanner.beginObject()
                guard let key = try scanner.nextKey(), key.matches("data"), try scanner.peekKind() == .array else { return nil }
                depth = 2
                isEnvelope = true
            case .array:
                break
            default:
                return nil
            }
            try scanner.beginArray()
            guard try scanner.nextElement(), scanner.position < bytes.count, bytes[scanner.position] == UInt8(ascii: "{") else { return nil }
        } catch {
            return nil
        }
        return ArrayStart(documentStart: documentStart, firstElement: scanner.position, depth: depth,
                          opener: UInt8(ascii: "{"), isEnvelope: isEnvelope)
    }

    /// Reads parts of a Jaeger array of traces, each into a sink of its own.
    struct JaegerReading<Sink: SpanSink & Sendable>: Reading {
        let detail: ReadDetail
        let strict: Bool
        let depth: Int
        let makeSink: @Sendable () -> Sink

        func isElementStart(_ offset: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
            let window = trialWindow(offset, in: bytes)
            var reader = JaegerJSONReader(window, detail: detail)
            reader.scanner = JSONScanner(window, elementAt: offset, depth: depth)
            var ignored = SpanCount()
            do throws(JSONError) {
                try reader.readElement(into: &ignored)
                return true
            } catch {
                return isCutShort(error, window: window, bytes: bytes)
            }
        }

        func readPart(_ bytes: UnsafeRawBufferPointer, start: Int, limit: Int) -> Outcome<Sink> {
            var reader = JaegerJSONReader(bytes, detail: detail)
            reader.defects.strict = strict
            var sink = CountingSink(base: makeSink())
            var outcome = Outcome<Sink>(start: start)
            let read = DocumentParts.readPart(with: &reader, bytes, depth: depth, limit: limit, into: &outcome) {
                (reader: inout JaegerJSONReader) throws(JSONError) in try reader.readElement(into: &sink)
            }
            guard read else { return outcome }
            sink.base.finishPart()
            outcome.spans = sink.count
            outcome.part = sink.base
            return outcome
        }
    }

    /// Reads a large Jaeger document in parts; nil when it is not of the shape (or, under
    /// `keepGoing`, has an error), for the caller to read it whole.
    static func readJaeger<Sink: SpanSink & Sendable>(
        _ input: InputBytes, context: ReadContext, partSize: Int, makeSink: @escaping @Sendable () -> Sink,
        take: (consuming Sink) -> Void
    ) throws(TraceReadError) -> InputReport? {
        let bytes = input.buffer
        guard let array = jaegerArray(bytes) else { return nil }
        let options = context.options
        var spans = 0
        var skipped: [JSONError] = []
        // Under keepGoing an error anywhere means reading the document again whole: nothing is taken before the end.
        var held: [Sink] = []
        let reading = JaegerReading(detail: options.detail, strict: options.strict, depth: array.depth, makeSink: makeSink)
        let ending = read(reading, input, array: array, partSize: partSize) { sink, outcome in
            spans += outcome.spans
            skipped += outcome.skipped
            if options.keepGoing { held.append(sink) } else { take(sink) }
        }
        guard let end = try ending.arrayEnd(context: context, in: bytes) else { return nil }
        // The rest: the envelope's other members, then any documents after it.
        var reader = JaegerJSONReader(bytes, detail: options.detail)
        reader.scanner = JSONScanner(bytes, elementAt: end, depth: array.depth - 1)
        reader.defects.strict = options.strict
        var tail = CountingSink(base: makeSink())
        do throws(JSONError) {
            if array.isEnvelope {
                try reader.readRestOfEnvelope(startingAt: array.documentStart, into: &tail)
                reader.defects.hand(to: &skipped)
            }
            try reader.readDocuments(into: &tail, keepGoing: options.keepGoing, strict: options.strict, skipped: &skipped)
        } catch {
            if options.keepGoing { return nil }
            throw context.textError(error, in: bytes, firstLine: 1)
        }
        tail.base.finishPart()
        for sink in held { take(sink) }
        take(tail.base)
        spans += tail.count
        return report(context: context, bytes: bytes, spans: spans, skipped: skipped)
    }

    private static func report(context: ReadContext, bytes: UnsafeRawBufferPointer, spans: Int, skipped: [JSONError]) -> InputReport {
        var report = context.report(layout: .document)
        var locator = TextLocator(bytes)
        report.note(skipped.map { context.textError($0, locatedBy: &locator, firstLine: 1) })
        report.spans = spans
        return report
    }
}

/// Counts spans and keeps none: for reading an element on trial.
private struct SpanCount: SpanSink {
    var count = 0
    mutating func receive(_ span: Span) { count += 1 }
}

// MARK: Zipkin

extension DocumentParts {
    /// A Zipkin document's array (of spans, or of arrays of spans); nil for anything else, or an empty array.
    static func zipkinArray(_ bytes: UnsafeRawBufferPointer) -> ArrayStart? {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        let documentStart = scanner.position
        do throws(JSONError) {
            guard try scanner.peekKind() == .array else { return nil }
            try scanner.beginArray()
            guard try scanner.nextElement(), scanner.position < bytes.count else { return nil }
        } catch {
            return nil
        }
        let opener = bytes[scanner.position]
        guard opener == UInt8(ascii: "{") || opener == UInt8(ascii: "[") else { return nil }
        return ArrayStart(documentStart: documentStart, firstElement: scanner.position, depth: 1, opener: opener)
    }

    /// A part of a Zipkin document: its records, or with spans handed to a sink at once, the sink,
    /// the ids of its spans and whether one had no service name; and the service names read in it.
    struct ZipkinPart<Sink: Sendable>: @unchecked Sendable {
        var records: [ZipkinRecord] = []
        var services: ZipkinServices
        var sink: Sink?
        var keys: [SpanKey] = []
        var hasNamelessSpan = false
    }

    /// Reads parts of a Zipkin array: into records, for the shared-span rule, which needs the whole
    /// document; or with `makeSink`, each span into the part's sink at once, its id kept, for a
    /// document that turns out to need nothing settled across it.
    struct ZipkinReading<Sink: SpanSink & Sendable>: Reading {
        let detail: ReadDetail
        let strict: Bool
        let makeSink: (@Sendable () -> Sink)?

        func isElementStart(_ offset: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
            let window = trialWindow(offset, in: bytes)
            var reader = ZipkinJSONReader(window, detail: detail)
            reader.scanner = JSONScanner(window, elementAt: offset, depth: 1)
            do throws(JSONError) {
                try reader.readElement()
                // A span with ids, or spans: an annotation, an object in a span, has none.
                return !reader.records.isEmpty
            } catch {
                return isCutShort(error, window: window, bytes: bytes)
            }
        }

        func readPart(_ bytes: UnsafeRawBufferPointer, start: Int, limit: Int) -> Outcome<ZipkinPart<Sink>> {
            var reader = ZipkinJSONReader(bytes, detail: detail)
            reader.defects.strict = strict
            var outcome = Outcome<ZipkinPart<Sink>>(start: start)
            guard let makeSink else {
                // Room for a span every 128 bytes, more than spans take: memory not written to costs nothing.
                reader.reserveRecords((min(limit, bytes.count) - start) / 128)
                let read = DocumentParts.readPart(with: &reader, bytes, depth: 1, limit: limit, into: &outcome) {
                    (reader: inout ZipkinJSONReader) throws(JSONError) in try reader.readElement()
                }
                guard read else { return outcome }
                let records = reader.takeRecords()
                outcome.spans = records.count
                outcome.part = ZipkinPart(records: records, services: reader.services)
                return outcome
            }
            var sink = CountingSink(base: makeSink())
            var keys: [SpanKey] = []
            var allNamed = true
            let read = DocumentParts.readPart(with: &reader, bytes, depth: 1, limit: limit, into: &outcome) {
                (reader: inout ZipkinJSONReader) throws(JSONError) in
                if try !reader.readElement(passingTo: &sink, keys: &keys) { allNamed = false }
            }
            guard read else { return outcome }
            sink.base.finishPart()
            outcome.spans = sink.count
            outcome.part = ZipkinPart(services: reader.services, sink: sink.base, keys: keys, hasNamelessSpan: !allNamed)
            return outcome
        }
    }

    /// How reading a Zipkin document with spans handed to sinks at once went.
    private enum AtOnce {
        case read(InputReport)
        /// An error under keepGoing: the document is read whole.
        case declined
        /// The document needs shared ids or services settled across it.
        case needsRecords
    }

    /// Reads a Zipkin document in parts, each span handed to its part's sink as it is read, and
    /// the sinks taken only if no id occurs twice in the document and every span names its service:
    /// then the shared-span rule and inherited services change nothing (the usual export, which is
    /// read so without keeping every span until the end).
    private static func readZipkinAtOnce<Sink: SpanSink & Sendable>(
        _ input: InputBytes, array: ArrayStart, context: ReadContext, partSize: Int, makeSink: @escaping @Sendable () -> Sink,
        take: (consuming Sink) -> Void
    ) throws(TraceReadError) -> AtOnce {
        let bytes = input.buffer
        let options = context.options
        var skipped: [JSONError] = []
        var parts: [ZipkinPart<Sink>] = []
        var spans = 0
        // Every id, gathered as each part is taken, while the parts after it are read.
        var ids = SpanKeySet(expectedCount: bytes.count / 256)
        var idTwice = false
        let reading = ZipkinReading(detail: options.detail, strict: options.strict, makeSink: makeSink)
        let ending = read(reading, input, array: array, partSize: partSize) { part, outcome in
            skipped += outcome.skipped
            spans += outcome.spans
            if !idTwice, !part.hasNamelessSpan {
                for key in part.keys where !ids.insert(key) {
                    idTwice = true
                    break
                }
            }
            var part = part
            part.keys = []
            parts.append(part)
        }
        guard let end = try ending.arrayEnd(context: context, in: bytes) else { return .declined }
        guard !parts.contains(where: \.hasNamelessSpan) else { return .needsRecords }
        // One resource per service name, as one reader has it: the parts' first of each must be the document's.
        var services = ServiceResources()
        for part in parts {
            for name in part.services.resources.names {
                let resource = services.resource(for: name)
                guard resource.serviceName.utf8.elementsEqual(part.services.resources.resources[name]!.serviceName.utf8) else {
                    return .needsRecords
                }
            }
        }
        guard !idTwice else { return .needsRecords }
        ids = SpanKeySet(expectedCount: 0)
        var tail = CountingSink(base: makeSink())
        try readFollowingZipkinDocuments(bytes, after: end, services: services, context: context, into: &tail, skipped: &skipped)
        for part in parts { take(part.sink!) }
        take(tail.base)
        return .read(report(context: context, bytes: bytes, spans: spans + tail.count, skipped: skipped))
    }

    /// The documents after the first, from `end` on, into `tail`.
    private static func readFollowingZipkinDocuments<Sink: SpanSink>(
        _ bytes: UnsafeRawBufferPointer, after end: Int, services: ServiceResources, context: ReadContext,
        into tail: inout CountingSink<Sink>, skipped: inout [JSONError]
    ) throws(TraceReadError) {
        var reader = ZipkinJSONReader(bytes, detail: context.options.detail)
        reader.scanner = JSONScanner(bytes, elementAt: end, depth: 0)
        reader.services = ZipkinServices(resources: services)
        do throws(JSONError) {
            try reader.readDocuments(into: &tail, keepGoing: context.options.keepGoing, strict: context.options.strict, skipped: &skipped)
        } catch {
            throw context.textError(error, in: bytes, firstLine: 1)
        }
        tail.base.finishPart()
    }

    /// Reads a large Zipkin document in parts; nil when it is not of the shape (or, under
    /// `keepGoing`, has an error), for the caller to read it whole.
    static func readZipkin<Sink: SpanSink & Sendable>(
        _ input: InputBytes, context: ReadContext, partSize: Int, makeSink: @escaping @Sendable () -> Sink,
        take: (consuming Sink) -> Void
    ) throws(TraceReadError) -> InputReport? {
        let bytes = input.buffer
        guard let array = zipkinArray(bytes) else { return nil }
        switch try readZipkinAtOnce(input, array: array, context: context, partSize: partSize, makeSink: makeSink, take: take) {
        case .read(let report): return report
        case .declined: return nil
        case .needsRecords: break
        }
        let options = context.options
        var skipped: [JSONError] = []
        var parts: [ZipkinPart<Sink>] = []
        let reading = ZipkinReading<Sink>(detail: options.detail, strict: options.strict, makeSink: nil)
        let ending = read(reading, input, array: array, partSize: partSize) { part, outcome in
            skipped += outcome.skipped
            parts.append(part)
        }
        guard let end = try ending.arrayEnd(context: context, in: bytes) else { return nil }
        // One resource per service name across the parts, the first read of each, as one reader has it.
        var services = ServiceResources()
        for index in parts.indices {
            var differs = false
            for name in parts[index].services.resources.names {
                let resource = services.resource(for: name)
                if !resource.serviceName.utf8.elementsEqual(parts[index].services.resources.resources[name]!.serviceName.utf8) {
                    differs = true
                }
            }
            guard differs else { continue }
            for record in parts[index].records.indices {
                guard let name = parts[index].records[record].serviceName else { continue }
                parts[index].records[record].span.resource = services.resource(for: name)
            }
        }
        // The documents after this one, read before anything is taken (under keepGoing they do not
        // fail), with the service names read so far.
        var tail = CountingSink(base: makeSink())
        try readFollowingZipkinDocuments(bytes, after: end, services: services, context: context, into: &tail, skipped: &skipped)

        var document = ZipkinDocument(segments: parts.map(\.records), services: services, detail: options.detail)
        parts = []
        document.resolve()

        // Each part's records into a sink of its own, on every core.
        let segments = document.segments.map { SegmentBox($0) }
        document.segments = []
        let sinks = Mutex([Int: Sink]())
        DispatchQueue.concurrentPerform(iterations: segments.count) { index in
            var sink = makeSink()
            var passer = SpanPasser()
            passer.pass(&segments[index].records, to: &sink)
            sink.finishPart()
            sinks.withLock { $0[index] = sink }
        }
        var spans = tail.count
        let filled = sinks.withLock { $0 }
        for index in segments.indices {
            spans += segments[index].records.count
            take(filled[index]!)
        }
        take(tail.base)
        return report(context: context, bytes: bytes, spans: spans, skipped: skipped)
    }
}

/// Span ids, each once: an open-addressing table of the ids themselves (a trace id of zeros marks a
/// free slot; no span read has one).
struct SpanKeySet {
    private var slots: [SpanKey]
    private var count = 0

    init(expectedCount: Int) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity *= 2 }
        slots = [SpanKey](repeating: SpanKey(traceID: .zero, spanID: SpanID(0)), count: capacity)
    }

    /// Adds the id; false when it was there already.
    mutating func insert(_ key: SpanKey) -> Bool {
        precondition(!Self.isFree(key))
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var slot = Self.hash(key) & mask
        while !Self.isFree(slots[slot]) {
            if slots[slot] == key { return false }
            slot = (slot + 1) & mask
        }
        slots[slot] = key
        count += 1
        return true
    }

    @inline(__always)
    private static func hash(_ key: SpanKey) -> Int {
        var hash = key.traceID.low &* 0x9E37_79B9_7F4A_7C15 ^ key.traceID.high
        hash = (hash ^ key.spanID.value) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: hash ^ hash >> 29)
    }

    private mutating func grow() {
        let old = slots
        slots = [SpanKey](repeating: SpanKey(traceID: .zero, spanID: SpanID(0)), count: old.count * 2)
        count = 0
        for key in old where !Self.isFree(key) { _ = insert(key) }
    }

    @inline(__always)
    private static func isFree(_ key: SpanKey) -> Bool { key.traceID.high | key.traceID.low == 0 }
}

/// One part's records, for the one thread that hands them to a sink.
private final class SegmentBox: @unchecked Sendable {
    var records: [ZipkinRecord]

    init(_ records: [ZipkinRecord]) {
        self.records = records
    }
}

/// Hands spans to a sink from a member of its own: a span passed from an array element is copied
/// first, one passed from a member is not.
struct SpanPasser {
    private var span = Span(traceID: .zero, spanID: SpanID(0), name: "", startTimeUnixNano: 0, endTimeUnixNano: 0,
                            resource: Resource(attributes: []))

    /// Hands each record's span to the sink, moving it out of the record.
    mutating func pass<Sink: SpanSink>(_ records: inout [ZipkinRecord], to sink: inout Sink) {
        for index in records.indices {
            swap(&span, &records[index].span)
            sink.receive(span)
        }
    }
}

extension TraceReader {
    /// A large Jaeger or Zipkin document read in parts on every core (``DocumentParts``); nil when it
    /// is read whole: another format, less than two parts, not of the shape, or under `keepGoing`
    /// with an error in it.
    static func readDocumentInParts<Sink: SpanSink & Sendable>(
        _ input: InputBytes, context: ReadContext, partSize: Int = DocumentParts.partSize,
        makeSink: @escaping @Sendable () -> Sink, take: (consuming Sink) -> Void
    ) throws(TraceReadError) -> InputReport? {
        guard input.buffer.count >= 2 * partSize else { return nil }
        switch context.format {
        case .jaegerJSON: return try DocumentParts.readJaeger(input, context: context, partSize: partSize, makeSink: makeSink, take: take)
        case .zipkinJSON: return try DocumentParts.readZipkin(input, context: context, partSize: partSize, makeSink: makeSink, take: take)
        case .otlpJSON, .otlpProtobuf: return nil
        }
    }
}

extension JaegerJSONReader: DocumentParts.PartReader {}
extension ZipkinJSONReader: DocumentParts.PartReader {}

extension DocumentParts.Ending {
    /// Where the array ended; nil when a part stopped at an error under `keepGoing`, for the
    /// document to be read whole, whose recovery goes on past it.
    /// - Throws: the error, in the input's terms, otherwise.
    func arrayEnd(context: ReadContext, in bytes: UnsafeRawBufferPointer) throws(TraceReadError) -> Int? {
        switch self {
        case .failure(let error):
            if context.options.keepGoing { return nil }
            throw context.textError(error, in: bytes, firstLine: 1)
        case .arrayEnd(let offset):
            return offset
        }
    }
}
