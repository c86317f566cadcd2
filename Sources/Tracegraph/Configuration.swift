import SystemCalls
import Yams

/// What a configuration file (`tracegraph.yml`, found in the current folder, or named with
/// `--config`) says about how graphs are drawn and compared, for a team to keep beside its code:
///
/// ```yaml
/// services:
///   rename:                 # pattern: name; the first that matches; nodes of one name merge
///     checkout-v2: checkout
///     "cart-*": cart
///   hide: [healthcheck, "synthetic-*"]
/// peers:
///   rename:
///     "10.0.3.7": orders-db
///   hide: ["*.internal"]
/// thresholds:               # percent of calls failing, as --degraded-above and --failing-above
///   degraded-above: 0.5
///   failing-above: 5
/// theme: dark               # as --theme
/// diff:
///   fail-on: new-edge,error-rate>+2pp   # as --fail-on
/// ```
///
/// Options on the command line win over the file. A key the file does not know is an error, with
/// its line and column: a misspelt key would otherwise be a setting silently not applied.
public struct Configuration: Sendable, Equatable {
    /// The file it was read from.
    public var path: String
    /// Names given to services and peers, in the file's order.
    public var renames: [NodeRename] = []
    /// Services and peers left out of every drawing, with their edges.
    public var hidden: [NodePattern] = []
    /// The share of failing calls above which a node or edge is degraded, in percent.
    public var degradedAbovePercent: Double?
    /// The share of failing calls above which a node or edge is failing, in percent.
    public var failingAbovePercent: Double?
    public var theme: Theme.Name?
    /// `tracegraph diff`'s gate when `--fail-on` is not given, as written.
    public var failOn: String?

    /// The names looked for in the current folder, in this order.
    public static let fileNames = ["tracegraph.yml", "tracegraph.yaml"]

    /// The largest file read: a configuration is a few lines.
    public static let maximumSize = 1 << 20

    /// A configuration that says nothing.
    public init(path: String) {
        self.path = path
    }

    /// Reads the file at `path`.
    public init(contentsOf path: String) throws(ConfigurationError) {
        let status: FileStatus, bytes: [UInt8]
        do throws(SystemError) {
            status = try FileSystem.status(ofPath: path)
        } catch {
            throw ConfigurationError(path: path, problem: .unreadable(error.description))
        }
        guard status.kind == .regular else { throw ConfigurationError(path: path, problem: .unreadable("it is not a file")) }
        guard status.size <= Self.maximumSize else { throw ConfigurationError(path: path, problem: .tooLarge(limit: Self.maximumSize)) }
        do throws(SystemError) {
            bytes = try FileSystem.contents(ofFile: path)
        } catch {
            throw ConfigurationError(path: path, problem: .unreadable(error.description))
        }
        guard bytes.count <= Self.maximumSize else { throw ConfigurationError(path: path, problem: .tooLarge(limit: Self.maximumSize)) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError(path: path, problem: .notYAML("it is not UTF-8 text"))
        }
        try self.init(path: path, text: text)
    }

    /// Reads a configuration held in a string; `path` names it in errors.
    public init(path: String, text: String) throws(ConfigurationError) {
        self.path = path
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(yaml: error, path: path)
        } catch {
            throw ConfigurationError(path: path, problem: .notYAML("\(error)"))
        }
        guard let root else { return }
        var reader = ConfigurationReader(path: path)
        try reader.members(of: root, in: nil, known: ["services", "peers", "thresholds", "theme", "diff"]) { key, value throws(ConfigurationError) in
            switch key {
            case "services", "peers":
                let scope: NodePattern.Scope = key == "services" ? .services : .peers
                try reader.members(of: value, in: key, known: ["rename", "hide"]) { member, value throws(ConfigurationError) in
                    let place = key + "." + member
                    if member == "rename" {
                        try reader.members(of: value, in: place, known: nil) { pattern, name throws(ConfigurationError) in
                            let given = try reader.string(name, at: place + "." + pattern)
                            guard !given.isEmpty else { throw reader.error(at: name, .invalidValue(key: place + "." + pattern, reason: "a name is not empty")) }
                            renames.append(NodeRename(scope: scope, pattern: NamePattern(pattern), name: given))
                        }
                    } else {
                        hidden += try reader.strings(value, at: place).map { NodePattern(scope: scope, pattern: NamePattern($0)) }
                    }
                }
            case "thresholds":
                try reader.members(of: value, in: key, known: ["degraded-above", "failing-above"]) { member, value throws(ConfigurationError) in
                    let percent = try reader.percent(value, at: key + "." + member)
                    if member == "degraded-above" { degradedAbovePercent = percent } else { failingAbovePercent = percent }
                }
            case "theme":
                let name = try reader.string(value, at: key)
                guard let chosen = Theme.Name(rawValue: name) else {
                    throw reader.error(at: value, .invalidValue(key: key, reason: "\(ConfigurationError.quote(name)) is none of "
                        + Theme.Name.allCases.map(\.rawValue).joined(separator: ", ")))
                }
                theme = chosen
            default:
                try reader.members(of: value, in: key, known: ["fail-on"]) { _, value throws(ConfigurationError) in
                    // A list of gates, or one string of them separated by commas.
                    let text = value.sequence != nil ? try reader.strings(value, at: "diff.fail-on").joined(separator: ",")
                        : try reader.string(value, at: "diff.fail-on")
                    do throws(DiffGateError) {
                        _ = try DiffGate(parsing: text)
                    } catch {
                        throw reader.error(at: value, .invalidValue(key: "diff.fail-on", reason: "\(error)"))
                    }
                    failOn = text
                }
            }
        }
        if let degraded = degradedAbovePercent, let failing = failingAbovePercent, degraded > failing {
            throw ConfigurationError(path: path, problem: .invalidValue(
                key: "thresholds", reason: "degraded-above (\(degraded)) is above failing-above (\(failing))"))
        }
    }

    /// The configuration file of the current folder, if there is one.
    public static func inCurrentFolder() throws(ConfigurationError) -> Configuration? {
        for name in fileNames where (try? FileSystem.status(ofPath: name)) != nil {
            return try Configuration(contentsOf: name)
        }
        return nil
    }
}

/// Walks a configuration's YAML, checking every key and the type of every value.
private struct ConfigurationReader {
    let path: String

    /// Calls `member` with each key and value of the mapping `node`; a key not in `known` (nil:
    /// any key) is an error, as is a key given twice.
    func members(of node: Node, in place: String?, known: [String]?,
                 _ member: (String, Node) throws(ConfigurationError) -> Void) throws(ConfigurationError) {
        guard let mapping = node.mapping else {
            throw error(at: node, .wrongType(key: place ?? "the file", expected: "a mapping of keys to values"))
        }
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                throw error(at: keyNode, .wrongType(key: place ?? "the file", expected: "keys that are text"))
            }
            if let known, !known.contains(key) { throw error(at: keyNode, .unknownKey(key: key, place: place, known: known)) }
            guard seen.insert(key).inserted else { throw error(at: keyNode, .invalidValue(key: key, reason: "it is given twice")) }
            try member(key, value)
        }
    }

    func string(_ node: Node, at key: String) throws(ConfigurationError) -> String {
        guard let scalar = node.scalar else { throw error(at: node, .wrongType(key: key, expected: "text")) }
        return scalar.string
    }

    /// A list of texts, or one text.
    func strings(_ node: Node, at key: String) throws(ConfigurationError) -> [String] {
        if node.scalar != nil { return [try string(node, at: key)] }
        guard let sequence = node.sequence else { throw error(at: node, .wrongType(key: key, expected: "a list of names")) }
        var strings: [String] = []
        for item in sequence { strings.append(try string(item, at: key)) }
        return strings
    }

    func percent(_ node: Node, at key: String) throws(ConfigurationError) -> Double {
        guard let value = node.float, value.isFinite, (0...100).contains(value) else {
            throw error(at: node, .invalidValue(key: key, reason: "a percentage, from 0 to 100"))
        }
        return value
    }

    func error(at node: Node, _ problem: ConfigurationError.Problem) -> ConfigurationError {
        ConfigurationError(path: path, line: node.mark?.line, column: node.mark?.column, problem: problem)
    }
}

/// Why a configuration file could not be used, and where in it.
public struct ConfigurationError: Error, Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// The file cannot be read.
        case unreadable(String)
        /// The file is larger than a configuration is.
        case tooLarge(limit: Int)
        /// The file is not YAML (or not UTF-8 text).
        case notYAML(String)
        /// A key the configuration does not know at this place.
        case unknownKey(key: String, place: String?, known: [String])
        /// A value of another type than the key takes.
        case wrongType(key: String, expected: String)
        /// A value the key does not take.
        case invalidValue(key: String, reason: String)
    }

    public var path: String
    /// Line and column, both counted from 1; nil where the problem is with the file as a whole.
    public var line: Int?
    public var column: Int?
    public var problem: Problem

    public init(path: String, line: Int? = nil, column: Int? = nil, problem: Problem) {
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem
    }

    /// A YAML parser's error at its mark.
    init(yaml error: YamlError, path: String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            self.init(path: path, line: mark.line, column: mark.column, problem: .notYAML(problem))
        case .reader(let problem, let offset, _, let yaml):
            // The offset counts characters from the start; a line and column say where.
            var line = 1, column = 1
            for character in yaml.prefix(offset ?? 0) {
                if character == "\n" { (line, column) = (line + 1, 1) } else { column += 1 }
            }
            self.init(path: path, line: offset == nil ? nil : line, column: offset == nil ? nil : column, problem: .notYAML(problem))
        case .duplicatedKeysInMapping(let duplicates, _):
            self.init(path: path, problem: .notYAML("keys given twice: " + duplicates.map { Self.quote($0) }.joined(separator: ", ")))
        default:
            self.init(path: path, problem: .notYAML("\(error)"))
        }
    }

    /// Text from the file, quoted, cut, and with control characters escaped.
    static func quote(_ text: String) -> String {
        "'" + TerminalText.escaping(GraphWording.shortened(text, limit: 60)) + "'"
    }
}

extension ConfigurationError: CustomStringConvertible {
    /// `FILE:LINE:COLUMN: WHAT`, the form editors and terminals turn into links.
    public var description: String {
        var place = path
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        let what: String = switch problem {
        case .unreadable(let reason): "cannot read the configuration: \(reason)"
        case .tooLarge(let limit): "a configuration file is at most \(GraphWording.bytes(limit))"
        case .notYAML(let reason): "not YAML: \(reason)"
        case .unknownKey(let key, let place, let known):
            "\(Self.quote(key)) is no key of \(place.map { "'\($0)'" } ?? "the configuration"); the keys are \(known.joined(separator: ", "))"
        case .wrongType(let key, let expected): "'\(key)' is \(expected)"
        case .invalidValue(let key, let reason): "'\(key)': \(reason)"
        }
        return "\(place): \(what)"
    }
}
