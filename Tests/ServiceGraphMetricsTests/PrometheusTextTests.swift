import ServiceGraph
import Testing
@testable import ServiceGraphMetrics

/// The Prometheus text exposition format: what it may hold, and each way it can be wrong, with where.
@Suite struct PrometheusTextTests {
    @Test func escapedLabelValuesNaNInfTimestampsExemplarsAndEOFRead() throws {
        let text = """
            # HELP traces_service_graph_request_total Total count of requests between two nodes
            # TYPE traces_service_graph_request_total counter
            # A comment of no kind.
            traces_service_graph_request_total{client="say \\"hi\\"",server="back\\\\slash",connection_type=""} 3 1700000000000
            traces_service_graph_request_total{client="two\\nlines",server="b",} 2.5E1 # {trace_id="abc"} 1 1700000000.5
            traces_service_graph_request_server_seconds_sum{client="a",server="b"} NaN
            traces_service_graph_request_server_seconds_bucket{client="a",server="b",le="0.5"}\t1
            traces_service_graph_request_server_seconds_bucket{client="a",server="b",le="+Inf"} 4
            traces_service_graph_request_total{client="a",server="b"} +4e0
            # EOF

            """
        let metrics = try MetricsReader.read(text, source: "in.prom")
        let graph = metrics.graph()
        #expect(MetricsFixtures.edge(graph, "say \"hi\"", "back\\slash")?.calls == 3)
        #expect(MetricsFixtures.edge(graph, "two\nlines", "b")?.calls == 25)
        let edge = try #require(MetricsFixtures.edge(graph, "a", "b"))
        #expect(edge.calls == 4)
        #expect(edge.latency.basis == .histogram(aboveFiniteBuckets: true))
        let input = try #require(metrics.inputs.first)
        #expect(input.series == 6)
        #expect(input.drawnSeries == 5)
        #expect(input.notDrawnSeries == ["request_server_seconds_sum": 1])
    }

    @Test func seriesThatDifferInOtherLabelsAreSummedIntoOneEdge() throws {
        // Two Collectors behind a Prometheus exporter with a namespace, each with job and instance,
        // and the Collector's failed label: one edge of 5 + 7 calls, 1 + 2 failed.
        let text = """
            ns_traces_service_graph_request_total{client="a",server="b",failed="false",instance="c1:8889",job="otel"} 4
            ns_traces_service_graph_request_total{client="a",server="b",failed="true",instance="c1:8889",job="otel"} 1
            ns_traces_service_graph_request_total{client="a",server="b",failed="false",instance="c2:8889",job="otel"} 5
            ns_traces_service_graph_request_total{client="a",server="b",failed="true",instance="c2:8889",job="otel"} 2
            ns_traces_service_graph_request_failed_total{client="a",server="b",failed="true",instance="c1:8889",job="otel"} 1
            ns_traces_service_graph_request_failed_total{client="a",server="b",failed="true",instance="c2:8889",job="otel"} 2
            """
        let graph = try MetricsReader.read(text, source: "in.prom").graph()
        #expect(graph.callEdges.count == 1)
        let edge = try #require(MetricsFixtures.edge(graph, "a", "b"))
        #expect(edge.calls == 12)
        #expect(edge.errors == 3)
        #expect(edge.latency == .unknown)
    }

    @Test func aDumpOfSeriesWithTheNameAsALabelReads() throws {
        let text = """
            {__name__="traces_service_graph_request_total", client="a", server="b", instance="x"} 3 1700000000000
            {"traces_service_graph_request_total", client="a", server="b", instance="y"} 4
            """
        #expect(MetricsFixtures.edge(try MetricsReader.read(text, source: "dump").graph(), "a", "b")?.calls == 7)
    }

    @Test func millisecondsAndSecondsBucketsMeetInNanoseconds() throws {
        let text = """
            traces_service_graph_request_server_milliseconds_bucket{client="a",server="b",le="100"} 2
            traces_service_graph_request_server_milliseconds_bucket{client="a",server="b",le="+Inf"} 2
            traces_service_graph_request_duration_seconds_bucket{client="a",server="b",le="0.1"} 2
            traces_service_graph_request_duration_seconds_bucket{client="a",server="b",le="+Inf"} 2
            """
        let edge = try #require(MetricsFixtures.edge(try MetricsReader.read(text, source: "in.prom").graph(), "a", "b"))
        // No request counter: the calls are the server histogram's count; 4 observations at most 100 ms.
        #expect(edge.calls == 4)
        #expect(edge.latency.p50Nanos == 50_000_000)
        #expect(edge.latency.maxNanos == 100_000_000)
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int?
        var column: Int?
        var problem: MetricsReadError.Problem
        var testDescription: String { "\(problem)" }
    }

    static let badInputs: [BadInput] = [
        BadInput(text: "# TYPE x counter\ntraces_service_graph_request_total{client=\"a\",server=\"b\"} many\n", line: 2, column: 59,
                 problem: .malformedLine(reason: "the value \"many\" is not a number")),
        BadInput(text: "traces_service_graph_request_total{client=\"a} 1\n", line: 1, column: 43,
                 problem: .malformedLine(reason: "the quoted string is not closed")),
        BadInput(text: "traces_service_graph_request_total{client=\"\\q\"} 1\n", line: 1, column: 44,
                 problem: .malformedLine(reason: "a label value escapes only \\\\, \\\" and \\n")),
        BadInput(text: "traces_service_graph_request_total{client \"a\"} 1\n", line: 1, column: 43,
                 problem: .malformedLine(reason: "expected = after the label name")),
        BadInput(text: "\n\n# TYPE traces_service_graph_request_total countr\n", line: 3, column: 43,
                 problem: .malformedLine(reason: "# TYPE names a type (counter, gauge, histogram, summary, untyped, unknown, gaugehistogram, stateset, info), not \"countr\"")),
        BadInput(text: "traces_service_graph_request_total{client=\"a\",server=\"b\"} 1 2 3\n", line: 1, column: 63,
                 problem: .malformedLine(reason: "expected the end of the line after the timestamp")),
        BadInput(text: "# EOF\ntraces_service_graph_request_total{client=\"a\",server=\"b\"} 1\n", line: 2, column: 1,
                 problem: .malformedLine(reason: "nothing may follow # EOF")),
        BadInput(text: "traces_service_graph_request_total{client=\"a\",server=\"b\",client=\"c\"} 1\n", line: 1, column: 58,
                 problem: .malformedLine(reason: "the label \"client\" is given twice")),
        BadInput(text: "traces_service_graph_request_total{client=\"a\",server=\"b\"} -1\n", line: 1, column: 1,
                 problem: .invalidCount(metric: "traces_service_graph_request_total", value: "-1")),
        BadInput(text: "x 1\n  traces_service_graph_request_failed_total{client=\"ü\",server=\"b\"} NaN\n", line: 2, column: 3,
                 problem: .invalidCount(metric: "traces_service_graph_request_failed_total", value: "NaN")),
        BadInput(text: "traces_service_graph_request_total{server=\"b\"} 1\n", line: 1, column: 1,
                 problem: .missingLabel(metric: "traces_service_graph_request_total", label: "client")),
        BadInput(text: "traces_service_graph_request_client_seconds_bucket{client=\"a\",server=\"b\"} 1\n", line: 1, column: 1,
                 problem: .missingLabel(metric: "traces_service_graph_request_client_seconds_bucket", label: "le")),
        BadInput(text: "traces_service_graph_request_client_seconds_bucket{client=\"a\",server=\"b\",le=\"soon\"} 1\n", line: 1, column: 1,
                 problem: .invalidBucketBound(metric: "traces_service_graph_request_client_seconds_bucket", value: "soon")),
        BadInput(text: """
            traces_service_graph_request_total{client="a",server="b"} 2
            traces_service_graph_request_server_seconds_bucket{client="a",server="b",le="0.1"} 1
            traces_service_graph_request_server_seconds_bucket{client="a",server="b",le="1"} 2
            """, line: 2, column: 1,
                 problem: .histogramWithoutInfinity(metric: "traces_service_graph_request_server_seconds_bucket", client: "a", server: "b")),
        BadInput(text: "# HELP node_cpu_seconds_total Seconds.\nnode_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 12.5\nup 1\n", line: nil, column: nil,
                 problem: .noServiceGraphMetrics(series: 2, examples: ["node_cpu_seconds_total", "up"])),
    ]

    @Test(arguments: badInputs)
    func badInputIsAnErrorAtItsLineAndColumn(_ bad: BadInput) throws {
        let error = try #require(MetricsFixtures.error(reading: bad.text))
        #expect(error.source == "in.prom")
        #expect(error.line == bad.line)
        #expect(error.column == bad.column)
        #expect(error.problem == bad.problem)
        let place = bad.line.map { ":\($0)" + (bad.column.map { ":\($0)" } ?? "") } ?? ""
        #expect(error.description.hasPrefix("in.prom\(place): "))
    }

    @Test func aLineLongerThanTheLimitStopsTheReadWhereTheLimitIs() throws {
        let long = "traces_service_graph_request_total{client=\"" + String(repeating: "a", count: 70_000) + "\",server=\"b\"} 1\n"
        let error = try #require(MetricsFixtures.error(reading: "up 1\n" + long))
        #expect(error.problem == .lineTooLong(limit: 65_536))
        #expect(error.line == 2)
        #expect(error.column == 65_537)
        // One line with no end is refused as soon: the reader does not look for its end.
        #expect(MetricsFixtures.error(reading: String(repeating: "x", count: 200_000))?.problem == .lineTooLong(limit: 65_536))
    }

    @Test func theCapsOnSeriesEdgesLabelsAndBucketsHold() throws {
        var options = MetricsReadOptions()
        options.maximumSeries = 10
        let series = (0..<11).map { "traces_service_graph_request_total{client=\"a\",server=\"b\",instance=\"\($0)\"} 1" }.joined(separator: "\n")
        let tooMany = MetricsFixtures.error(reading: series, options: options)
        #expect(tooMany?.problem == .tooManySeries(limit: 10))
        #expect(tooMany?.line == 11)

        options = MetricsReadOptions()
        options.maximumEdges = 3
        let edges = (0..<4).map { "traces_service_graph_request_total{client=\"a\",server=\"s\($0)\"} 1" }.joined(separator: "\n")
        #expect(MetricsFixtures.error(reading: edges, options: options)?.problem == .tooManyEdges(limit: 3))

        options = MetricsReadOptions()
        options.maximumLabels = 5
        let labels = (0..<6).map { "l\($0)=\"v\"" }.joined(separator: ",")
        #expect(MetricsFixtures.error(reading: "traces_service_graph_request_total{\(labels)} 1", options: options)?.problem == .tooManyLabels(limit: 5))

        options = MetricsReadOptions()
        options.maximumBuckets = 4
        let buckets = (1...5).map { "traces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"\($0)\"} 1" }.joined(separator: "\n")
        #expect(MetricsFixtures.error(reading: buckets, options: options)?.problem == .tooManyBuckets(limit: 4))
    }

    @Test func tellsAScrapeFromTraceExportsAndOtherText() {
        func detect(_ text: String) -> MetricsFormat? {
            var text = text
            return text.withUTF8 { MetricsFormat.detect(UnsafeRawBufferPointer($0)) }
        }
        #expect(detect("# HELP up Whether the target is up.\n") == .prometheusText)
        #expect(detect("\n# some comment\n# TYPE up gauge\n") == .prometheusText)
        #expect(detect("up 1\n") == .prometheusText)
        #expect(detect("up{job=\"x\"} 1\n") == .prometheusText)
        #expect(detect("{__name__=\"up\"} 1\n") == .prometheusText)
        #expect(detect("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}") == .prometheusJSON)
        #expect(detect(" {\"status\": \"error\", \"errorType\": \"bad_data\"}") == .prometheusJSON)
        #expect(detect("{\"resourceSpans\": []}") == nil)
        #expect(detect("[{\"traceId\": \"a\"}]") == nil)
        #expect(detect("{\"name\": \"x\"}") == nil)
        #expect(detect("hello world\n") == nil)
        #expect(detect("not json") == nil)
        #expect(detect("") == nil)
        // A trace export on one line of megabytes: told apart within the first 64 KiB.
        let span = #"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"x"},"#
        #expect(detect(#"{"resourceSpans":[{"scopeSpans":[{"spans":["# + String(repeating: span, count: 20_000) + "{}]}]}]}") == nil)
    }
}

