import ServiceGraph
import Testing
@testable import ServiceGraphMetrics

/// Percentiles from cumulative buckets, as Prometheus's `histogram_quantile` estimates them, against
/// values worked out by hand.
@Suite struct HistogramQuantileTests {
    /// Buckets in seconds (the last is +Inf) with their cumulative counts.
    static func histogram(_ buckets: [(Double, Double)]) -> LatencyHistogram {
        var histogram = LatencyHistogram()
        for (bound, count) in buckets {
            histogram.add(upperBound: bound == .infinity ? bound : bound * 1e9, count: count, at: Place(line: 1, column: 1), metric: "m")
        }
        return histogram
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var buckets: [(Double, Double)]
        var p50: UInt64, p95: UInt64, p99: UInt64, max: UInt64
        var aboveFinite: Bool
        var why: String
        var testDescription: String { why }
    }

    static let cases: [Case] = [
        // 40 observations: 10 ≤ 0.1 s, 20 in (0.1, 0.2], 8 in (0.2, 0.4], 2 in (0.4, 0.8].
        // p50: rank 20 falls in (0.1, 0.2], 10 of its 20 in: 0.1 + 0.1 × 10/20 = 0.15 s.
        // p95: rank 38 is the last of (0.2, 0.4]: 0.2 + 0.2 × 8/8 = 0.4 s.
        // p99: rank 39.6 falls in (0.4, 0.8], 1.6 of its 2 in: 0.4 + 0.4 × 1.6/2 = 0.72 s.
        Case(buckets: [(0.1, 10), (0.2, 30), (0.4, 38), (0.8, 40), (1.6, 40), (.infinity, 40)],
             p50: 150_000_000, p95: 400_000_000, p99: 720_000_000, max: 800_000_000, aboveFinite: false,
             why: "interpolation within the bucket; max is the highest bucket that holds an observation"),
        // The first bucket's lower bound is 0: rank 2 of 4 in (0, 1 s]: 0.5 s; 3.8 → 0.95 s; 3.96 → 0.99 s.
        Case(buckets: [(1, 4), (.infinity, 4)], p50: 500_000_000, p95: 950_000_000, p99: 990_000_000, max: 1_000_000_000,
             aboveFinite: false, why: "the first bucket starts at 0"),
        // 6 of 66 at most 40 ms, 60 above every finite bound: ranks 33, 62.7, 65.34 are in +Inf: 40 ms.
        Case(buckets: [(0.04, 6), (.infinity, 66)], p50: 40_000_000, p95: 40_000_000, p99: 40_000_000, max: 40_000_000,
             aboveFinite: true, why: "a rank in +Inf is the highest finite bound, and the max is above it"),
        // Summed series whose layouts differ leave a bucket below the one before: made monotonic.
        // Read as (0.1, 5), (0.2, 5), (+Inf, 10): p50 rank 5 is in the first bucket: 0.1 s; p95 rank 9.5 in +Inf: 0.2 s.
        Case(buckets: [(0.1, 5), (0.2, 3), (.infinity, 10)], p50: 100_000_000, p95: 200_000_000, p99: 200_000_000,
             max: 200_000_000, aboveFinite: true, why: "counts made monotonic as Prometheus does"),
    ]

    @Test(arguments: cases)
    func percentilesAreInterpolatedWithinTheirBucket(_ testCase: Case) throws {
        let summary = try #require(Self.histogram(testCase.buckets).summary)
        #expect(summary.p50Nanos == testCase.p50)
        #expect(summary.p95Nanos == testCase.p95)
        #expect(summary.p99Nanos == testCase.p99)
        #expect(summary.maxNanos == testCase.max)
        #expect(summary.basis == .histogram(aboveFiniteBuckets: testCase.aboveFinite))
    }

    @Test func nothingIsEstimatedWithoutObservationsOrFiniteBuckets() {
        #expect(Self.histogram([(0.1, 0), (.infinity, 0)]).summary == nil)
        #expect(Self.histogram([(.infinity, 5)]).summary == nil)
    }

    @Test func theEstimateIsWordedAsOne() {
        let summary = Self.histogram([(0.1, 10), (0.2, 30), (0.4, 38), (0.8, 40), (.infinity, 40)]).summary!
        let edge = ServiceGraph.CallEdge(from: NodeID.outsideInput, to: NodeID.outsideInput, calls: 40, errors: 0, latency: summary)
        #expect(edge.labelLines == ["40 calls", "p95 ≈ 400 ms"])
        #expect(edge.details == "40 calls; p50 ≈ 150 ms, p95 ≈ 400 ms, p99 ≈ 720 ms, max ≤ 800 ms (estimated from histogram buckets)")
        let above = Self.histogram([(0.04, 6), (.infinity, 66)]).summary!
        #expect(ServiceGraph.CallEdge(from: .outsideInput, to: .outsideInput, calls: 66, errors: 0, latency: above).details.contains("max > 40 ms"))
        let unknown = ServiceGraph.CallEdge(from: .outsideInput, to: .outsideInput, calls: 3, errors: 0, latency: .unknown)
        #expect(unknown.labelLines == ["3 calls"])
        #expect(unknown.details == "3 calls; latency unknown (no histogram)")
    }
}
