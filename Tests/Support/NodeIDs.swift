import ServiceGraph

extension NodeID {
    /// The id a graph gives the service with this plain name (ASCII letters, digits, `_`, `-`,
    /// at most 40 of them) when no other node claims it.
    public static func service(_ name: String) -> NodeID { NodeID(rawValue: "svc_" + name) }
}
