import ArgumentParser
import SystemCalls
import Tracegraph

extension GraphFormat {
    /// The format a file's extension names, in any case: `.svg`, `.dot` or `.gv`, `.png`, `.pdf`,
    /// `.mmd` or `.mermaid`, `.json`, `.md` or `.markdown`.
    /// Nil for no extension and for others, which leave the choice to `--format`.
    init?(extensionOf path: String) {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let fileExtension = name[name.index(after: dot)...].lowercased()
        switch fileExtension {
        case "gv": self = .dot
        case "mmd", "mermaid": self = .mermaid
        case "md", "markdown": self = .markdown
        default: self.init(rawValue: fileExtension)
        }
    }

    /// The format to write to `output` (nil: the default file): the one `--format` asks for, or
    /// the one the output's extension names, else SVG. Both, disagreeing, are a usage error.
    static func chosen(asked: GraphFormat?, output: String?) throws(ValidationError) -> GraphFormat {
        let named = output.flatMap { $0 == "-" ? nil : GraphFormat(extensionOf: $0) }
        switch (asked, named) {
        case let (asked?, named?) where asked != named:
            throw ValidationError("""
                -o \(output!) names \(named.rawValue) and --format asks for \(asked.rawValue): \
                drop --format, or make the two agree.
                """)
        case let (asked?, _): return asked
        case let (nil, named?): return named
        case (nil, nil): return .svg
        }
    }

    /// A usage error when this format would go to standard output and that is a terminal.
    func checkNotToATerminal(output: String?) throws(ValidationError) {
        guard isBinary, output == "-", FileDescriptor.standardOutput.isTerminal else { return }
        throw ValidationError("""
            \(rawValue.uppercased()) is not written to a terminal: redirect standard output \
            (-o - > graph.\(fileExtension)) or name a file with -o.
            """)
    }
}
