#if canImport(Glibc)
import Glibc
#endif

/// The page's three files: the Mustache template of the HTML, its style sheet and its script.
/// The built-in ones are the package's Templates/ folder, built into the binary.
public struct ReportTemplates: Sendable {
    /// `report.html`: a Mustache template (see ``HTMLReport`` for the values it gets).
    public var page: String
    /// `report.css`, put inside the page's `<style>` element as it is.
    public var style: String
    /// `report.js`, put inside the page's `<script>` element as it is.
    public var script: String

    static let fileNames = (page: "report.html", style: "report.css", script: "report.js")

    public init(page: String, style: String, script: String) {
        self.page = page
        self.style = style
        self.script = script
    }

    /// The templates built into the tool.
    public static let builtIn = ReportTemplates(
        page: EmbeddedTemplates.files[fileNames.page] ?? "",
        style: EmbeddedTemplates.files[fileNames.style] ?? "",
        script: EmbeddedTemplates.files[fileNames.script] ?? ""
    )

    /// Reads a customised copy of Templates/ from `folder`: report.html, report.css and report.js.
    public init(folder: String) throws(ReportError) {
        func read(_ name: String) throws(ReportError) -> String {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            guard let file = fopen(path, "rb") else {
                throw ReportError.templateUnreadable(path: path, reason: String(cString: strerror(errno)))
            }
            defer { fclose(file) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = fread(&buffer, 1, buffer.count, file)
                bytes += buffer[0..<count]
                if count < buffer.count { break }
            }
            if ferror(file) != 0 {
                throw ReportError.templateUnreadable(path: path, reason: String(cString: strerror(errno)))
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ReportError.templateUnreadable(path: path, reason: "it is not UTF-8 text")
            }
            return text
        }
        self.init(page: try read(Self.fileNames.page), style: try read(Self.fileNames.style),
                  script: try read(Self.fileNames.script))
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
