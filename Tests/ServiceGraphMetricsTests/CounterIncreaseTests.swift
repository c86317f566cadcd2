import Testing
@testable import ServiceGraphMetrics

/// The increase of a counter over a range's samples, as Prometheus's `increase` computes it without extrapolation.
@Suite struct CounterIncreaseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var samples: [Double]
        var increase: Double
        var why: String
        var testDescription: String { why }
    }

    static let cases: [Case] = [
        Case(samples: [], increase: 0, why: "no samples: no increase"),
        Case(samples: [7], increase: 0, why: "one sample: no increase"),
        Case(samples: [3, 5, 9], increase: 6, why: "last minus first"),
        Case(samples: [0, 4, 10, 2, 5], increase: 15, why: "a reset: 0→10 before it, 0→5 after it (10 + 5)"),
        Case(samples: [100, 120, 20, 30, 5, 8], increase: 58, why: "two resets: 20 + 30 + 8"),
        Case(samples: [4, 4, 4], increase: 0, why: "a flat counter"),
    ]

    @Test(arguments: cases)
    func increaseCountsResetsBackIn(_ testCase: Case) {
        var increase = CounterIncrease()
        for sample in testCase.samples { increase.add(sample) }
        #expect(increase.value == testCase.increase)
    }
}
