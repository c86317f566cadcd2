import Dispatch
import Synchronization
import SystemCalls
import TraceModel
#if canImport(Glibc)
import Glibc
#endif

/// The export formats this library reads.
public enum TraceInputFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// OTLP/JSON: one `ExportTraceServiceRequest`, JSON lines of them, or one wrapped by a query API.
    case otlpJSON = "otlp-json"
    /// OTLP/protobuf: one binary `ExportTraceServiceRequest` or `TracesData`, or a stream of them
    /// each preceded by its length (the Collector file exporter's `format: proto`).
    case otlpProtobuf = "otlp-proto"
    /// Jaeger's JSON: the UI's download and the query API's answers.
    case jaegerJSON = "jaeger"
    /// Zipkin's v2 JSON: an array of spans.
    case zipkinJSON = "zipkin"

    public var description: String { rawValue }
}

/// How to read inputs.
public struct ReadOptions: Sendable {
    /// What to decode of each span.
    public var detail: ReadDetail
    /// Skip a JSON line or protobuf message that does not read, and say so, instead of stopping.
    public var keepGoing: Bool
    /// The format to read; nil tells it from the content.
    public var format: TraceInputFormat?
    /// How many times its compressed size gzip input may inflate to, past 64 MiB, before it is
    /// refused as a gzip bomb.
    public var maximumInflation: Int

    /// Real exports inflate tens of times; a gzip bomb a thousand.
    public static let defaultMaximumInflation = 200

    /// Stop at a span that is well formed but cannot be used as it stands (``SpanDefect``: no trace
    /// id or span id, an all-zero one, an end before the start) instead of leaving it out or repairing
    /// it and saying so among the skipped or repaired parts.
    public var strict = false

    /// Where the bytes and spans read are counted as each part is done, for a progress line.
    public var progress: ReadProgress?

    public init(detail: ReadDetail = .full, keepGoing: Bool = false, format: TraceInputFormat? = nil,
                maximumInflation: Int = ReadOptions.defaultMaximumInflation) {
        self.detail = detail
        self.keepGoing = keepGoing
        self.format = format
        self.maximumInflation = maximumInflation
    }
}

/// What was read from one input.
public struct InputReport: Sendable, Equatable {
    /// How an input holds its messages.
    public enum Layout: String, Sendable, Hashable {
        case document = "one document"
        case jsonLines = "JSON lines"
        case lengthPrefixed = "length-prefixed messages"
    }

    /// The input's path, `-` for standard input, or the name the caller gave.
    public var source: String
    public var format: TraceInputFormat
    public var layout: Layout
    public var isCompressed: Bool
    /// Span records read, repeats included.
    public var spans: Int
    /// Lines or messages left out under `keepGoing`, and spans left out (``SpanDefect``), with why,
    /// in input order: the first ``maximumRecordedParts``; ``skippedCount`` counts them all.
    public var skipped: [TraceReadError]
    /// Spans read repaired (``SpanDefect/isRepaired``), with why, in input order: the first
    /// ``maximumRecordedParts``; ``repairedCount`` counts them all.
    public var repaired: [TraceReadError] = []
    /// How many parts were left out, those past the recorded ones included.
    public private(set) var skippedCount = 0
    /// How many spans were repaired, those past the recorded ones included.
    public private(set) var repairedCount = 0
    /// How many spans had each defect, all of them.
    private var defectCounts: [SpanDefect: Int] = [:]

    init(source: String, format: TraceInputFormat, layout: Layout, isCompressed: Bool) {
        self.source = source
        self.format = format
        self.layout = layout
        self.isCompressed = isCompressed
        spans = 0
        skipped = []
    }

    /// Parts of an input recorded with where they are and why; the rest are only counted, so that
    /// an input of a million bad lines costs no more memory than one of a thousand.
    public static let maximumRecordedParts = 1_000

    /// Adds a part's errors, in input order after those before: a repaired span's among `repaired`,
    /// anything else among `skipped`.
    mutating func note(_ errors: [TraceReadError]) {
        for error in errors {
            if let defect = error.spanDefect { defectCounts[defect, default: 0] += 1 }
            if error.spanDefect?.isRepaired == true {
                repairedCount += 1
                if repaired.count < Self.maximumRecordedParts { repaired.append(error) }
            } else {
                skippedCount += 1
                if skipped.count < Self.maximumRecordedParts { skipped.append(error) }
            }
        }
    }

    /// How many spans had this defect: left out, or repaired.
    public func count(of defect: SpanDefect) -> Int {
        defectCounts[defect] ?? 0
    }

    /// How many parts did not read (lines, messages, or under `keepGoing` spans of a document),
    /// apart from the spans left out for a defect.
    public var unreadCount: Int {
        SpanDefect.leavingOut.reduce(skippedCount) { $0 - count(of: $1) }
    }

    /// For example `otlp-json (JSON lines, gzip)`.
    public var formatDescription: String {
        var details: [String] = []
        if layout != .document { details.append(layout.rawValue) }
        if isCompressed { details.append("gzip") }
        return details.isEmpty ? format.rawValue : "\(format.rawValue) (\(details.joined(separator: ", ")))"
    }
}

/// The spans read from one input, whole.
public struct TraceFile: Sendable {
    public var report: InputReport
    /// The spans in input order, repeats included: `TraceSet` counts those.
    public var spans: [Span]

    public var source: String { report.source }
    public var format: TraceInputFormat { report.format }
}

/// Reads trace exports from files, folders, standard input or memory.
public enum TraceReader {
    /// How much of a JSON-lines input is read and parsed at a time, per core.
    static let chunkSize = 2 << 20

    /// Reads one file (`-`: standard input) into sinks that `makeSink` makes: one sink for a
    /// document, one per chunk for JSON lines, which are parsed on both cores. Each filled
    /// sink is handed to `take` as soon as it and those before it are done, in input order,
    /// on the calling thread: merge it there, and the chunks' sinks need not all stay in memory.
    public static func read<Sink: SpanSink & Sendable>(
        path: String, options: ReadOptions = ReadOptions(), makeSink: @escaping @Sendable () -> Sink,
        take: (consuming Sink) -> Void
    ) throws(TraceReadError) -> InputReport {
        switch try read(path: path, options: options, makeSink: makeSink, take: take, other: OtherContent<Never>?.none) {
        case .traces(let report): return report
        case .other(let never): switch never {}
        }
    }

    /// Reads one file as ``read(path:options:makeSink:take:)`` does, unless `other` recognizes its
    /// first bytes: then the whole input (inflated, within the same limits) goes to `other`'s
    /// `read` instead, and what that makes comes back.
    package static func read<Sink: SpanSink & Sendable, Other>(
        path: String, options: ReadOptions = ReadOptions(), makeSink: @escaping @Sendable () -> Sink,
        take: (consuming Sink) -> Void, other: OtherContent<Other>?
    ) throws(TraceReadError) -> InputContent<Other> {
        var counted = ProgressCount()
        let file = try FileSource(path: path)
        let content = try read(file, path: path, options: options, counted: &counted, makeSink: makeSink, take: take, other: other)
        // What the parts did not count: a whole document, or what compression made of the bytes.
        let spans = if case .traces(let report) = content { report.spans } else { 0 }
        counted.add(bytes: max(0, (file.size ?? counted.bytes) - counted.bytes), spans: spans - counted.spans, to: options.progress)
        return content
    }

    private static func read<Sink: SpanSink & Sendable, Other>(
        _ file: FileSource, path: String, options: ReadOptions, counted: inout ProgressCount,
        makeSink: @escaping @Sendable () -> Sink, take: (consuming Sink) -> Void, other: OtherContent<Other>?
    ) throws(TraceReadError) -> InputContent<Other> {
        if let mapped = file.mapped(), !FormatSniffer.isGzip(mapped.buffer) {
            if let other, other.recognizes(mapped.buffer, true) { return .other(other.read(mapped.buffer, path, false)) }
            return .traces(try readMapped(mapped, path: path, options: options, counted: &counted, makeSink: makeSink, take: take))
        }
        var source: ByteSource = file
        var bytes: [UInt8] = []
        var isComplete = try source.append(upTo: chunkSize, to: &bytes) < chunkSize
        var isCompressed = false
        if bytes.withUnsafeBytes(FormatSniffer.isGzip) {
            isCompressed = true
            source = try GzipSource(upstream: source, prefix: bytes, path: path, maximumInflation: options.maximumInflation)
            bytes = []
            isComplete = try source.append(upTo: chunkSize, to: &bytes) < chunkSize
        }
        if let other, bytes.withUnsafeBytes({ other.recognizes($0, isComplete) }) {
            while !isComplete {
                isComplete = try source.append(upTo: max(bytes.count, chunkSize), to: &bytes) == 0
            }
            return .other(bytes.withUnsafeBytes { other.read($0, path, isCompressed) })
        }
        var format = options.format
        if format == nil, let error = bytes.withUnsafeBytes({ foreignFileError($0, source: path) }) { throw error }
        while format == nil {
            switch bytes.withUnsafeBytes({ FormatSniffer.detect($0, isComplete: isComplete) }) {
            case .format(let detected): format = detected
            case .needMoreBytes: isComplete = try source.append(upTo: chunkSize, to: &bytes) < chunkSize
            }
        }
        let context = ReadContext(source: path, format: format!, isCompressed: isCompressed, options: options)
        if context.format == .otlpJSON, !isComplete, bytes.withUnsafeBytes(FormatSniffer.lastLineBoundary) != nil {
            var pending = bytes
            var isAtEnd = false
            // The carried-over start of a line, then a chunk's worth read straight behind it.
            return .traces(try readJSONLines(context: context, counted: &counted, countsBytes: !isCompressed, makeSink: makeSink, take: take) {
                () throws(TraceReadError) -> Chunk? in
                while !(isAtEnd && pending.isEmpty) {
                    var block = pending
                    if !isAtEnd {
                        // At least as much again as is pending: a line of any length is read in
                        // geometrically growing steps, not a chunk at a time copied over and over.
                        let step = max(chunkSize, pending.count)
                        block = try source.read(step, after: pending)
                        isAtEnd = block.count < pending.count + step
                    }
                    guard let end = isAtEnd ? block.count : block.withUnsafeBytes(FormatSniffer.lastLineBoundary) else {
                        pending = block // A line longer than a chunk: read on until it ends.
                        continue
                    }
                    pending = Array(block[end...])
                    return Chunk(input: InputBytes(block), range: 0..<end)
                }
                return nil
            })
        }
        while !isComplete {
            isComplete = try source.append(upTo: max(bytes.count, chunkSize), to: &bytes) == 0
        }
        return .traces(try readWhole(InputBytes(consume bytes), context: context, makeSink: makeSink, take: take))
    }

    /// A file mapped into memory: JSON lines in chunks of it, anything else whole, parsed in place.
    private static func readMapped<Sink: SpanSink & Sendable>(
        _ input: InputBytes, path: String, options: ReadOptions, counted: inout ProgressCount,
        makeSink: @escaping @Sendable () -> Sink, take: (consuming Sink) -> Void
    ) throws(TraceReadError) -> InputReport {
        let buffer = input.buffer
        var format = options.format
        if format == nil, let error = foreignFileError(buffer, source: path) { throw error }
        if format == nil, case .format(let detected) = FormatSniffer.detect(buffer, isComplete: true) { format = detected }
        let context = ReadContext(source: path, format: format ?? .otlpJSON, isCompressed: false, options: options)
        let firstWindow = UnsafeRawBufferPointer(rebasing: buffer[..<min(buffer.count, chunkSize)])
        guard context.format == .otlpJSON, buffer.count > chunkSize, FormatSniffer.lastLineBoundary(in: firstWindow) != nil else {
            return try readWhole(input, context: context, makeSink: makeSink, take: take)
        }
        var start = 0
        return try readJSONLines(context: context, counted: &counted, countsBytes: true, makeSink: makeSink, take: take) {
            () throws(TraceReadError) -> Chunk? in
            guard start < buffer.count else { return nil }
            var end = min(start + chunkSize, buffer.count)
            while end < buffer.count {
                if let boundary = FormatSniffer.lastLineBoundary(in: UnsafeRawBufferPointer(rebasing: buffer[start..<end])) {
                    end = start + boundary
                    break
                }
                end = min(end + chunkSize, buffer.count) // A line longer than a chunk.
            }
            defer { start = end }
            return Chunk(input: input, range: start..<end)
        }
    }

    /// A whole input in memory: a length-prefixed protobuf stream in groups on all cores, anything else at once.
    private static func readWhole<Sink: SpanSink & Sendable>(
        _ input: InputBytes, context: ReadContext, makeSink: @escaping @Sendable () -> Sink, take: (consuming Sink) -> Void
    ) throws(TraceReadError) -> InputReport {
        if context.format == .otlpProtobuf, OTLPProtobufReader.isLengthPrefixedStream(input.buffer) {
            return try readFramedProtobuf(input, context: context, makeSink: makeSink, take: take)
        }
        if let report = try readDocumentInParts(input, context: context, makeSink: makeSink, take: take) { return report }
        var sink = makeSink()
        let report = try context.readDocument(input.buffer, into: &sink, input: input)
        sink.finishPart()
        take(sink)
        return report
    }

    /// The error for bytes whose start says they are something else than an export: an image, a
    /// document, an archive, a web page; nil for anything else.
    private static func foreignFileError(_ bytes: UnsafeRawBufferPointer, source: String) -> TraceReadError? {
        FormatSniffer.foreignKind(bytes).map { TraceReadError(source: source, location: nil, problem: .notATraceExport(looksLike: $0)) }
    }

    /// Reads one file whole (`-`: standard input).
    public static func read(contentsOf path: String, options: ReadOptions = ReadOptions()) throws(TraceReadError) -> TraceFile {
        var spans: [Span] = []
        let report = try read(path: path, options: options, makeSink: { SpanList() }, take: { spans += $0.spans })
        return TraceFile(report: report, spans: spans)
    }

    /// Reads an export held in memory, gzip-compressed or not; `source` names it in errors.
    public static func read(_ bytes: UnsafeRawBufferPointer, source: String, options: ReadOptions = ReadOptions()) throws(TraceReadError) -> TraceFile {
        if FormatSniffer.isGzip(bytes) {
            // Inflated whole, as a file's would be; the report says it was compressed.
            let gzip = try GzipSource(upstream: MemorySource(bytes), prefix: [], path: source, maximumInflation: options.maximumInflation)
            var inflated: [UInt8] = []
            while try gzip.append(upTo: max(inflated.count, chunkSize), to: &inflated) > 0 {}
            // One layer, as from a file: gzip inside gzip is not inflated again on either path.
            var file = try inflated.withUnsafeBytes { buffer in
                Result { () throws(TraceReadError) in try readInflated(buffer, source: source, options: options) }
            }.get()
            file.report.isCompressed = true
            return file
        }
        return try readInflated(bytes, source: source, options: options)
    }

    /// Reads bytes that are no longer compressed, whatever they start with.
    private static func readInflated(_ bytes: UnsafeRawBufferPointer, source: String, options: ReadOptions) throws(TraceReadError) -> TraceFile {
        var format = options.format
        if format == nil, let error = foreignFileError(bytes, source: source) { throw error }
        if format == nil, case .format(let detected) = FormatSniffer.detect(bytes, isComplete: true) { format = detected }
        let context = ReadContext(source: source, format: format ?? .otlpJSON, isCompressed: false, options: options)
        var list = SpanList()
        let report = try context.readDocument(bytes, into: &list)
        return TraceFile(report: report, spans: list.spans)
    }

    /// Reads an export held in a string; `source` names it in errors.
    public static func read(_ text: String, source: String, options: ReadOptions = ReadOptions()) throws(TraceReadError) -> TraceFile {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(TraceReadError) in try read(UnsafeRawBufferPointer(buffer), source: source, options: options) }
        }.get()
    }

    /// The files that paths name: a folder stands for the files in it and its subfolders
    /// (hidden ones left out), in path order.
    public static func expand(_ paths: [String]) throws(TraceReadError) -> [String] {
        var files: [String] = []
        for path in paths {
            if path != "-", (try? FileSystem.status(ofPath: path))?.kind == .folder {
                files += try filesInFolder(path)
            } else {
                files.append(path)
            }
        }
        return files
    }

    private static func filesInFolder(_ folder: String) throws(TraceReadError) -> [String] {
        let names: [String]
        do throws(SystemError) {
            names = try FileSystem.names(inFolder: folder)
        } catch {
            throw FileSource.failure(folder, error)
        }
        var files: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            switch (try? FileSystem.status(ofPath: path))?.kind {
            case .folder?: files += try filesInFolder(path)
            case .regular?: files.append(path)
            default: break
            }
        }
        return files
    }

    /// JSON lines, a chunk of whole lines at a time: this thread cuts chunks (`nextChunk`) and
    /// hands them to workers on the other cores, a few at a time, and takes their sinks back in
    /// input order, letting go of each chunk's bytes once it is done; each chunk taken is
    /// `counted`, unless its bytes are not the input's own (inflated from gzip).
    private static func readJSONLines<Sink: SpanSink & Sendable>(
        context: ReadContext, counted: inout ProgressCount, countsBytes: Bool, makeSink: @escaping @Sendable () -> Sink,
        take: (consuming Sink) -> Void, nextChunk: () throws(TraceReadError) -> Chunk?
    ) throws(TraceReadError) -> InputReport {
        typealias Outcome = Result<(Sink, Int, [TraceReadError]), TraceReadError>
        var report = context.report(layout: .jsonLines)
        var nextLine = 1
        var dispatched = 0
        var taken = 0
        var chunkEnds: [Int: (input: InputBytes, range: Range<Int>)] = [:]
        let finished = Mutex([Int: Outcome]())
        let slots = DispatchSemaphore(value: max(2, Machine.activeProcessorCount + 1))
        let group = DispatchGroup()
        var failure: TraceReadError?

        /// Takes the sinks that are done, in order; with `wait`, waits for all.
        func takeFinished(wait: Bool) {
            if wait { group.wait() }
            while taken < dispatched, let outcome = finished.withLock({ $0.removeValue(forKey: taken) }) {
                let chunk = chunkEnds.removeValue(forKey: taken)
                chunk.map { $0.input.release(before: $0.range.upperBound) }
                taken += 1
                switch outcome {
                case .success(let (sink, count, skipped)):
                    take(sink)
                    counted.add(bytes: countsBytes ? chunk?.range.count ?? 0 : 0, spans: count, to: context.options.progress)
                    report.spans += count
                    report.note(skipped)
                case .failure(let error):
                    if failure == nil { failure = error }
                }
            }
        }

        while failure == nil, var chunk = try nextChunk() {
            chunk.firstLine = nextLine
            nextLine += chunk.lineCount
            let index = dispatched
            chunkEnds[index] = (chunk.input, chunk.range)
            dispatched += 1
            slots.wait()
            let work = chunk
            DispatchQueue.global().async(group: group) {
                var sink = makeSink()
                let outcome = Outcome { () throws(TraceReadError) -> (Sink, Int, [TraceReadError]) in
                    let (count, skipped) = try work.read(context, into: &sink)
                    sink.finishPart()
                    return (sink, count, skipped)
                }
                finished.withLock { $0[index] = outcome }
                slots.signal()
            }
            takeFinished(wait: false)
        }
        takeFinished(wait: true)
        if let failure { throw failure }
        return report
    }
}

extension TraceReader {
    /// Length-prefixed protobuf messages, in groups of whole messages decoded on all cores.
    private static func readFramedProtobuf<Sink: SpanSink & Sendable>(
        _ input: InputBytes, context: ReadContext, makeSink: @escaping @Sendable () -> Sink, take: (consuming Sink) -> Void
    ) throws(TraceReadError) -> InputReport {
        let bytes = input.buffer
        // Where each message starts, by its length prefix.
        var starts: [Int] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            starts.append(offset)
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            offset += 4 + length
        }
        // As with JSON lines, an input of no more than a chunk is read at once on this thread:
        // handing a few kilobytes to other threads costs more than it saves, and on a busy
        // machine much more (milliseconds of waiting for the workers to be scheduled).
        let groupCount = bytes.count <= chunkSize ? 1 : min(starts.count, 4 * Machine.activeProcessorCount)
        let target = (bytes.count + groupCount - 1) / max(groupCount, 1)
        var groups: [Range<Int>] = []
        var groupStart = 0
        for start in starts.dropFirst() where start - groupStart >= target {
            groups.append(groupStart..<start)
            groupStart = start
        }
        groups.append(groupStart..<bytes.count)
        typealias Outcome = Result<(Sink, InputReport), TraceReadError>
        let outcomes = Mutex([Int: Outcome]())
        let groupList = groups
        let readGroup = { @Sendable (index: Int) in
            var sink = makeSink()
            let outcome = Outcome { () throws(TraceReadError) -> (Sink, InputReport) in
                let group = groupList[index]
                let report = try context.readProtobuf(UnsafeRawBufferPointer(rebasing: input.buffer[group]), offset: group.lowerBound, into: &sink)
                sink.finishPart()
                return (sink, report)
            }
            outcomes.withLock { $0[index] = outcome }
        }
        if groupList.count == 1 {
            readGroup(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: groupList.count, execute: readGroup)
        }
        let finished = outcomes.withLock { $0 }
        var report = context.report(layout: .lengthPrefixed)
        for index in groupList.indices {
            let (sink, part) = try finished[index]!.get()
            take(sink)
            report.spans += part.spans
            report.note(part.skipped)
            report.repaired += part.repaired
        }
        return report
    }
}

/// Whole lines of a JSON-lines input, and the line they start at.
private struct Chunk: Sendable {
    let input: InputBytes
    let range: Range<Int>
    var firstLine = 1

    init(input: InputBytes, range: Range<Int>) {
        self.input = input
        self.range = range
    }

    private var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: input.buffer[range]) }

    var lineCount: Int {
        var count = 0
        guard var position = bytes.baseAddress else { return 0 }
        var remaining = bytes.count
        while remaining > 0, let found = memchr(position, 0x0A, remaining) {
            count += 1
            let next = UnsafeRawPointer(found) + 1
            remaining -= next - position
            position = next
        }
        return count
    }

    func read<Sink: SpanSink>(_ context: ReadContext, into sink: inout Sink) throws(TraceReadError) -> (Int, [TraceReadError]) {
        let read = try context.readOTLPJSON(bytes, into: &sink, firstLine: firstLine)
        return (read.spans, read.skipped)
    }
}

/// One input being read: its name, format and options, and the errors in its terms.
struct ReadContext: Sendable {
    var source: String
    var format: TraceInputFormat
    var isCompressed: Bool
    var options: ReadOptions

    func report(layout: InputReport.Layout) -> InputReport {
        InputReport(source: source, format: format, layout: layout, isCompressed: isCompressed)
    }

    /// Reads a whole input held in memory; `input`, when given, holds `bytes` and no more.
    func readDocument<Sink: SpanSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout Sink, input: InputBytes? = nil) throws(TraceReadError) -> InputReport {
        var counted = CountingSink(base: sink)
        defer { sink = counted.base }
        var report = report(layout: .document)
        switch format {
        case .otlpJSON:
            let read = try readOTLPJSON(bytes, into: &counted, firstLine: 1, input: input)
            report.note(read.skipped)
            if read.documents > 1 { report.layout = .jsonLines }
        case .jaegerJSON:
            var reader = JaegerJSONReader(bytes, detail: options.detail)
            report.note(try readJSON(bytes) { (skipped: inout [JSONError]) throws(JSONError) in
                try reader.readAll(into: &counted, keepGoing: options.keepGoing, strict: options.strict, skipped: &skipped)
            })
        case .zipkinJSON:
            var reader = ZipkinJSONReader(bytes, detail: options.detail)
            report.note(try readJSON(bytes) { (skipped: inout [JSONError]) throws(JSONError) in
                try reader.readAll(into: &counted, keepGoing: options.keepGoing, strict: options.strict, skipped: &skipped)
            })
        case .otlpProtobuf:
            return try readProtobuf(bytes, offset: 0, into: &counted)
        }
        report.spans = counted.count
        return report
    }

    /// Reads OTLP/protobuf: one message, or messages each preceded by its length. `offset` says
    /// where the bytes start in the input, for the positions of errors.
    func readProtobuf<Sink: SpanSink>(_ bytes: UnsafeRawBufferPointer, offset: Int, into sink: inout Sink) throws(TraceReadError) -> InputReport {
        var counted = CountingSink(base: sink)
        defer { sink = counted.base }
        var report = report(layout: OTLPProtobufReader.layout(of: bytes) == .lengthPrefixedStream ? .lengthPrefixed : .document)
        var reader = OTLPProtobufReader(bytes, detail: options.detail)
        var skipped: [ProtobufError] = []
        func readError(_ error: ProtobufError) -> TraceReadError {
            TraceReadError(source: source, location: .byteOffset(offset + error.offset),
                           problem: error.problem ?? .malformedProtobuf(reason: error.reason))
        }
        do {
            try reader.readAll(into: &counted, keepGoing: options.keepGoing, strict: options.strict, skipped: &skipped)
        } catch {
            throw readError(error)
        }
        report.note(skipped.map(readError))
        report.spans = counted.count
        return report
    }

    /// Runs a JSON reader over a whole document, its errors turned into the input's terms.
    private func readJSON(_ bytes: UnsafeRawBufferPointer, _ read: (inout [JSONError]) throws(JSONError) -> Void) throws(TraceReadError) -> [TraceReadError] {
        var skipped: [JSONError] = []
        do {
            try read(&skipped)
        } catch {
            throw textError(error, in: bytes, firstLine: 1)
        }
        var locator = TextLocator(bytes)
        return skipped.map { textError($0, locatedBy: &locator, firstLine: 1) }
    }

    /// Reads OTLP/JSON whose first line is line `firstLine` of the input; `input`, when given,
    /// holds `bytes` and no more, and its pages go back to the system as they are read.
    func readOTLPJSON<Sink: SpanSink>(
        _ bytes: UnsafeRawBufferPointer, into sink: inout Sink, firstLine: Int, input: InputBytes? = nil
    ) throws(TraceReadError) -> (spans: Int, documents: Int, skipped: [TraceReadError]) {
        var counted = CountingSink(base: sink)
        defer { sink = counted.base }
        var reader = OTLPJSONReader<CountingSink<Sink>>(bytes, detail: options.detail)
        reader.input = input
        var skipped: [JSONError] = []
        do {
            try reader.readAll(into: &counted, keepGoing: options.keepGoing, strict: options.strict, skipped: &skipped)
        } catch {
            throw textError(error, in: bytes, firstLine: firstLine)
        }
        var locator = TextLocator(bytes)
        return (counted.count, reader.documentCount, skipped.map { textError($0, locatedBy: &locator, firstLine: firstLine) })
    }

    func textError(_ error: JSONError, in bytes: UnsafeRawBufferPointer, firstLine: Int) -> TraceReadError {
        var locator = TextLocator(bytes)
        return textError(error, locatedBy: &locator, firstLine: firstLine)
    }

    /// An error with its line and column, found by a locator that goes forward through the text.
    func textError(_ error: JSONError, locatedBy locator: inout TextLocator, firstLine: Int) -> TraceReadError {
        var location = locator.location(of: error.offset)
        if case .text(let line, let column) = location { location = .text(line: line + firstLine - 1, column: column) }
        return TraceReadError(source: source, location: location, problem: error.problem)
    }
}

/// Passes spans on and counts them.
struct CountingSink<Base: SpanSink>: SpanSink {
    var base: Base
    var count = 0

    mutating func receive(_ span: Span) {
        count += 1
        base.receive(span)
    }
}

/// Keeps every span it receives, in order.
struct SpanList: SpanSink, Sendable {
    var spans: [Span] = []
    mutating func receive(_ span: Span) { spans.append(span) }
}


