// swift-tools-version:6.0
import PackageDescription

// Fuzz targets for tracegraph's readers, built with the toolchain's libFuzzer: one executable
// per target, each defining LLVMFuzzerTestOneInput. A package of its own, so that the main
// package and its `swift test` stay as they are; `Scripts/fuzz` builds and runs them:
//
//   swift build -c release --package-path Fuzz --sanitize fuzzer --sanitize address
//
// (SwiftPM's --sanitize instruments the readers too, not only the targets, and leaves `main` to
// libFuzzer; -Xswiftc -sanitize=fuzzer renames each target's main and the link fails.)
let package = Package(
    name: "tracegraph-fuzz",
    dependencies: [
        .package(name: "tracegraph", path: ".."),
    ],
    targets: [
        .systemLibrary(name: "FuzzZlib", pkgConfig: "zlib"),
        .target(
            name: "FuzzSupport",
            dependencies: [
                "FuzzZlib",
                .product(name: "TraceReaders", package: "tracegraph"),
                .product(name: "ServiceGraph", package: "tracegraph"),
            ]
        ),
        .executableTarget(name: "FuzzOTLPJSON", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzOTLPProtobuf", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzJaeger", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzZipkin", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzSniff", dependencies: ["FuzzSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
