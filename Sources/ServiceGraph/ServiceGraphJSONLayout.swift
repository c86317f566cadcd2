/// The words of tracegraph's service-graph JSON (`Documentation/schemas/service-graph.schema.json`):
/// its version, what a document calls itself, and the names of node kinds, call kinds and latency
/// bases. GraphOutputs' `ServiceGraphJSON` writes them and ServiceGraphMetrics'
/// `SavedServiceGraph` reads them back (a baseline kept by CI for `tracegraph diff`); both take
/// them from here, so the two cannot drift apart.
public enum ServiceGraphJSONLayout {
    /// The version of the layout written and read. A change that removes or renames a key raises
    /// it; keys added are read past by the readers of the same version.
    public static let schemaVersion = 1

    /// The value of a document's `kind`.
    public static let documentKind = "service-graph"

    /// The members of a document, in the order the writer writes them.
    public static let documentMembers = ["schemaVersion", "kind", "title", "notes", "thresholds", "nodes", "calls", "links"]

    /// A node kind's name and, for databases and topics, its system.
    public static func name(of kind: ServiceGraph.Node.Kind) -> (kind: String, system: String?) {
        switch kind {
        case .service: ("service", nil)
        case .database(let system): ("database", system)
        case .messaging(let system): ("messaging", system)
        case .remote: ("remote", nil)
        case .outsideInput: ("outsideInput", nil)
        }
    }

    /// The node kind a name and a system name, when the name is one.
    public static func nodeKind(named name: String, system: String?) -> ServiceGraph.Node.Kind? {
        switch name {
        case "service": .service
        case "database": .database(system: system ?? "")
        case "messaging": .messaging(system: system ?? "")
        case "remote": .remote
        case "outsideInput": .outsideInput
        default: nil
        }
    }

    /// Every node kind's name.
    public static let nodeKindNames = ["service", "database", "messaging", "remote", "outsideInput"]

    /// A call kind's name.
    public static func name(of kind: ServiceGraph.CallEdge.Kind) -> String {
        switch kind {
        case .request: "request"
        case .publish: "publish"
        case .deliver: "deliver"
        }
    }

    /// The call kind a name names, when it is one.
    public static func callKind(named name: String) -> ServiceGraph.CallEdge.Kind? {
        [ServiceGraph.CallEdge.Kind.request, .publish, .deliver].first { Self.name(of: $0) == name }
    }

    /// A latency basis's name (`durations`, `histogram`, `unknown`); a histogram's
    /// `maxAboveFiniteBuckets` is a key of its own.
    public static func name(of basis: LatencySummary.Basis) -> String {
        switch basis {
        case .durations: "durations"
        case .histogram: "histogram"
        case .unknown: "unknown"
        }
    }
}
