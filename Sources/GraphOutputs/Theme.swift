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

    /// Dark text on white, red for failing, amber for degraded, purple for links.
    public static let light = Theme(
        background: "white", ink: "#1f2933", muted: "#6b7785",
        serviceFill: "#eaf2fb", serviceLine: "#3d6fa8",
        errorFill: "#fdecea", errorLine: "#c0392b",
        degradedFill: "#fff4e0", degradedLine: "#d68910", degradedText: "#9a6208",
        databaseFill: "#f6f0e3", databaseLine: "#8a6d3b",
        queueFill: "#e9f5ec", queueLine: "#3c8a55",
        remoteFill: "#f4f5f7", call: "#52606d", link: "#7b4fb0",
        groupFill: "#f7f9fb", groupLine: "#c5ccd3"
    )
}
