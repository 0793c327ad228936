import AnnotationStore
import Foundation
import ReviewModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsed documents kept on disk between retag runs, so that re-applying a changed codebook
/// to an unchanged corpus loads each document (a ``DocumentArchive``) instead of parsing it.
///
/// Derived data, never the store: the folder (by default beside the store's SQLite file,
/// see ``defaultDirectory(forStore:)``) may be deleted at any time, and nothing in it is
/// trusted without checks. An entry is keyed by the document's name and records the
/// content hash (XXH64) and size of the bytes it was parsed from, the SHA-256 of the
/// document's text (the store's content hash, so that a loaded document is not hashed
/// again), and the payload's length and checksum (XXH64, covering the text hash too); an
/// entry that is missing, of other bytes, truncated or damaged is a miss (the document is
/// parsed and the entry rewritten), never a failure. Entries live
/// in a subfolder named by the parser's version (``init(directory:parserVersion:)``): a new
/// parser, parse options that change output or a new archive layout starts a new
/// subfolder and ``prepare()`` deletes the old ones. Entries are written to a temporary
/// file and renamed into place, so a run killed mid-write leaves no entry that is trusted.
///
/// Size: one entry per document name (a document that changes replaces its entry), about
/// the size of its normalised text plus a few bytes per block, sentence and source-map
/// segment; the source is stored only when it is not the file itself (PDF, non-UTF-8).
public struct ParseCache: Sendable {
    /// The cache's folder.
    public let directory: String
    /// What identifies the parser's output (see ``RetagEngine/parserVersion``).
    public let parserVersion: String
    /// The subfolder of this parser version's entries.
    public let folder: String

    static let magic: UInt32 = 0x4350_5652  // "RVPC" little-endian
    /// Version 2 added the text's SHA-256 to the header.
    static let entryVersion: UInt32 = 2
    /// The text hash's length: 64 lowercase hex digits.
    static let textHashLength = 64
    static let fileExtension = "rvpc"

    /// A cache in `directory` for documents parsed by `parserVersion`.
    public init(directory: String, parserVersion: String) {
        self.directory = directory
        self.parserVersion = parserVersion
        let key = ContentHash.hex(Array("entry \(Self.entryVersion); archive \(DocumentArchive.version); \(parserVersion)".utf8))
        folder = (directory as NSString).appendingPathComponent("v-" + key)
    }

    /// The default folder for a store: `<store file>.parse-cache` beside it.
    public static func defaultDirectory(forStore storePath: String) -> String { storePath + ".parse-cache" }

    /// Creates this version's folder, deletes other versions' folders and temporary files
    /// left by killed runs. Call once before a run that may write; failures only mean that
    /// entries will not be written.
    public func prepare() {
        let manager = FileManager.default
        try? manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let own = (folder as NSString).lastPathComponent
        for entry in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where entry.hasPrefix("v-") && entry != own {
            try? manager.removeItem(atPath: (directory as NSString).appendingPathComponent(entry))
        }
        for entry in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] where entry.hasPrefix(".tmp-") {
            unlink((folder as NSString).appendingPathComponent(entry))
        }
    }

    /// The entry file of a document name.
    public func entryPath(name: String) -> String {
        (folder as NSString).appendingPathComponent(Self.entryFileName(name: name))
    }

    /// The file name (in ``folder``) of a document's entry: the XXH64 of its name, in hex.
    static func entryFileName(name: String) -> String {
        ContentHash.hex(Array(name.utf8)) + "." + fileExtension
    }

    /// Deletes the entries of documents that no longer exist: entries in this version's
    /// ``folder`` whose document lies under one of `roots` (the run's paths) but is not in
    /// `present` (the names of the files the run found there). Entries of documents outside
    /// the roots, and files that are not readable entries, are left alone; nothing outside
    /// ``folder`` is touched, and only regular files named like entries are removed.
    /// Call at the end of a complete (not interrupted, not dry) run over `roots`.
    /// - Parameters:
    ///   - present: the document names found under `roots`.
    ///   - roots: the run's files and folders, as given (relative to `base` unless absolute).
    ///   - base: the folder document names are relative to.
    /// - Returns: the number of entries removed.
    @discardableResult
    public func prune(keeping present: Set<String>, under roots: [String], base: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        guard !names.isEmpty else { return 0 }
        let kept = Set(present.map(Self.entryFileName(name:)))
        let scopes = roots.map { Self.absolute($0, base: base) }
        var removed = 0
        for fileName in names where !kept.contains(fileName) && Self.isEntryFileName(fileName) {
            let path = (folder as NSString).appendingPathComponent(fileName)
            guard let document = Self.storedName(path: path), !present.contains(document) else { continue }
            let location = Self.absolute(document, base: base)
            guard scopes.contains(where: { location == $0 || location.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) else { continue }
            if unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    /// A path made absolute against `base` and standardised (as document names are).
    private static func absolute(_ path: String, base: String) -> String {
        ((path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)) as NSString).standardizingPath
    }

    /// Whether a file name is an entry's: 16 lowercase hex digits and the extension.
    static func isEntryFileName(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        let suffix = Array(("." + fileExtension).utf8)
        guard utf8.count == 16 + suffix.count, Array(utf8[16...]) == suffix else { return false }
        return utf8[..<16].allSatisfy(isLowercaseHexDigit)
    }

    /// The document name in an entry's header; nil when the file is not a regular file
    /// holding an entry of this layout.
    static func storedName(path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        let fixed = 28  // magic, version, content hash, input size, name length
        guard let header = try? RetagInput.readUpTo(descriptor, capacity: fixed), header.count == fixed else { return nil }
        func u32(_ offset: Int) -> UInt32 {
            header.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
        }
        let length = Int(u32(24))
        guard u32(0) == magic, u32(4) == entryVersion, length <= 4096,
            let name = try? RetagInput.readUpTo(descriptor, capacity: length), name.count == length
        else { return nil }
        return String(validating: name, as: UTF8.self)
    }

    /// What a lookup found.
    public enum Lookup: Sendable {
        /// The document as parsed from these bytes.
        case hit(ReviewDocument)
        /// No entry, or an entry of other bytes (the document changed).
        case miss
        /// An entry that cannot be used (truncated, damaged, unreadable), with the reason.
        case invalid(String)
    }

    /// The document `name` parsed from `input` (whose XXH64 is `contentHash`), if cached.
    public func load(name: String, contentHash: UInt64, input: [UInt8]) -> Lookup {
        loadWithTextHash(name: name, contentHash: contentHash, input: input).lookup
    }

    /// ``load(name:contentHash:input:)`` with, on a hit, the SHA-256 of the document's text
    /// recorded when the entry was written (64 hex digits: the store's content hash), so that
    /// the caller need not hash the text again.
    public func loadWithTextHash(name: String, contentHash: UInt64, input: [UInt8]) -> (lookup: Lookup, textHash: String?) {
        let path = entryPath(name: name)
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            return (errno == ENOENT ? .miss : .invalid("\(path): cannot open: \(String(cString: strerror(errno)))"), nil)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return (.invalid("\(path): cannot stat: \(String(cString: strerror(errno)))"), nil) }
        let bytes: [UInt8]
        do { bytes = try RetagInput.readUpTo(descriptor, capacity: Int(info.st_size)) } catch {
            return (.invalid("\(path): cannot read: \(error.message)"), nil)
        }
        var textHash: String?
        let lookup = bytes.withUnsafeBytes { buffer in
            decode(buffer, path: path, name: name, contentHash: contentHash, input: input, textHash: &textHash)
        }
        guard case .hit = lookup else { return (lookup, nil) }
        return (lookup, textHash)
    }

    private func decode(
        _ buffer: UnsafeRawBufferPointer, path: String, name: String, contentHash: UInt64, input: [UInt8], textHash: inout String?
    ) -> Lookup {
        var offset = 0
        func u32() -> UInt32? {
            guard offset + 4 <= buffer.count else { return nil }
            defer { offset += 4 }
            return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }
        func u64() -> UInt64? {
            guard offset + 8 <= buffer.count else { return nil }
            defer { offset += 8 }
            return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        guard let magic = u32(), let version = u32(), let hash = u64(), let inputSize = u64(), let nameLength = u32() else {
            return .invalid("\(path): truncated header (\(buffer.count) bytes)")
        }
        guard magic == Self.magic, version == Self.entryVersion else { return .invalid("\(path): not a parse-cache entry of this version") }
        guard Int(nameLength) <= buffer.count - offset else { return .invalid("\(path): truncated name") }
        let storedName = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + Int(nameLength))])
        offset += Int(nameLength)
        guard Self.equal(name, storedName) else { return .miss }  // another name with the same hash
        guard hash == contentHash, inputSize == UInt64(input.count) else { return .miss }  // the document changed
        guard let payloadLength = u64(), let checksum = u64(), Self.textHashLength <= buffer.count - offset else {
            return .invalid("\(path): truncated header")
        }
        let hashBytes = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + Self.textHashLength)])
        offset += Self.textHashLength
        guard payloadLength == UInt64(buffer.count - offset) else {
            return .invalid("\(path): payload of \(buffer.count - offset) bytes, header says \(payloadLength)")
        }
        let payload = UnsafeRawBufferPointer(rebasing: buffer[offset...])
        guard Self.checksum(textHash: hashBytes, payload: payload) == checksum else { return .invalid("\(path): checksum mismatch") }
        guard hashBytes.allSatisfy(Self.isLowercaseHexDigit) else { return .invalid("\(path): the text hash is not hex") }
        do {
            let document = try DocumentArchive.decode(payload, input: input, name: path)
            guard document.name == name else { return .invalid("\(path): holds document \(document.name)") }
            textHash = String(decoding: hashBytes, as: UTF8.self)
            return .hit(document)
        } catch {
            return .invalid(error.description)
        }
    }

    /// Writes the entry of `document` (parsed from `input`, whose XXH64 is `contentHash`)
    /// atomically: a temporary file renamed over the entry.
    /// - Parameter textHash: the SHA-256 of the document's text as the store records it
    ///   (``AnnotationStore/contentHash(of:)``), when the caller has it; computed otherwise.
    /// - Returns: the bytes written, or nil when the document is not representable or the
    ///   write failed (the run goes on; the document is parsed again next time).
    @discardableResult
    public func save(_ document: ReviewDocument, contentHash: UInt64, input: [UInt8], textHash: String? = nil) -> Int? {
        let textHash = Array((textHash ?? AnnotationStore.contentHash(of: document.text)).utf8)
        guard textHash.count == Self.textHashLength, textHash.allSatisfy(Self.isLowercaseHexDigit),
            let payload = DocumentArchive.encode(document, input: input)
        else { return nil }
        var header: [UInt8] = []
        let name = Array(document.name.utf8)
        header.reserveCapacity(48 + name.count + Self.textHashLength)
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
        append(Self.magic)
        append(Self.entryVersion)
        append(contentHash)
        append(UInt64(input.count))
        append(UInt32(name.count))
        header.append(contentsOf: name)
        append(UInt64(payload.count))
        append(textHash.withUnsafeBytes { hash in payload.withUnsafeBytes { Self.checksum(textHash: hash, payload: $0) } })
        header.append(contentsOf: textHash)

        let path = entryPath(name: document.name)
        let temporary = (folder as NSString).appendingPathComponent(
            ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { return nil }
        let written = Self.writeAll(descriptor, header) && Self.writeAll(descriptor, payload)
        guard close(descriptor) == 0, written, rename(temporary, path) == 0 else {
            unlink(temporary)
            return nil
        }
        return header.count + payload.count
    }

    /// The entry's checksum: XXH64 of the payload, seeded with the XXH64 of the text hash
    /// (so that a damaged text hash is noticed too).
    static func checksum(textHash: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> UInt64 {
        ContentHash.xxh64(payload, seed: ContentHash.xxh64(textHash))
    }

    private static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func equal(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            utf8.count == bytes.count && (utf8.count == 0 || memcmp(utf8.baseAddress!, bytes.baseAddress!, utf8.count) == 0)
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + done, buffer.count - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += count
            }
            return true
        }
    }
}
