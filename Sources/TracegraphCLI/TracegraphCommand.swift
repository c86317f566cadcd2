import ArgumentParser
import Tracegraph

@main
struct TracegraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracegraph",
        abstract: "Turn distributed-tracing exports into pictures: a service graph with span links.",
        discussion: """
            Reads OpenTelemetry OTLP/JSON exports (one ExportTraceServiceRequest, or the \
            Collector file exporter's JSON lines) without any tracing backend.

            Exit codes: 0 success, 64 wrong usage, 65 malformed input, 66 an input cannot be read, \
            70 Graphviz failed, 73 an output cannot be written.
            """,
        subcommands: [GraphCommand.self, ExampleCommand.self]
    )
}

/// Options every command that reads traces shares.
struct InputOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "Trace exports to read, merged into one set. '-' reads standard input. None: the built-in example.",
        valueName: "input"))
    var inputs: [String] = []

    @Flag(name: .shortAndLong, help: "Print nothing on standard error but errors.")
    var quiet = false

    /// Reads the inputs, or the built-in example when there are none, and says what was read.
    func load() throws -> LoadedTraces {
        let loaded = try inputs.isEmpty ? LoadedTraces.builtInExample() : LoadedTraces(paths: inputs)
        if !quiet {
            let sources = loaded.inputs.count == 1 ? loaded.inputs[0].source : "\(loaded.inputs.count) inputs"
            printError("tracegraph: read \(sources): \(loaded.summary.shortDescription)")
        }
        return loaded
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
            """
    )

    @OptionGroup var input: InputOptions

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Where to write the graph; '-' writes to standard output. Default: Output/service-graph.<format>.",
        valueName: "file"))
    var output: String?

    @Option(help: "Output format: \(GraphFormat.allCases.map(\.rawValue).joined(separator: ", ")). DOT is written before layout.")
    var format: GraphFormat = .svg

    @Option(help: "Graphviz layout engine: \(LayoutEngine.allCases.map(\.rawValue).joined(separator: ", ")).")
    var engine: LayoutEngine = .dot

    @Flag(help: "Leave out the databases, queues and other peers inferred from client and producer spans.")
    var noPeers = false

    func run() throws {
        try reportingErrors {
            let loaded = try input.load()
            let graph = ServiceGraph(traces: loaded.traces, options: .init(inferUninstrumentedPeers: !noPeers))
            let bytes = try GraphvizRenderer(engine: engine).render(graph, format: format)
            let path = output ?? "Output/service-graph.\(format.fileExtension)"
            try OutputFile.write(bytes, to: path)
            if !input.quiet, path != "-" {
                printError("tracegraph: wrote \(path): \(graph.nodes.count) nodes, \(graph.callEdges.count) call edges, \(graph.linkEdges.count) link edges")
            }
        }
    }
}

struct ExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: "Print the built-in example export (OTLP/JSON), to see what tracegraph reads."
    )

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write it; '-' (the default) writes to standard output.", valueName: "file"))
    var output = "-"

    func run() throws {
        try reportingErrors {
            try OutputFile.write(Array(BuiltInExample.otlpJSON.utf8), to: output)
        }
    }
}

extension GraphFormat: ExpressibleByArgument {}
extension LayoutEngine: ExpressibleByArgument {}
