import ServiceGraph

/// One edge of the metrics: the calls from `client` to `server` of one connection type, as
/// Tempo and the Collector label them.
struct EdgeKey: Hashable, Sendable {
    var client: String
    var server: String
    var connection: ServiceGraph.CallEdge.Connection
}

/// Which side of a `virtual_node` edge recorded no spans, as the `virtual_node` label says
/// (Tempo's `enable_virtual_node_label`, the Collector's virtual-node feature).
enum VirtualSide: Sendable {
    case client, server
}

/// What the series of one edge add up to: every series that differs from another only in other
/// labels (instance, job, `__metrics_gen_instance`, `failed`, extra dimensions) summed in.
struct EdgeTally: Sendable {
    /// Calls: the counter `…_request_total`, or its increase.
    var requests = 0.0
    /// Whether any series of `…_request_total` was read for the edge.
    var hasRequests = false
    var failed = 0.0
    var server = LatencyHistogram()
    var client = LatencyHistogram()
    var virtualSide: VirtualSide?

    mutating func merge(_ other: EdgeTally) {
        requests += other.requests
        hasRequests = hasRequests || other.hasRequests
        failed += other.failed
        server.merge(other.server)
        client.merge(other.client)
        if virtualSide == nil { virtualSide = other.virtualSide }
    }
}

/// A problem with one series, placed by the reader that read it.
struct SeriesProblem: Error {
    var problem: MetricsReadError.Problem
    init(_ problem: MetricsReadError.Problem) { self.problem = problem }
}

/// The edges of one input as its series are read.
struct EdgeTallies: Sendable {
    var edges: [EdgeKey: EdgeTally] = [:]
    /// Values of `connection_type` that neither Tempo nor the Collector writes, read as a direct call.
    var unknownConnectionTypes: Set<String> = []
    let limits: MetricsReadOptions

    init(limits: MetricsReadOptions) {
        self.limits = limits
    }

    /// Adds the value of one series (a count, or a counter's increase) of a service-graph metric
    /// that the graph draws.
    mutating func add(_ metric: ServiceGraphMetricName, name: String, labels: [(name: String, value: String)], value: Double,
                      at place: Place) throws(SeriesProblem) {
        func label(_ wanted: String) -> String? { labels.first { $0.name == wanted }?.value }
        guard let client = label("client"), !client.isEmpty else { throw SeriesProblem(.missingLabel(metric: name, label: "client")) }
        guard let server = label("server"), !server.isEmpty else { throw SeriesProblem(.missingLabel(metric: name, label: "server")) }
        guard value.isFinite, value >= 0 else { throw SeriesProblem(.invalidCount(metric: name, value: Self.text(value))) }
        let connectionType = label("connection_type") ?? ""
        var connection = ServiceGraph.CallEdge.Connection(rawValue: connectionType)
        if connection == nil {
            unknownConnectionTypes.insert(connectionType)
            connection = .direct
        }
        let key = EdgeKey(client: client, server: server, connection: connection!)
        if edges[key] == nil, edges.count >= limits.maximumEdges { throw SeriesProblem(.tooManyEdges(limit: limits.maximumEdges)) }
        var tally = edges[key, default: EdgeTally()]
        switch label("virtual_node") {
        case "client": tally.virtualSide = .client
        case "server": tally.virtualSide = .server
        default: break
        }
        switch metric {
        case .requests:
            tally.requests += value
            tally.hasRequests = true
        case .failedRequests:
            tally.failed += value
        case .latencyBucket(let side, let nanosPerUnit):
            guard let le = label("le") else { throw SeriesProblem(.missingLabel(metric: name, label: "le")) }
            guard let bound = PrometheusText.bucketBound(le) else { throw SeriesProblem(.invalidBucketBound(metric: name, value: le)) }
            let nanos = bound == .infinity ? bound : bound * nanosPerUnit
            switch side {
            case .server: tally.server.add(upperBound: nanos, count: value, at: place, metric: name)
            case .client: tally.client.add(upperBound: nanos, count: value, at: place, metric: name)
            }
            if tally.server.counts.count > limits.maximumBuckets || tally.client.counts.count > limits.maximumBuckets {
                throw SeriesProblem(.tooManyBuckets(limit: limits.maximumBuckets))
            }
        case .notDrawn:
            return
        }
        edges[key] = tally
    }

    /// The histogram without its `+Inf` bucket read first, as an error at its first bucket.
    func histogramWithoutInfinity(source: String) -> MetricsReadError? {
        let broken = edges.flatMap { key, tally in
            [tally.server, tally.client].filter { !$0.isEmpty && !$0.hasInfinity }.map { (key, $0) }
        }
        guard let (key, histogram) = broken.min(by: { ($0.1.firstPlace?.line ?? 0, $0.1.firstPlace?.column ?? 0) < ($1.1.firstPlace?.line ?? 0, $1.1.firstPlace?.column ?? 0) })
        else { return nil }
        return MetricsReadError(source: source, line: histogram.firstPlace?.line, column: histogram.firstPlace?.column,
                                problem: .histogramWithoutInfinity(metric: histogram.firstMetric, client: key.client, server: key.server))
    }

    /// What a person should know about what was summed.
    var warnings: [String] {
        guard !unknownConnectionTypes.isEmpty else { return [] }
        return ["connection_type " + unknownConnectionTypes.sorted().map { MetricsReadError.Problem.quote($0) }.joined(separator: ", ")
            + " is not one Tempo or the Collector writes: read as a direct call"]
    }

    static func text(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
