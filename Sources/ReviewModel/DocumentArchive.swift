#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A compact binary form of a parsed ``ReviewDocument`` that loads much faster than parsing:
/// everything a parser produces (name, format, metadata, text, blocks, sentences, source map
/// segments, the decoded source) as flat little-endian arrays in one buffer.
///
/// ```swift
/// let archive = DocumentArchive.encode(document, input: fileBytes)!   // nil: not representable
/// let again = try DocumentArchive.decode(archive, input: fileBytes, name: "cache entry x")
/// ```
///
/// The decoded source is usually the input file itself (UTF-8 without a byte order mark);
/// then it is not stored, and ``decode(_:input:name:)`` must be given the same input bytes.
/// Offsets are stored as 32-bit integers, so documents whose text or source exceed 4 GiB
/// are not representable. Decoding checks every count, offset and range against the
/// buffer, so a damaged archive throws instead of producing a wrong document; it does not
/// detect a changed byte inside the text (a caller that stores archives adds a checksum).
///
/// Layout (version 1): magic `RVDA`, version, flags; the format's raw value; metadata as
/// optional strings; the block-kind names; the distinct section paths; blocks as 9 x Int32
/// (kind, level, section, start, end, source line, row, column, page; `Int32.min` for nil);
/// sentences as 2 x UInt32; source-map segments as 4 x UInt32; the text; the source unless
/// flagged as equal to the input.
public enum DocumentArchive {
    /// The layout version written; archives of another version do not decode.
    public static let version: UInt32 = 1

    static let magic: UInt32 = 0x4144_5652  // "RVDA" little-endian
    static let sourceIsInputFlag: UInt32 = 1
    static let absent: Int32 = .min
    static let absentString: UInt32 = .max

    /// Encodes a document. When `input` is given and the document's decoded source equals it
    /// byte for byte, the source is left out (decode with the same input).
    /// - Returns: nil when the document is not representable (a count or offset over 32 bits,
    ///   a block field outside Int32).
    public static func encode(_ document: ReviewDocument, input: [UInt8]? = nil) -> [UInt8]? {
        let source = document.sourceMap.lines.bytes
        let sourceIsInput = input.map { Self.equal($0, source) } ?? false
        let textCount = document.text.utf8.count
        guard textCount < Int(UInt32.max), source.count < Int(UInt32.max), document.blocks.count < Int(Int32.max),
            document.sentences.count < Int(UInt32.max), document.sourceMap.segments.count < Int(UInt32.max)
        else { return nil }

        var writer = ArchiveWriter(capacity: 256 + textCount + (sourceIsInput ? 0 : source.count)
            + document.blocks.count * 36 + document.sentences.count * 8 + document.sourceMap.segments.count * 16)
        writer.u32(magic)
        writer.u32(version)
        writer.u32(sourceIsInput ? sourceIsInputFlag : 0)
        writer.string(document.name)
        writer.string(document.format.rawValue)
        let metadata = document.metadata
        writer.optionalString(metadata.title)
        writer.optionalString(metadata.reviewType?.id)
        writer.optionalString(metadata.reviewType?.evidence)
        writer.optionalString(metadata.publicationDate)
        writer.optionalString(metadata.area)

        // Block kinds by name, so that the layout does not depend on the enum's case order.
        let kinds = BlockKind.allCases
        writer.u32(UInt32(kinds.count))
        for kind in kinds { writer.string(kind.rawValue) }

        // Distinct section paths (consecutive blocks usually share one array).
        var pathIndex: [[String]: Int32] = [:]
        var paths: [[String]] = []
        var blockSections: [Int32] = []
        blockSections.reserveCapacity(document.blocks.count)
        var previous: (path: [String], index: Int32)?
        for block in document.blocks {
            if let previous, previous.path == block.section {
                blockSections.append(previous.index)
                continue
            }
            let index: Int32
            if let known = pathIndex[block.section] {
                index = known
            } else {
                index = Int32(paths.count)
                pathIndex[block.section] = index
                paths.append(block.section)
            }
            blockSections.append(index)
            previous = (block.section, index)
        }
        writer.u32(UInt32(paths.count))
        for path in paths {
            writer.u32(UInt32(path.count))
            for heading in path { writer.string(heading) }
        }

        writer.u32(UInt32(document.blocks.count))
        for (number, block) in document.blocks.enumerated() {
            guard let kind = kinds.firstIndex(of: block.kind), let level = int32(block.level),
                let line = int32(block.sourceLine), let row = int32(block.row), let column = int32(block.column),
                let page = int32(block.page), block.range.start >= 0, block.range.end <= textCount
            else { return nil }
            writer.i32(Int32(kind))
            writer.i32(level)
            writer.i32(blockSections[number])
            writer.u32(UInt32(block.range.start))
            writer.u32(UInt32(block.range.end))
            writer.i32(line)
            writer.i32(row)
            writer.i32(column)
            writer.i32(page)
        }

        writer.u32(UInt32(document.sentences.count))
        for sentence in document.sentences {
            guard sentence.start >= 0, sentence.end <= textCount else { return nil }
            writer.u32(UInt32(sentence.start))
            writer.u32(UInt32(sentence.end))
        }

        let segments = document.sourceMap.segments
        writer.u32(UInt32(segments.count))
        for segment in segments {
            let limit = Int(UInt32.max)
            guard segment.textStart >= 0, segment.textStart <= limit, segment.textLength >= 0, segment.textLength <= limit,
                segment.sourceStart >= 0, segment.sourceStart <= limit, segment.sourceLength >= 0, segment.sourceLength <= limit
            else { return nil }
            writer.u32(UInt32(segment.textStart))
            writer.u32(UInt32(segment.textLength))
            writer.u32(UInt32(segment.sourceStart))
            writer.u32(UInt32(segment.sourceLength))
        }

        writer.u32(UInt32(textCount))
        var text = document.text
        text.withUTF8 { writer.bytes(UnsafeRawBufferPointer($0)) }
        writer.u32(UInt32(source.count))
        if !sourceIsInput { source.withUnsafeBytes { writer.bytes($0) } }
        return writer.finish()
    }

    /// Decodes an archive made by ``encode(_:input:)``.
    /// - Parameters:
    ///   - archive: the encoded bytes.
    ///   - input: the input bytes the document was parsed from; needed (and checked by length)
    ///     when the archive left the source out because it was the input.
    ///   - name: what to call the archive in errors (e.g. its file's path).
    /// - Throws: ``DocumentArchiveError`` when the archive is truncated, of another version,
    ///   or inconsistent.
    public static func decode(_ archive: [UInt8], input: [UInt8]? = nil, name: String) throws(DocumentArchiveError) -> ReviewDocument {
        do {
            return try archive.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) throws(DocumentArchiveError) -> ReviewDocument in
                try decode(buffer, input: input, name: name)
            }
        } catch let error as DocumentArchiveError {
            throw error
        } catch {
            throw DocumentArchiveError(archive: name, problem: "\(error)")
        }
    }

    /// Decodes an archive held in a buffer (see ``decode(_:input:name:)``).
    public static func decode(_ buffer: UnsafeRawBufferPointer, input: [UInt8]? = nil, name: String) throws(DocumentArchiveError) -> ReviewDocument {
        var reader = ArchiveReader(buffer: buffer, name: name)
        guard try reader.u32() == magic else { throw reader.error("not a document archive (bad magic number)") }
        let found = try reader.u32()
        guard found == version else { throw reader.error("layout version \(found), expected \(version)") }
        let flags = try reader.u32()
        let documentName = try reader.string()
        let formatName = try reader.string()
        guard let format = DocumentFormat(rawValue: formatName) else { throw reader.error("unknown format \(formatName)") }
        let title = try reader.optionalString()
        let typeID = try reader.optionalString()
        let typeEvidence = try reader.optionalString()
        let publicationDate = try reader.optionalString()
        let area = try reader.optionalString()
        var reviewType: ReviewTypeDetection?
        if let typeID, let typeEvidence { reviewType = ReviewTypeDetection(id: typeID, evidence: typeEvidence) }
        let metadata = DocumentMetadata(title: title, reviewType: reviewType, publicationDate: publicationDate, area: area)

        let kindCount = try reader.count(minimumBytesEach: 4)
        var kinds: [BlockKind] = []
        kinds.reserveCapacity(kindCount)
        for _ in 0..<kindCount {
            let raw = try reader.string()
            guard let kind = BlockKind(rawValue: raw) else { throw reader.error("unknown block kind \(raw)") }
            kinds.append(kind)
        }

        let pathCount = try reader.count(minimumBytesEach: 4)
        var paths: [[String]] = []
        paths.reserveCapacity(pathCount)
        for _ in 0..<pathCount {
            let headings = try reader.count(minimumBytesEach: 4)
            var path: [String] = []
            path.reserveCapacity(headings)
            for _ in 0..<headings { path.append(try reader.string()) }
            paths.append(path)
        }

        let blockCount = try reader.count(minimumBytesEach: 36)
        let blockBase = try reader.skip(blockCount * 36)
        let sentenceCount = try reader.count(minimumBytesEach: 8)
        let sentenceBase = try reader.skip(sentenceCount * 8)
        let segmentCount = try reader.count(minimumBytesEach: 16)
        let segmentBase = try reader.skip(segmentCount * 16)
        let textCount = try reader.count(minimumBytesEach: 1)
        let textBase = try reader.skip(textCount)
        let sourceCount = Int(try reader.u32())
        let source: [UInt8]
        if flags & sourceIsInputFlag != 0 {
            guard let input else { throw reader.error("the source was left out as equal to the input, but no input was given") }
            guard input.count == sourceCount else {
                throw reader.error("the input has \(input.count) bytes, the archive's source \(sourceCount)")
            }
            source = input
        } else {
            let base = try reader.skip(sourceCount)
            source = Array(UnsafeRawBufferPointer(rebasing: buffer[base..<(base + sourceCount)]))
        }
        guard reader.offset == buffer.count else { throw reader.error("\(buffer.count - reader.offset) bytes after the end") }

        // The text: valid UTF-8 exactly as stored.
        let textBytes = UnsafeRawBufferPointer(rebasing: buffer[textBase..<(textBase + textCount)])
        let text = String(decoding: textBytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        guard Self.equal(text, textBytes) else { throw reader.error("the text is not valid UTF-8") }

        func i32(_ offset: Int) -> Int32 { Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
        func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        func optional(_ value: Int32) -> Int? { value == absent ? nil : Int(value) }

        var blocks: [Block] = []
        blocks.reserveCapacity(blockCount)
        for number in 0..<blockCount {
            let at = blockBase + number * 36
            let kind = Int(i32(at)), section = Int(i32(at + 8)), start = u32(at + 12), end = u32(at + 16)
            guard kind >= 0, kind < kinds.count, section >= 0, section < paths.count, start <= end, end <= textCount else {
                throw reader.error("block \(number) is inconsistent (kind \(kind), section \(section), range \(start)..<\(end))")
            }
            blocks.append(Block(
                kind: kinds[kind], level: optional(i32(at + 4)), section: paths[section], range: TextRange(start: start, end: end),
                sourceLine: Int(i32(at + 20)), row: optional(i32(at + 24)), column: optional(i32(at + 28)),
                page: optional(i32(at + 32))))
        }

        var sentences: [TextRange] = []
        sentences.reserveCapacity(sentenceCount)
        for number in 0..<sentenceCount {
            let start = u32(sentenceBase + number * 8), end = u32(sentenceBase + number * 8 + 4)
            guard start <= end, end <= textCount else { throw reader.error("sentence \(number) is out of the text (\(start)..<\(end))") }
            sentences.append(TextRange(start: start, end: end))
        }

        var segments: [SourceMap.Segment] = []
        segments.reserveCapacity(segmentCount)
        for number in 0..<segmentCount {
            let at = segmentBase + number * 16
            segments.append(SourceMap.Segment(textStart: u32(at), textLength: u32(at + 4), sourceStart: u32(at + 8), sourceLength: u32(at + 12)))
        }

        return ReviewDocument(
            name: documentName, format: format, metadata: metadata, text: text, blocks: blocks, sentences: sentences,
            sourceMap: SourceMap(segments: segments, source: LineIndex(bytes: source)))
    }

    private static func int32(_ value: Int?) -> Int32? {
        guard let value else { return absent }
        guard value > Int(Int32.min), value <= Int(Int32.max) else { return nil }
        return Int32(value)
    }

    private static func int32(_ value: Int) -> Int32? {
        guard value > Int(Int32.min), value <= Int(Int32.max) else { return nil }
        return Int32(value)
    }

    private static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
    }

    /// Whether a string's UTF-8 is exactly `bytes` (decoding repaired nothing).
    static func equal(_ text: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            utf8.count == bytes.count && (utf8.count == 0 || memcmp(utf8.baseAddress!, bytes.baseAddress!, utf8.count) == 0)
        }
    }
}

/// An archive that cannot be decoded: which one, and why. Decoding it again will fail the
/// same way; parse the document instead (and replace the archive).
public struct DocumentArchiveError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The name the caller gave the archive (e.g. its file's path).
    public var archive: String
    /// What is wrong.
    public var problem: String

    public init(archive: String, problem: String) {
        self.archive = archive
        self.problem = problem
    }

    public var description: String { "\(archive): cannot decode the document archive: \(problem); delete it to have it rebuilt" }
}

private struct ArchiveWriter {
    private var storage: [UInt8] = []

    init(capacity: Int) { storage.reserveCapacity(capacity) }

    mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { storage.append(contentsOf: $0) }
    }

    mutating func i32(_ value: Int32) {
        withUnsafeBytes(of: value.littleEndian) { storage.append(contentsOf: $0) }
    }

    mutating func bytes(_ buffer: UnsafeRawBufferPointer) { storage.append(contentsOf: buffer) }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            storage.append(contentsOf: utf8)
        }
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { u32(DocumentArchive.absentString) }
    }

    func finish() -> [UInt8] { storage }
}

private struct ArchiveReader {
    let buffer: UnsafeRawBufferPointer
    let name: String
    var offset = 0

    init(buffer: UnsafeRawBufferPointer, name: String) {
        self.buffer = buffer
        self.name = name
    }

    func error(_ problem: String) -> DocumentArchiveError { DocumentArchiveError(archive: name, problem: problem) }

    mutating func u32() throws(DocumentArchiveError) -> UInt32 {
        guard offset + 4 <= buffer.count else { throw error("truncated at byte \(offset) of \(buffer.count)") }
        defer { offset += 4 }
        return UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// A count of elements that each take at least `minimumBytesEach`, checked against the bytes left.
    mutating func count(minimumBytesEach: Int) throws(DocumentArchiveError) -> Int {
        let at = offset
        let value = Int(try u32())
        guard value * minimumBytesEach <= buffer.count - offset else {
            throw error("count \(value) at byte \(at) exceeds the \(buffer.count - offset) bytes left")
        }
        return value
    }

    /// Skips `length` bytes; returns where they start.
    mutating func skip(_ length: Int) throws(DocumentArchiveError) -> Int {
        guard length >= 0, length <= buffer.count - offset else { throw error("truncated at byte \(offset) of \(buffer.count)") }
        defer { offset += length }
        return offset
    }

    mutating func string() throws(DocumentArchiveError) -> String {
        let length = Int(try u32())
        let start = try skip(length)
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[start..<(start + length)])
        let value = String(decoding: bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
        guard DocumentArchive.equal(value, bytes) else { throw error("a string at byte \(start) is not valid UTF-8") }
        return value
    }

    mutating func optionalString() throws(DocumentArchiveError) -> String? {
        let at = offset
        if try u32() == DocumentArchive.absentString { return nil }
        offset = at
        return try string()
    }
}
