/// The colours a drawing of a service graph uses, by what they mark: one set for every output
/// (Graphviz's SVG, PNG and PDF, Mermaid's classes), so that a service looks the same wherever
/// it is pasted.
public struct Theme: Hashable, Sendable {
    public var background: String
    /// Text, and the labels of nodes.
    public var ink: String
    /// Captions, legends and what is drawn as secondary.
    public var muted: String
    public var serviceFill: String
    public var serviceLine: String
    public var errorFill: String
    public var errorLine: String
    public var degradedFill: String
    public var degradedLine: String
    /// The labels of degraded edges: darker than their line, to be read on the background.
    public var degradedText: String
    public var databaseFill: String
    public var databaseLine: String
    public var queueFill: String
    public var queueLine: String
    public var remoteFill: String
    /// The line of a call edge.
    public var call: String
    /// Span links: their edges, labels and the arrows of workflows.
    public var link: String
    /// The boxes around groups of services.
    public var groupFill: String
    public var groupLine: String
    /// What a diff found added (``GraphDiffLook``); what it found removed is drawn in `errorLine`, dashed.
    public var added: String

    /// The themes by name, as `--theme` takes them.
    public enum Name: String, Sendable, CaseIterable {
        case light, dark, mono

        public var theme: Theme {
            switch self {
            case .light: .light
            case .dark: .dark
            case .mono: .mono
            }
        }
    }

    /// Dark text on white, red for failing, amber for degraded, purple for links.
    public static let light = Theme(
        background: "white", ink: "#1f2933", muted: "#6b7785",
        serviceFill: "#eaf2fb", serviceLine: "#3d6fa8",
        errorFill: "#fdecea", errorLine: "#c0392b",
        degradedFill: "#fff4e0", degradedLine: "#d68910", degradedText: "#9a6208",
        databaseFill: "#f6f0e3", databaseLine: "#8a6d3b",
        queueFill: "#e9f5ec", queueLine: "#3c8a55",
        remoteFill: "#f4f5f7", call: "#52606d", link: "#7b4fb0",
        groupFill: "#f7f9fb", groupLine: "#c5ccd3", added: "#1e7b34"
    )

    /// Light text on GitHub's dark background, with the light theme's hues made brighter.
    public static let dark = Theme(
        background: "#0d1117", ink: "#e6edf3", muted: "#8b949e",
        serviceFill: "#162536", serviceLine: "#58a6ff",
        errorFill: "#3b1a1d", errorLine: "#f85149",
        degradedFill: "#33260d", degradedLine: "#d29922", degradedText: "#e3b341",
        databaseFill: "#2a2217", databaseLine: "#c9a26b",
        queueFill: "#12261a", queueLine: "#3fb950",
        remoteFill: "#161b22", call: "#8b949e", link: "#bc8cff",
        groupFill: "#11161d", groupLine: "#30363d", added: "#3fb950"
    )

    /// Black and greys on white, for print and for readers who do not tell colours apart: a
    /// failing or degraded node is told by its thicker line and its label's numbers, a link by
    /// its dashes.
    public static let mono = Theme(
        background: "white", ink: "#000000", muted: "#555555",
        serviceFill: "#ffffff", serviceLine: "#000000",
        errorFill: "#d9d9d9", errorLine: "#000000",
        degradedFill: "#eeeeee", degradedLine: "#000000", degradedText: "#000000",
        databaseFill: "#f5f5f5", databaseLine: "#000000",
        queueFill: "#f5f5f5", queueLine: "#000000",
        remoteFill: "#ffffff", call: "#333333", link: "#555555",
        groupFill: "#fafafa", groupLine: "#999999", added: "#000000"
    )
}
