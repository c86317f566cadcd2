import ServiceGraph
import TraceModel

/// The report's data: the kept traces and their spans as one JSON object of columns (a string
/// table, numbers rather than strings), written once and read once by the page's script.
/// The layout is documented at the top of Templates/report.js.
struct ReportData {
    /// The JSON text, safe inside a `<script type="application/json">` element.
    private(set) var json: [UInt8] = []
    private(set) var shownSpans = 0

    private var strings = StringTable()

    /// What a link's target is when the report does not show the span.
    private enum MissingTarget: Int {
        case notInInput = -1
        case leftOut = -2
    }

    init(set: TraceSet, catalog: TraceCatalog, kept: [Bool]) {
        let shownTraces = catalog.traces.indices.filter { kept[$0] }
        // Each shown span's index in the report's span columns, by its position in the set.
        var reportIndex = [Int](repeating: -1, count: set.spans.count)
        for traceIndex in shownTraces {
            for span in catalog.traces[traceIndex].spans {
                reportIndex[span] = shownSpans
                shownSpans += 1
            }
        }

        var serviceNames: [String] = []
        var serviceIndex: [String: Int] = [:]
        for traceIndex in shownTraces {
            for span in catalog.traces[traceIndex].spans where serviceIndex[set.spans[span].serviceName] == nil {
                serviceIndex[set.spans[span].serviceName] = 0
                serviceNames.append(set.spans[span].serviceName)
            }
        }
        serviceNames.sort()
        for (index, name) in serviceNames.enumerated() { serviceIndex[name] = index }

        var traceColumns = TraceColumns()
        var spanColumns = SpanColumns()
        var attributes: [Int] = []
        var statusMessages: [[Int]] = []
        var resources = UniqueList<Resource>()
        var scopes = UniqueList<InstrumentationScope>()
        let resourceOfSpan = resources.indices(of: set.spans, \.resource)
        let scopeOfSpan = scopes.indices(of: set.spans, \.scope)
        // Numbered in the order the report meets them, so that the input's order does not matter.
        var resourceNumbers = FirstSeenNumbering(count: resources.elements.count)
        var scopeNumbers = FirstSeenNumbering(count: scopes.elements.count)
        var events: [UInt8] = []
        var links: [UInt8] = []
        var linksIn = [Int](repeating: 0, count: catalog.traces.count)

        for traceIndex in shownTraces {
            let trace = catalog.traces[traceIndex]
            traceColumns.first.append(spanColumns.name.count)
            traceColumns.count.append(trace.spans.count)
            traceColumns.startMicros.append(Int(trace.start / 1000))
            traceColumns.duration.append(Int(clamping: trace.duration))
            traceColumns.errors.append(trace.errorSpans)
            let root = trace.spans.first { position in
                set.spans[position].parentSpanID.map { parent in
                    set.index(of: SpanKey(traceID: trace.id, spanID: parent)) == nil
                } ?? true
            } ?? trace.spans[0]
            traceColumns.rootService.append(serviceIndex[set.spans[root].serviceName]!)
            traceColumns.rootName.append(strings.index(set.spans[root].name))
            HexText.append(trace.id, to: &traceColumns.ids)
            var linksOut = 0

            for position in trace.spans {
                let span = set.spans[position]
                let index = spanColumns.name.count
                HexText.append(span.spanID, to: &spanColumns.ids)
                // How far back the parent is (small numbers, short text); 0 when it is not shown.
                let parentIndex = span.parentSpanID
                    .flatMap { set.index(of: SpanKey(traceID: span.traceID, spanID: $0)) }
                    .map { reportIndex[$0] } ?? -1
                spanColumns.parentDistance.append(parentIndex >= 0 ? index - parentIndex : 0)
                spanColumns.start.append(Int(clamping: Int64(bitPattern: span.startTimeUnixNano &- trace.start)))
                spanColumns.duration.append(Int(clamping: span.durationNanos))
                spanColumns.service.append(serviceIndex[span.serviceName]!)
                spanColumns.name.append(strings.index(span.name))
                spanColumns.kind.append(Int(span.kind.reportCode))
                spanColumns.status.append(Int(span.status.code.reportCode))
                spanColumns.attributeCount.append(span.attributes.count)
                strings.appendPairs(span.attributes, to: &attributes)
                spanColumns.resource.append(resourceNumbers.number(of: resourceOfSpan[position]))
                spanColumns.scope.append(scopeNumbers.number(of: scopeOfSpan[position]))
                if !span.status.message.isEmpty {
                    statusMessages.append([index, strings.index(span.status.message)])
                }
                for event in span.events {
                    events.appendSeparator()
                    events += Array("[\(index),\(Int64(bitPattern: event.timeUnixNano &- trace.start)),\(strings.index(event.name)),".utf8)
                    strings.writePairs(event.attributes, to: &events)
                    events.append(UInt8(ascii: "]"))
                }
                for link in span.links {
                    linksOut += 1
                    let target: Int
                    if let targetPosition = set.index(of: link.target) {
                        let shown = reportIndex[targetPosition]
                        target = shown >= 0 ? shown : MissingTarget.leftOut.rawValue
                        if shown >= 0, catalog.traceOfSpan[targetPosition] != traceIndex {
                            linksIn[catalog.traceOfSpan[targetPosition]] += 1
                        }
                    } else {
                        target = MissingTarget.notInInput.rawValue
                    }
                    links.appendSeparator()
                    links += Array("[\(index),\(target),\"".utf8)
                    HexText.append(link.traceID, to: &links)
                    links += Array("\",\"".utf8)
                    HexText.append(link.spanID, to: &links)
                    links += Array("\",\(strings.index(link.traceState)),".utf8)
                    strings.writePairs(link.attributes, to: &links)
                    links.append(UInt8(ascii: "]"))
                }
            }
            traceColumns.linksOut.append(linksOut)
        }
        traceColumns.linksIn = shownTraces.map { linksIn[$0] }

        // Resources' and scopes' strings go into the table before it is written.
        var resourceText: [UInt8] = []
        for resource in resourceNumbers.order.map({ resources.elements[$0] }) {
            resourceText.appendSeparator()
            resourceText += Array("{\"service\":\(serviceIndex[resource.serviceName] ?? -1),\"attributes\":".utf8)
            strings.writePairs(resource.attributes, to: &resourceText)
            resourceText.append(UInt8(ascii: "}"))
        }
        var scopeText: [UInt8] = []
        for scope in scopeNumbers.order.map({ scopes.elements[$0] }) {
            scopeText.appendSeparator()
            scopeText += Array("{\"name\":\(strings.index(scope.name)),\"version\":\(strings.index(scope.version))}".utf8)
        }
        let serviceNameIndices = serviceNames.map { strings.index($0) }

        var out = JSONObjectWriter()
        out.member("strings") { bytes in
            bytes.append(UInt8(ascii: "["))
            for (index, string) in strings.strings.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(string, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        out.member("services") { bytes in
            bytes.append(UInt8(ascii: "["))
            for (index, name) in serviceNames.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes += Array("{\"name\":\(serviceNameIndices[index]),\"node\":".utf8)
                JSONWriter.appendString(NodeID(name: name).rawValue, to: &bytes)
                bytes.append(UInt8(ascii: "}"))
            }
            bytes.append(UInt8(ascii: "]"))
        }
        out.member("traces") { traceColumns.write(to: &$0) }
        out.member("spans") { spanColumns.write(to: &$0) }
        out.member("attributes") { $0.appendNumbers(attributes) }
        out.member("statusMessages") { bytes in
            bytes.append(UInt8(ascii: "["))
            for (index, pair) in statusMessages.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.appendNumbers(pair)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        out.member("resources") { $0 += [UInt8(ascii: "[")] + resourceText + [UInt8(ascii: "]")] }
        out.member("scopes") { $0 += [UInt8(ascii: "[")] + scopeText + [UInt8(ascii: "]")] }
        out.member("events") { $0 += [UInt8(ascii: "[")] + events + [UInt8(ascii: "]")] }
        out.member("links") { $0 += [UInt8(ascii: "[")] + links + [UInt8(ascii: "]")] }
        json = out.finish()
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

    /// Writes `[key, value, …]` indices as a JSON array.
    mutating func writePairs(_ attributes: [Attribute], to bytes: inout [UInt8]) {
        var pairs: [Int] = []
        appendPairs(attributes, to: &pairs)
        bytes.appendNumbers(pairs)
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
    /// A comma before every element but the first of a JSON array being written.
    fileprivate mutating func appendSeparator() {
        if !isEmpty { append(UInt8(ascii: ",")) }
    }

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
