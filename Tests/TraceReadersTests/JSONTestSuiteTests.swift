import Foundation
import Testing
@testable import TraceReaders
import TraceTestSupport

/// The JSON layer against JSONTestSuite's parsing cases (`../shared/jsontestsuite/test_parsing`):
/// every `y_` case accepted, every `n_` case rejected with an error that has a position,
/// every `i_` case either way without a crash.
@Suite struct JSONTestSuiteTests {
    static let cases: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Corpus.jsonTestSuiteFolder)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }()

    static func validate(_ name: String) throws -> JSONError? {
        let data = try Data(contentsOf: URL(fileURLWithPath: Corpus.jsonTestSuiteFolder + "/" + name))
        return data.withUnsafeBytes { bytes in
            do throws(JSONError) {
                try JSONScanner.validate(bytes)
                return nil
            } catch {
                return error
            }
        }
    }

    @Test func theSuiteIsThere() {
        #expect(Self.cases.count == 318)
    }

    @Test(arguments: cases.filter { $0.hasPrefix("y_") })
    func acceptsValidJSON(name: String) throws {
        let error = try Self.validate(name)
        #expect(error == nil, "\(error.map { "\($0.problem) at \($0.offset)" } ?? "")")
    }

    @Test(arguments: cases.filter { $0.hasPrefix("n_") })
    func rejectsInvalidJSON(name: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Corpus.jsonTestSuiteFolder + "/" + name))
        let error = try #require(try Self.validate(name))
        #expect(error.offset >= 0 && error.offset <= data.count)
    }

    @Test(arguments: cases.filter { $0.hasPrefix("i_") })
    func implementationDefinedCasesDoNotCrash(name: String) throws {
        _ = try Self.validate(name)
    }

    @Test func nestingBeyondTheLimitIsAnErrorNotACrash() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 100_000) + Array(repeating: UInt8(ascii: "]"), count: 100_000)
        let error = deep.withUnsafeBytes { bytes -> JSONError? in
            do throws(JSONError) { try JSONScanner.validate(bytes); return nil } catch { return error }
        }
        #expect(error?.problem == .nestingTooDeep(limit: JSONScanner.maximumDepth))
    }
}

/// The in-line byte comparison the fast paths use instead of `memcmp`.
@Suite struct ByteComparisonTests {
    @Test(arguments: 0...40)
    func aDifferenceAtAnyPlaceIsFound(count: Int) {
        let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        bytes.withUnsafeBytes { a in
            let copy = bytes
            copy.withUnsafeBytes { b in
                #expect(count == 0 || bytesAreEqual(a.baseAddress!, b.baseAddress!, count: count))
            }
            for place in 0..<count {
                var changed = bytes
                changed[place] ^= 0x20
                changed.withUnsafeBytes { b in
                    #expect(!bytesAreEqual(a.baseAddress!, b.baseAddress!, count: count))
                }
            }
        }
    }
}

