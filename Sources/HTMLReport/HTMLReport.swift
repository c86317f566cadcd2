import Mustache
import ServiceGraph
import TraceModel

/// The HTML report: one offline file with the service graph, the trace list, a flame graph
/// for every trace and the links between traces, followed both ways.
///
/// The page is `report.html` filled by Mustache with these values: `csp`, `title`,
/// `generatedBy`, `style`, `script`, `data` (the traces as JSON, escaped for a script
/// element), `graphSVG`, the list `inputs` (`path`, `format`, `spans`: the first 20), `moreInputs`
/// (how many inputs there were past those, only when there were), `timeRangeStart`,
/// `timeRangeEnd`, `traces`, `spans`, `services`, `errorSpans`, `links`, `unresolvedLinks`,
/// `duplicateSpans`, `droppedLinks` (only when SDKs dropped links, so that it can open a
/// section), `conflictingSpans` (only when records of one span's ids conflict), and, when
/// traces were left out, the section `omission` (`shownTraces`, `totalTraces`,
/// `omittedTraces`, `omittedSpans`, `maxTraces`, and the section `linksFromLeftOut` with `count`
/// when links point into the traces shown from those left out); when options selected the
/// traces, the section `selection` (`selectedTraces`, `tracesRead`, `query`).
public struct HTMLReport: Sendable {
    /// One input file, as the header lists it.
    public struct Input: Sendable {
        public var path: String
        public var format: String
        public var spans: Int

        public init(path: String, format: String, spans: Int) {
            self.path = path
            self.format = format
            self.spans = spans
        }
    }

    /// Choices for a report.
    public struct Options: Sendable {
        /// The page's title.
        public var title: String
        /// Show at most this many traces: those with errors, then the slowest, each with the
        /// traces linked to it. `nil` shows every trace.
        public var maxTraces: Int?
        /// The page's HTML template, style sheet and script: built in unless customised.
        public var templates: ReportTemplates
        /// Named in the page's header beside the title, for example `tracegraph 0.1`.
        public var generatedBy: String
        /// The options that selected the report's traces, as written (`--errors`): the page says
        /// so, and how many of the traces read they are; nil when every trace was taken.
        public var selectedBy: String?

        /// How many links away along a kept trace's chain the traces it brings are (``TraceSelection``);
        /// nil for any number.
        public var keepLinked: Int?

        public init(title: String = "Trace report", maxTraces: Int? = nil, templates: ReportTemplates = .builtIn,
                    generatedBy: String = "tracegraph") {
            self.title = title
            self.maxTraces = maxTraces
            self.templates = templates
            self.generatedBy = generatedBy
        }
    }

    /// The page's HTML.
    public let html: String
    /// How many traces the page shows, and how many the input had.
    public let shownTraces: Int, totalTraces: Int

    /// Makes the page for a set of traces.
    /// - Parameters:
    ///   - summary: what was read, for the header.
    ///   - graphSVG: the service graph of all the traces, as SVG; an XML prolog is left out.
    ///   - graph: the graph the SVG draws; its uninstrumented peers become filters of the trace
    ///     list like its services.
    ///   - attribution: the graph's reading of the spans of `traces`, in their order: each span's
    ///     parent, and the spans it counts on an edge to or from each peer. Without it, parents
    ///     are found by their ids, and no span is counted for a peer.
    ///   - digest: when `traces` holds only the traces a report chose while it read (``TraceDigest``),
    ///     the digest of every trace read (of every trace selected, with a query): the page counts
    ///     and dates by it, and says what it left out.
    ///   - tracesRead: when a query selected the traces, the digest of every trace read: a link
    ///     into a trace it did not select says so.
    public init(traces: TraceSet, summary: TraceSetSummary, inputs: [Input], graphSVG: String,
                graph: ServiceGraph? = nil, attribution: ServiceGraph.SpanAttribution? = nil,
                digest: TraceDigest? = nil, tracesRead: TraceDigest? = nil, options: Options = Options()) throws(ReportError) {
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: options.templates.page)
        } catch let error as MustacheTemplate.ParserError {
            throw .templateInvalid(name: "\(ReportTemplates.fileNames.page):\(error.context.lineNumber):\(error.context.columnNumber)",
                                   reason: "\(error.error)")
        } catch {
            throw .templateInvalid(name: ReportTemplates.fileNames.page, reason: "\(error)")
        }

        let catalog = TraceCatalog(traces)
        let kept = catalog.kept(atMost: options.maxTraces, keepLinked: options.keepLinked)
        let peers = graph?.nodes.filter { node in
            switch node.kind {
            case .database, .messaging, .remote: true
            case .service, .outsideInput: false
            }
        } ?? []
        let data = ReportData(set: traces, catalog: catalog, kept: kept, graph: graph, peers: peers, attribution: attribution,
                              digest: digest, tracesRead: tracesRead)
        shownTraces = kept.lazy.filter { $0 }.count
        totalTraces = max(catalog.traces.count, digest?.traceCount ?? 0)
        let timeRange = digest?.timeRange ?? catalog.traces.map(\.start).min().map { $0...max($0, catalog.traces.map(\.end).max()!) }

        var values: [String: Any] = [
            "csp": Self.contentSecurityPolicy(style: options.templates.style, script: options.templates.script),
            "title": options.title,
            "generatedBy": options.generatedBy,
            "style": options.templates.style,
            "script": options.templates.script,
            "data": String(decoding: data.json, as: UTF8.self),
            "graphSVG": Self.inlineSVG(graphSVG),
            "inputs": inputs.prefix(Self.maxInputsListed).map {
                ["path": GraphWording.shortened($0.path, limit: Self.maxInputPathLength), "format": $0.format,
                 "spans": GraphWording.count($0.spans)] as [String: Any]
            },
            "timeRangeStart": timeRange.map { Timestamp.iso8601($0.lowerBound) } ?? "",
            "timeRangeEnd": timeRange.map { Timestamp.iso8601($0.upperBound) } ?? "",
            "traces": GraphWording.count(summary.traces),
            "spans": GraphWording.count(summary.spans),
            "services": GraphWording.count(summary.services.count),
            "errorSpans": GraphWording.count(summary.errorSpans),
            "links": GraphWording.count(summary.links),
            "unresolvedLinks": GraphWording.count(summary.unresolvedLinks),
            "duplicateSpans": GraphWording.count(summary.duplicateSpans),
        ]
        if summary.droppedLinks > 0 { values["droppedLinks"] = GraphWording.count(summary.droppedLinks) }
        if summary.conflictingSpans > 0 { values["conflictingSpans"] = GraphWording.count(summary.conflictingSpans) }
        if inputs.count > Self.maxInputsListed {
            values["moreInputs"] = GraphWording.count(inputs.count - Self.maxInputsListed)
        }
        if let selectedBy = options.selectedBy, let read = summary.tracesInInput {
            values["selection"] = [
                "selectedTraces": GraphWording.count(summary.traces),
                "tracesRead": GraphWording.count(read),
                "query": selectedBy,
            ]
        }
        if shownTraces < totalTraces {
            var omission: [String: Any] = [
                "shownTraces": GraphWording.count(shownTraces),
                "totalTraces": GraphWording.count(totalTraces),
                "omittedTraces": GraphWording.count(totalTraces - shownTraces),
                "omittedSpans": GraphWording.count(max(traces.spans.count, summary.spans) - data.shownSpans),
                "maxTraces": String(options.maxTraces ?? 0),
            ]
            let shownIDs = Set(catalog.traces.indices.lazy.filter { kept[$0] }.map { catalog.traces[$0].id })
            let linksIn = digest?.linksFromLeftOut(shownIDs) ?? catalog.linksFromLeftOut(kept, in: traces)
            if linksIn > 0 { omission["linksFromLeftOut"] = ["count": GraphWording.count(linksIn, "link")] }
            values["omission"] = omission
        }
        html = template.render(values)
    }

    /// The header lists this many inputs at the most, then says how many more there were: a
    /// folder of 100,000 files is not 100,000 list items. A path is cut to this many scalars.
    static let maxInputsListed = 20, maxInputPathLength = 300

    /// Allows the page's own style and script, by their hashes, and nothing else: no network,
    /// no other script, no inline event handlers.
    static func contentSecurityPolicy(style: String, script: String) -> String {
        func hash(_ text: String) -> String { "'sha256-" + Base64.encode(SHA256.digest(Array(text.utf8))) + "'" }
        return "default-src 'none'; script-src \(hash(script)); style-src \(hash(style)); img-src data:; "
            + "base-uri 'none'; form-action 'none'"
    }

    /// The `<svg>` element alone, without the XML declaration and DOCTYPE before it.
    static func inlineSVG(_ svg: String) -> String {
        guard let start = svg.firstRange(of: "<svg") else { return "" }
        return String(svg[start.lowerBound...])
    }
}

/// Nanoseconds since the Unix epoch as ISO-8601 text in UTC.
enum Timestamp {
    static func iso8601(_ nanoseconds: UInt64) -> String {
        let seconds = Int64(nanoseconds / 1_000_000_000)
        let milliseconds = Int(nanoseconds / 1_000_000 % 1000)
        let (year, month, day) = civilDate(daysSinceEpoch: seconds / 86_400)
        let secondOfDay = Int(seconds % 86_400)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millisText = milliseconds < 10 ? "00\(milliseconds)" : milliseconds < 100 ? "0\(milliseconds)" : "\(milliseconds)"
        return "\(year)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)).\(millisText)Z"
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01, by the usual era arithmetic
    /// (an era is 400 years, 146,097 days; years counted from March so that leap days come last).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}
