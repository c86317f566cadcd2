/// The members of an object that a reader knows by name, each with the bytes the fast path looks
/// for: its name in quotes and its colon, as compact JSON writes it (`"traceId":`).
protocol KnownMember: CaseIterable {
    var token: StaticString { get }
}

extension KnownMember {
    /// The member's name in camelCase: its token without the quotes and the colon.
    var name: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: token.utf8Start + 1, count: token.utf8CodeUnitCount - 3)
    }

    /// The member a key names, in camelCase or snake_case; nil for one the reader does not know.
    /// The exact name is looked for first: it is what producers write.
    init?(_ key: JSONKey) {
        let exact = key.withBytes { name in
            Self.allCases.first { $0.name.count == name.count && bytesAreEqual($0.name.baseAddress!, name.baseAddress!, count: name.count) }
        }
        guard let member = exact ?? Self.allCases.first(where: { key.matches($0.name) }) else { return nil }
        self = member
    }
}

/// Producers write an object's members in the same order every time: the order of the last object
/// predicts this one's, checked byte for byte by each member's ``KnownMember/token``; on a miss the
/// general path (``JSONScanner/nextKey()``) takes over, and this object's order, kept from the miss
/// on, predicts the next one.
struct MemberOrderPrediction<Field: KnownMember> {
    /// A member of the order, with its token's bytes at hand.
    private struct Predicted {
        var field: Field
        var token: UnsafeRawPointer
        var count: Int

        init(_ field: Field) {
            self.field = field
            token = UnsafeRawPointer(field.token.utf8Start)
            count = field.token.utf8CodeUnitCount
        }
    }

    /// The order of the last object's members.
    private var learned: [Predicted] = []
    /// How many of them this object has matched so far.
    private var predicted = 0
    /// Whether this object has missed the prediction; its order is then kept in `order`.
    private var missed = false
    /// The order of this object's members, kept from the first miss on.
    private var order: [Predicted] = []

    /// Starts reading an object whose opening brace the scanner has read.
    mutating func begin() {
        predicted = 0
        missed = false
    }

    /// The next member's field: nil at the object's end, `.some(nil)` for a member the reader does
    /// not know, whose value the caller reads or skips.
    @inline(__always)
    mutating func next(_ scanner: inout JSONScanner) throws(JSONError) -> Field?? {
        if !missed, predicted < learned.count {
            let field = learned.withUnsafeBufferPointer { $0[predicted] }
            if scanner.consumeMember(token: field.token, count: field.count) {
                predicted += 1
                return .some(field.field)
            }
        }
        return try miss(&scanner)
    }

    /// The general path: the next member read by name, and the order kept from here on.
    private mutating func miss(_ scanner: inout JSONScanner) throws(JSONError) -> Field?? {
        guard let key = try scanner.nextKey() else {
            // The object ended: a shorter one than predicted is a miss too.
            if !missed, predicted < learned.count { learned.removeSubrange(predicted...) }
            if missed { swap(&learned, &order) }
            return nil
        }
        if !missed {
            missed = true
            order.removeAll(keepingCapacity: true)
            order += learned[..<predicted]
        }
        guard let field = Field(key) else { return .some(nil) }
        order.append(Predicted(field))
        return .some(field)
    }
}
