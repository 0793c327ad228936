import AnnotationStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file retag will consider: where it is, the name the store knows it by, and what
/// `stat` says about it.
public struct RetagFile: Sendable, Hashable {
    /// The path to open.
    public var path: String
    /// The document's name in the store (relative to the base folder when inside it).
    public var name: String
    /// Size in bytes.
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var modifiedNanoseconds: Int64
}

/// Finding and reading the files of a corpus.
public enum RetagInput {
    /// The extensions retag picks up when it walks a folder (the formats the parser reads).
    /// A file named explicitly is read whatever its extension.
    public static let extensions: Set<String> = ["html", "htm", "xhtml", "xml", "pdf", "txt", "md", "markdown"]

    /// The name under which a file is stored (the store's rule: relative to `base` when it
    /// lies inside it, else absolute).
    public static func documentName(_ path: String, base: String) -> String {
        AnnotationStore.documentPath(path, relativeTo: base)
    }

    /// The files under `paths` (folders walked recursively, hidden entries skipped), each
    /// once, sorted by name.
    /// - Throws: ``RetagError/missingPath(_:)`` when a path does not exist.
    public static func collect(paths: [String], base: String) throws(RetagError) -> [RetagFile] {
        var seen: Set<String> = []
        var files: [RetagFile] = []
        var names = FolderNames(base: base)
        func add(_ path: String, name knownName: String? = nil, status knownStatus: Status? = nil) {
            let name = knownName ?? names.generalName(path)
            guard !seen.contains(name), let info = knownStatus ?? status(path), info.isRegular else { return }
            seen.insert(name)
            files.append(RetagFile(path: path, name: name, size: info.size, modifiedNanoseconds: info.modified))
        }
        for root in paths {
            let absolute = root.hasPrefix("/") ? root : (base as NSString).appendingPathComponent(root)
            guard let info = status(absolute) else { throw .missingPath(root) }
            if !info.isDirectory {
                add(absolute)
                continue
            }
            let url = URL(fileURLWithPath: absolute, isDirectory: true)
            guard let enumerator = FileManager.default.enumerator(
                at: url, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
            else { throw .missingPath(root) }
            while let item = enumerator.nextObject() as? URL {
                guard extensions.contains(item.pathExtension.lowercased()) else { continue }
                let path = item.path
                if let found = names.regularFile(path) {
                    add(path, name: found.name, status: found.status)
                } else {
                    add(path)
                }
            }
        }
        return files.sorted { $0.name < $1.name }
    }

    /// The store's names of regular files found in folders, without resolving every file's
    /// path. ``documentName(_:base:)`` standardises a path, which resolves symbolic links in
    /// each of its components (a `readlink` per component, most of a no-change re-run's time).
    /// For a file that is not itself a link, the result is the standardised folder followed by
    /// the file's name: each folder is standardised once. Anything else (a link, an odd name,
    /// a path the standardisation would also strip a prefix from) is left to the general rule,
    /// ``generalName(_:)``.
    struct FolderNames {
        private let base: String
        private let prefix: String
        private var folders: [String: String] = [:]

        init(base: String) {
            self.base = base
            let root = (base as NSString).standardizingPath
            prefix = root.hasSuffix("/") ? root : root + "/"
        }

        /// ``RetagInput/documentName(_:base:)`` (the store's rule, the same steps) with the
        /// base standardised once: it resolved the base's links again for every file that is
        /// a link itself (a corpus of links, such as a sample of another one).
        func generalName(_ path: String) -> String {
            let absolute = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
            let standard = (absolute as NSString).standardizingPath
            return standard.hasPrefix(prefix) ? String(standard.dropFirst(prefix.count)) : standard
        }

        /// The name and `lstat` of the file at `path` when it is a regular file (not a link);
        /// nil: use ``RetagInput/documentName(_:base:)`` and ``RetagInput/status(_:)``.
        mutating func regularFile(_ path: String) -> (name: String, status: Status)? {
            guard path.hasPrefix("/"), let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
            let folder = String(path[..<slash])
            let file = path[path.index(after: slash)...]
            guard !folder.isEmpty, !file.isEmpty, file != ".", file != "..",
                let info = RetagInput.status(path, followingLinks: false), info.isRegular
            else { return nil }
            let standardFolder: String
            if let known = folders[folder] {
                standardFolder = known
            } else {
                standardFolder = (folder as NSString).standardizingPath
                folders[folder] = standardFolder
            }
            guard standardFolder.hasPrefix("/"), standardFolder != "/" else { return nil }
            let standard = standardFolder + "/" + file
            guard !standard.hasPrefix("/private"), !standard.hasPrefix("/var/automount") else { return nil }
            let name = standard.hasPrefix(prefix) ? String(standard.dropFirst(prefix.count)) : standard
            return (name, info)
        }
    }

    struct Status {
        var isRegular: Bool
        var isDirectory: Bool
        var size: Int64
        var modified: Int64
    }

    /// `stat(2)` of a path (following links; `lstat(2)` when `followingLinks` is false); nil
    /// when it does not exist.
    static func status(_ path: String, followingLinks: Bool = true) -> Status? {
        var info = stat()
        guard (followingLinks ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        let kind = info.st_mode & S_IFMT
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return Status(
            isRegular: kind == S_IFREG, isDirectory: kind == S_IFDIR, size: Int64(info.st_size),
            modified: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    /// Reads a whole file; the error says why it could not be read.
    static func readBytes(_ path: String, expected: Int64) -> Result<[UInt8], ReadFailure> {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return .failure(ReadFailure(message: String(cString: strerror(errno)))) }
        defer { close(descriptor) }
        // Read straight into the array's storage (no zero-filled buffer, no copy); one byte
        // more than `stat` said, so that a file that grew since is noticed and read on.
        let capacity = Int(max(0, expected)) + 1
        var bytes: [UInt8]
        do { bytes = try readUpTo(descriptor, capacity: capacity) } catch { return .failure(error) }
        if bytes.count == capacity {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    return .failure(ReadFailure(message: String(cString: strerror(errno))))
                }
                if count == 0 { break }
                bytes.append(contentsOf: chunk[0..<count])
            }
        }
        return .success(bytes)
    }

    /// Reads up to `capacity` bytes from an open file straight into a new array's storage (no
    /// zero-filled buffer, no copy), retrying interrupted reads; shorter at the end of the file.
    /// - Parameter offset: where to read (`pread`, the file's position unchanged); nil: from
    ///   the file's position on.
    static func readUpTo(_ descriptor: Int32, capacity: Int, at offset: Int? = nil) throws(ReadFailure) -> [UInt8] {
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            var filled = 0
            while filled < buffer.count {
                let count = offset.map { pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t($0 + filled)) }
                    ?? read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if count == 0 { break }
                filled += count
            }
            initialized = filled
        }
        if failure != 0 { throw ReadFailure(message: String(cString: strerror(failure))) }
        return bytes
    }

    struct ReadFailure: Error {
        var message: String
    }
}
