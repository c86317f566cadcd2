import GraphOutputs
import Foundation
import Testing
import TraceTestSupport
import Tracegraph
@testable import HTMLReport

/// The page's data, read back the way the page's script reads it.
struct ReportDataView {
    let object: [String: Any]

    init(html: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let open = "<script type=\"application/json\" id=\"report-data\">"
        let start = try #require(html.range(of: open), sourceLocation: sourceLocation)
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex), sourceLocation: sourceLocation)
        let json = Data(html[start.upperBound..<end.lowerBound].utf8)
        object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any], sourceLocation: sourceLocation)
    }

    var strings: [String] { object["strings"] as! [String] }
    func traces(_ column: String) -> [Int] { (object["traces"] as! [String: Any])[column] as! [Int] }
    func spans(_ column: String) -> [Int] { (object["spans"] as! [String: Any])[column] as! [Int] }
    var spanIDs: String { (object["spans"] as! [String: Any])["ids"] as! String }
    var traceIDs: String { (object["traces"] as! [String: Any])["ids"] as! String }
    var links: [[Any]] { object["links"] as! [[Any]] }
    var attributes: [Int] { object["attributes"] as! [Int] }

    /// Each span's parent's index, -1 when the report does not show it.
    var parents: [Int] { spans("parentDistance").enumerated().map { $1 == 0 ? -1 : $0 - $1 } }

    /// Span `index`'s attributes as key and value text.
    func attributes(ofSpan index: Int) -> [(String, String)] {
        let start = 2 * spans("attributeCount")[..<index].reduce(0, +)
        return stride(from: start, to: start + 2 * spans("attributeCount")[index], by: 2).map {
            (strings[attributes[$0]], strings[attributes[$0 + 1]])
        }
    }
}

@Suite struct ReportDataTests {
    let example = LoadedTraces.builtInExample()

    func report(_ traces: LoadedTraces, maxTraces: Int? = nil) throws -> HTMLReport {
        try traces.htmlReport(options: .init(maxTraces: maxTraces))
    }

    @Test func everySpanOfTheExampleIsInTheDataOnceGroupedByTraceInStartOrder() throws {
        let data = try ReportDataView(html: report(example).html)
        let first = data.traces("first"), count = data.traces("count"), starts = data.spans("start")
        #expect(first.count == 30)
        #expect(count.reduce(0, +) == 217)
        #expect(data.spanIDs.count == 217 * 16)
        #expect(data.traceIDs.count == 30 * 32)
        #expect(Set(stride(from: 0, to: data.spanIDs.count, by: 16).map { data.spanIDs.dropFirst($0).prefix(16) }).count == 217)
        for trace in 0..<30 {
            let spans = first[trace]..<(first[trace] + count[trace])
            #expect(spans.allSatisfy { $0 == spans.lowerBound || starts[$0 - 1] <= starts[$0] }, "trace \(trace) is not in start order")
            #expect(starts[spans.lowerBound] == 0, "a trace's first span starts at its start")
            let parents = data.parents
            for span in spans where parents[span] >= 0 {
                #expect(spans.contains(parents[span]), "a parent is in the same trace")
            }
            #expect(spans.filter { parents[$0] < 0 }.count >= 1, "trace \(trace) has a root")
        }
        let traceStarts = data.traces("startMicros")
        #expect(traceStarts == traceStarts.sorted())
    }

    @Test func linksKeepTheirTargetsAndTheOneOutsideTheInputSaysSo() throws {
        let data = try ReportDataView(html: report(example).html)
        #expect(data.links.count == 25)
        #expect(data.traces("linksOut").reduce(0, +) == 25)
        let targets = data.links.map { $0[1] as! Int }
        #expect(targets.filter { $0 == -1 }.count == 1)
        #expect(targets.filter { $0 == -2 }.isEmpty)
        // Each resolved link names the span it points at by the same ids as the span's own.
        let traceOf = { (span: Int) in data.traces("first").lastIndex { $0 <= span }! }
        for link in data.links where (link[1] as! Int) >= 0 {
            let target = link[1] as! Int
            #expect(link[3] as! String == String(data.spanIDs.dropFirst(16 * target).prefix(16)))
            #expect(link[2] as! String == String(data.traceIDs.dropFirst(32 * traceOf(target)).prefix(32)))
        }
        let crossTrace = data.links.filter { ($0[1] as! Int) >= 0 && traceOf($0[0] as! Int) != traceOf($0[1] as! Int) }
        #expect(data.traces("linksIn").reduce(0, +) == crossTrace.count)
    }

    @Test func peerCallsAreTheCallsTheGraphCountsToEachPeer() throws {
        let data = try ReportDataView(html: report(example).html)
        let peers = data.object["peers"] as! [[String: Any]]
        let calls = data.object["peerCalls"] as! [[Int]]
        var callsByNode: [String: Int] = [:]
        for call in calls { callsByNode[peers[call[1]]["node"] as! String, default: 0] += 1 }
        let reading = example.graphReading(attributingSpans: true)
        let graph = reading.graph
        // Every call edge to or from a peer counts spans that the page lists for that peer; a
        // consumer that links to producers is listed for their topic, once.
        var expected: [String: Int] = [:]
        for edge in graph.callEdges {
            for end in [edge.from, edge.to] where graph.node(end)?.kind != .service { expected[end.rawValue, default: 0] += edge.calls }
        }
        let linkedConsumers = Set(example.traces.spans.indices.filter { index in
            let span = example.traces.spans[index]
            return span.kind == .consumer && span.links.contains { example.traces[$0.target]?.kind == .producer }
        })
        expected["topic_orders", default: 0] += linkedConsumers.count
        #expect(peers.count == 9)
        #expect(callsByNode == expected)
        #expect(reading.attribution?.peerSpans.count == calls.count)
        let withoutPeers = try ReportDataView(html: example.htmlReport(graphOptions: .init(inferUninstrumentedPeers: false)).html)
        #expect((withoutPeers.object["peers"] as! [Any]).isEmpty)
        #expect((withoutPeers.object["peerCalls"] as! [Any]).isEmpty)
    }

    @Test func peersSayTheirKindAndSystem() throws {
        let data = try ReportDataView(html: report(example).html)
        let peers = data.object["peers"] as! [[String: Any]]
        let described = Dictionary(uniqueKeysWithValues: peers.map {
            ($0["node"] as! String, "\($0["kind"] as! String) \(data.strings[$0["system"] as! Int])")
        })
        #expect(described["topic_orders"] == "messaging kafka")
        #expect(described["db_orders-db"] == "database postgresql")
        #expect(described["db_cart-cache"] == "database redis")
        #expect(described["peer_api_payments_example_fbb852c2"] == "remote ")
        // Every peer of the graph, with the kind the graph gives it.
        let graph = example.graphReading(attributingSpans: true).graph
        for node in graph.nodes {
            switch node.kind {
            case .database(let system): #expect(described[node.id.rawValue] == "database \(system)")
            case .messaging(let system): #expect(described[node.id.rawValue] == "messaging \(system)")
            case .remote: #expect(described[node.id.rawValue] == "remote ")
            case .service, .outsideInput: #expect(described[node.id.rawValue] == nil)
            }
        }
    }

    @Test(arguments: [false, true])
    func aTemplateCanSayHowManyRecordsConflicted(conflicting: Bool) throws {
        var spans = [Fixture.span(trace: 1, id: 1, service: "a"), Fixture.span(trace: 1, id: 1, service: "a")]
        if conflicting { spans[1].endTimeUnixNano += 1 }
        let traces = TraceSet(spans)
        let templates = ReportTemplates(page: "{{#conflictingSpans}}conflicting: {{conflictingSpans}}{{/conflictingSpans}}|{{duplicateSpans}}",
                                        style: "", script: "")
        let page = try HTMLReport(traces: traces, summary: TraceSetSummary(traces), inputs: [], graphSVG: "<svg/>",
                                  options: .init(templates: templates))
        #expect(page.html == (conflicting ? "conflicting: 1|0" : "|1"))
    }

    @Test func droppedLinksAreListedForTheSpansWhoseSDKDroppedSomeInSpanOrder() throws {
        var spans = (1...4).map { Fixture.span(trace: 1, id: $0, parent: $0 == 1 ? nil : 1, service: "batch", start: 1_000 * $0) }
        spans[1].droppedLinksCount = 872
        spans[3].droppedLinksCount = 1
        spans[2].links = [SpanLink(traceID: Fixture.traceID(1), spanID: SpanID(1))]
        let set = TraceSet(spans.reversed())
        let html = try HTMLReport(traces: set, summary: TraceSetSummary(set), inputs: [], graphSVG: "").html
        let data = try ReportDataView(html: html)
        #expect(data.object["droppedLinks"] as! [[Int]] == [[1, 872], [3, 1]])
        #expect(data.links.count == 1)
        #expect(try ReportDataView(html: report(example).html).object["droppedLinks"] as! [[Int]] == [])
    }

    @Test func theHeaderListsTwentyInputsAndCountsTheRest() throws {
        let set = TraceSet([Fixture.span(trace: 1, id: 1, service: "a")])
        func header(inputs count: Int) throws -> String {
            let inputs = (0..<count).map { HTMLReport.Input(path: "in-\($0)-" + String(repeating: "x", count: 1_000), format: "otlp-json", spans: 1) }
            return try HTMLReport(traces: set, summary: TraceSetSummary(set), inputs: inputs, graphSVG: "").html
        }
        let many = try header(inputs: 1_234)
        #expect(many.components(separatedBy: "<span class=\"input-path\">").count - 1 == 20)
        #expect(many.contains("and 1,214 more inputs"))
        #expect(!many.contains("in-20-"))
        #expect(!many.contains(String(repeating: "x", count: 300)), "a path is cut")
        let few = try header(inputs: 20)
        #expect(few.components(separatedBy: "<span class=\"input-path\">").count - 1 == 20)
        #expect(!few.contains("more inputs"))
    }

    @Test func theShopsSummarySpanKeeps128LinksAndSaysTheSDKDropped872() throws {
        let shop = try LoadedTraces(paths: [Fixtures.pythonSDKShop])
        let data = try ReportDataView(html: shop.htmlReport().html)
        let dropped = data.object["droppedLinks"] as! [[Int]]
        try #require(dropped.count == 1)
        let span = dropped[0][0]
        #expect(dropped[0][1] == 872)
        #expect(data.strings[data.spans("name")[span]] == "nightly-invoices summarize")
        let services = data.object["services"] as! [[String: Any]]
        #expect(data.strings[services[data.spans("service")[span]]["name"] as! Int] == "billing")
        #expect(data.links.filter { $0[0] as! Int == span }.count == 128)
    }

    @Test(arguments: [nil, 400])
    func workflowsGroupTheShownTracesByTheRootTheListShowsAndJoinThoseLinksJoin(maxTraces: Int?) throws {
        let shop = try LoadedTraces(paths: [Fixtures.pythonSDKShop])
        let data = try ReportDataView(html: try shop.htmlReport(options: .init(maxTraces: maxTraces)).html)
        let workflows = try #require(data.object["workflows"] as? [[String: Any]])
        let traceCount = data.traces("count").count
        let rootService = data.traces("rootService"), rootName = data.traces("rootName")
        var workflowOf = [Int](repeating: -1, count: traceCount)
        for (index, workflow) in workflows.enumerated() {
            let groups = workflow["groups"] as! [[String: Any]]
            var size = 0
            for group in groups {
                let traces = group["traces"] as! [Int]
                // Each trace of a group has the root service and name its row in the list shows.
                #expect(traces.allSatisfy { rootService[$0] == group["service"] as! Int && rootName[$0] == group["name"] as! Int })
                #expect(traces.filter { data.traces("errors")[$0] > 0 }.count == group["failing"] as! Int)
                for trace in traces {
                    #expect(workflowOf[trace] == -1, "a trace is in one group")
                    workflowOf[trace] = index
                }
                size += traces.count
            }
            #expect(size > 1, "a workflow joins two traces or more")
            #expect(Set(groups.map { $0["priority"] as! Int }) == Set(groups.indices))
        }
        // Two traces a link joins are in one workflow; a trace in none has no link to or from another shown.
        let first = data.traces("first"), count = data.traces("count")
        var traceOfSpan = [Int](repeating: 0, count: count.reduce(0, +))
        for trace in 0..<traceCount { for span in first[trace]..<(first[trace] + count[trace]) { traceOfSpan[span] = trace } }
        var joined = Set<Int>()
        for link in data.links where link[1] as! Int >= 0 {
            let (from, to) = (traceOfSpan[link[0] as! Int], traceOfSpan[link[1] as! Int])
            guard from != to else { continue }
            #expect(workflowOf[from] >= 0 && workflowOf[from] == workflowOf[to])
            joined.formUnion([from, to])
        }
        #expect(Set(workflowOf.indices.filter { workflowOf[$0] >= 0 }) == joined)
        if maxTraces == nil {
            // The batch first: 1,000 items and the job, the failing items' group drawn first.
            let batch = workflows[0]["groups"] as! [[String: Any]]
            #expect(batch.map { ($0["traces"] as! [Int]).count } == [1_000, 1])
            #expect(batch.map { $0["failing"] as! Int } == [6, 0] && batch.map { $0["priority"] as! Int } == [0, 1])
            #expect(workflows[0]["links"] as! [[Int]] == [[0, 1, 128], [1, 0, 1_000]])
            #expect(workflows.count == 7)
        }
    }

    @Test func theSameSpansInAnyOrderGiveTheSamePage() throws {
        var shuffled = example
        var generator = SplitMix64(seed: 7)
        shuffled.traces = TraceSet(example.traces.spans.shuffled(using: &generator))
        #expect(try report(shuffled).html == report(example).html)
    }

    @Test func theExamplesDataMatchesItsGoldenFile() throws {
        let html = try report(example).html
        let open = "<script type=\"application/json\" id=\"report-data\">"
        let start = try #require(html.range(of: open))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        Golden.check(String(html[start.upperBound..<end.lowerBound]) + "\n", matches: "builtin-example-data.json")
    }

    @Test(arguments: [1, 5, 12])
    func aLimitKeepsErrorTracesFirstThenTheSlowestWithTheirLinkedTraces(limit: Int) throws {
        let catalog = TraceCatalog(example.traces)
        let kept = catalog.kept(atMost: limit)
        #expect(kept.filter { $0 }.count == limit)
        let errorTraces = catalog.traces.indices.filter { catalog.traces[$0].errorSpans > 0 }
        if limit >= errorTraces.count {
            #expect(errorTraces.allSatisfy { kept[$0] })
        } else {
            #expect(catalog.traces.indices.filter { kept[$0] }.allSatisfy { catalog.traces[$0].errorSpans > 0 })
        }
        let data = try ReportDataView(html: report(example, maxTraces: limit).html)
        #expect(data.traces("count").count == limit)
        let spansShown = data.traces("count").reduce(0, +)
        #expect(try omission(maxTraces: limit) == "\(limit)/30/\(30 - limit)/\(217 - spansShown)/\(limit)")
        #expect(data.spanIDs.count == spansShown * 16)
        // A link into a trace that was left out says so (-2); none points past the spans shown.
        #expect(data.links.allSatisfy { ($0[1] as! Int) < spansShown && ($0[1] as! Int) >= -2 })
    }

    @Test func aLimitAtOrAboveTheTraceCountLeavesNothingOut() throws {
        #expect(try ReportDataView(html: report(example, maxTraces: 30).html).traces("count").count == 30)
        #expect(try omission(maxTraces: 30) == "")
    }

    /// The template's `omission` section, filled.
    func omission(maxTraces: Int) throws -> String {
        let templates = ReportTemplates(
            page: "{{#omission}}{{shownTraces}}/{{totalTraces}}/{{omittedTraces}}/{{omittedSpans}}/{{maxTraces}}{{/omission}}",
            style: "", script: "")
        return try example.htmlReport(options: .init(maxTraces: maxTraces, templates: templates)).html
    }
}

@Suite struct ReportEscapingTests {
    static let payloads = [
        "</script><script>window.__pwned=1</script>",
        "<!--<script>",
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "\"quoted\" & 'single' &amp;",
        "line\u{2028}separator\u{2029}",
        "\u{0}control\u{1F}",
    ]

    func hostileReport() throws -> String {
        var spans: [Span] = []
        for (index, payload) in Self.payloads.enumerated() {
            var span = Fixture.span(trace: 1, id: UInt64(index + 1), parent: index == 0 ? nil : 1, service: payload,
                                    name: payload, attributes: [payload: payload])
            span.events = [SpanEvent(timeUnixNano: 1_500, name: payload, attributes: [Attribute(key: payload, value: .string(payload))])]
            span.links = [SpanLink(traceID: Fixture.traceID(2), spanID: SpanID(1), traceState: payload,
                                   attributes: [Attribute(key: payload, value: .string(payload))])]
            span.status = SpanStatus(code: .error, message: payload)
            spans.append(span)
        }
        spans.append(Fixture.span(trace: 2, id: 1, service: "queue", name: "produce"))
        let set = TraceSet(spans)
        return try HTMLReport(traces: set, summary: TraceSetSummary(set),
                              inputs: [HTMLReport.Input(path: Self.payloads[0], format: Self.payloads[2], spans: spans.count)],
                              graphSVG: "<svg></svg>", options: .init(title: Self.payloads[0])).html
    }

    @Test func traceTextCannotEndTheDataElementOrOpenAnother() throws {
        // The page's own script may speak of script elements; the trace data may not make any.
        let html = try hostileReport().replacingOccurrences(of: ReportTemplates.builtIn.script, with: "")
        let templateScripts = ReportTemplates.builtIn.page.components(separatedBy: "<script").count - 1
        #expect(html.components(separatedBy: "<script").count - 1 == templateScripts)
        #expect(html.components(separatedBy: "</script").count - 1 == templateScripts)
        #expect(!html.contains("<!--<script"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains("\u{2028}"))
    }

    @Test func everyPayloadComesBackExactlyFromTheData() throws {
        let data = try ReportDataView(html: try hostileReport())
        for payload in Self.payloads {
            #expect(data.strings.contains(payload), "\(payload.debugDescription) is not in the string table")
        }
        #expect(data.spans("attributeCount").reduce(0, +) * 2 == data.attributes.count)
        #expect(data.attributes(ofSpan: 0).map { [$0.0, $0.1] } == [[Self.payloads[0], Self.payloads[0]]])
    }

    @Test(arguments: [
        ("a" + String(repeating: "\u{301}", count: 100_000), "a" + String(repeating: "\u{301}", count: 30)),
        ("Zalgo: Z\u{351}\u{36B}\u{343}a\u{35B}", "Zalgo: Z\u{351}\u{36B}\u{343}a\u{35B}"),
        ("e\u{301}" + String(repeating: "\u{302}", count: 40) + "x\u{303}", "e\u{301}" + String(repeating: "\u{302}", count: 29) + "x\u{303}"),
        ("Ωμέγα 日本語 🇩🇪 \u{2028}", "Ωμέγα 日本語 🇩🇪 \u{2028}"),
    ])
    func textReachesThePageStreamSafe(text: String, shown: String) throws {
        // One letter with 100,000 accents is one character a browser never finishes laying out:
        // past 30 combining marks in a row the rest are left out, as Unicode's stream-safe format does.
        let json = JSONWriter.string(text)
        #expect(try JSONDecoder().decode(String.self, from: Data(json.utf8)).unicodeScalars.elementsEqual(shown.unicodeScalars))
    }

    @Test func theHeaderEscapesTheInputsAndTitle() throws {
        let html = try hostileReport()
        #expect(html.contains("&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }
}

@Suite struct ReportTemplateTests {
    @Test func theContentSecurityPolicyAllowsOnlyThePagesOwnScriptAndStyle() throws {
        let html = try LoadedTraces.builtInExample().htmlReport().html
        let templates = ReportTemplates.builtIn
        let policy = HTMLReport.contentSecurityPolicy(style: templates.style, script: templates.script)
        #expect(policy.hasPrefix("default-src 'none'; script-src 'sha256-"))
        #expect(!policy.contains("unsafe"))
        #expect(html.contains(policy.replacingOccurrences(of: "'", with: "&#39;")))
        #expect(html.contains("<script>" + templates.script + "</script>"))
        #expect(html.contains("<style>" + templates.style + "</style>"))
    }

    @Test func thePagesOwnScriptAndStyleCannotEndTheirElements() {
        for text in [ReportTemplates.builtIn.script, ReportTemplates.builtIn.style] {
            let lowered = text.lowercased()
            #expect(!lowered.contains("</script") && !lowered.contains("</style") && !lowered.contains("<!--"))
        }
    }

    @Test(arguments: [
        ("", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="),
        ("abc", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="),
        (String(repeating: "a", count: 1000), "Qe3s5C1j6Nm/UVqbppMuHCDLyfWl0TRkWttdsblzfqM="),
    ])
    func sha256MatchesKnownDigests(message: String, base64: String) {
        #expect(Base64.encode(SHA256.digest(Array(message.utf8))) == base64)
    }

    @Test func theBuiltInTemplatesAreTheFilesInTemplates() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Templates").path
        let fromFolder = try ReportTemplates(folder: folder)
        #expect(fromFolder.page == ReportTemplates.builtIn.page)
        #expect(fromFolder.style == ReportTemplates.builtIn.style)
        #expect(fromFolder.script == ReportTemplates.builtIn.script)
        #expect(!fromFolder.page.isEmpty && !fromFolder.script.isEmpty)
    }

    @Test func aMissingTemplateFolderIsAnErrorNamingTheFile() {
        #expect(throws: ReportError.templateUnreadable(path: "/nonexistent/report.html", reason: "No such file or directory")) {
            try ReportTemplates(folder: "/nonexistent")
        }
    }

    @Test func anInvalidTemplateIsAnErrorWithItsLine() throws {
        let templates = ReportTemplates(page: "<p>\n{{#open}}never closed", style: "", script: "")
        #expect {
            try HTMLReport(traces: TraceSet(), summary: TraceSetSummary(TraceSet()), inputs: [], graphSVG: "",
                           options: .init(templates: templates))
        } throws: { error in
            guard case ReportError.templateInvalid(let name, _) = error else { return false }
            return name.hasPrefix("report.html:2:")
        }
    }

    @Test(arguments: [
        (UInt64(0), "1970-01-01T00:00:00.000Z"),
        (UInt64(1_700_000_000_123_456_789), "2023-11-14T22:13:20.123Z"),
        (UInt64(951_782_400_000_000_000), "2000-02-29T00:00:00.000Z"),
        (UInt64(4_107_542_399_999_000_000), "2100-02-28T23:59:59.999Z"),
    ])
    func timestampsAreISO8601InUTC(nanoseconds: UInt64, text: String) {
        #expect(Timestamp.iso8601(nanoseconds) == text)
    }
}
