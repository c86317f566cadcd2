import ServiceGraph
import TraceTestSupport
import Tracegraph

/// The inputs each output format has golden files of: the built-in example, the shop the Python
/// SDK exported, and two corpus files written by other projects.
struct GoldenInputs {
    var name: String
    /// Nil: the built-in example.
    var path: String?

    static let all = [
        GoldenInputs(name: "builtin-example", path: nil),
        GoldenInputs(name: "python-sdk-shop", path: Fixtures.pythonSDKShop),
        GoldenInputs(name: "jaeger-genai", path: Corpus.folder + "/jaeger/jaeger-ui__genaiTestTrace.json"),
        GoldenInputs(name: "otlp-hotrod", path: Corpus.folder + "/otlp-json/jaeger-pr9263__hotrod_n_plus_one_full_concurrent.json"),
    ]

    /// The graph of the input, whole.
    func graph() throws -> ServiceGraph {
        guard let path else { return try GraphReading(builtInExampleWith: .init()).graph }
        return try GraphReading(paths: [path]).graph
    }
}
