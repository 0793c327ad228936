import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The folder under which this test process keeps its scratch folders, removed with
/// everything in it when the process exits (`atexit`), so that test runs do not leave
/// stores and copies of documents behind in the system's temporary folder.
private let scratchRoot: URL = {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("revtag-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
    try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    scratchRootPath = root.path
    atexit { if let path = scratchRootPath { try? FileManager.default.removeItem(atPath: path) } }
    return root
}()

/// The root's path for the exit handler (a C function pointer cannot capture it). Written
/// once, before the handler is registered, under the lazy global's initialisation lock.
nonisolated(unsafe) private var scratchRootPath: String?

extension TestPaths {
    /// A new, empty folder for one test (its name starts with `prefix`). It lives under a
    /// per-process root that is removed when the test process exits.
    public static func scratchDirectory(_ prefix: String) throws -> URL {
        let url = scratchRoot.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A path for one scratch file named `name` (its folder exists; the file does not).
    public static func scratchFile(_ name: String) throws -> String {
        try scratchDirectory("file").appendingPathComponent(name).path
    }
}
