import GraphOutputs
import ServiceGraph
import TraceModel

/// The report's data: the kept traces and their spans as one JSON object of columns (a string
/// table, numbers rather than strings), written once and read once by the page's script.
/// The layout is documented at the top of Templates/script/data.js.
struct ReportData {
    /// The JSON text, safe inside a `<script type="application/json">` element.
    let json: [UInt8]
    /// How many spans the data holds.
    let shownSpans: Int

    /// - Parameters:
    ///   - peers: the uninstrumented peers the graph draws.
    ///   - attribution: the graph's parent of each span and the spans it counts for each peer.
    ///   - digest: the traces the report could have shown (all read, or those a query selected),
    ///     when `set` holds only those it chose while it read.
    ///   - tracesRead: every trace read, when a query selected some of them.
    init(set: TraceSet, catalog: TraceCatalog, kept: [Bool], graph: ServiceGraph?, peers: [ServiceGraph.Node],
         attribution: ServiceGraph.SpanAttribution?, digest: TraceDigest? = nil, tracesRead: TraceDigest? = nil) {
        var encoder = Encoder(set: set, catalog: catalog, shownTraces: catalog.traces.indices.filter { kept[$0] },
                              graph: graph, peers: peers, attribution: attribution)
        encoder.digest = digest
        encoder.tracesRead = tracesRead
        for traceIndex in encoder.shownTraces { encoder.encodeTrace(traceIndex) }
        encoder.encodeWorkflows()
        json = encoder.finish()
        shownSpans = encoder.spanColumns.name.count
    }
}

/// Builds the columns trace by trace, span by span, then writes them out.
private struct Encoder {
    /// What a link's target is when the report does not show the span.
    private enum MissingTarget: Int {
        case notInInput = -1
        case leftOut = -2
        /// In the input, in a trace the query (`--where`, `--linked-to`, `--errors`…) did not select.
        case notSelected = -3
    }

    /// The traces the report could have shown, when `set` holds only those it chose while it read.
    var digest: TraceDigest?
    /// Every trace read, when a query selected some of them.
    var tracesRead: TraceDigest?

    let set: TraceSet
    let catalog: TraceCatalog
    let shownTraces: [Int]
    /// Each shown span's index in the report's span columns, by its position in the set; -1 when not shown.
    private let reportIndex: [Int]
    /// Shown services, sorted by name.
    private let serviceNames: [String]
    private let serviceIndex: [String: Int]
    private let resourceOfSpan: [Int], scopeOfSpan: [Int]
    /// The graph's uninstrumented peers, sorted by name, and their indices by node.
    private let peers: [ServiceGraph.Node]
    private let peerIndex: [NodeID: Int]
    /// The graph's node id of each service.
    private let serviceNodeIDs: [String: NodeID]
    /// The graph's parent of each span of the set, by position (-1: none), when the graph gave them.
    private let graphParents: [Int32]?
    /// The peer the graph counts each span of the set for, by position.
    private let peerOfSpan: [Int: Int]
    /// Shown spans the graph counts for a peer, with its index: `[span, peer]`, in span order.
    private var peerCalls: [(span: Int, peer: Int)] = []
    /// Shown spans whose SDK dropped links (`droppedLinksCount` > 0), with the count, in span order.
    private var droppedLinks: [(span: Int, count: Int)] = []

    private var strings = StringTable()
    private(set) var traceColumns = TraceColumns()
    private(set) var spanColumns = SpanColumns()
    private var attributes: [Int] = []
    private var statusMessages = JSONArrayWriter()
    private var resources = UniqueList<Resource>(), scopes = UniqueList<InstrumentationScope>()
    /// Resources and scopes numbered in the order the report meets them, so the input's order does not matter.
    private var resourceNumbers: FirstSeenNumbering, scopeNumbers: FirstSeenNumbering
    private var events = JSONArrayWriter(), links = JSONArrayWriter()
    private var linksIn: [Int]
    private var workflows = JSONArrayWriter()

    init(set: TraceSet, catalog: TraceCatalog, shownTraces: [Int], graph: ServiceGraph?, peers: [ServiceGraph.Node],
         attribution: ServiceGraph.SpanAttribution?) {
        self.peers = peers.sorted { ($0.name, $0.id) < ($1.name, $1.id) }
        let peerIndex = Dictionary(self.peers.enumerated().map { ($1.id, $0) }) { first, _ in first }
        self.peerIndex = peerIndex
        var peerOfSpan: [Int: Int] = [:]
        for (span, node) in attribution?.peerSpans ?? [] where peerOfSpan[span] == nil {
            if let peer = peerIndex[node] { peerOfSpan[span] = peer }
        }
        self.peerOfSpan = peerOfSpan
        graphParents = attribution?.parents
        serviceNodeIDs = Dictionary((graph?.nodes ?? []).filter { $0.kind == .service }.map { ($0.name, $0.id) }) { first, _ in first }
        self.set = set
        self.catalog = catalog
        self.shownTraces = shownTraces
        var reportIndex = [Int](repeating: -1, count: set.spans.count)
        var shown = 0
        var names = Set<String>()
        for traceIndex in shownTraces {
            for position in catalog.traces[traceIndex].spans {
                reportIndex[position] = shown
                shown += 1
                names.insert(set.spans[position].serviceName)
            }
        }
        self.reportIndex = reportIndex
        serviceNames = names.sorted()
        serviceIndex = Dictionary(uniqueKeysWithValues: serviceNames.enumerated().map { ($1, $0) })
        resourceOfSpan = resources.indices(of: set.spans, \.resource)
        scopeOfSpan = scopes.indices(of: set.spans, \.scope)
        resourceNumbers = FirstSeenNumbering(count: resources.elements.count)
        scopeNumbers = FirstSeenNumbering(count: scopes.elements.count)
        linksIn = Array(repeating: 0, count: catalog.traces.count)
    }

    mutating func encodeTrace(_ traceIndex: Int) {
        let trace = catalog.traces[traceIndex]
        traceColumns.first.append(spanColumns.name.count)
        traceColumns.count.append(trace.spans.count)
        traceColumns.startMicros.append(Int(trace.start / 1000))
        traceColumns.duration.append(Int(clamping: trace.duration))
        traceColumns.errors.append(trace.errorSpans)
        HexText.append(trace.id, to: &traceColumns.ids)
        traceColumns.linksOut.append(trace.spans.reduce(0) { $0 + set.spans[$1].links.count })
        let first = spanColumns.name.count
        for position in trace.spans { encodeSpan(at: position, of: traceIndex) }
        // The root, by the rule workflows group traces by too (TraceRootKey).
        let keys = trace.spans.map { set.spans[$0].rootKey }
        let root = first + keys.indices.min { keys[$0] < keys[$1] }!
        traceColumns.rootService.append(spanColumns.service[root])
        traceColumns.rootName.append(spanColumns.name[root])
    }

    private mutating func encodeSpan(at position: Int, of traceIndex: Int) {
        let span = set.spans[position]
        let traceStart = catalog.traces[traceIndex].start
        let index = spanColumns.name.count
        HexText.append(span.spanID, to: &spanColumns.ids)
        // How far back the parent is (small numbers, short text); 0 when it is not shown.
        let parentPosition = graphParents.map { Int($0[position]) }
            ?? span.parentSpanID.flatMap { set.index(of: SpanKey(traceID: span.traceID, spanID: $0)) } ?? -1
        let parentIndex = parentPosition >= 0 ? reportIndex[parentPosition] : -1
        spanColumns.parentDistance.append(parentIndex >= 0 ? index - parentIndex : 0)
        spanColumns.start.append(Int(clamping: Int64(bitPattern: span.startTimeUnixNano &- traceStart)))
        spanColumns.duration.append(Int(clamping: span.durationNanos))
        spanColumns.service.append(serviceIndex[span.serviceName]!)
        spanColumns.name.append(strings.index(span.name))
        spanColumns.kind.append(Int(span.kind.reportCode))
        spanColumns.status.append(Int(span.status.code.reportCode))
        spanColumns.attributeCount.append(span.attributes.count)
        strings.appendPairs(span.attributes, to: &attributes)
        spanColumns.resource.append(resourceNumbers.number(of: resourceOfSpan[position]))
        spanColumns.scope.append(scopeNumbers.number(of: scopeOfSpan[position]))
        if let peer = peerOfSpan[position] { peerCalls.append((index, peer)) }
        if span.droppedLinksCount > 0 { droppedLinks.append((index, Int(span.droppedLinksCount))) }
        if !span.status.message.isEmpty {
            statusMessages.element { $0.appendNumbers([index, strings.index(span.status.message)]) }
        }
        for event in span.events {
            let time = Int64(bitPattern: event.timeUnixNano &- traceStart)
            let name = strings.index(event.name)
            let attributes = strings.pairs(event.attributes)
            events.element { bytes in
                bytes += Array("[\(index),\(time),\(name),".utf8)
                bytes.appendNumbers(attributes)
                bytes.append(UInt8(ascii: "]"))
            }
        }
        for link in span.links { encodeLink(link, from: index, of: traceIndex) }
    }

    private mutating func encodeLink(_ link: SpanLink, from index: Int, of traceIndex: Int) {
        let target: Int
        if let targetPosition = set.index(of: link.target) {
            let shown = reportIndex[targetPosition]
            target = shown >= 0 ? shown : MissingTarget.leftOut.rawValue
            let targetTrace = catalog.traceOfSpan[targetPosition]
            if shown >= 0, targetTrace != traceIndex { linksIn[targetTrace] += 1 }
        } else if digest?.contains(link.traceID) == true {
            target = MissingTarget.leftOut.rawValue
        } else if tracesRead?.contains(link.traceID) == true {
            target = MissingTarget.notSelected.rawValue
        } else {
            target = MissingTarget.notInInput.rawValue
        }
        let traceState = strings.index(link.traceState)
        let attributes = strings.pairs(link.attributes)
        links.element { bytes in
            bytes += Array("[\(index),\(target),\"".utf8)
            HexText.append(link.traceID, to: &bytes)
            bytes += Array("\",\"".utf8)
            HexText.append(link.spanID, to: &bytes)
            bytes += Array("\",\(traceState),".utf8)
            bytes.appendNumbers(attributes)
            bytes.append(UInt8(ascii: "]"))
        }
    }

    /// The workflows of the traces shown (``WorkflowAccumulator``) that join two or more of them,
    /// largest first: the boxes a drawing shows (``Workflow/Grouping``: each trace, or its traces
    /// by root service and operation), and the links between them.
    mutating func encodeWorkflows() {
        var accumulator = WorkflowAccumulator()
        var reportTrace: [TraceID: Int] = [:]
        for (index, traceIndex) in shownTraces.enumerated() {
            let trace = catalog.traces[traceIndex]
            reportTrace[trace.id] = index
            for position in trace.spans { accumulator.receive(set.spans[position]) }
        }
        for workflow in accumulator.workflows() where workflow.traces.count > 1 {
            let grouping = workflow.grouping
            let groups = grouping.groups
            var members = [[Int]](repeating: [], count: groups.count)
            for (trace, group) in zip(workflow.traces, grouping.groupOfTraces) { members[group].append(reportTrace[trace]!) }
            var priority = [Int](repeating: 0, count: groups.count)
            for (rank, group) in grouping.drawingPriority.enumerated() { priority[group] = rank }
            var groupList = JSONArrayWriter()
            for (index, (group, traces)) in zip(groups, members).enumerated() {
                let service = serviceIndex[group.key.service]!, name = strings.index(group.key.name)
                let numbers = "\"failing\":\(group.failingTraces),\"errors\":\(group.errorSpans),\"longest\":\(group.longest),"
                    + "\"priority\":\(priority[index])"
                groupList.element { bytes in
                    bytes += Array("{\"service\":\(service),\"name\":\(name),\(numbers),\"traces\":".utf8)
                    bytes.appendNumbers(traces.sorted())
                    bytes.append(UInt8(ascii: "}"))
                }
            }
            var linkList = JSONArrayWriter()
            for link in grouping.links { linkList.element { $0.appendNumbers([link.cause, link.effect, link.links]) } }
            let numbers = "\"spans\":\(workflow.spans),\"services\":\(workflow.services.count),\"failing\":\(workflow.failingTraces),"
                + "\"duration\":\(workflow.end &- workflow.start),\"longestChain\":\(workflow.longestChain)"
            workflows.element { bytes in
                bytes += Array("{\(numbers),\"byTrace\":\(grouping.byTrace),\"groups\":".utf8)
                groupList.write(to: &bytes)
                bytes += Array(",\"links\":".utf8)
                linkList.write(to: &bytes)
                bytes.append(UInt8(ascii: "}"))
            }
        }
    }

    /// Writes everything out as one JSON object.
    mutating func finish() -> [UInt8] {
        traceColumns.linksIn = shownTraces.map { linksIn[$0] }
        // Every string must be in the table before the table is written.
        var resourceList = JSONArrayWriter()
        for resource in resourceNumbers.order.map({ resources.elements[$0] }) {
            let service = serviceIndex[resource.serviceName] ?? -1
            let attributes = strings.pairs(resource.attributes)
            resourceList.element { bytes in
                bytes += Array("{\"service\":\(service),\"attributes\":".utf8)
                bytes.appendNumbers(attributes)
                bytes.append(UInt8(ascii: "}"))
            }
        }
        var scopeList = JSONArrayWriter()
        for scope in scopeNumbers.order.map({ scopes.elements[$0] }) {
            let name = strings.index(scope.name), version = strings.index(scope.version)
            scopeList.element { $0 += Array("{\"name\":\(name),\"version\":\(version)}".utf8) }
        }
        var serviceList = JSONArrayWriter()
        for name in serviceNames {
            let nameIndex = strings.index(name)
            serviceList.element { bytes in
                bytes += Array("{\"name\":\(nameIndex),\"node\":".utf8)
                JSONWriter.appendString(serviceNodeIDs[name]?.rawValue ?? "", to: &bytes)
                bytes.append(UInt8(ascii: "}"))
            }
        }
        var peerCallList = JSONArrayWriter()
        for call in peerCalls { peerCallList.element { $0.appendNumbers([call.span, call.peer]) } }
        var droppedLinkList = JSONArrayWriter()
        for dropped in droppedLinks { droppedLinkList.element { $0.appendNumbers([dropped.span, dropped.count]) } }
        var peerList = JSONArrayWriter()
        for peer in peers {
            let name = strings.index(peer.name)
            let (kind, system) = peer.kind.reportKind
            let systemIndex = strings.index(system)
            peerList.element { bytes in
                bytes += Array("{\"name\":\(name),\"node\":".utf8)
                JSONWriter.appendString(peer.id.rawValue, to: &bytes)
                bytes += Array(",\"kind\":\"\(kind)\",\"system\":\(systemIndex)}".utf8)
            }
        }
        var stringList = JSONArrayWriter()
        for string in strings.strings { stringList.element { JSONWriter.appendString(string, to: &$0) } }

        var out = JSONObjectWriter()
        out.member("strings") { stringList.write(to: &$0) }
        out.member("services") { serviceList.write(to: &$0) }
        out.member("traces") { traceColumns.write(to: &$0) }
        out.member("spans") { spanColumns.write(to: &$0) }
        out.member("attributes") { $0.appendNumbers(attributes) }
        out.member("statusMessages") { statusMessages.write(to: &$0) }
        out.member("resources") { resourceList.write(to: &$0) }
        out.member("scopes") { scopeList.write(to: &$0) }
        out.member("events") { events.write(to: &$0) }
        out.member("links") { links.write(to: &$0) }
        out.member("peers") { peerList.write(to: &$0) }
        out.member("peerCalls") { peerCallList.write(to: &$0) }
        out.member("droppedLinks") { droppedLinkList.write(to: &$0) }
        out.member("workflows") { workflows.write(to: &$0) }
        return out.finish()
    }
}

/// The per-trace columns.
private struct TraceColumns {
    var ids: [UInt8] = []
    var first: [Int] = [], count: [Int] = [], startMicros: [Int] = [], duration: [Int] = []
    var rootService: [Int] = [], rootName: [Int] = [], errors: [Int] = [], linksOut: [Int] = [], linksIn: [Int] = []

    func write(to bytes: inout [UInt8]) {
        var object = JSONObjectWriter()
        object.member("ids") { $0 += [UInt8(ascii: "\"")] + ids + [UInt8(ascii: "\"")] }
        for (name, column) in [("first", first), ("count", count), ("startMicros", startMicros), ("duration", duration),
                               ("rootService", rootService), ("rootName", rootName), ("errors", errors),
                               ("linksOut", linksOut), ("linksIn", linksIn)] {
            object.member(name) { $0.appendNumbers(column) }
        }
        bytes += object.finish()
    }
}

/// The per-span columns.
private struct SpanColumns {
    var ids: [UInt8] = []
    var parentDistance: [Int] = [], start: [Int] = [], duration: [Int] = [], service: [Int] = [], name: [Int] = []
    var kind: [Int] = [], status: [Int] = [], attributeCount: [Int] = [], resource: [Int] = [], scope: [Int] = []

    func write(to bytes: inout [UInt8]) {
        var object = JSONObjectWriter()
        object.member("ids") { $0 += [UInt8(ascii: "\"")] + ids + [UInt8(ascii: "\"")] }
        for (name, column) in [("parentDistance", parentDistance), ("start", start), ("duration", duration), ("service", service),
                               ("name", name), ("kind", kind), ("status", status), ("attributeCount", attributeCount),
                               ("resource", resource), ("scope", scope)] {
            object.member(name) { $0.appendNumbers(column) }
        }
        bytes += object.finish()
    }
}

/// Each distinct string once; the data refers to strings by their index here. Index 0 is "".
private struct StringTable {
    private(set) var strings: [String] = [""]
    private var indexByString: [String: Int] = ["": 0]

    mutating func index(_ string: String) -> Int {
        if let index = indexByString[string] { return index }
        indexByString[string] = strings.count
        strings.append(string)
        return strings.count - 1
    }

    /// Appends key and value indices, two an attribute; values as people read them.
    mutating func appendPairs(_ attributes: [Attribute], to pairs: inout [Int]) {
        for attribute in attributes {
            pairs.append(index(attribute.key))
            pairs.append(index(attribute.value.description))
        }
    }

    /// `[key, value, …]` indices.
    mutating func pairs(_ attributes: [Attribute]) -> [Int] {
        var pairs: [Int] = []
        appendPairs(attributes, to: &pairs)
        return pairs
    }
}

/// Distinct values in the order first seen.
private struct UniqueList<Element: Hashable> {
    private(set) var elements: [Element] = []
    private var indexByElement: [Element: Int] = [:]

    mutating func index(_ element: Element) -> Int {
        if let index = indexByElement[element] { return index }
        indexByElement[element] = elements.count
        elements.append(element)
        return elements.count - 1
    }

    /// The index of each span's element. Spans read from one batch share their resource and
    /// scope, and comparing with the previous span's (often the same storage) is far cheaper
    /// than hashing every attribute again.
    mutating func indices(of spans: [Span], _ element: KeyPath<Span, Element>) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(spans.count)
        var previous: (element: Element, index: Int)?
        for span in spans {
            let current = span[keyPath: element]
            if let previous, previous.element == current {
                result.append(previous.index)
            } else {
                let index = index(current)
                result.append(index)
                previous = (current, index)
            }
        }
        return result
    }
}

/// Numbers 0, 1, 2… given to indices in the order they are first asked for.
private struct FirstSeenNumbering {
    private var numberOfIndex: [Int]
    /// The indices in the order they were numbered.
    private(set) var order: [Int] = []

    init(count: Int) { numberOfIndex = Array(repeating: -1, count: count) }

    mutating func number(of index: Int) -> Int {
        if numberOfIndex[index] < 0 {
            numberOfIndex[index] = order.count
            order.append(index)
        }
        return numberOfIndex[index]
    }
}

/// Writes one JSON array, element by element.
private struct JSONArrayWriter {
    private var bytes: [UInt8] = []
    private var isEmpty = true

    mutating func element(_ writeValue: (inout [UInt8]) -> Void) {
        if !isEmpty { bytes.append(UInt8(ascii: ",")) }
        isEmpty = false
        writeValue(&bytes)
    }

    func write(to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        output += bytes
        output.append(UInt8(ascii: "]"))
    }
}

/// Writes one JSON object, member by member.
private struct JSONObjectWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]

    mutating func member(_ name: String, _ writeValue: (inout [UInt8]) -> Void) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        JSONWriter.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        writeValue(&bytes)
    }

    consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }
}

/// Ids as lower-case hex, written straight into the output.
private enum HexText {
    private static let digits = Array("0123456789abcdef".utf8)

    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        for shift in stride(from: 60, through: 0, by: -4) { bytes.append(digits[Int(value >> UInt64(shift) & 0xF)]) }
    }

    static func append(_ id: TraceID, to bytes: inout [UInt8]) {
        append(id.high, to: &bytes)
        append(id.low, to: &bytes)
    }

    static func append(_ id: SpanID, to bytes: inout [UInt8]) { append(id.value, to: &bytes) }
}

extension [UInt8] {
    /// `[n, n, …]`.
    fileprivate mutating func appendNumbers(_ numbers: [Int]) {
        append(UInt8(ascii: "["))
        for (index, number) in numbers.enumerated() {
            if index > 0 { append(UInt8(ascii: ",")) }
            appendNumber(number)
        }
        append(UInt8(ascii: "]"))
    }

    fileprivate mutating func appendNumber(_ number: Int) {
        if number < 0 { append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        if magnitude < 10 {
            append(UInt8(ascii: "0") + UInt8(magnitude))
            return
        }
        // Digits come out last first: write them into a small buffer, then copy them in order.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            while magnitude > 0 {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}

extension SpanKind {
    /// The number the page's script knows the kind by: 0 unspecified … 5 consumer.
    fileprivate var reportCode: UInt8 {
        switch self {
        case .unspecified: 0
        case .internal: 1
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        }
    }
}

extension ServiceGraph.Node.Kind {
    /// What the page's script knows a peer by: `database`, `messaging` (a topic or queue) or
    /// `remote`, and its system (`db.system`, `messaging.system`; empty for a remote peer).
    fileprivate var reportKind: (kind: String, system: String) {
        switch self {
        case .database(let system): ("database", system)
        case .messaging(let system): ("messaging", system)
        case .remote, .service, .outsideInput: ("remote", "")
        }
    }
}

extension SpanStatus.Code {
    /// 0 unset, 1 ok, 2 error.
    fileprivate var reportCode: UInt8 {
        switch self {
        case .unset: 0
        case .ok: 1
        case .error: 2
        }
    }
}
