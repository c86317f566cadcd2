/// Receives spans as a reader decodes them, one at a time, so that a consumer
/// can keep only what it needs of each.
public protocol SpanSink {
    mutating func receive(_ span: Span)

    /// Says that the reader has passed on everything for this sink. It is called on the thread
    /// that filled the sink, so that tidying up can run in parallel with other parts.
    mutating func finishPart()
}

extension SpanSink {
    public mutating func finishPart() {}
}

extension TraceSet: SpanSink {
    public mutating func receive(_ span: Span) { add(span) }
}

/// How much of each span a reader decodes. Ids, parent, kind, times, status,
/// link targets and the service name are always read; the rest can be left out
/// for speed when the consumer does not need it.
public struct ReadDetail: Hashable, Sendable {
    /// Span names, trace states, flags and status messages.
    public var names: Bool
    /// The names of spans with links (or dropped links), and `droppedLinksCount`, when `names`
    /// is off: what a graph groups links by, without making a string for every span.
    public var linkingSpanNames: Bool
    public var events: Bool
    /// Link attributes and trace states (link targets are always read).
    public var linkAttributes: Bool
    public var scopes: Bool
    /// The span attributes to keep; nil keeps all.
    public var spanAttributeKeys: [String]?
    /// The resource attributes to keep besides `service.name`; nil keeps all.
    public var resourceAttributeKeys: [String]?
    /// The kinds of span whose attributes are kept; nil keeps those of all kinds. A reader
    /// may still keep attributes of other kinds when it reads them before the span's kind.
    public var spanAttributeKinds: Set<SpanKind>?

    public init(names: Bool, linkingSpanNames: Bool = false, events: Bool, linkAttributes: Bool, scopes: Bool,
                spanAttributeKeys: [String]?, resourceAttributeKeys: [String]?, spanAttributeKinds: Set<SpanKind>? = nil) {
        self.names = names
        self.linkingSpanNames = linkingSpanNames
        self.events = events
        self.linkAttributes = linkAttributes
        self.scopes = scopes
        self.spanAttributeKeys = spanAttributeKeys
        self.resourceAttributeKeys = resourceAttributeKeys
        self.spanAttributeKinds = spanAttributeKinds
    }

    /// Everything.
    public static let full = ReadDetail(names: true, linkingSpanNames: true, events: true, linkAttributes: true, scopes: true,
                                        spanAttributeKeys: nil, resourceAttributeKeys: nil)

    /// Whether span names are read, of all spans or of those with links.
    public var readsAnyNames: Bool { names || linkingSpanNames }

    /// Whether a span attribute with this key is kept.
    public func keepsSpanAttribute(_ key: String) -> Bool {
        spanAttributeKeys.map { $0.contains(key) } ?? true
    }

    /// The resource attributes a reader has to read: those asked for and those that name the
    /// service (`Resource.serviceNameKeys`); nil for all.
    public var resourceAttributeKeysToRead: [String]? {
        resourceAttributeKeys.map { $0 + Resource.serviceNameKeys }
    }
}
