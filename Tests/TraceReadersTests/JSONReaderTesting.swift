import Foundation
@testable import TraceReaders
import TraceModel
import TraceTestSupport

/// Helpers to read JSON exports with one reader in tests.
enum JSONReaderTesting<Reader: JSONDocumentReader> {
    static func spans(inFile file: String, detail: ReadDetail = .full) throws -> [Span] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Corpus.folder + "/" + file))
        return try data.withUnsafeBytes { buffer in try Reader.spans(in: buffer, detail: detail) }
    }

    static func spans(in text: String) throws -> [Span] {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { buffer in try Reader.spans(in: buffer) }
    }

    /// The error reading the text gives, or nil when it reads.
    static func error(in text: String) -> JSONError? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { buffer -> JSONError? in
            do throws(JSONError) {
                _ = try Reader.spans(in: buffer)
                return nil
            } catch {
                return error
            }
        }
    }

    /// The byte offset of the first occurrence of `needle`.
    static func offset(of needle: String, in text: String) -> Int? {
        let haystack = Array(text.utf8)
        let pattern = Array(needle.utf8)
        guard pattern.count <= haystack.count else { return nil }
        return (0...(haystack.count - pattern.count)).first { haystack[$0..<($0 + pattern.count)].elementsEqual(pattern) }
    }
}
