// swift-tools-version:6.0
import PackageDescription

// The pipeline, one target per stage, each depending only on the stages before it:
//
//   TraceReaders  →  TraceModel  →  ServiceGraph  →  GraphOutputs  →  GraphvizRenderer
//        (files in)     (spans)      (nodes, edges)   (how it looks:     (SVG, DOT, PNG, PDF)
//                                      ↗              colours, shapes;
//            ServiceGraphMetrics ─────╯               Mermaid, JSON)  →  HTMLReport  (one offline page: graph, traces, flame graphs)
//   (service-graph metrics in: a Prometheus scrape or API answer, already summed per edge by Tempo or
//    the Collector, read straight into a graph with the graph's own node ids; no spans, so no report;
//    it leans on TraceReaders, the reader beside it, for JSON and input)
//
// The report's HTML, CSS and JavaScript are real files in Templates/; the EmbedTemplates
// build plugin writes them into HTMLReport as string literals, so the tool carries them.
//
// `Tracegraph` ties the stages together for programs that import the library;
// the `tracegraph` executable is a thin command-line layer over it. `SystemCalls` holds every
// POSIX call (files read and written, memory maps, signals) for the stages that touch the system.
let package = Package(
    name: "tracegraph",
    products: [
        .executable(name: "tracegraph", targets: ["TracegraphCLI"]),
        .library(name: "Tracegraph", targets: ["Tracegraph"]),
        .library(name: "TraceModel", targets: ["TraceModel"]),
        .library(name: "TraceReaders", targets: ["TraceReaders"]),
        .library(name: "ServiceGraph", targets: ["ServiceGraph"]),
        .library(name: "ServiceGraphMetrics", targets: ["ServiceGraphMetrics"]),
        .library(name: "GraphvizRenderer", targets: ["GraphvizRenderer"]),
        .library(name: "HTMLReport", targets: ["HTMLReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Every POSIX call of the package, behind Swift types that own what they open.
        .target(name: "SystemCalls"),
        .target(name: "TraceModel"),
        .target(name: "TraceReaders", dependencies: ["TraceModel", "SystemCalls", "CZlib"]),
        .target(name: "ServiceGraph", dependencies: ["TraceModel"]),
        // A reader beside TraceReaders at the front of the pipeline, so it may lean on it: an API
        // answer's JSON is read with TraceReaders' JSON scanner (at `package` access), and the bytes
        // come through TraceReaders' input layer (files, standard input, gzip), which the Tracegraph
        // target hands over: it makes no system call of its own.
        .target(name: "ServiceGraphMetrics", dependencies: ["ServiceGraph", "TraceReaders"]),
        // How a graph looks (shapes, colours by kind and health, lines) for every output, and the
        // outputs written in Swift alone.
        .target(name: "GraphOutputs", dependencies: ["TraceModel", "ServiceGraph"]),
        .target(name: "GraphvizRenderer", dependencies: ["TraceModel", "ServiceGraph", "GraphOutputs", "SystemCalls", "CGraphviz"]),
        .target(
            name: "HTMLReport",
            dependencies: ["TraceModel", "ServiceGraph", "GraphOutputs", "SystemCalls", .product(name: "Mustache", package: "swift-mustache")],
            plugins: ["EmbedTemplates"]
        ),
        .executableTarget(name: "TemplateEmbedder"),
        .plugin(name: "EmbedTemplates", capability: .buildTool(), dependencies: ["TemplateEmbedder"]),
        .target(
            name: "Tracegraph",
            dependencies: ["TraceModel", "TraceReaders", "ServiceGraph", "ServiceGraphMetrics", "GraphOutputs", "GraphvizRenderer", "HTMLReport",
                           "SystemCalls", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "TracegraphCLI",
            dependencies: [
                "Tracegraph",
                "SystemCalls",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TraceTestSupport", dependencies: ["TraceModel", "ServiceGraph"], path: "Tests/Support"),
        .testTarget(name: "SystemCallsTests", dependencies: ["SystemCalls"]),
        .testTarget(name: "TraceModelTests", dependencies: ["TraceModel"]),
        .testTarget(name: "TraceReadersTests", dependencies: ["TraceReaders", "TraceTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ServiceGraphTests", dependencies: ["ServiceGraph", "TraceReaders", "TraceTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ServiceGraphMetricsTests", dependencies: ["ServiceGraphMetrics", "GraphvizRenderer", "TraceTestSupport"],
                    exclude: ["Fixtures", "Golden"]),
        .testTarget(name: "GraphvizRendererTests", dependencies: ["GraphvizRenderer", "GraphOutputs", "TraceTestSupport"]),
        .testTarget(name: "GraphOutputsTests", dependencies: ["GraphOutputs", "Tracegraph", "TraceTestSupport"], exclude: ["Browser", "Golden", "Scripts"]),
        .testTarget(name: "HTMLReportTests", dependencies: ["HTMLReport", "GraphOutputs", "Tracegraph", "TraceTestSupport"], exclude: ["Browser", "Golden", "Script"]),
        .testTarget(name: "TracegraphTests", dependencies: ["Tracegraph", "TraceTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "TracegraphCLITests", dependencies: ["TracegraphCLI", "TraceTestSupport", .product(name: "Yams", package: "Yams")]),
    ],
    swiftLanguageModes: [.v6]
)
