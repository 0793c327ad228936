import Foundation

/// The corpus documents at the top level of `corpus/` (not the held-out folder) with one of the
/// given extensions, sorted.
func corpusPaths(extensions: Set<String> = ["html", "htm", "xhtml", "xml", "md", "txt"]) -> [String] {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("corpus")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        .map { folder.appendingPathComponent($0).path }
}
