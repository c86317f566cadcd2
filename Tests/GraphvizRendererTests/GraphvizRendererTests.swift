import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GraphOutputs
import GraphvizRenderer
import ServiceGraph
import Testing
import TraceModel
import TraceTestSupport

/// The text of every `<text>` element and every `xlink:title` of an SVG document; fails on XML that does not parse.
private func svgTexts(_ svg: [UInt8]) throws -> (texts: [String], titles: [String], elements: Set<String>) {
    final class Collector: NSObject, XMLParserDelegate {
        var texts: [String] = []
        var titles: [String] = []
        var elements = Set<String>()
        var inText = false
        var current = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.insert(name)
            if let title = attributes["xlink:title"] { titles.append(title) }
            if name == "text" { inText = true; current = "" }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" { texts.append(current); inText = false }
        }
    }
    let collector = Collector()
    let parser = XMLParser(data: Data(svg))
    parser.delegate = collector
    guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
    return (collector.texts, collector.titles, collector.elements)
}

private func graph(_ spans: [Span]) -> ServiceGraph { ServiceGraph(traces: TraceSet(spans)) }

/// Services called these, plus a link between them.
private func twoServices(_ caller: String, _ callee: String) -> ServiceGraph {
    graph([
        Fixture.span(trace: 1, id: 1, service: caller),
        Fixture.span(trace: 1, id: 2, parent: 1, service: callee, error: true, durationNanos: 3_400_000),
        Fixture.span(trace: 2, id: 1, service: callee, links: [(trace: 1, span: 1)]),
    ])
}

@Suite struct GraphvizRendererTests {
    static let hostileNames = [
        "</text><script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        #"back\slash \N \G \L \l \E \T \H"#,
        "&lt;entity&gt; &amp; &#x41; & bare",
        "control\u{01}\u{07}chars\u{1B}[31m and\nnewline\ttab",
        "comment -- breaker -->",
        "quote \" and ' apostrophe",
        "javascript:alert(1)",
    ]

    @Test(arguments: hostileNames)
    func hostileServiceNamesShowAsTextInWellFormedSVG(name: String) throws {
        let svg = try GraphvizRenderer().render(twoServices(name, "cart"), format: .svg)
        let parsed = try svgTexts(svg)
        #expect(!parsed.elements.contains("script"))
        #expect(!parsed.elements.contains("img"))
        // The label shows the name as written, less what XML cannot hold.
        let shown = name.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" || $0 == "\t" }
            .map { $0 == "\n" || $0 == "\t" ? " " : String($0) }.joined()
        #expect(parsed.texts.contains(shown), "texts: \(parsed.texts)")
        // Tooltips never carry trace text (Graphviz expands escapes in them).
        #expect(parsed.titles.allSatisfy { !$0.contains(shown) })
        let text = String(decoding: svg, as: UTF8.self)
        #expect(!text.contains("href"))
    }

    @Test(arguments: hostileNames)
    func hostileNamesStayInsideQuotedDOTStrings(name: String) throws {
        let graph = twoServices(name, "cart")
        let dot = String(decoding: try GraphvizRenderer().render(graph, format: .dot), as: UTF8.self)
        // Node names are derived ids; the name only appears inside label strings.
        #expect(dot.contains(try #require(graph.serviceNode(named: name)?.id.rawValue)))
        #expect(dot.hasPrefix("digraph services {"))
        // Every statement keeps its quotes balanced: nothing from the name escapes its string.
        for line in dot.split(separator: "\n") {
            var quotes = 0
            var escaped = false
            for character in line {
                if escaped { escaped = false; continue }
                if character == "\\" { escaped = true } else if character == "\"" { quotes += 1 }
            }
            #expect(quotes % 2 == 0, "\(line)")
        }
    }

    @Test func callsAreSolidAndLinksDashed() throws {
        let svg = String(decoding: try GraphvizRenderer().render(twoServices("frontend", "cart"), format: .svg), as: UTF8.self)
        let callEdge = try #require(svg.range(of: #"<g id="call_svc_frontend_svc_cart" class="edge call">"#))
        let linkEdge = try #require(svg.range(of: #"<g id="link_svc_frontend_svc_cart_0" class="edge link">"#))
        /// The first `<path>` element after a point: the edge's line.
        func pathElement(after range: Range<String.Index>) -> Substring {
            let rest = svg[range.upperBound...]
            let start = rest.range(of: "<path")!.lowerBound
            return rest[start...].prefix { $0 != "\n" }
        }
        #expect(!pathElement(after: callEdge).contains("stroke-dasharray"))
        #expect(pathElement(after: linkEdge).contains("stroke-dasharray"))
        #expect(svg.contains(">1 call · 1 error (100%)<"))
        #expect(svg.contains(">p95 3.4 ms<"))
        #expect(svg.contains(">1 link<"))
        #expect(svg.contains(">Legend<"))
    }

    @Test func theSameGraphRendersToTheSameBytes() throws {
        let first = try GraphvizRenderer().render(twoServices("frontend", "cart"), format: .svg)
        let second = try GraphvizRenderer().render(twoServices("frontend", "cart"), format: .svg)
        #expect(first == second)
    }

    @Test func preparingGraphvizChangesNoByteOfWhatItDrawsNext() throws {
        let renderer = GraphvizRenderer()
        let before = try renderer.render(twoServices("frontend", "cart"), format: .svg)
        for format in GraphvizFormat.allCases { renderer.prepare(for: format) }
        #expect(try renderer.render(twoServices("frontend", "cart"), format: .svg) == before)
    }

    @Test(arguments: LayoutEngine.allCases)
    func everyEngineLaysOutTheGraph(engine: LayoutEngine) throws {
        let svg = try GraphvizRenderer(engine: engine).render(twoServices("frontend", "cart"), format: .svg)
        #expect(try svgTexts(svg).texts.contains("frontend"))
    }

    @Test(arguments: [(GraphvizFormat.png, Array("\u{89}PNG".unicodeScalars.map { UInt8($0.value) })), (.pdf, Array("%PDF".utf8))])
    func binaryFormatsStartWithTheirSignature(format: GraphvizFormat, signature: [UInt8]) throws {
        let bytes = try GraphvizRenderer().render(twoServices("frontend", "cart"), format: format)
        #expect(Array(bytes.prefix(signature.count)) == signature)
        #expect(bytes.count > 1_000)
    }

    @Test func concurrentRendersAreSerialisedSafely() async throws {
        // Graphviz aborts on concurrent layouts; the renderer must take turns.
        let graphs = (0..<8).map { twoServices("service-\($0)", "cart") }
        let sizes = try await withThrowingTaskGroup(of: Int.self) { group in
            for graph in graphs { group.addTask { try GraphvizRenderer().render(graph, format: .svg).count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(sizes.count == 8)
        #expect(sizes.allSatisfy { $0 > 1_000 })
    }

    @Test func anEmptyGraphStillRenders() throws {
        let svg = try GraphvizRenderer().render(graph([]), format: .svg)
        #expect(try svgTexts(svg).texts.isEmpty)
    }
}

/// Nodes and edges look unwell by their rate of errors, not for one error.
@Suite struct ErrorRateColourTests {
    static func dot(errors: Int, of spans: Int, thresholds: ErrorThresholds = ErrorThresholds()) throws -> String {
        let node = ServiceGraph.Node(id: .service("checkout"), name: "checkout", kind: .service, spanCount: spans, errorSpanCount: errors)
        let graph = ServiceGraph(nodes: [node], callEdges: [], linkEdges: [])
        return String(decoding: try GraphvizRenderer(errorThresholds: thresholds).render(graph, format: .dot), as: UTF8.self)
    }

    @Test(arguments: [
        (0, 10_000, "#eaf2fb"), (1, 10_000, "#eaf2fb"), (10, 10_000, "#eaf2fb"),  // at most 0.1 %: healthy
        (11, 10_000, "#fff4e0"), (1_000, 10_000, "#fff4e0"),                     // above 0.1 %: degraded
        (1_001, 10_000, "#fdecea"), (1, 1, "#fdecea"),                            // above 10 %: failing
    ])
    func theFillFollowsTheRate(errors: Int, spans: Int, fill: String) throws {
        let dot = try Self.dot(errors: errors, of: spans)
        let expected = fill == "#eaf2fb" ? !dot.contains("#fff4e0") && !dot.contains("#fdecea\"") : dot.contains("fillcolor=\"\(fill)\"")
        #expect(expected, "\(errors) of \(spans)")
    }

    @Test func thresholdsAreSettings() throws {
        let strict = ErrorThresholds(degradedAbove: 0, failingAbove: 0.00005)
        #expect(try Self.dot(errors: 1, of: 10_000, thresholds: strict).contains("fillcolor=\"#fdecea\""))
        #expect(try Self.dot(errors: 1, of: 10_000).contains("1 error (0.01%)"))
    }
}

/// Link attribute keys and span names come from untrusted programs: in a link edge's label and
/// tooltip they show as text and nothing else.
@Suite struct HostileLinkTextTests {
    @Test(arguments: GraphvizRendererTests.hostileNames)
    func hostileOperationsAndAttributeKeysStayText(text: String) throws {
        var linking = Fixture.span(trace: 2, id: 1, service: "worker", name: text, start: 9_000, links: [(trace: 1, span: 1)])
        linking.links[0].attributes = [Attribute(key: text, value: .string("v"))]
        let graph = ServiceGraph(traces: TraceSet([Fixture.span(trace: 1, id: 1, service: "job"), linking]))
        #expect(graph.linkEdges.first?.attributeKeys.map(\.key) == [text])
        let svg = try GraphvizRenderer().render(graph, format: .svg)
        let parsed = try svgTexts(svg)
        #expect(!parsed.elements.contains("script"))
        #expect(!parsed.elements.contains("img"))
        // The tooltip names the key, with a backslash shown as a look-alike Graphviz does not expand.
        let shown = text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" || $0 == "\t" }
            .map { $0 == "\n" || $0 == "\t" ? " " : $0 == "\\" ? "\u{2216}" : String($0) }.joined()
        #expect(parsed.titles.contains { $0.contains(shown) }, "titles: \(parsed.titles)")
    }
}

/// Caps that count Unicode scalars, not characters: a character can carry any number of marks.
@Suite struct LabelCapTests {
    @Test(arguments: [("frontend", 48, "frontend"), ("abcdef", 4, "abc…"), ("abcd", 4, "abcd"), ("", 4, "")])
    func shortTextIsKeptAndLongTextEndsInAnEllipsis(text: String, limit: Int, expected: String) {
        #expect(GraphWording.shortened(text, limit: limit) == expected)
    }

    @Test func aCharacterWithHalfAMillionCombiningMarksMakesASmallSVG() throws {
        let name = "x" + String(repeating: "\u{301}", count: 500_000)
        #expect(name.count == 1)
        let graph = ServiceGraph(traces: TraceSet([
            Fixture.span(trace: 1, id: 1, service: name),
            Fixture.span(trace: 1, id: 2, parent: 1, service: "cart", name: name),
            Fixture.span(trace: 2, id: 1, service: "cart", name: name, start: 9_000, links: [(1, 1)]),
        ]))
        let svg = try GraphvizRenderer().render(graph, format: .svg)
        // The name is cut to 48 scalars in the node, 40 in the link's label: a few kilobytes in all.
        #expect(svg.count < 40_000, "\(svg.count) bytes")
    }
}

@Suite struct GroupClusterTests {
    /// shop: frontend → cart; payments: payment; checkout in no group; a database peer.
    private func grouped(_ names: [String: String?]) -> ServiceGraph {
        let services = ["cart", "checkout", "frontend", "payment"]
        let nodes = services.map { ServiceGraph.Node(id: NodeID(rawValue: "svc_" + $0), name: $0, kind: .service, spanCount: 1,
                                                    group: names[$0] ?? nil) }
            + [ServiceGraph.Node(id: NodeID(rawValue: "db_pg"), name: "pg", kind: .database(system: "postgresql"))]
        func call(_ from: String, _ to: String) -> ServiceGraph.CallEdge {
            ServiceGraph.CallEdge(from: NodeID(rawValue: from), to: NodeID(rawValue: to), calls: 1, errors: 0,
                                  latency: LatencySummary(durations: [1_000]))
        }
        return ServiceGraph(nodes: nodes.sorted { $0.id < $1.id },
                            callEdges: [call("svc_frontend", "svc_cart"), call("svc_frontend", "svc_checkout"),
                                        call("svc_checkout", "svc_payment"), call("svc_payment", "db_pg")],
                            linkEdges: [])
    }

    @Test func servicesOfAGroupAreDrawnInsideOneLabelledBoxInTheOrderOfTheNames() throws {
        let graph = grouped(["frontend": "shop", "cart": "shop", "payment": "payments"])
        let dot = String(decoding: try GraphvizRenderer().render(graph, format: .dot), as: UTF8.self)
        /// The body of a subgraph: from its opening line to the brace that closes it.
        func body(_ name: String) throws -> Substring {
            let start = try #require(dot.range(of: "subgraph \(name) {"))
            let end = try #require(dot.range(of: "\n\t}", range: start.upperBound..<dot.endIndex))
            return dot[start.upperBound..<end.lowerBound]
        }
        func holds(_ body: Substring, _ node: String) -> Bool { body.contains("\t\(node)\t") || body.contains("\t\(node);") }
        let payments = try body("cluster_group_0"), shop = try body("cluster_group_1")
        #expect(payments.contains("label=payments") && shop.contains("label=shop"))
        #expect(holds(payments, "svc_payment") && !holds(payments, "svc_cart"))
        #expect(holds(shop, "svc_cart") && holds(shop, "svc_frontend") && !holds(shop, "svc_checkout") && !holds(shop, "db_pg"))
        let svg = try svgTexts(try GraphvizRenderer().render(graph, format: .svg))
        #expect(svg.texts.contains("payments") && svg.texts.contains("shop"))
    }

    @Test func groupBoxesComeInTheOrderOfTheirNamesWhereverMallocPutThem() throws {
        // cgraph's own ids for named objects are their strings' addresses, and clusters are written
        // in the order of their ids: the boxes came in an order that changed from run to run.
        let graph = grouped(["frontend": "shop", "cart": "shop", "payment": "payments", "checkout": "orders"])
        var renders: Set<[UInt8]> = []
        for _ in 0..<8 {
            let svg = try GraphvizRenderer().render(graph, format: .svg)
            renders.insert(svg)
            let text = String(decoding: svg, as: UTF8.self)
            let order = ["cluster_group_0", "cluster_group_1", "cluster_group_2", "cluster_legend"].map {
                text.range(of: "<title>\($0)</title>")?.lowerBound
            }
            #expect(order.allSatisfy { $0 != nil } && order.map { $0! } == order.map { $0! }.sorted(), "the boxes in the order they were made")
            // Garbage between renders, so that malloc hands out other addresses.
            _ = (0..<64).map { String(repeating: "x", count: $0 * 7) }
        }
        #expect(renders.count == 1)
    }

    @Test func aGraphWithoutGroupsHasOnlyTheLegend() throws {
        let dot = String(decoding: try GraphvizRenderer().render(grouped([:]), format: .dot), as: UTF8.self)
        #expect(!dot.contains("cluster_group"))
    }

    @Test func oneGroupHoldingEveryServiceTellsNothingApartAndIsNotDrawn() throws {
        let all = grouped(["frontend": "shop", "cart": "shop", "payment": "shop", "checkout": "shop"])
        #expect(!String(decoding: try GraphvizRenderer().render(all, format: .dot), as: UTF8.self).contains("cluster_group"))
        let allButOne = grouped(["frontend": "shop", "cart": "shop", "payment": "shop"])
        #expect(String(decoding: try GraphvizRenderer().render(allButOne, format: .dot), as: UTF8.self).contains("cluster_group_0"))
    }

    @Test(arguments: ["<b>&amp;\\N</b>", "a\nb\u{1B}[31m", String(repeating: "x", count: 500)])
    func aGroupsNameFromTheTracesIsShownAsText(name: String) throws {
        let graph = grouped(["cart": name])
        let svg = try svgTexts(try GraphvizRenderer().render(graph, format: .svg))
        let expected = String(String.UnicodeScalarView(name.unicodeScalars.map { $0 == "\n" ? " " : $0 }.filter { $0.value >= 0x20 }))
        #expect(svg.texts.contains(GraphWording.shortened(expected, limit: 48)))
    }
}

/// SVG for architecture docs: no version of the machine's Graphviz, a title, and themes.
@Suite struct DocumentSVGTests {
    private static let graph = ServiceGraph(traces: TraceSet([
        Fixture.span(trace: 1, id: 1, service: "frontend", kind: .server),
        Fixture.span(trace: 1, id: 2, parent: 1, service: "payment", kind: .server, error: true),
        Fixture.span(trace: 2, id: 3, service: "mailer", links: [(1, 1)]),
    ]))

    @Test func anSVGNamesNoGraphvizVersion() throws {
        let svg = String(decoding: try GraphvizRenderer().render(Self.graph, format: .svg), as: UTF8.self)
        #expect(!svg.lowercased().contains("graphviz version") && !svg.contains("<!-- Title:"))
        #expect(svg.hasPrefix("<?xml") && svg.contains("<title>services</title>"))
    }

    @Test(arguments: ["a -- b --> c", "</title><script>alert(1)</script>", "quote \" & amp", "line\nbreak\u{1B}[2J"])
    func aTitleIsTextInWellFormedSVG(title: String) throws {
        let viewed = ViewedGraph(graph: Self.graph, whole: Self.graph)
        let parsed = try svgTexts(try GraphvizRenderer().render(viewed, format: .svg, title: title))
        #expect(!parsed.elements.contains("script"))
        #expect(parsed.texts.first == TerminalText.escaping(title).replacingOccurrences(of: "\n", with: " "), "\(parsed.texts.prefix(2))")
    }

    /// Every colour a DOT names: `#rrggbb`, `white`.
    private static func colours(_ dot: String) throws -> Set<String> {
        Set(dot.matches(of: try Regex(#"(?:color|fillcolor|fontcolor|bgcolor)="?(#[0-9a-f]{6}|white)"#)).map { String($0.output[1].substring!) })
    }

    @Test func aThemeColoursEverything() throws {
        for theme in [Theme.light, .dark, .mono] {
            let dot = String(decoding: try GraphvizRenderer(theme: theme).render(Self.graph, format: .dot), as: UTF8.self)
            let used = try Self.colours(dot)
            let palette: Set<String> = [theme.background, theme.ink, theme.muted, theme.serviceFill, theme.serviceLine, theme.errorFill,
                                        theme.errorLine, theme.degradedFill, theme.degradedLine, theme.degradedText, theme.databaseFill,
                                        theme.databaseLine, theme.queueFill, theme.queueLine, theme.remoteFill, theme.call, theme.link,
                                        theme.groupFill, theme.groupLine]
            #expect(used.isSubset(of: palette), "colours not of the theme: \(used.subtracting(palette))")
            #expect(used.contains(theme.background) && used.contains(theme.errorFill), "the failing payment service and the page")
        }
        // Mono: greys only, so print shows what the screen does.
        for colour in Set([Theme.mono.background, Theme.mono.ink, Theme.mono.errorFill, Theme.mono.link, Theme.mono.call]) where colour.hasPrefix("#") {
            let digits = Array(colour.dropFirst())
            #expect(digits[0...1] == digits[2...3] && digits[2...3] == digits[4...5], "\(colour) is a grey")
        }
    }
}
