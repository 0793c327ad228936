import Foundation

/// Paths the test suites share: the package root and the `revtag` executable that
/// `swift test` builds beside the test bundle.
public enum TestPaths {
    /// The package's root folder (this file is `Sources/TestSupport/TestSupport.swift`).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The places the `revtag` executable may be, most likely first.
    public static var revtagCandidates: [URL] {
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return [
            bundleFolder.appendingPathComponent("revtag"),
            bundleFolder.deletingLastPathComponent().appendingPathComponent("revtag"),
            packageRoot.appendingPathComponent(".build/debug/revtag"),
        ]
    }

    /// The path of the built `revtag` executable (the last candidate when none exists yet,
    /// so that a failing launch names where it looked).
    public static var revtagBinary: String {
        let candidates = revtagCandidates
        return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[candidates.count - 1]).path
    }
}
