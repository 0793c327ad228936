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
/// trusted without checks. Entries are appended to pack files (``PackFiles``): one open pack
/// per process, a new one every ``packLimit`` bytes, so that a run does not create, write and
/// rename a file per document. An entry is keyed by the document's name and records the
/// content hash (XXH64) and size of the bytes it was parsed from, the SHA-256 of the
/// document's text (the store's content hash, so that a loaded document is not hashed
/// again), and the payload's length and checksum (XXH64, covering the text hash too). The
/// packs' entry headers are read once, on the first lookup, into an index in memory; an
/// entry that is missing, of other bytes, truncated or damaged is a miss (the document is
/// parsed and a new entry appended), never a failure: a pack's scan stops at the first entry
/// whose header does not hold together (a run killed mid-write leaves such a tail), and a
/// damaged payload fails its checksum when it is loaded. When a document has several entries
/// (it changed), the latest one of its bytes is used. Packs live in a subfolder named by the
/// parser's version (``init(directory:parserVersion:)``): a new parser, parse options that
/// change output or a new layout starts a new subfolder and ``prepare()`` deletes the old ones.
///
/// Size: about the size of each document's normalised text plus a few bytes per block,
/// sentence and source-map segment (the source is stored only when it is neither the file
/// itself nor the file decoded from a single-byte encoding: PDF, UTF-16); ``prune(keeping:under:base:)`` rewrites a pack without the
/// entries of deleted documents, one that is mostly superseded entries, and merges small
/// packs, at the end of a complete run, so that the cache stays within about twice the size
/// of its live entries and the number of packs stays bounded.
public struct ParseCache: Sendable {
    /// The cache's folder.
    public let directory: String
    /// What identifies the parser's output (see ``RetagEngine/parserVersion``).
    public let parserVersion: String
    /// The subfolder of this parser version's packs.
    public let folder: String
    /// The packs of ``folder``: their index, and the pack this process appends to.
    let packs: PackFiles

    static let magic: UInt32 = 0x4350_5652  // "RVPC" little-endian
    /// Version 2 added the text's SHA-256 to the header; version 3 appends entries to packs.
    static let entryVersion: UInt32 = 3
    /// The text hash's length: 64 lowercase hex digits.
    static let textHashLength = 64
    /// An entry's header before its name: magic, version, content hash, input size, name length.
    static let fixedHeader = 28
    /// The longest document name an entry holds (in UTF-8 bytes).
    static let maximumNameLength = 4096

    /// A cache in `directory` for documents parsed by `parserVersion`.
    public init(directory: String, parserVersion: String) {
        self.directory = directory
        self.parserVersion = parserVersion
        let key = ContentHash.hex(Array("entry \(Self.entryVersion); archive \(DocumentArchive.version); \(parserVersion)".utf8))
        folder = (directory as NSString).appendingPathComponent("v-" + key)
        packs = PackFiles(folder: folder)
    }

    /// The default folder for a store: `<store file>.parse-cache` beside it.
    public static func defaultDirectory(forStore storePath: String) -> String { storePath + ".parse-cache" }

    /// Creates this version's folder and deletes other versions' folders. Call once before a
    /// run that may write; failures only mean that entries will not be written.
    public func prepare() {
        let manager = FileManager.default
        try? manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let own = (folder as NSString).lastPathComponent
        for entry in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where entry.hasPrefix("v-") && entry != own {
            try? manager.removeItem(atPath: (directory as NSString).appendingPathComponent(entry))
        }
    }

    /// Drops the entries of documents that no longer exist: documents under one of `roots`
    /// (the run's paths) that are not in `present` (the names of the files the run found
    /// there). A pack holding such an entry, or more superseded entries than live ones, is
    /// rewritten: its live entries are copied to this process's pack and it is deleted; so
    /// are small packs (under 16 MB) when that leaves fewer of them.
    /// Entries of documents outside the roots stay, and nothing but packs of this version's
    /// ``folder`` is touched. Call at the end of a complete (not interrupted, not dry) run
    /// over `roots`.
    /// - Parameters:
    ///   - present: the document names found under `roots`.
    ///   - roots: the run's files and folders, as given (relative to `base` unless absolute).
    ///   - base: the folder document names are relative to.
    /// - Returns: the number of documents whose entries were removed.
    @discardableResult
    public func prune(keeping present: Set<String>, under roots: [String], base: String) -> Int {
        let scopes = roots.map { Self.absolute($0, base: base) }
        return packs.prune { name in
            guard !present.contains(name) else { return false }
            let location = Self.absolute(name, base: base)
            return scopes.contains { location == $0 || location.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
        }
    }

    /// A path made absolute against `base` and standardised (as document names are).
    private static func absolute(_ path: String, base: String) -> String {
        ((path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)) as NSString).standardizingPath
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
        let bytes: [UInt8]
        let place: String
        switch packs.read(name: name, contentHash: contentHash, inputSize: UInt64(input.count)) {
        case .none: return (.miss, nil)
        case .failure(let reason): return (.invalid(reason), nil)
        case .entry(let entryBytes, let entryPlace): (bytes, place) = (entryBytes, entryPlace)
        }
        var textHash: String?
        let lookup = bytes.withUnsafeBytes { buffer in
            decode(buffer, path: place, name: name, contentHash: contentHash, input: input, textHash: &textHash)
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

    /// Appends the entry of `document` (parsed from `input`, whose XXH64 is `contentHash`)
    /// to this process's pack.
    /// - Parameter textHash: the SHA-256 of the document's text as the store records it
    ///   (``AnnotationStore/contentHash(of:)``), when the caller has it; computed otherwise.
    /// - Returns: the bytes written, or nil when the document is not representable or the
    ///   write failed (the run goes on; the document is parsed again next time).
    @discardableResult
    public func save(_ document: ReviewDocument, contentHash: UInt64, input: [UInt8], textHash: String? = nil) -> Int? {
        let textHash = Array((textHash ?? AnnotationStore.contentHash(of: document.text)).utf8)
        let name = Array(document.name.utf8)
        guard textHash.count == Self.textHashLength, textHash.allSatisfy(Self.isLowercaseHexDigit), name.count <= Self.maximumNameLength,
            let payload = DocumentArchive.encode(document, input: input)
        else { return nil }
        var header: [UInt8] = []
        header.reserveCapacity(Self.fixedHeader + name.count + 16 + Self.textHashLength)
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
        let entry = PackFiles.Entry(name: document.name, contentHash: contentHash, inputSize: UInt64(input.count))
        guard packs.append(entry, header, payload) else { return nil }
        return header.count + payload.count
    }

    /// The entry's checksum: XXH64 of the payload, seeded with the XXH64 of the text hash
    /// (so that a damaged text hash is noticed too).
    static func checksum(textHash: UnsafeRawBufferPointer, payload: UnsafeRawBufferPointer) -> UInt64 {
        ContentHash.xxh64(payload, seed: ContentHash.xxh64(textHash))
    }

    static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    private static func equal(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            utf8.count == bytes.count && (utf8.count == 0 || memcmp(utf8.baseAddress!, bytes.baseAddress!, utf8.count) == 0)
        }
    }
}
