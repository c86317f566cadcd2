/// The members of an object that a reader knows by name, with the bytes the fast path looks for:
/// the quoted name and its colon.
protocol KnownMember {
    /// The member a key names, or nil for one the reader does not know.
    init?(_ key: JSONKey)
    var token: StaticString { get }
}

/// Producers write an object's members in the same order every time: the order of the last object
/// predicts this one's, checked byte for byte by each member's ``KnownMember/token``; on a miss the
/// general path (``JSONScanner/nextKey()``) takes over, and this object's order, kept from the miss
/// on, predicts the next one.
struct MemberOrderPrediction<Field: KnownMember> {
    /// The order of the last object's members.
    private var learned: [Field] = []
    /// How many of them this object has matched so far.
    private var predicted = 0
    /// The order of this object's members, kept from the first miss on.
    private var order: [Field]?

    /// Starts reading an object whose opening brace the scanner has read.
    mutating func begin() {
        predicted = 0
        order = nil
    }

    /// The next member's field: nil at the object's end, `.some(nil)` for a member the reader does
    /// not know, whose value the caller reads or skips.
    mutating func next(_ scanner: inout JSONScanner) throws(JSONError) -> Field?? {
        if order == nil, predicted < learned.count, scanner.consumeMember(learned[predicted].token) {
            predicted += 1
            return .some(learned[predicted - 1])
        }
        guard let key = try scanner.nextKey() else {
            // The object ended: a shorter one than predicted is a miss too.
            if order == nil, predicted < learned.count { order = Array(learned[..<predicted]) }
            if let order { learned = order }
            return nil
        }
        if order == nil { order = Array(learned[..<predicted]) }
        guard let field = Field(key) else { return .some(nil) }
        order!.append(field)
        return .some(field)
    }
}
