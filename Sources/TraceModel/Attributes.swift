/// The value of an attribute, as OTLP's `AnyValue` defines it.
public enum AttributeValue: Hashable, Sendable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([AttributeValue])
    case keyValueList([Attribute])
    /// An `AnyValue` with none of its fields set.
    case empty

    /// The string, when this is a string value.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}

extension AttributeValue: CustomStringConvertible {
    /// The value as a person reads it: strings bare, arrays and lists in brackets.
    public var description: String {
        switch self {
        case .string(let value): return value
        case .bool(let value): return String(value)
        case .int(let value): return String(value)
        case .double(let value): return String(value)
        case .bytes(let value): return "0x" + value.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
        case .array(let values): return "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .keyValueList(let attributes):
            return "{" + attributes.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .empty: return ""
        }
    }
}

/// A key and its value.
public struct Attribute: Hashable, Sendable {
    public var key: String
    public var value: AttributeValue

    public init(key: String, value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

extension Array where Element == Attribute {
    /// The value of the first attribute with this key.
    public subscript(key: String) -> AttributeValue? {
        first { $0.key == key }?.value
    }
}
