import ArgumentParser
import Tracegraph
#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to standard error.
func printError(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
}

/// Runs a command's work; an error of the pipeline becomes one line on standard
/// error and an exit code from sysexits.h. This is the one place errors turn into text.
func reportingErrors(_ work: () throws -> Void) throws {
    do {
        try work()
    } catch let error as TraceReadError {
        printError("tracegraph: error: \(error)")
        if case .cannotOpen = error.problem { throw ExitCode(66) }
        throw ExitCode(65)
    } catch let error as GraphvizError {
        printError("tracegraph: error: \(error)")
        throw ExitCode(70)
    } catch let error as ReportError {
        printError("tracegraph: error: \(error)")
        if case .templateUnreadable = error { throw ExitCode(66) }
        throw ExitCode(65)
    } catch let error as OutputError {
        printError("tracegraph: error: \(error)")
        throw ExitCode(73)
    }
}
