import SystemCalls

/// The page's three parts: the Mustache template of the HTML, its style sheet and its script.
/// The built-in ones are the package's Templates/ folder, built into the binary.
public struct ReportTemplates: Sendable {
    /// `report.html`: a Mustache template (see ``HTMLReport`` for the values it gets).
    public var page: String
    /// `report.css`, put inside the page's `<style>` element as it is.
    public var style: String
    /// The page's script, put inside its `<script>` element as it is: the files of `script/`
    /// that `script/order.txt` names, joined by ``joinScript(order:file:)``.
    public var script: String

    static let fileNames = (page: "report.html", style: "report.css", scriptOrder: "script/order.txt")

    public init(page: String, style: String, script: String) {
        self.page = page
        self.style = style
        self.script = script
    }

    /// The templates built into the tool.
    public static let builtIn: ReportTemplates = {
        let files = EmbeddedTemplates.files
        let script = joinScript(order: files[fileNames.scriptOrder] ?? "") { name in files["script/" + name] ?? "" }
        return ReportTemplates(page: files[fileNames.page] ?? "", style: files[fileNames.style] ?? "", script: script)
    }()

    /// The files of the page's script that an order file names, one a line, in that order;
    /// blank lines and lines that start with `#` are passed over.
    static func scriptFiles(order: String) -> [String] {
        order.split(whereSeparator: \.isNewline)
            .map { line in String(line.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed()) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// The page's one script: the files `order` names, each with its name in a comment before
    /// it, inside one function in strict mode, so that what they declare is seen by one another
    /// and by nothing else on the page.
    static func joinScript<Failure: Error>(order: String, file: (String) throws(Failure) -> String) throws(Failure) -> String {
        var script = "// tracegraph's report page: the files of Templates/script/, joined in the order of order.txt.\n"
            + "(function () {\n'use strict';\n"
        for name in scriptFiles(order: order) {
            let text = try file(name)
            script += "\n// ---- " + name + "\n" + text + (text.hasSuffix("\n") ? "" : "\n")
        }
        return script + "})();\n"
    }

    /// Reads a customised copy of Templates/ from `folder`: report.html, report.css, and the
    /// script's files in script/ that script/order.txt names.
    public init(folder: String) throws(ReportError) {
        func read(_ name: String) throws(ReportError) -> String {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            let bytes: [UInt8]
            do throws(SystemError) {
                bytes = try FileSystem.contents(ofFile: path)
            } catch {
                throw ReportError.templateUnreadable(path: path, reason: error.description)
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ReportError.templateUnreadable(path: path, reason: "it is not UTF-8 text")
            }
            return text
        }
        let page = try read(Self.fileNames.page), style = try read(Self.fileNames.style)
        let script = try Self.joinScript(order: try read(Self.fileNames.scriptOrder)) { name throws(ReportError) in
            try read("script/" + name)
        }
        self.init(page: page, style: style, script: script)
    }
}

/// Why a report could not be made.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    case templateUnreadable(path: String, reason: String)
    case templateInvalid(name: String, reason: String)

    public var description: String {
        switch self {
        case .templateUnreadable(let path, let reason):
            "\(path): cannot read the report template: \(reason)"
        case .templateInvalid(let name, let reason):
            "\(name): the report template is not valid Mustache: \(reason)"
        }
    }
}
