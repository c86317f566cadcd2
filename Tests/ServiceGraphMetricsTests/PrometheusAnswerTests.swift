import ServiceGraph
import Testing
@testable import ServiceGraphMetrics

/// Prometheus API answers on Tempo's metrics-generator remote write (`Fixtures/tempo/`, made by
/// `make_answers.py`; the expected numbers are worked out by hand in PROVENANCE.md).
@Suite struct PrometheusAnswerTests {
    @Test func aRangeGivesEachCountersIncreaseResetsCountedAndInstancesSummed() throws {
        let metrics = try MetricsFixtures.read("tempo/query_range.json")
        #expect(metrics.inputs.first?.shape == .rangeMatrix)
        #expect(metrics.inputs.first?.format == .prometheusJSON)
        let graph = metrics.graph()
        #expect(graph.callEdges.count == 3)
        // 31 + 29 copies of the queue-database trace, 3 + 3 of the failed one, one instance reset in between;
        // two series per edge for the two instances, and two for requester → server's two beast labels.
        let requests = try #require(MetricsFixtures.edge(graph, "mythical-requester", "mythical-server"))
        #expect((requests.calls, requests.errors, requests.connection) == (66, 6, .direct))
        let database = try #require(MetricsFixtures.edge(graph, "mythical-server", "postgres"))
        #expect((database.calls, database.errors, database.connection) == (66, 6, .database))
        let messages = try #require(MetricsFixtures.edge(graph, "mythical-requester", "mythical-recorder"))
        #expect((messages.calls, messages.errors, messages.connection, messages.kind) == (60, 0, .messaging, .request))
        // Every server span took at most 40 ms, the one bucket: p50 20 ms, p95 38 ms, p99 39.6 ms, max ≤ 40 ms.
        let within = LatencySummary(p50Nanos: 20_000_000, p95Nanos: 38_000_000, p99Nanos: 39_600_000, maxNanos: 40_000_000,
                                    basis: .histogram(aboveFiniteBuckets: false))
        #expect(requests.latency == within)
        #expect(database.latency == within)
        #expect(messages.latency == within)
        // The requester's client span of the queue-database trace took 45.8 ms, past the bucket: 60 of 66 in +Inf.
        #expect(requests.clientLatency == LatencySummary(p50Nanos: 40_000_000, p95Nanos: 40_000_000, p99Nanos: 40_000_000,
                                                          maxNanos: 40_000_000, basis: .histogram(aboveFiniteBuckets: true)))
    }

    @Test func aVectorGivesTheCountsAtItsTime() throws {
        let graph = try MetricsFixtures.read("tempo/query.json").graph()
        #expect(MetricsFixtures.edge(graph, "mythical-requester", "mythical-server").map { ($0.calls, $0.errors) } ?? (0, 0) == (94, 8))
        #expect(MetricsFixtures.edge(graph, "mythical-server", "postgres").map { ($0.calls, $0.errors) } ?? (0, 0) == (94, 8))
        #expect(MetricsFixtures.edge(graph, "mythical-requester", "mythical-recorder")?.calls == 86)
        #expect(MetricsFixtures.node(graph, "postgres")?.kind == .database(system: ""))
        #expect(MetricsFixtures.node(graph, "mythical-recorder")?.kind == .service)
        #expect(graph.nodes.allSatisfy { !$0.spansCounted })
    }

    @Test func anAnswerWithoutMetricNamesSaysWhichQueryToRun() throws {
        let error = try #require(throwing(try MetricsFixtures.read("tempo/sum-by.json")))
        #expect(error.problem == .seriesWithoutName(labels: "{client=\"mythical-requester\", server=\"mythical-recorder\"}"))
        #expect((error.line, error.column) == (1, 61))
        #expect(error.description.contains(MetricsQuery.recommended))
        #expect(error.description.contains("sum by"))
    }

    @Test func anErrorAnswerQuotesPrometheus() throws {
        let error = try #require(throwing(try MetricsFixtures.read("tempo/query-error.json")))
        #expect(error.problem == .queryFailed(errorType: "bad_data",
                                              error: "invalid parameter \"query\": 1:82: parse error: unexpected end of input inside braces"))
        #expect(error.description == "tempo/query-error.json:1:11: the query failed: Prometheus said (\"bad_data\") "
            + "\"invalid parameter \"query\": 1:82: parse error: unexpected end of input inside braces\"")
    }

    struct BadAnswer: Sendable, CustomTestStringConvertible {
        var json: String
        var line: Int
        var column: Int
        var problem: MetricsReadError.Problem
        var testDescription: String { "\(problem)" }
    }

    static let badAnswers: [BadAnswer] = [
        BadAnswer(json: "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"2\"]}}", line: 1, column: 42,
                  problem: .unsupportedResultType("scalar")),
        BadAnswer(json: "{\"status\":\"success\",\n\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":\"traces_service_graph_request_total\",\"client\":\"a\",\"server\":\"b\"},\"value\":[1,\"-2\"]}]}}",
                  line: 2, column: 138, problem: .invalidCount(metric: "traces_service_graph_request_total", value: "-2")),
        BadAnswer(json: "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{\"__name__\":\"traces_service_graph_request_client_seconds_bucket\",\"client\":\"a\",\"server\":\"b\"},\"histograms\":[[1,{\"count\":\"1\"}]]}]}}",
                  line: 1, column: 61, problem: .nativeHistogram(metric: "traces_service_graph_request_client_seconds_bucket")),
        BadAnswer(json: "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":\"traces_service_graph_request_total\"",
                  line: 1, column: 119, problem: .malformedAnswer(reason: "the input ends too early: expected ',' or '}' (is the file truncated?)")),
        BadAnswer(json: "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]},\"extra\":" + String(repeating: "[", count: 100),
                  line: 1, column: 135, problem: .nestingTooDeep(limit: 64)),
    ]

    @Test(arguments: badAnswers)
    func aBadAnswerIsAnErrorAtItsLineAndColumn(_ bad: BadAnswer) throws {
        let error = try #require(MetricsFixtures.error(reading: bad.json))
        #expect(error.problem == bad.problem)
        #expect(error.line == bad.line)
        #expect(error.column == bad.column)
    }

    @Test func otherMetricsAndServiceGraphSeriesNotDrawnAreCounted() throws {
        let json = """
            {"status":"success","warnings":["too many samples"],"data":{"resultType":"vector","result":[
            {"metric":{"__name__":"up","job":"tempo"},"value":[1,"1"]},
            {"metric":{"__name__":"traces_service_graph_unpaired_spans_total","client":"a"},"value":[1,"3"]},
            {"metric":{"__name__":"traces_service_graph_request_total","client":"a","server":"b","connection_type":"queue"},"value":[1,"5"]}]}}
            """
        let metrics = try MetricsReader.read(json, source: "answer.json")
        let input = try #require(metrics.inputs.first)
        #expect((input.series, input.drawnSeries, input.otherSeries) == (3, 1, 1))
        #expect(input.notDrawnSeries == ["unpaired_spans_total": 1])
        #expect(input.warnings == ["too many samples",
                                   "connection_type \"queue\" is not one Tempo or the Collector writes: read as a direct call"])
        #expect(metrics.graph().callEdges.first?.connection == .direct)
    }

    private func throwing(_ read: @autoclosure () throws -> MetricsGraph) -> MetricsReadError? {
        do {
            _ = try read()
            return nil
        } catch let error as MetricsReadError {
            return error
        } catch {
            return nil
        }
    }
}
