import ArgumentParser
import Dispatch
import Tracegraph
import SystemCalls

@main
struct TracegraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracegraph",
        abstract: "Turn distributed-tracing exports into pictures: a service graph with span links.",
        discussion: """
            Reads OpenTelemetry OTLP/JSON and OTLP/protobuf exports (single requests, the \
            Collector file exporter's JSON lines and length-prefixed messages, Tempo and Jaeger \
            query answers), Jaeger JSON and Zipkin v2 JSON, gzip-compressed or not, without any \
            tracing backend. The format is told from the content.

            """ + ExitStatus.sentence,
        subcommands: [GraphCommand.self, ReportCommand.self, SummaryCommand.self, DiffCommand.self, WorkflowsCommand.self, InspectCommand.self,
                      ExampleCommand.self]
    )

    @Flag(help: "Print tracegraph's version and the Graphviz library's.")
    var version = false

    func run() throws {
        guard version else { throw CleanExit.helpRequest(self) }
        print("tracegraph \(tracegraphVersion) (Graphviz \(GraphvizRenderer.graphvizVersion))")
    }

    /// ArgumentParser's `main`, except that what it says on standard error (a usage error, which
    /// can quote an argument) goes through `printError` too.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let status = exitCode(for: error)
            let text = fullMessage(for: error, columns: nil)
            if !text.isEmpty {
                if status == .success {
                    print(text)
                } else {
                    for line in text.split(separator: "\n", omittingEmptySubsequences: false) { printError(String(line)) }
                }
            }
            exit(withError: status)
        }
    }
}

/// Options every command that reads traces shares.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "Trace exports to read, merged into one set, or service-graph metrics (a Prometheus scrape or API answer) to draw: files, folders of files, '-' for standard input. None: standard input, unless it is a terminal.",
        valueName: "input"))
    var inputs: [String] = []

    @Flag(help: "Read the built-in example, a small shop ('tracegraph example' prints it), instead of inputs.")
    var example = false

    @Option(help: ArgumentHelp(
        "Read every input as this format instead of telling it from the content: \(InputFormat.allCases.map(\.rawValue).joined(separator: ", ")) (the last two: service-graph metrics, as text exposition or a Prometheus API answer in JSON).",
        valueName: "format"))
    var inputFormat: InputFormat?

    @Flag(help: "Skip what does not read, count it and say so at the end, instead of stopping: a JSON line or protobuf message; in a pretty-printed document, the span that holds the error (or the batch, outside spans).")
    var keepGoing = false

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but errors.")
    var quiet = false

    @Flag(inversion: .prefixedNo, help: "Show the bytes read of the total, spans a second and the time left on one line of standard error, rewritten as reading goes (after a second). Default: when standard error is a terminal and CI is not set, unless --quiet.")
    var progress: Bool?

    @Option(help: ArgumentHelp(
        "Refuse gzip input that inflates to more than this many times its compressed size (past 64 MiB): a gzip bomb.",
        valueName: "ratio"))
    var maxInflation = ReadOptions.defaultMaximumInflation

    @Flag(help: "Draw and write what was read even when no input holds a span, instead of failing (exit 65).")
    var allowEmpty = false

    @Flag(help: "Stop (exit 65) at a span that cannot be used as it is instead of leaving it out (no trace id or span id, or an all-zero one) or repairing it (an end before its start) and saying so.")
    var strict = false

    var readOptions: ReadOptions {
        var options = ReadOptions(keepGoing: keepGoing, format: inputFormat?.traceFormat, maximumInflation: maxInflation)
        options.strict = strict
        return options
    }

    /// Whether a progress line is shown while the inputs are read.
    private var showsProgress: Bool {
        progress ?? (!quiet && FileDescriptor.standardError.isTerminal && Machine.environment("CI") == nil)
    }

    /// Runs a read with a progress line when one is shown: options that count what is read, and
    /// the line, wiped when the read ends, however it ends.
    private func withProgress<Read>(_ read: (ReadOptions) throws -> Read) throws -> Read {
        guard showsProgress else { return try read(readOptions) }
        let files = (try? TraceReader.expand(paths)) ?? []
        let sizes = files.map { path in path == "-" ? nil : (try? FileSystem.status(ofPath: path)).flatMap { $0.kind == .regular ? $0.size : nil } }
        var options = readOptions
        let counter = ReadProgress(totalBytes: sizes.contains(nil) ? nil : sizes.reduce(0) { $0 + $1! })
        options.progress = counter
        let line = ProgressLine(counter)
        defer { line.finish() }
        return try read(options)
    }

    func validate() throws {
        if example, !inputs.isEmpty {
            let named = inputs.count == 1 ? "one input was named" : "\(inputs.count) inputs were named"
            throw ValidationError("--example reads the built-in example instead of inputs, and \(named): give either, not both.")
        }
        if !example, inputs.isEmpty, FileDescriptor.standardInput.isTerminal {
            throw ValidationError("No input: name the trace exports to read, pipe them in, or pass --example for the built-in example.")
        }
    }

    /// What is read: the inputs named, or standard input when there are none.
    private var paths: [String] { inputs.isEmpty ? ["-"] : inputs }

    /// Reads the inputs, or the built-in example, straight into a graph of the traces `query` selects.
    func readGraph(_ options: ServiceGraph.Options, query: TraceQuery = TraceQuery(), listingTraces: Bool = false,
                   collectingWorkflows: Bool = false) throws -> GraphReading {
        if !example { try checkFolders() }
        let reading = try example
            ? GraphReading(builtInExampleWith: options, query: query, listingTraces: listingTraces, collectingWorkflows: collectingWorkflows)
            : noticingEmptyStandardInput {
                try withProgress {
                    try GraphReading(paths: paths, options: $0, graphOptions: options, query: query,
                                     metricsFormat: inputFormat?.metricsFormat, listingTraces: listingTraces,
                                     collectingWorkflows: collectingWorkflows)
                }
            }
        if let metrics = reading.metrics {
            report(metrics, reading.graph)
            return reading
        }
        if let saved = reading.saved {
            report(saved)
            return reading
        }
        report(reading.inputs, reading.summary)
        try checkSpans(reading.inputs)
        try checkSelection(reading.summary, query: query)
        return reading
    }

    /// Reads the inputs for a report of at most `maxTraces` traces (``ReportReading``), or the built-in example.
    func readForReport(maxTraces: Int, keepLinked: Int? = nil, graphOptions: ServiceGraph.Options,
                       query: TraceQuery = TraceQuery()) throws -> ReportReading {
        if !example { try checkFolders() }
        let reading = try example
            ? ReportReading(LoadedTraces.builtInExample(), graphOptions: graphOptions, query: query)
            : noticingEmptyStandardInput {
                try withProgress {
                    try ReportReading(paths: paths, options: $0, graphOptions: graphOptions, query: query, maxTraces: maxTraces,
                                      keepLinked: keepLinked)
                }
            }
        report(reading.inputs, reading.summary)
        try checkSpans(reading.inputs)
        try checkSelection(reading.summary, query: query)
        return reading
    }

    /// A query that selects no trace of those read is an error (65), or with `--allow-empty` a warning.
    private func checkSelection(_ summary: TraceSetSummary, query: TraceQuery) throws {
        guard let read = summary.tracesInInput, summary.traces == 0, read > 0 else { return }
        guard allowEmpty else { throw Failure.noTraceSelected(query: query.optionsDescription, traces: read) }
        if !quiet { printError("tracegraph: warning: no trace of \(read) is selected by \(query.optionsDescription)") }
    }

    /// A folder named as an input that holds no files is an error (66), or with `--allow-empty` a warning.
    private func checkFolders() throws {
        for path in inputs where path != "-" {
            guard (try? FileSystem.status(ofPath: path))?.kind == .folder, try TraceReader.expand([path]).isEmpty else { continue }
            guard allowEmpty else { throw Failure.emptyFolder(path) }
            if !quiet { printError("tracegraph: warning: \(path) holds no files to read") }
        }
    }

    private func checkSpans(_ inputs: [InputReport]) throws {
        try checkHoldSpans(inputs, allowEmpty: allowEmpty, quiet: quiet)
    }

    /// Runs a read; standard input that holds nothing at all is a failure of its own, which
    /// says what happened when no input was named.
    private func noticingEmptyStandardInput<Read>(_ read: () throws -> Read) throws -> Read {
        do {
            return try read()
        } catch InputReadError.traces(let error) where error.source == "-" && error.problem == .emptyInput {
            throw Failure.emptyStandardInput(named: !inputs.isEmpty)
        }
    }

    /// Says on standard error what saved graph was read and what the view that wrote it left out, unless quiet.
    func report(_ saved: SavedServiceGraph) {
        guard !quiet else { return }
        let graph = saved.graph
        printError("tracegraph: read \(saved.source) (a service graph tracegraph saved): \(GraphWording.count(graph.nodes.count, "node")), "
            + "\(GraphWording.count(graph.callEdges.count, "call edge")), \(GraphWording.count(graph.linkEdges.count, "link edge"))")
        for warning in saved.warnings { printError("tracegraph: warning: \(warning)") }
    }

    /// Says on standard error what metrics were read and the graph they make, unless quiet.
    func report(_ metrics: MetricsGraph, _ graph: ServiceGraph) {
        guard !quiet else { return }
        let inputs = metrics.inputs
        let sources = inputs.count == 1 ? "\(inputs[0].source) (\(inputs[0].formatDescription))" : "\(inputs.count) inputs"
        let series = inputs.reduce(0) { $0 + $1.drawnSeries }
        let calls = graph.callEdges.reduce(0) { $0 + $1.calls }
        let failed = graph.callEdges.reduce(0) { $0 + $1.errors }
        printError("tracegraph: read \(sources): \(GraphWording.count(series, "service-graph series", plural: "service-graph series")) → "
            + "\(GraphWording.count(graph.callEdges.count, "edge")), \(GraphWording.count(calls, "call")), \(GraphWording.count(failed, "failed", plural: "failed"))")
        for input in inputs {
            for warning in input.warnings { printError("tracegraph: warning: \(input.source): \(warning)") }
        }
    }

    /// Says on standard error what was read, unless quiet.
    func report(_ inputs: [InputReport], _ summary: TraceSetSummary) {
        guard !quiet else { return }
        let sources = inputs.count == 1 ? "\(inputs[0].source) (\(inputs[0].formatDescription))" : "\(inputs.count) inputs"
        printError("tracegraph: read \(sources): \(summary.shortDescription)")
        for warning in summary.warnings { printError("tracegraph: warning: \(warning)") }
        for (heading, count, parts) in InputReport.notes(on: inputs) {
            printError("tracegraph: warning: \(heading):")
            for error in parts.prefix(10) { printError("  \(error)") }
            if count > 10 { printError("  … and \(count - 10) more") }
        }
    }
}

/// Inputs that hold no span are named; when none holds one, that is an error (65) unless
/// `allowEmpty`: `{}`, `[]` or JSON of another kind draw no picture that looks like a result.
func checkHoldSpans(_ inputs: [InputReport], allowEmpty: Bool, quiet: Bool) throws {
    let empty = inputs.filter { $0.spans == 0 }.map(\.source)
    if empty.count == inputs.count, !inputs.isEmpty, !allowEmpty {
        throw Failure.noSpans(inputs: empty, firstSkipped: inputs.lazy.compactMap(\.skipped.first).first,
                              skippedCount: inputs.reduce(0) { $0 + $1.skippedCount })
    }
    guard !quiet else { return }
    for source in empty { printError("tracegraph: warning: \(source) holds no spans") }
}

/// The configuration file (``Configuration``): `tracegraph.yml` of the current folder, the one
/// named, or none.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Read this configuration file (renames, hidden services and peers, thresholds, theme, the diff's gate) instead of \(Configuration.fileNames[0]) of the current folder.",
        valueName: "file"))
    var config: String?

    @Flag(help: "Read no configuration file, not even \(Configuration.fileNames[0]) of the current folder.")
    var noConfig = false

    func validate() throws {
        if config != nil, noConfig { throw ValidationError("--config names a configuration file and --no-config reads none: give either, not both.") }
    }

    /// The configuration asked for, if any; unless `quiet`, a line on standard error says which file was read.
    func load(quiet: Bool) throws(ConfigurationError) -> Configuration? {
        guard !noConfig else { return nil }
        let file = if let config { try Configuration(contentsOf: config) } else { try Configuration.inCurrentFolder() }
        if let file, !quiet { printError("tracegraph: read configuration \(file.path)") }
        return file
    }
}

/// How the service graph is drawn, for every command that draws one.
struct GraphOptions: ParsableArguments {
    @OptionGroup(title: "Configuration") var configuration: ConfigurationOptions

    @Option(help: ArgumentHelp(
        "Colours: light (the default), dark (for a dark page, GitHub's background) or mono (black and greys, for print and for readers who do not tell colours apart).",
        valueName: "theme"))
    var theme: Theme.Name?

    @Option(help: "Graphviz layout engine: \(LayoutEngine.allCases.map(\.rawValue).joined(separator: ", ")). Default: dot, left to right, up to \(LayoutPlan.maximumEdgesForDot) edges (or \(LayoutPlan.maximumNodesForSparseDot) nodes of at most \(LayoutPlan.maximumEdgesPerNodeForSparseDot) edges each); past that sfdp with straight edges, and a line on standard error says so.")
    var engine: LayoutEngine?

    @Flag(help: "Leave out the databases, queues and other peers inferred from client and producer spans.")
    var noPeers = false

    @Option(help: ArgumentHelp(
        "Which spans make a call edge: 'boundary' (every crossing of a service boundary, topics between producers and consumers) or 'paired' (client and server spans paired as Grafana Tempo and the OpenTelemetry Collector count them).",
        valueName: "rule"))
    var edges: ServiceGraph.EdgeRule = .boundary

    @Option(help: ArgumentHelp("Draw a node or edge as degraded (amber) above this share of errors, in percent (default: 0.1).", valueName: "percent"))
    var degradedAbove: Double?

    @Option(help: ArgumentHelp("Draw a node or edge as failing (red) above this share of errors, in percent (default: 10).", valueName: "percent"))
    var failingAbove: Double?

    @Option(help: ArgumentHelp(
        "Draw only the neighbourhood of the services (or peers) this names: what they call and what calls them, --depth edges away. A pattern: '*' any characters, '?' any one. Repeatable.",
        valueName: "service"))
    var focus: [String] = []

    @Option(help: ArgumentHelp("How many edges away from a --focus service its neighbourhood reaches, downstream and upstream.", valueName: "n"))
    var depth = 2

    @Option(help: ArgumentHelp("Leave out the nodes whose name matches this pattern ('*' any characters, '?' any one), with their edges. Repeatable.",
                               valueName: "pattern"))
    var exclude: [String] = []

    @Option(help: ArgumentHelp("Leave out call edges of fewer calls, and link edges of fewer links, than this.", valueName: "n"))
    var minCalls = 0

    @Option(help: ArgumentHelp(
        "Draw only the n busiest edges (by calls or links) and the nodes they join. Default: every edge up to \(GraphView.readableSize.nodes) nodes and \(GraphView.readableSize.edges) edges; past that, the busiest that fit in that size. A line on standard error and one under the graph say what was left out.",
        valueName: "n"))
    var topEdges: Int?

    @Option(help: ArgumentHelp(
        "Draw a caller's leaf peers of one kind (databases, topics, other peers) as one node with a count when it has more than n; 0 draws each.",
        valueName: "n"))
    var collapseLeaves = GraphView.defaultCollapseLeavesAbove

    @Flag(help: "Draw every node and edge: no busiest-edges limit, no collapsed peers (--exclude, --min-calls and --focus still apply).")
    var full = false

    @Option(help: ArgumentHelp("Stop (exit 70) when Graphviz's layout runs longer than this.", valueName: "seconds"))
    var layoutTimeout = 300

    @Option(help: ArgumentHelp(
        "Draw the services whose resources carry the same value of this attribute in one labelled box.",
        valueName: "attribute"))
    var groupBy = ServiceGraph.Options.namespaceAttribute

    @Flag(help: "Draw no boxes around groups of services (--group-by).")
    var noGroups = false

    var serviceGraphOptions: ServiceGraph.Options {
        ServiceGraph.Options(inferUninstrumentedPeers: !noPeers, edgeRule: edges, groupAttribute: noGroups || groupBy.isEmpty ? nil : groupBy)
    }

    /// How these options draw, over what the configuration file says: the options win.
    struct Settings {
        var view: GraphView
        var renderer: GraphvizRenderer
        var serviceGraphOptions: ServiceGraph.Options

        /// The view of the report's graph: the configuration's renames left out, so that the graph
        /// names each service and peer as the trace list, the flame graphs and the filters do (a
        /// node of the graph filters the list by the spans it stands for).
        var reportView: GraphView {
            var view = view
            view.renames = []
            return view
        }

        /// The graph of the inputs' traces the selection keeps, as the view draws it, a note of
        /// the selection first among the view's notes.
        func viewedGraph(of input: InputOptions, selecting selection: TraceQueryOptions) throws -> ViewedGraph {
            let query = try selection.query()
            let reading = try input.readGraph(serviceGraphOptions, query: query)
            var viewed = try view.apply(to: reading.graph)
            if let selected = GraphWording.selection(query, reading.summary) { viewed.notes.insert(selected, at: 0) }
            return viewed
        }
    }

    /// The settings of these options and of the configuration file they find, which is read here.
    func settings(quiet: Bool) throws -> Settings {
        let file = try configuration.load(quiet: quiet)
        let thresholds = ErrorThresholds(degradedAbove: (degradedAbove ?? file?.degradedAbovePercent ?? 0.1) / 100,
                                          failingAbove: (failingAbove ?? file?.failingAbovePercent ?? 10) / 100)
        let view = GraphView(exclude: exclude.map(NamePattern.init), minimumCalls: minCalls, focus: focus.map(NamePattern.init), depth: depth,
                             collapseLeavesAbove: full || collapseLeaves == 0 ? nil : collapseLeaves,
                             edgeLimit: topEdges.map { .top($0) } ?? (full ? .all : .readable),
                             renames: file?.renames ?? [], hide: file?.hidden ?? [])
        let renderer = GraphvizRenderer(engine: engine, errorThresholds: thresholds, layoutTimeout: .seconds(layoutTimeout),
                                        theme: (theme ?? file?.theme ?? .light).theme)
        return Settings(view: view, renderer: renderer, serviceGraphOptions: serviceGraphOptions)
    }

    func validate() throws {
        if full, topEdges != nil { throw ValidationError("--full draws every edge and --top-edges only the busiest: give either, not both.") }
        guard topEdges.map({ $0 > 0 }) ?? true else { throw ValidationError("--top-edges must be at least 1.") }
        guard depth >= 0, minCalls >= 0, collapseLeaves >= 0 else {
            throw ValidationError("--depth, --min-calls and --collapse-leaves cannot be negative.")
        }
        guard layoutTimeout > 0 else { throw ValidationError("--layout-timeout must be at least 1 second.") }
        guard [degradedAbove, failingAbove].allSatisfy({ $0.map { (0...100).contains($0) } ?? true }) else {
            throw ValidationError("--degraded-above and --failing-above are percentages, from 0 to 100.")
        }
        if let degradedAbove, let failingAbove, degradedAbove > failingAbove {
            throw ValidationError("--degraded-above (\(degradedAbove)) must not be above --failing-above (\(failingAbove)).")
        }
    }
}

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Render the service graph: services and peers as nodes, calls solid, span links dashed.",
        discussion: """
            A call edge joins a parent span's service to a child span's service when they differ, \
            labelled with calls, errors and the children's p95 latency. A link edge runs from the \
            linked-to span's service to the linking span's service; a link whose target is in no \
            input comes from a node for spans outside the input.

            SVG and DOT are byte-identical for the same spans, whatever their order in the input. \
            PNG and PDF depend on the fonts installed, and PDF embeds its creation date.

            Examples:
              tracegraph graph traces.jsonl -o Output/service-graph.svg
              tracegraph graph traces/ -o graph.mmd --top-edges 60 --theme dark
              tracegraph graph traces.jsonl --focus checkout --depth 1 -o checkout.png
              tracegraph graph traces.jsonl --errors -o failures.svg --title "Failure chains"
              tracegraph graph traces.jsonl -o graph.json
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Where to write the graph; '-' writes to standard output. Its extension sets the format. Default: Output/service-graph.<format>.",
        valueName: "file"))
    var output: String?

    @Option(name: [.customShort("T", allowingJoined: true), .long], help: ArgumentHelp(
        "Output format: \(GraphFormat.allCases.map(\.rawValue).joined(separator: ", ")). Default: what the output's extension says (.svg, .dot or .gv, .png, .pdf, .mmd), else svg. DOT is written before layout; mermaid is a flowchart GitHub and GitLab draw in Markdown.",
        valueName: "format"))
    var format: GraphFormat?

    @Option(help: ArgumentHelp("A title: the first line of the caption and the SVG's <title>, the Mermaid chart's title, the Markdown's heading.",
                               valueName: "text"))
    var title: String?

    @OptionGroup(title: "Which traces") var selection: TraceQueryOptions

    @OptionGroup var drawing: GraphOptions

    func validate() throws {
        try GraphFormat.chosen(asked: format, output: output).checkNotToATerminal(output: output)
    }

    func run() throws {
        let format = try GraphFormat.chosen(asked: format, output: output)
        try reportingErrors {
            let settings = try drawing.settings(quiet: input.quiet)
            let renderer = settings.renderer
            // Graphviz loads its plugins and fonts on another thread while the inputs are read;
            // the command waits for it before it ends, whatever happens.
            let preparing = DispatchGroup()
            if let graphviz = format.graphviz {
                DispatchQueue.global().async(group: preparing) { renderer.prepare(for: graphviz) }
            }
            defer { preparing.wait() }
            let viewed = try settings.viewedGraph(of: input, selecting: selection)
            let graph = viewed.graph
            if !input.quiet {
                for note in viewed.notes { printError("tracegraph: \(note)") }
                if let graphviz = format.graphviz, graphviz != .dot, let reason = renderer.plan(for: graph).reason {
                    printError("tracegraph: \(reason)")
                }
            }
            let (bytes, left, drawn) = try format.write(viewed, renderer: renderer, title: title)
            if !input.quiet { for note in left { printError("tracegraph: \(note)") } }
            let path = output ?? "Output/service-graph.\(format.fileExtension)"
            let notes = try OutputFile.write(bytes, to: path)
            if !input.quiet { for note in notes { printError("tracegraph: warning: \(note)") } }
            if !input.quiet, path != "-" {
                printError("tracegraph: wrote \(path): \(drawn.nodes.count) nodes, \(drawn.callEdges.count) call edges, \(drawn.linkEdges.count) link edges")
            }
        }
    }
}

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Write the service graph as Markdown: totals, the Mermaid chart, and tables of services, calls and span links.",
        discussion: """
            For a pull request's comment or a CI job's summary, where SVG is not shown inline: \
            GitHub and GitLab draw the Mermaid chart. The Markdown stays within the place it is \
            for (--for): past it, the chart goes first, then the quietest rows of each table, and \
            a line says what was left out. The same as graph --format markdown, written to \
            standard output by default.

            Examples:
              tracegraph summary traces.jsonl --for job-summary >> "$GITHUB_STEP_SUMMARY"
              tracegraph summary traces.jsonl -o comment.md
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the Markdown; '-' (the default) writes to standard output.", valueName: "file"))
    var output = "-"

    @Option(name: .customLong("for"), help: ArgumentHelp(
        "Where the Markdown goes: comment (65,536 characters, the default) or job-summary (1 MiB).", valueName: "place"))
    var destination: MarkdownSummary.Destination = .comment

    @Option(help: ArgumentHelp("The heading.", valueName: "text"))
    var title = "Service graph"

    @OptionGroup(title: "Which traces") var selection: TraceQueryOptions

    @OptionGroup var drawing: GraphOptions

    func run() throws {
        try reportingErrors {
            let settings = try drawing.settings(quiet: input.quiet)
            let viewed = try settings.viewedGraph(of: input, selecting: selection)
            let (bytes, left, _) = try GraphFormat.markdown.write(viewed, renderer: settings.renderer, title: title, destination: destination)
            if !input.quiet { for note in viewed.notes + left { printError("tracegraph: \(note)") } }
            let notes = try OutputFile.write(bytes, to: output)
            if !input.quiet { for note in notes { printError("tracegraph: warning: \(note)") } }
            if !input.quiet, output != "-" { printError("tracegraph: wrote \(output): \(GraphWording.bytes(bytes.count)) of Markdown") }
        }
    }
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two service graphs: services and edges added or removed, and the change in calls, error rate and p95.",
        discussion: """
            Reads the inputs before --against as one set and those after it as the other; with no \
            --against, two inputs, before and after. Either side may be a service graph an \
            earlier run saved with 'tracegraph graph -o baseline.json', read alone. Writes Markdown (most significant change \
            first) to standard output, JSON with -o FILE.json or --format json, or a drawing with \
            -o FILE.svg (added green, removed red and dashed, changes labelled). With \
            --fail-on, exits 1 when a change matches a gate: new-edge, removed-edge, \
            new-service, removed-service, error-rate>+Npp (an edge's error rate up more than N \
            percentage points), p95>+N% (its p95 up more than N %).

            Examples:
              tracegraph diff main.jsonl branch.jsonl
              tracegraph diff main/ --against branch/ --fail-on new-edge,p95>+20%
              tracegraph diff baseline.json traces.jsonl --fail-on new-edge
              tracegraph diff main.jsonl branch.jsonl -o drift.svg
            """
    )

    @Argument(help: ArgumentHelp("The exports before (and, with no --against, the exports after, as a second input).", valueName: "input"))
    var inputs: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("The exports after.", valueName: "input"))
    var against: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the diff; '-' (the default) writes to standard output.", valueName: "file"))
    var output = "-"

    @Option(name: [.customShort("T", allowingJoined: true), .long], help: ArgumentHelp(
        "\(Self.formats.map(\.rawValue).joined(separator: ", ")). Default: what the output's extension says (.md, .json, .svg, …), else markdown.",
        valueName: "format"))
    var format: GraphFormat?

    @Option(help: ArgumentHelp("Exit 1 when a change matches one of these gates, separated by commas.", valueName: "gates"))
    var failOn: String?

    @Option(help: ArgumentHelp("The heading of the Markdown, the first line of a drawing's caption and its SVG <title>.", valueName: "text"))
    var title = "Service graph diff"

    @Option(help: ArgumentHelp("A drawing's colours: light (the default), dark (for dark pages), mono (greys, for print).", valueName: "theme"))
    var theme: Theme.Name?

    @OptionGroup(title: "Configuration") var configuration: ConfigurationOptions

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but errors.")
    var quiet = false

    /// What a diff is written as: Markdown, JSON, and Graphviz's drawings.
    static let formats: [GraphFormat] = [.markdown, .json, .svg, .dot, .png, .pdf]

    /// The format asked for, or the one the output's extension names, else Markdown.
    private func chosenFormat() throws(ValidationError) -> GraphFormat {
        if format == nil, output == "-" || GraphFormat(extensionOf: output) == nil { return .markdown }
        let chosen = try GraphFormat.chosen(asked: format, output: output)
        guard Self.formats.contains(chosen) else {
            throw ValidationError("a diff is written in \(Self.formats.map(\.rawValue).joined(separator: ", ")), not \(chosen).")
        }
        return chosen
    }

    func validate() throws {
        if against.isEmpty, inputs.count != 2 {
            throw ValidationError("name the inputs before and after: two inputs, or the first ones, --against and the others.")
        }
        if !against.isEmpty, inputs.isEmpty { throw ValidationError("name the inputs before --against.") }
        if let failOn {
            do { _ = try DiffGate(parsing: failOn) } catch { throw ValidationError("\(error)") }
        }
        try chosenFormat().checkNotToATerminal(output: output)
    }

    func run() throws {
        try reportingErrors {
            let file = try configuration.load(quiet: quiet)
            let gate = try (failOn ?? file?.failOn).map { text throws(DiffGateError) in try DiffGate(parsing: text) }
            let (before, after) = against.isEmpty ? ([inputs[0]], [inputs[1]]) : (inputs, against)
            let readings = (before: try GraphReading(paths: before), after: try GraphReading(paths: after))
            // A side that holds no span is no graph to compare: every edge of the other would look gone.
            for reading in [readings.before, readings.after] { try checkHoldSpans(reading.inputs, allowEmpty: false, quiet: quiet) }
            if !quiet {
                for warning in [readings.before.saved, readings.after.saved].compactMap({ $0 }).flatMap(\.warnings) {
                    printError("tracegraph: warning: \(warning)")
                }
            }
            // Both sides named and hidden as the configuration says: a service renamed between them is the same service.
            let view = GraphView(collapseLeavesAbove: nil, edgeLimit: .all, renames: file?.renames ?? [], hide: file?.hidden ?? [])
            let diff = GraphDiff(before: try view.apply(to: readings.before.graph).graph, after: try view.apply(to: readings.after.graph).graph)
            let matches = gate?.matches(diff) ?? []
            let chosen = try chosenFormat()
            let bytes: [UInt8]
            switch chosen {
            case .markdown: bytes = Array(GraphDiffMarkdown.text(diff, gate: gate, title: title).utf8)
            case .json: bytes = Array(GraphDiffJSON.text(diff, gate: gate).utf8)
            case .svg, .dot, .png, .pdf, .mermaid:
                let verdict = gate.map { _ in GraphWording.gateVerdict(matches, listed: 3) }
                let caption = [GraphWording.totals(of: diff)] + (verdict.map { [$0.head + $0.rest] } ?? [])
                bytes = try GraphvizRenderer(theme: (theme ?? file?.theme ?? .light).theme).render(diff, format: chosen.graphviz ?? .svg, caption: caption, title: title)
            }
            let notes = try OutputFile.write(bytes, to: output)
            if !quiet { for note in notes { printError("tracegraph: warning: \(note)") } }
            if !quiet, output != "-" { printError("tracegraph: wrote \(output): \(GraphWording.totals(of: diff))") }
            if !matches.isEmpty { throw Failure.gateMatched(matches) }
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one offline HTML page: the service graph, the trace list, a flame graph for every trace, links followed both ways.",
        discussion: """
            The page needs no network and no server: open it in any browser, or publish it as a \
            CI artifact. Its state is in the address's fragment (#trace=…&span=…), so a link to \
            the page can point at a span.

            Above --max-traces, the page keeps the traces with errors, then the slowest, each \
            with the traces linked to it, and says what it left out.

            Examples:
              tracegraph report traces.jsonl -o Output/report.html
              tracegraph report big.jsonl.gz --max-traces 20000 --keep-linked 2
              tracegraph report traces.jsonl --where billing.job.id=nightly-42
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the page; '-' writes to standard output.", valueName: "file"))
    var output = "Output/report.html"

    @Option(help: ArgumentHelp("Show at most this many traces.", valueName: "n"))
    var maxTraces = 100_000

    @Option(help: ArgumentHelp(
        "With --max-traces: how many links away along a kept trace's chain (the traces that link to it and theirs, those it links to and theirs) the traces it brings are: 'all' (the default) or a number (0: none).",
        valueName: "all|n"))
    var keepLinked = "all"

    /// `--keep-linked` as a number of links; nil for all.
    private var linkedDepth: Int? { keepLinked == "all" ? nil : Int(keepLinked) }

    @Option(help: ArgumentHelp(
        "Use the templates in this folder (report.html, report.css and the script's files in script/: a customised copy of Templates/) instead of the built-in ones.",
        valueName: "folder"))
    var templates: String?

    @Option(help: "The page's title.")
    var title = "Trace report"

    @OptionGroup(title: "Which traces") var selection: TraceQueryOptions

    @OptionGroup var drawing: GraphOptions

    func validate() throws {
        guard maxTraces > 0 else { throw ValidationError("--max-traces must be at least 1.") }
        guard keepLinked == "all" || (Int(keepLinked).map { $0 >= 0 } ?? false) else {
            throw ValidationError("--keep-linked \(keepLinked): expected 'all' or a number of links, 0 or more.")
        }
    }

    func run() throws {
        try reportingErrors {
            let chosenTemplates = try templates.map { folder throws(ReportError) in try ReportTemplates(folder: folder) } ?? .builtIn
            let query = try selection.query()
            let settings = try drawing.settings(quiet: input.quiet)
            let reading = try input.readForReport(maxTraces: maxTraces, keepLinked: linkedDepth, graphOptions: settings.serviceGraphOptions,
                                                  query: query)
            var options = HTMLReport.Options(title: title, maxTraces: maxTraces, templates: chosenTemplates)
            options.keepLinked = linkedDepth
            if !query.selectsEverything { options.selectedBy = query.optionsDescription }
            let report = try reading.htmlReport(
                graphOptions: settings.serviceGraphOptions, view: settings.reportView, renderer: settings.renderer, options: options
            ) { note in if !input.quiet { printError("tracegraph: \(note)") } }
            let notes = try OutputFile.write(Array(report.html.utf8), to: output)
            if !input.quiet { for note in notes { printError("tracegraph: warning: \(note)") } }
            if !input.quiet, output != "-" {
                let omitted = report.totalTraces - report.shownTraces
                printError("tracegraph: wrote \(output): \(report.shownTraces) traces"
                    + (omitted > 0 ? " (\(omitted) left out by --max-traces \(maxTraces))" : ""))
            }
        }
    }
}

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Say what the inputs hold: formats, traces, spans, repeats, links, services, errors, skipped parts.",
        discussion: """
            Examples:
              tracegraph inspect traces.jsonl
              tracegraph inspect traces.jsonl --json --list-traces --errors
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup(title: "Which traces") var selection: TraceQueryOptions

    @Flag(help: "Print one JSON object (keys: schemaVersion, files, traces, spans, duplicateSpans, conflictingSpans (repeats of ids with other content, left out), sharedSpanIDs, links, unresolvedLinks, droppedLinks, services, errorSpans, emptyServiceNameSpans, zeroIDSpans (spans left out for an all-zero trace or span id), skippedSpans and repairedSpans (counts by reason: missingTraceID, missingSpanID, zeroTraceID, zeroSpanID; endBeforeStart), skippedCount and repairedCount (all of them), skipped and repaired (the first 1,000 of each, each part with file, line and column or byteOffset, reason, and for a span its defect)).")
    var json = false

    @Flag(help: "List the ids of the traces counted (those the options select), sorted: a line each, or in JSON under traceIDs.")
    var listTraces = false

    func run() throws {
        try reportingErrors {
            var quietInput = input
            quietInput.quiet = true
            let query = try selection.query()
            let reading = try quietInput.readGraph(.init(), query: query, listingTraces: listTraces)
            if let metrics = reading.metrics {
                let report = MetricsInspectReport(metrics: metrics, graph: reading.graph)
                try printListing(json ? report.json : report.text)
                return
            }
            if let saved = reading.saved {
                let report = SavedGraphInspectReport(saved: saved)
                try printListing(json ? report.json : report.text)
                return
            }
            let report = InspectReport(inputs: reading.inputs, summary: reading.summary,
                                       selectedBy: query.selectsEverything ? nil : query.optionsDescription,
                                       traceIDs: listTraces ? reading.traceIDs ?? [] : nil)
            try printListing(json ? report.json : report.text)
        }
    }
}

struct WorkflowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflows",
        abstract: "List the workflows: traces that span links join (a batch job and its items, a message and what it triggered), largest first.",
        discussion: """
            Examples:
              tracegraph workflows traces.jsonl
              tracegraph workflows traces.jsonl --workflow 2 -o retries.svg
              tracegraph workflows traces.jsonl --errors --json
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup(title: "Which traces") var selection: TraceQueryOptions

    @Flag(help: "Print one JSON object: workflowCount, and workflows (traces, spans, services, errorSpans, failingTraces, startUnixNano, endUnixNano, longestChain, links, groups of traces by root service and name, traceIDs).")
    var json = false

    @Option(help: ArgumentHelp("List at most this many workflows, the largest; the rest are counted.", valueName: "n"))
    var limit = 20

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Draw a workflow (--workflow) to this file instead of listing them: its traces grouped by root service and operation, and the links between the groups. '-' writes to standard output; the extension sets the format.",
        valueName: "file"))
    var output: String?

    @Option(name: [.customShort("T", allowingJoined: true), .long], help: ArgumentHelp(
        "With -o: \(GraphvizFormat.allCases.map(\.rawValue).joined(separator: ", ")). Default: what the output's extension says, else svg.",
        valueName: "format"))
    var format: GraphFormat?

    @Option(help: ArgumentHelp("With -o: which workflow to draw, by its place in the list (1: the largest).", valueName: "n"))
    var workflow = 1

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1.") }
        guard workflow > 0 else { throw ValidationError("--workflow must be at least 1.") }
        if output == nil, format != nil || workflow != 1 {
            throw ValidationError("--format and --workflow say how to draw a workflow: name the file to draw it to with -o.")
        }
        if output != nil {
            let chosen = try GraphFormat.chosen(asked: format, output: output)
            guard chosen.graphviz != nil else {
                throw ValidationError("a workflow is drawn in \(GraphvizFormat.allCases.map(\.rawValue).joined(separator: ", ")), not \(chosen).")
            }
            try chosen.checkNotToATerminal(output: output)
        }
    }

    func run() throws {
        try reportingErrors {
            let reading = try input.readGraph(.init(), query: selection.query(), collectingWorkflows: true)
            if let metrics = reading.metrics { throw Failure.inputs(.spansNeeded(metrics: metrics.inputs.map(\.source))) }
            if let saved = reading.saved { throw Failure.inputs(.spansNeeded(metrics: [], saved: [saved.source])) }
            let workflows = reading.workflows ?? []
            guard let output else {
                let list = WorkflowList(workflows: workflows, limit: limit)
                try printListing(json ? list.json : list.text)
                return
            }
            guard workflow <= workflows.count else { throw Failure.noSuchWorkflow(asked: workflow, count: workflows.count) }
            let format = try GraphFormat.chosen(asked: format, output: output).graphviz ?? .svg // validate() let only Graphviz's through
            let drawn = workflows[workflow - 1]
            let bytes = try GraphvizRenderer().render(drawn, format: format, caption: WorkflowList.caption(of: drawn, rank: workflow))
            let notes = try OutputFile.write(bytes, to: output)
            if !input.quiet { for note in notes { printError("tracegraph: warning: \(note)") } }
            if !input.quiet, output != "-" {
                let grouping = drawn.grouping
                printError("tracegraph: wrote \(output): workflow #\(workflow), " + GraphWording.count(drawn.traces.count, "trace")
                    + (grouping.byTrace ? ", a box each" : " in " + GraphWording.count(grouping.groups.count, "group")))
            }
        }
    }
}

/// Writes what a listing command prints (as text for people, or JSON) to standard output.
private func printListing(_ text: String) throws {
    try OutputFile.write(Array(text.utf8), to: "-")
}

struct ExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: "Print the built-in example export (OTLP/JSON), to see what tracegraph reads.",
        discussion: """
            Examples:
              tracegraph example -o example.json
            """
    )

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write it; '-' (the default) writes to standard output.", valueName: "file"))
    var output = "-"

    func run() throws {
        try reportingErrors {
            for note in try OutputFile.write(Array(BuiltInExample.otlpJSON.utf8), to: output) {
                printError("tracegraph: warning: \(note)")
            }
        }
    }
}

extension GraphFormat: ExpressibleByArgument {}
extension MarkdownSummary.Destination: ExpressibleByArgument {}
extension Theme.Name: ExpressibleByArgument {}
extension InputFormat: ExpressibleByArgument {}
extension LayoutEngine: ExpressibleByArgument {}
extension ServiceGraph.EdgeRule: ExpressibleByArgument {}
