import Foundation

extension AnnotationStore {
    /// The name under which a file is stored: relative to `base` (the current folder by
    /// default) when it lies inside it, without `./` and `..` segments; other paths are
    /// kept absolute. The CLI, `retag` and the language server use it so that
    /// `./corpus/a.html`, `corpus/a.html` and `/project/corpus/a.html` are one document.
    public static func documentPath(_ path: String, relativeTo base: String = FileManager.default.currentDirectoryPath) -> String {
        let absolute = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
        let standard = (absolute as NSString).standardizingPath
        let root = (base as NSString).standardizingPath
        let prefix = root.hasSuffix("/") ? root : root + "/"
        if standard.hasPrefix(prefix) { return String(standard.dropFirst(prefix.count)) }
        return standard
    }
}
