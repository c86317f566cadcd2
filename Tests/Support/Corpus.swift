import Foundation
import TraceModel

/// The shared corpus of real export files beside the project, and the counts its PROVENANCE.md gives for each.
public enum Corpus {
    /// `../shared/corpus` from the repository's root.
    public static let folder: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/../shared/corpus"
    }()

    /// `../shared/bench` from the repository's root.
    public static let benchFolder = folder + "/../bench"

    /// `../shared/jsontestsuite/test_parsing` from the repository's root.
    public static let jsonTestSuiteFolder = folder + "/../jsontestsuite/test_parsing"

    /// One row of PROVENANCE.md's COUNTS table.
    public struct Counts: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var traces: Int
        public var spans: Int
        public var distinctSpans: Int
        public var linkSpans: Int
        public var links: Int
        public var services: Int
        public var errorSpans: Int
        public var events: Int
        public var roots: Int
        public var orphans: Int

        public var description: String { file }

        public init(file: String, traces: Int, spans: Int, distinctSpans: Int, linkSpans: Int, links: Int,
                    services: Int, errorSpans: Int, events: Int, roots: Int, orphans: Int) {
            self.file = file
            self.traces = traces
            self.spans = spans
            self.distinctSpans = distinctSpans
            self.linkSpans = linkSpans
            self.links = links
            self.services = services
            self.errorSpans = errorSpans
            self.events = events
            self.roots = roots
            self.orphans = orphans
        }

        /// Counts spans as PROVENANCE.md defines them. `records` are the spans as read,
        /// repeats included; services are the distinct `service.name` values present.
        public init(file: String, records: [Span]) {
            let set = TraceSet(records)
            let distinct = set.spans
            self.init(
                file: file,
                traces: Set(distinct.map(\.traceID)).count,
                spans: records.count,
                distinctSpans: distinct.count,
                linkSpans: records.filter { !$0.links.isEmpty }.count,
                links: records.reduce(0) { $0 + $1.links.count },
                services: Set(distinct.compactMap { $0.resource.attributes["service.name"]?.stringValue }).count,
                errorSpans: records.filter(\.isError).count,
                events: records.reduce(0) { $0 + $1.events.count },
                roots: records.filter { $0.parentSpanID == nil }.count,
                orphans: records.filter { span in
                    span.parentSpanID.map { !set.contains(SpanKey(traceID: span.traceID, spanID: $0)) } ?? false
                }.count
            )
        }
    }

    /// The COUNTS table of PROVENANCE.md, for the files in one folder (e.g. "otlp-json").
    public static func counts(in subfolder: String) throws -> [Counts] {
        let text = try String(contentsOfFile: folder + "/PROVENANCE.md", encoding: .utf8)
        return text.split(separator: "\n").compactMap { line -> Counts? in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 11, cells[0].hasPrefix(subfolder + "/") else { return nil }
            let spanCells = cells[2].split(separator: " ")
            let spans = Int(spanCells[0])!
            let distinct = spanCells.count > 1 ? Int(spanCells[1].trimmingCharacters(in: CharacterSet(charactersIn: "()")))! : spans
            let numbers = cells[1...10].map { Int($0.split(separator: " ")[0])! }
            return Counts(file: cells[0], traces: numbers[0], spans: spans, distinctSpans: distinct,
                          linkSpans: numbers[2], links: numbers[3], services: numbers[4], errorSpans: numbers[5],
                          events: numbers[6], roots: numbers[7], orphans: numbers[8])
        }
    }
}
