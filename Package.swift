// swift-tools-version:6.0
import PackageDescription

/// Settings every target shares: Swift 6 language mode plus the upcoming
/// features that make a module's surface a decision (see ../shared/STYLE.md).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "revtag",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "revtag", targets: ["revtag"]),
        .library(name: "ReviewModel", targets: ["ReviewModel"]),
        .library(name: "ReviewParsing", targets: ["ReviewParsing"]),
        .library(name: "Tagging", targets: ["Tagging"]),
        .library(name: "AnnotationStore", targets: ["AnnotationStore"]),
        .library(name: "Aggregation", targets: ["Aggregation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.0"),
    ],
    targets: [
        // C interop: libxml2, imported only by ReviewParsing.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Value types shared by every layer; depends on nothing of ours.
        .target(name: "ReviewModel", swiftSettings: strictSettings),
        // libxml2 -> ReviewModel (HTML, XML, pdftohtml XML, PDF, text, Markdown).
        .target(name: "ReviewParsing", dependencies: ["ReviewModel", "CLibXML2"], swiftSettings: strictSettings),
        // Codebook, compiled matcher, context, subject attribution, category, demographics.
        .target(
            name: "Tagging",
            dependencies: ["ReviewModel", .product(name: "Yams", package: "Yams")],
            resources: [.copy("Resources/codebook.yaml")],
            swiftSettings: strictSettings
        ),
        // SHA-256 blocks with the x86 SHA instructions (content hashes of the store).
        .target(name: "CSHA256"),
        // SQLite store of documents, runs, suggestions, human decisions, audit log.
        .target(
            name: "AnnotationStore",
            dependencies: [
                "ReviewModel", "CSHA256", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        // Report tables (Tables 3-6), agreement statistics, renderers.
        .target(name: "Aggregation", dependencies: ["ReviewModel"], swiftSettings: strictSettings),
        // Bulk re-tagging pipeline.
        .target(
            name: "Retagging",
            dependencies: ["ReviewModel", "ReviewParsing", "Tagging", "AnnotationStore"],
            swiftSettings: strictSettings
        ),
        // Content-Length framing and JSON-RPC 2.0; knows nothing of LSP.
        .target(name: "JSONRPC", swiftSettings: strictSettings),
        // LSP types and the server actor.
        .target(
            name: "LanguageServer",
            dependencies: ["JSONRPC", "ReviewModel", "ReviewParsing", "Tagging", "AnnotationStore", "Aggregation"],
            swiftSettings: strictSettings
        ),
        // The CLI: argument parsing and output formatting only.
        .executableTarget(
            name: "revtag",
            dependencies: [
                "ReviewModel", "ReviewParsing", "Tagging", "AnnotationStore", "Aggregation",
                "Retagging", "LanguageServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // Tagging benchmark (tools/bench-tagging.sh): prints MB/s, asserts nothing.
        .executableTarget(
            name: "bench-tagging", dependencies: ["Tagging", "ReviewParsing", "ReviewModel"], path: "tools/bench-tagging",
            swiftSettings: strictSettings),
        // A first retag run on a synchronous main, for callgrind (tools/retag-callgrind/main.swift).
        .executableTarget(
            name: "retag-callgrind", dependencies: ["Retagging", "Tagging", "AnnotationStore"], path: "tools/retag-callgrind",
            swiftSettings: strictSettings),
        // Helpers shared by tests (not a product).
        .target(name: "TestSupport", dependencies: ["ReviewModel"], swiftSettings: strictSettings),

        .testTarget(name: "ReviewModelTests", dependencies: ["ReviewModel", "TestSupport"]),
        .testTarget(
            name: "ReviewParsingTests", dependencies: ["ReviewParsing", "ReviewModel", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "TaggingTests", dependencies: ["Tagging", "ReviewParsing", "ReviewModel", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "AnnotationStoreTests", dependencies: ["AnnotationStore", "ReviewModel", "ReviewParsing", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "AggregationTests", dependencies: ["Aggregation", "AnnotationStore", "ReviewModel", "TestSupport"]),
        .testTarget(name: "RetaggingTests", dependencies: ["Retagging", "AnnotationStore", "Tagging", "ReviewParsing", "TestSupport"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"]),
        .testTarget(
            name: "LanguageServerTests",
            dependencies: ["LanguageServer", "JSONRPC", "TestSupport", "AnnotationStore", "ReviewModel", "ReviewParsing", "Tagging"]),
    ],
    swiftLanguageModes: [.v6]
)
