import ArgumentParser
import SystemCalls
import Tracegraph

/// Writes a line to standard error. Everything tracegraph prints there goes through here, and
/// the line's control characters are escaped, so that no file name, argument or trace text
/// in a message can move the cursor, recolour, retitle or reorder the terminal.
func printError(_ line: String) {
    // Nothing is left to tell of a failure to write there.
    try? FileDescriptor.standardError.write(Array((TerminalText.escaping(line) + "\n").utf8))
}

/// How a command ends: the exit codes of sysexits.h that tracegraph uses, and what each means.
/// This is the one table; `--help` and README.md say it.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    /// `tracegraph diff`: a `--fail-on` gate matched a change.
    case gateMatched = 1
    /// EX_USAGE; ArgumentParser ends with it when the arguments are wrong.
    case usage = 64
    /// EX_DATAERR.
    case malformedInput = 65
    /// EX_NOINPUT.
    case unreadableInput = 66
    /// EX_SOFTWARE.
    case internalFailure = 70
    /// EX_CANTCREAT.
    case unwritableOutput = 73
    /// EX_CONFIG.
    case configuration = 78

    var meaning: String {
        switch self {
        case .success: "success"
        case .gateMatched: "tracegraph diff's --fail-on matched a change"
        case .usage: "wrong usage"
        case .malformedInput: "malformed input, or an invalid report template"
        case .unreadableInput: "an input or a report template cannot be read"
        case .internalFailure: "Graphviz failed, or another internal error"
        case .unwritableOutput: "an output cannot be written"
        case .configuration: "a configuration file cannot be used"
        }
    }

    /// The table in one sentence.
    static var sentence: String {
        "Exit codes: " + allCases.map { "\($0.rawValue) \($0.meaning)" }.joined(separator: ", ") + "."
    }
}

/// Every way a command's work fails: a closed set, each with its exit status and its message.
enum Failure: Error {
    case read(TraceReadError)
    /// Service-graph metrics that do not read.
    case metrics(MetricsReadError)
    /// Inputs that cannot be read together or as asked: metrics and trace exports in one run, a
    /// computed graph where spans are needed or with options that select traces, a saved graph
    /// with other inputs.
    case inputs(InputReadError)
    /// The spans read hold no trace that the options select (and `--allow-empty` was not given).
    case noTraceSelected(query: String, traces: Int)
    /// `--workflow` asks for a workflow past the last one read.
    case noSuchWorkflow(asked: Int, count: Int)
    /// Standard input held no bytes at all; `named` when it was read as `-`, not for want of inputs.
    case emptyStandardInput(named: Bool)
    /// The inputs read hold no spans at all (and `--allow-empty` was not given).
    case noSpans(inputs: [String], firstSkipped: TraceReadError?, skippedCount: Int)
    /// A folder named as an input holds no files.
    case emptyFolder(String)
    /// The drawing's options name nothing in the graph.
    case view(GraphViewError)
    case graphviz(GraphvizError)
    case report(ReportError)
    case output(OutputError)
    /// `tracegraph diff --fail-on` matched these changes.
    case gateMatched([String])
    /// `--fail-on` names a gate tracegraph does not know.
    case gate(DiffGateError)
    /// The configuration file cannot be read, or says what tracegraph does not take.
    case configuration(ConfigurationError)
    /// An error that no part of tracegraph is meant to throw: a fault in tracegraph.
    case unexpected(any Error)

    init(_ error: any Error) {
        switch error {
        case let failure as Failure: self = failure
        case let error as TraceReadError: self = .read(error)
        case let error as GraphViewError: self = .view(error)
        case let error as InputReadError:
            switch error {
            case .traces(let error): self = .read(error)
            case .metrics(let error): self = .metrics(error)
            case .mixedInputs, .spansNeeded, .queryNeedsSpans, .savedGraphNotAlone: self = .inputs(error)
            }
        case let error as MetricsReadError: self = .metrics(error)
        case let error as GraphvizError: self = .graphviz(error)
        case let error as ReportError: self = .report(error)
        case let error as OutputError: self = .output(error)
        case let error as DiffGateError: self = .gate(error)
        case let error as ConfigurationError: self = .configuration(error)
        default: self = .unexpected(error)
        }
    }

    var status: ExitStatus {
        switch self {
        case .read(let error):
            if case .cannotOpen = error.problem { return .unreadableInput }
            return .malformedInput
        case .metrics: return .malformedInput
        case .inputs: return .usage
        case .noTraceSelected: return .malformedInput
        case .noSuchWorkflow: return .usage
        case .emptyStandardInput: return .malformedInput
        case .noSpans: return .malformedInput
        case .emptyFolder: return .unreadableInput
        case .view: return .usage
        case .graphviz: return .internalFailure
        case .report(.templateUnreadable): return .unreadableInput
        case .report(.templateInvalid): return .malformedInput
        case .output: return .unwritableOutput
        case .gateMatched: return .gateMatched
        case .gate: return .usage
        case .configuration: return .configuration
        case .unexpected: return .internalFailure
        }
    }

    var message: String {
        switch self {
        case .read(let error): "\(error)"
        case .metrics(let error): "\(error)"
        case .inputs(let error): "\(error)"
        case .noSuchWorkflow(let asked, let count):
            "--workflow \(asked): the traces read make \(count == 1 ? "one workflow" : "\(count) workflows")"
        case .noTraceSelected(let query, let traces):
            "none of the \(traces == 1 ? "trace" : "\(traces) traces") read is selected by \(query): nothing to draw (--allow-empty draws an empty graph)"
        case .emptyStandardInput(named: true): "standard input is empty: no spans to read"
        case .emptyStandardInput(named: false):
            "standard input is empty: no spans to read. With no input named, tracegraph reads standard input; "
                + "name the exports to read, or pass --example for the built-in example."
        case .noSpans(let inputs, let firstSkipped, let count):
            (inputs.count == 1 ? "\(inputs[0]) holds no span" : "none of the \(inputs.count) inputs holds a span")
                + ": nothing to draw (--allow-empty draws an empty graph)"
                + (firstSkipped.map { "; \(count == 1 ? "one part" : "\(count) parts") did not read, the first: \($0)" } ?? "")
        case .emptyFolder(let folder): "\(folder) holds no files to read (--allow-empty reads on)"
        case .view(.noFocusedNode(let patterns, let closest)):
            "--focus \(patterns.joined(separator: ", ")) matches no service or peer in the graph"
                + (closest.isEmpty ? "" : "; the nearest names: " + closest.joined(separator: ", "))
        case .graphviz(let error): "\(error)"
        case .report(let error): "\(error)"
        case .output(let error): "\(error)"
        case .gateMatched(let matches):
            "--fail-on matched " + (matches.count == 1 ? "one change" : "\(matches.count) changes") + ": " + matches.map(TerminalText.escaping).joined(separator: "; ")
        case .gate(let error): "\(error)"
        case .configuration(let error): "\(error)"
        case .unexpected(let error): "internal error, please report it: \(String(reflecting: type(of: error))): \(error)"
        }
    }
}

/// Runs a command's work; an error becomes one line on standard error and an exit status
/// from the table. This is the one place errors turn into text and exit codes.
func reportingErrors(_ work: () throws -> Void) throws(ExitCode) {
    do {
        try work()
    } catch {
        let failure = Failure(error)
        printError("tracegraph: error: \(failure.message)")
        throw ExitCode(failure.status.rawValue)
    }
}
