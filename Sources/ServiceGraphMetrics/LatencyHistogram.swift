import ServiceGraph

/// The cumulative buckets of a latency histogram, summed over the series of one edge: each
/// bucket's upper bound in nanoseconds (`+Inf` for the last) and how many observations were at
/// or below it.
struct LatencyHistogram: Sendable {
    var counts: [Double: Double] = [:]
    /// Where its first bucket was read, and that bucket's metric name, for an error about the
    /// histogram as a whole.
    var firstPlace: Place?
    var firstMetric = ""

    var isEmpty: Bool { counts.isEmpty }
    var hasInfinity: Bool { counts[.infinity] != nil }

    mutating func add(upperBound: Double, count: Double, at place: Place, metric: String) {
        counts[upperBound, default: 0] += count
        if firstPlace == nil {
            firstPlace = place
            firstMetric = metric
        }
    }

    mutating func merge(_ other: LatencyHistogram) {
        for (bound, count) in other.counts { counts[bound, default: 0] += count }
        if firstPlace == nil {
            firstPlace = other.firstPlace
            firstMetric = other.firstMetric
        }
    }

    /// The buckets in order of their bounds, counts made monotonic as Prometheus does: buckets
    /// summed from series of different layouts, or increases taken across a reset, can come out
    /// with a bucket below the one before it, which would make no sense.
    private var sortedBuckets: [(bound: Double, count: Double)] {
        var buckets = counts.map { (bound: $0.key, count: $0.value) }.sorted { $0.bound < $1.bound }
        for index in buckets.indices.dropFirst() where buckets[index].count < buckets[index - 1].count {
            buckets[index].count = buckets[index - 1].count
        }
        return buckets
    }

    /// How many observations it holds: the `+Inf` bucket's count.
    var observations: Double { counts[.infinity] ?? 0 }

    /// The `q` quantile (0 < q ≤ 1) as Prometheus's `histogram_quantile` estimates it from classic
    /// buckets: the bucket that holds the rank q × observations is found, and the value is
    /// interpolated linearly between its lower bound (the bound of the bucket before it, 0 for the
    /// first bucket) and its upper bound; a rank in the `+Inf` bucket gives the highest finite
    /// bound. Nil where Prometheus gives NaN: no observations, or no finite bucket.
    static func quantile(_ q: Double, _ buckets: [(bound: Double, count: Double)]) -> Double? {
        guard buckets.count >= 2, let last = buckets.last, last.bound == .infinity, last.count > 0 else { return nil }
        var rank = q * last.count
        let index = buckets.firstIndex { $0.count >= rank }!
        if index == buckets.count - 1 { return buckets[buckets.count - 2].bound }
        if index == 0, buckets[0].bound <= 0 { return buckets[0].bound }
        var start = 0.0
        var count = buckets[index].count
        if index > 0 {
            start = buckets[index - 1].bound
            count -= buckets[index - 1].count
            rank -= buckets[index - 1].count
        }
        return start + (buckets[index].bound - start) * (rank / count)
    }

    /// p50, p95 and p99 estimated as ``quantile(_:_:)`` does, and the max: the upper bound of the
    /// highest finite bucket that holds an observation, or, when observations fell in the `+Inf`
    /// bucket alone, the highest finite bound, with the max said to be above it. Nil when nothing
    /// can be estimated.
    var summary: LatencySummary? {
        let buckets = sortedBuckets
        guard let p50 = Self.quantile(0.5, buckets), let p95 = Self.quantile(0.95, buckets),
              let p99 = Self.quantile(0.99, buckets) else { return nil }
        let finite = buckets.dropLast()
        let aboveFinite = buckets.last!.count > finite.last!.count
        var max = finite.last!.bound
        if !aboveFinite {
            // The highest bucket whose count is above the one below it (or, for the first, above 0).
            let highest = finite.indices.last { $0 == 0 ? finite[$0].count > 0 : finite[$0].count > finite[$0 - 1].count }
            max = highest.map { finite[$0].bound } ?? 0
        }
        return LatencySummary(p50Nanos: Self.nanos(p50), p95Nanos: Self.nanos(p95), p99Nanos: Self.nanos(p99),
                              maxNanos: Self.nanos(max), basis: .histogram(aboveFiniteBuckets: aboveFinite))
    }

    private static func nanos(_ value: Double) -> UInt64 {
        guard value.isFinite, value > 0 else { return 0 }
        return value >= 1.8e19 ? UInt64.max : UInt64(value.rounded())
    }
}

/// A place in a text input: line and column, both counted from 1.
struct Place: Equatable, Sendable {
    var line: Int
    var column: Int
}
