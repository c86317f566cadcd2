/// Content of another kind than trace exports that a caller reads itself through the same input
/// layer (files, folders, standard input, memory maps, gzip with its limits): service-graph
/// metrics. The trace readers know nothing of what it is; they ask `recognizes` of an input's
/// first bytes and, when it says yes, hand the whole input to `read` instead of reading traces.
package struct OtherContent<Value>: Sendable {
    /// Whether an input that starts with these bytes (inflated) holds this content;
    /// `isComplete` says they are the whole input.
    package var recognizes: @Sendable (_ firstBytes: UnsafeRawBufferPointer, _ isComplete: Bool) -> Bool
    /// Reads the whole input (inflated), named `source` (its path, `-` for standard input); the
    /// bytes are valid only during the call.
    package var read: @Sendable (_ bytes: UnsafeRawBufferPointer, _ source: String, _ isCompressed: Bool) -> Value

    package init(recognizes: @escaping @Sendable (UnsafeRawBufferPointer, Bool) -> Bool,
                 read: @escaping @Sendable (UnsafeRawBufferPointer, String, Bool) -> Value) {
        self.recognizes = recognizes
        self.read = read
    }
}

/// What an input held: a trace export, read into sinks, or content of another kind, read by the caller.
package enum InputContent<Value> {
    case traces(InputReport)
    case other(Value)
}
