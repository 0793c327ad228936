#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A compact binary form of a parsed ``ReviewDocument`` that loads much faster than parsing:
/// everything a parser produces (name, format, metadata, text, blocks, sentences, source map
/// segments, the decoded source) in one buffer.
///
/// ```swift
/// let archive = DocumentArchive.encode(document, input: fileBytes)!   // nil: not representable
/// let again = try DocumentArchive.decode(archive, input: fileBytes, name: "cache entry x")
/// ```
///
/// Compact: the decoded source is usually the input file itself (UTF-8 without a byte order
/// mark); then it is not stored, and ``decode(_:input:name:)`` must be given the same input
/// bytes. A source decoded from a single-byte encoding (windows-1252 Word HTML) is not stored
/// either, only the table of what each of the input's non-ASCII bytes became (``ByteMapping``),
/// and it is rebuilt from the same input bytes. Most of the text is a verbatim copy of the source, so only the text that is not
/// (joins between blocks, replaced entities, collapsed spaces) is stored: a segment of the
/// source map whose text equals its source bytes is marked and copied back on decoding, and
/// one that differs in a few bytes (a line break read as a space) is copied and patched.
/// Numbers are LEB128 varints, offsets stored as differences from the previous element.
/// Decoding checks every count, offset and range against the buffer, so a damaged archive
/// throws instead of producing a wrong document (a text that is not UTF-8 included); it does
/// not detect a changed byte inside the stored text that keeps it UTF-8: a caller that stores
/// archives adds a checksum.
///
/// Layout (version 4): magic `RVDA`, version and flags (u32); name, format raw value and
/// metadata as (optional) strings; the block-kind names; the distinct section paths; the
/// text's length and its stored pieces; the source's length, then the source itself unless
/// flagged as equal to the input, or its byte table when flagged as mapped from the input;
/// blocks (kind, section, level, start, length, source line, row, column, page); sentences
/// (start, length); segments (text start, text length and how its text is rebuilt, source
/// start, source length, then the patches of a patched copy).
public enum DocumentArchive {
    /// The layout version written; archives of another version do not decode.
    /// (Version 4 added sources mapped from the input: see ``ByteMapping``.)
    public static let version: UInt32 = 4

    static let magic: UInt32 = 0x4144_5652  // "RVDA" little-endian
    static let sourceIsInputFlag: UInt32 = 1
    /// The whole text is stored (segments overlap or stray out of it: nothing is copied).
    static let wholeTextFlag: UInt32 = 2
    /// The source is left out as the input's image under a ``ByteMapping``, which is stored.
    static let sourceIsMappedInputFlag: UInt32 = 4
    static let absentString: UInt32 = .max
    /// How many distinct section paths ``encode(_:input:)`` searches in order before it hashes them.
    static let linearPathSearch = 32
    /// How a segment's text is rebuilt: from the stored text, copied from the source, or
    /// copied and patched.
    static let storedMode: UInt8 = 0
    static let copiedMode: UInt8 = 1
    static let patchedMode: UInt8 = 2

    /// Encodes a document. When `input` is given and the document's decoded source equals it
    /// byte for byte, or is its image under a ``ByteMapping``, the source is left out (decode
    /// with the same input).
    /// - Returns: nil when the document is not representable (a negative offset or length).
    public static func encode(_ document: ReviewDocument, input: [UInt8]? = nil) -> [UInt8]? {
        let source = document.sourceMap.lines.bytes
        let sourceIsInput = input.map { Self.equal($0, source) } ?? false
        // A source decoded from a single-byte encoding: its byte table instead of its bytes.
        let mapping = sourceIsInput
            ? nil
            : input.flatMap { input in
                input.withUnsafeBufferPointer { input in source.withUnsafeBufferPointer { ByteMapping(input: input, source: $0) } }
            }
        let storesSource = !sourceIsInput && mapping == nil
        let segments = document.sourceMap.segments
        var text = document.text
        let textCount = text.utf8.count

        // How each segment's text is rebuilt (stored, copied, or copied and patched), the
        // patches of all segments one after another (`patchEnds[i]`: where segment i's end),
        // and the pieces of text that are not copied (ranges of the text, in order).
        var plan = TextPlan(segments: segments.count)
        text.withUTF8 { textBytes in
            source.withUnsafeBufferPointer { sourceBytes in
                segments.withUnsafeBufferPointer { plan.build($0, text: textBytes, source: sourceBytes) }
            }
        }

        // Distinct section paths (consecutive blocks usually share one array). A review has a
        // few dozen: they are searched in order (comparing arrays of shared strings is cheaper
        // than hashing one), and by a dictionary once there are more.
        var pathIndex: [[String]: Int] = [:]
        var paths: [[String]] = []
        var blockSections: [Int] = []
        blockSections.reserveCapacity(document.blocks.count)
        var headingBytes = 0
        document.blocks.withUnsafeBufferPointer { blocks in
            var previous: (path: [String], index: Int)?
            for block in blocks.indices {
                if let previous, previous.path == blocks[block].section {
                    blockSections.append(previous.index)
                    continue
                }
                let section = blocks[block].section
                let index: Int
                if let known = paths.count <= Self.linearPathSearch ? paths.firstIndex(of: section) : pathIndex[section] {
                    index = known
                } else {
                    index = paths.count
                    paths.append(section)
                    if paths.count > Self.linearPathSearch {
                        if pathIndex.isEmpty {
                            for (known, path) in paths.enumerated() { pathIndex[path] = known }
                        } else {
                            pathIndex[section] = index
                        }
                    }
                    for heading in section { headingBytes += 14 + heading.utf8.count }
                }
                blockSections.append(index)
                previous = (section, index)
            }
        }

        // Block kinds by name, so that the layout does not depend on the enum's case order.
        let kinds = BlockKind.allCases
        let metadata = document.metadata
        let strings = [document.name, document.format.rawValue, metadata.title, metadata.reviewType?.id, metadata.reviewType?.evidence,
            metadata.publicationDate, metadata.area]
        // An upper bound of the size (a varint takes at most 10 bytes), so that everything is
        // written in place into one allocation.
        var capacity = 12 + 8 * 10 + plan.literalCount + (storesSource ? source.count : 0) + (mapping == nil ? 0 : ByteMapping.maximumBytes)
        for string in strings { capacity += 4 + (string?.utf8.count ?? 0) }
        for kind in kinds { capacity += 4 + kind.rawValue.utf8.count }
        capacity += paths.count * 10 + headingBytes
        capacity += document.blocks.count * 9 * 10 + document.sentences.count * 2 * 10
        capacity += segments.count * 4 * 10 + plan.patchedSegments * 10 + plan.patches.count * 11

        var representable = true
        let archive = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            var writer = ArchiveWriter(buffer)
            writer.u32(magic)
            writer.u32(version)
            writer.u32(
                (sourceIsInput ? sourceIsInputFlag : 0) | (mapping == nil ? 0 : sourceIsMappedInputFlag) | (plan.wholeText ? wholeTextFlag : 0))
            writer.string(document.name)
            writer.string(document.format.rawValue)
            writer.optionalString(metadata.title)
            writer.optionalString(metadata.reviewType?.id)
            writer.optionalString(metadata.reviewType?.evidence)
            writer.optionalString(metadata.publicationDate)
            writer.optionalString(metadata.area)

            writer.varint(UInt64(kinds.count))
            for kind in kinds { writer.string(kind.rawValue) }

            writer.varint(UInt64(paths.count))
            for path in paths {
                writer.varint(UInt64(path.count))
                for heading in path { writer.string(heading) }
            }

            writer.varint(UInt64(textCount))
            writer.varint(UInt64(plan.literalCount))
            text.withUTF8 { textBytes in
                for piece in plan.literal { writer.bytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(textBytes)[piece])) }
            }
            writer.varint(UInt64(source.count))
            if let mapping {
                mapping.write(to: &writer)
            } else if storesSource {
                source.withUnsafeBytes { writer.bytes($0) }
            }

            // Each loop writes through a local copy of the writer (put back when it ends), so
            // that its position stays in a register instead of the closure's captured variable.
            writer.varint(UInt64(document.blocks.count))
            representable = document.blocks.withUnsafeBufferPointer { blocks in
                blockSections.withUnsafeBufferPointer { sections in
                    var out = writer
                    defer { writer = out }
                    out.ensure(blocks.count * 9 * ArchiveWriter.maximumVarintBytes)
                    var previousEnd = 0
                    var previousLine = 0
                    // Consecutive blocks are mostly of one kind: its index is looked up when it changes.
                    var kind = BlockKind.paragraph
                    var kindIndex = kinds.firstIndex(of: kind)!
                    for number in blocks.indices {
                        let block = blocks[number]
                        if block.kind != kind {
                            kind = block.kind
                            kindIndex = kinds.firstIndex(of: kind)!
                        }
                        guard block.range.start >= 0, block.range.end <= textCount,
                            let level = optional(block.level), let row = optional(block.row), let column = optional(block.column),
                            let page = optional(block.page)
                        else { return false }
                        out.uncheckedVarint(UInt64(kindIndex))
                        out.uncheckedVarint(UInt64(sections[number]))
                        out.uncheckedVarint(level)
                        out.uncheckedVarint(zigzag(block.range.start - previousEnd))
                        out.uncheckedVarint(UInt64(block.range.length))
                        out.uncheckedVarint(zigzag(block.sourceLine &- previousLine))
                        out.uncheckedVarint(row)
                        out.uncheckedVarint(column)
                        out.uncheckedVarint(page)
                        previousEnd = block.range.end
                        previousLine = block.sourceLine
                    }
                    return true
                }
            }
            guard representable else { return }

            writer.varint(UInt64(document.sentences.count))
            representable = document.sentences.withUnsafeBufferPointer { sentences in
                var out = writer
                defer { writer = out }
                out.ensure(sentences.count * 2 * ArchiveWriter.maximumVarintBytes)
                var previousEnd = 0
                for sentence in sentences {
                    guard sentence.start >= 0, sentence.end <= textCount else { return false }
                    out.uncheckedVarint(zigzag(sentence.start - previousEnd))
                    out.uncheckedVarint(UInt64(sentence.length))
                    previousEnd = sentence.end
                }
                return true
            }
            guard representable else { return }

            writer.varint(UInt64(segments.count))
            let (modes, patchEnds, patches) = (plan.modes, plan.patchEnds, plan.patches)
            representable = segments.withUnsafeBufferPointer { segments in
                var out = writer
                defer { writer = out }
                // Four numbers a segment, one more for a patched one, and a number and a byte a patch.
                out.ensure(
                    (segments.count * 4 + plan.patchedSegments) * ArchiveWriter.maximumVarintBytes
                        + patches.count * (ArchiveWriter.maximumVarintBytes + 1))
                var previousTextEnd = 0
                var previousSourceEnd = 0
                var patch = 0
                for index in segments.indices {
                    let segment = segments[index]
                    guard segment.textStart >= 0, segment.textLength >= 0, segment.sourceStart >= 0, segment.sourceLength >= 0,
                        segment.textLength < Int.max / 4
                    else { return false }
                    let mode = modes[index]
                    out.uncheckedVarint(zigzag(segment.textStart - previousTextEnd))
                    out.uncheckedVarint(UInt64(segment.textLength) << 2 | UInt64(mode))
                    out.uncheckedVarint(zigzag(segment.sourceStart - previousSourceEnd))
                    out.uncheckedVarint(segment.sourceLength == segment.textLength ? 0 : UInt64(segment.sourceLength) + 1)
                    if mode == patchedMode {
                        let end = patchEnds[index]
                        out.uncheckedVarint(UInt64(end - patch))
                        var previousOffset = 0
                        while patch < end {
                            out.uncheckedVarint(UInt64(patches[patch].offset - previousOffset))
                            out.uncheckedByte(patches[patch].byte)
                            previousOffset = patches[patch].offset
                            patch += 1
                        }
                    }
                    previousTextEnd = segment.textStart + segment.textLength
                    previousSourceEnd = segment.sourceStart + segment.sourceLength
                }
                return true
            }
            initialized = representable ? writer.count : 0
        }
        return representable ? archive : nil
    }

    /// How ``encode(_:input:)`` stores a document's text: per segment, stored, copied from the
    /// source, or copied and patched (a few differing bytes, at most one in eight); the text
    /// outside copied segments as pieces to store.
    private struct TextPlan {
        /// A byte of a patched segment that differs from its source: its offset in the
        /// segment and its value.
        struct Patch {
            var offset: Int
            var byte: UInt8
        }

        var modes: [UInt8]
        /// Where each segment's patches end in ``patches`` (patched segments only).
        var patchEnds: [Int]
        /// The patches of all segments, one after another.
        var patches: [Patch] = []
        var patchedSegments = 0
        /// The stored pieces, as ranges of the text's bytes, and their total length.
        var literal: [Range<Int>] = []
        var literalCount = 0
        /// Segments overlap or stray out of the text: the whole text is stored, nothing copied.
        var wholeText = false

        init(segments: Int) {
            modes = [UInt8](repeating: storedMode, count: segments)
            patchEnds = [Int](repeating: 0, count: segments)
        }

        mutating func build(
            _ segments: UnsafeBufferPointer<SourceMap.Segment>, text: UnsafeBufferPointer<UInt8>, source: UnsafeBufferPointer<UInt8>
        ) {
            // At most a piece before each segment, its own, and one after the last.
            literal.reserveCapacity(2 * segments.count + 1)
            // The per-segment lists are taken out and written through buffers (each element
            // written through the array checked that it was unique).
            var modes: [UInt8] = []
            var patchEnds: [Int] = []
            swap(&modes, &self.modes)
            swap(&patchEnds, &self.patchEnds)
            var cursor = 0
            let planned = modes.withUnsafeMutableBufferPointer { modes in
                patchEnds.withUnsafeMutableBufferPointer { patchEnds in
                    for index in segments.indices {
                        let segment = segments[index]
                        let end = segment.textStart + segment.textLength
                        guard segment.textStart >= cursor, segment.textLength >= 0, end <= text.count else { return false }
                        store(cursor..<segment.textStart)
                        if segment.textLength > 0, segment.sourceStart >= 0, segment.sourceStart + segment.textLength <= source.count {
                            let copy = text.baseAddress! + segment.textStart
                            let original = source.baseAddress! + segment.sourceStart
                            if memcmp(copy, original, segment.textLength) == 0 {
                                modes[index] = copiedMode
                            } else if patch(copy, original, length: segment.textLength) {
                                modes[index] = patchedMode
                                patchedSegments += 1
                            }
                            patchEnds[index] = patches.count
                        }
                        if modes[index] == storedMode { store(segment.textStart..<end) }
                        cursor = end
                    }
                    return true
                }
            }
            guard planned else {
                self = TextPlan(segments: segments.count)
                wholeText = true
                store(0..<text.count)
                return
            }
            swap(&modes, &self.modes)
            swap(&patchEnds, &self.patchEnds)
            store(cursor..<text.count)
        }

        /// Appends the differing bytes of `copy` as patches when there are at most one in
        /// eight; false (nothing appended) otherwise.
        private mutating func patch(_ copy: UnsafePointer<UInt8>, _ original: UnsafePointer<UInt8>, length: Int) -> Bool {
            let limit = length / 8
            let start = patches.count
            var offset = 0
            // Eight bytes at a time: equal words are skipped, and in a word that differs only
            // the differing bytes are visited (the set bytes of the XOR, lowest first).
            while offset + 8 <= length {
                // Byte i of the word in bits 8i..<8i+8, whatever the machine's byte order.
                var difference = UInt64(littleEndian: UnsafeRawPointer(copy + offset).loadUnaligned(as: UInt64.self))
                    ^ UInt64(littleEndian: UnsafeRawPointer(original + offset).loadUnaligned(as: UInt64.self))
                while difference != 0 {
                    let byte = difference.trailingZeroBitCount >> 3
                    guard add(offset + byte) else { return false }
                    difference &= ~(0xFF << UInt64(byte << 3))
                }
                offset += 8
            }
            while offset < length {
                if copy[offset] != original[offset] {
                    guard add(offset) else { return false }
                }
                offset += 1
            }
            return true

            // Records the byte at `position` as a patch; false (and every patch of this
            // segment taken back) when that makes more than `limit`.
            func add(_ position: Int) -> Bool {
                guard patches.count - start < limit else {
                    patches.removeSubrange(start...)
                    return false
                }
                patches.append(Patch(offset: position, byte: copy[position]))
                return true
            }
        }

        /// Adds a piece of text to store; one that continues the last piece extends it (the
        /// pieces are written back to back, so the archive is the same).
        private mutating func store(_ range: Range<Int>) {
            guard !range.isEmpty else { return }
            literalCount += range.count
            if let last = literal.last, last.upperBound == range.lowerBound {
                literal[literal.count - 1] = last.lowerBound..<range.upperBound
            } else {
                literal.append(range)
            }
        }
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
        var result: Result<ReviewDocument, DocumentArchiveError>!
        archive.withUnsafeBytes { buffer in
            do throws(DocumentArchiveError) {
                result = .success(try decode(buffer, input: input, name: name))
            } catch {
                result = .failure(error)
            }
        }
        return try result.get()
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

        let pathCount = try reader.count(minimumBytesEach: 1)
        var paths: [[String]] = []
        paths.reserveCapacity(pathCount)
        for _ in 0..<pathCount {
            let headings = try reader.count(minimumBytesEach: 4)
            var path: [String] = []
            path.reserveCapacity(headings)
            for _ in 0..<headings { path.append(try reader.string()) }
            paths.append(path)
        }

        let textCount = try reader.int()
        let literalCount = try reader.count(minimumBytesEach: 1)
        let literalBase = try reader.skip(literalCount)
        let sourceCount = try reader.int()
        let source: [UInt8]
        if flags & sourceIsInputFlag != 0 {
            guard let input else { throw reader.error("the source was left out as equal to the input, but no input was given") }
            guard input.count == sourceCount else {
                throw reader.error("the input has \(input.count) bytes, the archive's source \(sourceCount)")
            }
            source = input
        } else if flags & sourceIsMappedInputFlag != 0 {
            guard let input else { throw reader.error("the source was left out as mapped from the input, but no input was given") }
            let mapping = try ByteMapping(&reader)
            guard let mapped = input.withUnsafeBufferPointer({ mapping.source(from: $0, count: sourceCount) }) else {
                throw reader.error("the input does not map to the archive's source of \(sourceCount) bytes")
            }
            source = mapped
        } else {
            let base = try reader.skip(sourceCount)
            source = Array(UnsafeRawBufferPointer(rebasing: buffer[base..<(base + sourceCount)]))
        }
        let wholeText = flags & wholeTextFlag != 0
        // Copied text comes from the source: a text far longer than both is damage (and must
        // not be allocated).
        guard textCount <= literalCount + 16 * sourceCount else { throw reader.error("a text of \(textCount) bytes is out of range") }
        guard !wholeText || literalCount == textCount else { throw reader.error("the text has \(literalCount) bytes, not \(textCount)") }

        let blockCount = try reader.count(minimumBytesEach: 9)
        var blocks: [Block] = []
        blocks.reserveCapacity(blockCount)
        var previousEnd = 0
        var previousLine = 0
        for number in 0..<blockCount {
            let kind = try reader.int(), section = try reader.int(), level = try reader.optional()
            let start = try reader.offset(from: previousEnd), length = try reader.int()
            let line = try reader.offset(from: previousLine)
            let row = try reader.optional(), column = try reader.optional(), page = try reader.optional()
            guard kind < kinds.count, section < paths.count, start >= 0, length <= textCount - start else {
                throw reader.error("block \(number) is inconsistent (kind \(kind), section \(section), range \(start) + \(length))")
            }
            blocks.append(Block(
                kind: kinds[kind], level: level, section: paths[section], range: TextRange(start: start, end: start + length),
                sourceLine: line, row: row, column: column, page: page))
            previousEnd = start + length
            previousLine = line
        }

        let sentenceCount = try reader.count(minimumBytesEach: 2)
        var sentences: [TextRange] = []
        sentences.reserveCapacity(sentenceCount)
        previousEnd = 0
        for number in 0..<sentenceCount {
            let start = try reader.offset(from: previousEnd), length = try reader.int()
            guard start >= 0, length <= textCount - start else {
                throw reader.error("sentence \(number) is out of the text (\(start) + \(length))")
            }
            sentences.append(TextRange(start: start, end: start + length))
            previousEnd = start + length
        }

        // Segments, copying their text from the source (or the stored pieces) as they come,
        // straight into the text's bytes (every byte is written once: stored pieces fill the
        // gaps between segments).
        let segmentCount = try reader.count(minimumBytesEach: 4)
        let literal = UnsafeRawBufferPointer(rebasing: buffer[literalBase..<(literalBase + literalCount)])
        var outcome: Result<[SourceMap.Segment], DocumentArchiveError> = .success([])
        // Rebuilt into bytes, then made a string by one copy with only its non-ASCII runs
        // validated (a string built in place validated every byte from the first curly quote
        // on, half of the decoding).
        let textBytes = [UInt8](unsafeUninitializedCapacity: textCount) { text, initialized in
            outcome = source.withUnsafeBytes { sourceBytes in
                Result { () throws(DocumentArchiveError) in
                    try rebuild(&reader, segments: segmentCount, text: UnsafeMutableRawBufferPointer(text), source: sourceBytes,
                        literal: literal, wholeText: wholeText)
                }
            }
            guard case .success = outcome else { return }
            initialized = textCount
        }
        let segments = try outcome.get()
        guard reader.offset == buffer.count else { throw reader.error("\(buffer.count - reader.offset) bytes after the end") }
        // Bytes that are not UTF-8 are damage (a changed byte that keeps the text UTF-8 is not
        // detected: see above).
        guard let text = String(validUTF8: textBytes) else { throw reader.error("the text is not valid UTF-8") }

        return ReviewDocument(
            name: documentName, format: format, metadata: metadata, text: text, blocks: blocks, sentences: sentences,
            sourceMap: SourceMap(segments: segments, source: LineIndex(bytes: source)))
    }

    /// Reads `count` segments, writing the text they cover into `text` (copied from the
    /// source, copied and patched, or taken from the stored pieces in `literal`, which also
    /// fill the gaps); every byte of `text` is written unless it throws.
    private static func rebuild(
        _ reader: inout ArchiveReader, segments segmentCount: Int, text: UnsafeMutableRawBufferPointer,
        source sourceBytes: UnsafeRawBufferPointer, literal: UnsafeRawBufferPointer, wholeText: Bool
    ) throws(DocumentArchiveError) -> [SourceMap.Segment] {
        let textCount = text.count
        let sourceCount = sourceBytes.count
        var segments: [SourceMap.Segment] = []
        segments.reserveCapacity(segmentCount)
        var literalOffset = 0
        var cursor = 0
        var previousTextEnd = 0
        var previousSourceEnd = 0
        for number in 0..<segmentCount {
            let textStart = try reader.offset(from: previousTextEnd)
            let lengthAndMode = try reader.varint()
            let textLength = Int(lengthAndMode >> 2)
            let mode = UInt8(lengthAndMode & 3)
            let sourceStart = try reader.offset(from: previousSourceEnd)
            let sourceCode = try reader.varint()
            guard sourceCode <= UInt64(Int.max) else { throw reader.error("segment \(number) has a source length out of range") }
            let sourceLength = sourceCode == 0 ? textLength : Int(sourceCode) - 1
            guard textStart >= 0, sourceStart >= 0, textLength <= Int.max - textStart, sourceLength <= Int.max - sourceStart else {
                throw reader.error("segment \(number) is out of range")
            }
            if !wholeText {
                guard textStart >= cursor, textLength <= textCount - textStart else {
                    throw reader.error("segment \(number) (\(textStart) + \(textLength)) is out of the text or out of order")
                }
                try takeLiteral(textStart - cursor, to: cursor, text: text, literal: literal, at: &literalOffset, reader)
                if mode == copiedMode || mode == patchedMode {
                    guard textLength <= sourceCount - sourceStart else {
                        throw reader.error("segment \(number) copies beyond the source (\(sourceStart) + \(textLength))")
                    }
                    if textLength > 0 { memcpy(text.baseAddress! + textStart, sourceBytes.baseAddress! + sourceStart, textLength) }
                    if mode == patchedMode {
                        let count = try reader.count(minimumBytesEach: 2)
                        var offset = 0
                        for _ in 0..<count {
                            offset = try reader.offset(from: offset, unsigned: true)
                            let byte = try reader.byte()
                            guard offset < textLength else { throw reader.error("segment \(number) has a patch out of it") }
                            text[textStart + offset] = byte
                        }
                    }
                } else if mode != storedMode {
                    throw reader.error("segment \(number) has an unknown mode \(mode)")
                } else {
                    try takeLiteral(textLength, to: textStart, text: text, literal: literal, at: &literalOffset, reader)
                }
                cursor = textStart + textLength
            } else if mode != storedMode {
                throw reader.error("segment \(number) is marked copied in a whole-text archive")
            }
            segments.append(SourceMap.Segment(textStart: textStart, textLength: textLength, sourceStart: sourceStart, sourceLength: sourceLength))
            previousTextEnd = textStart + textLength
            previousSourceEnd = sourceStart + sourceLength
        }
        if wholeText {
            try takeLiteral(textCount, to: 0, text: text, literal: literal, at: &literalOffset, reader)
        } else {
            try takeLiteral(textCount - cursor, to: cursor, text: text, literal: literal, at: &literalOffset, reader)
        }
        guard literalOffset == literal.count else { throw reader.error("\(literal.count - literalOffset) bytes of stored text left over") }
        return segments
    }

    /// Copies the next `count` stored bytes to `offset` in the text.
    @inline(__always)
    private static func takeLiteral(
        _ count: Int, to offset: Int, text: UnsafeMutableRawBufferPointer, literal: UnsafeRawBufferPointer, at literalOffset: inout Int,
        _ reader: ArchiveReader
    ) throws(DocumentArchiveError) {
        guard count >= 0, count <= literal.count - literalOffset, count <= text.count - offset else {
            throw reader.error("the stored text runs out at byte \(offset) of \(text.count)")
        }
        if count > 0 { memcpy(text.baseAddress! + offset, literal.baseAddress! + literalOffset, count) }
        literalOffset += count
    }

    private static func zigzag(_ value: Int) -> UInt64 {
        UInt64(bitPattern: Int64((value << 1) ^ (value >> (Int.bitWidth - 1))))
    }

    /// An optional integer as a varint: 0 for nil, else its zigzag code plus one; nil when not representable.
    private static func optional(_ value: Int?) -> UInt64? {
        guard let value else { return 0 }
        guard value != Int.min, zigzag(value) < UInt64.max else { return nil }
        return zigzag(value) + 1
    }

    private static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                // The parser usually keeps the input array itself as the source: same storage.
                left.count == 0 || left.baseAddress == right.baseAddress
                    || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
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

extension DocumentArchive {
    /// A decoded source as the image of the input under a byte table: every ASCII byte of the
    /// input is itself in the source, and every other byte stands for one fixed sequence of 1
    /// to 4 bytes, as when a single-byte encoding (windows-1252 Word HTML, Latin-1) is decoded
    /// to UTF-8. An archive then holds the table (a few hundred bytes at most) instead of the
    /// source (about the input's size) and rebuilds the source from the input.
    /// ``init(input:source:)`` derives the table by reading both, so it records whatever the
    /// decoder did, or fails when the source is no such image: nothing is assumed of the decoder.
    struct ByteMapping: Equatable {
        /// For each input byte 0x80...0xFF, its sequence: the bytes in bits 0..<32 (the first
        /// lowest) and the length in bits 32..<40; 0 for a byte that does not occur.
        private var sequences = [UInt64](repeating: 0, count: 128)

        /// The most bytes ``write(to:)`` takes: a count and 128 sequences of 4 bytes.
        static let maximumBytes = 10 + 128 * 6
        private static let highBits: UInt64 = 0x8080_8080_8080_8080

        /// The table that maps `input` to `source`; nil when there is none (an ASCII byte
        /// differs, a byte stands for different sequences, the lengths do not add up).
        init?(input: UnsafeBufferPointer<UInt8>, source: UnsafeBufferPointer<UInt8>) {
            let inputCount = input.count
            let sourceCount = source.count
            let found = sequences.withUnsafeMutableBufferPointer { table in
                var at = 0  // in the input
                var to = 0  // in the source
                while at < inputCount {
                    // The ASCII bytes up to the next other byte (a rare one): the same in both.
                    let run = Self.asciiEnd(input, from: at) - at
                    guard run <= sourceCount - to, run == 0 || memcmp(input.baseAddress! + at, source.baseAddress! + to, run) == 0 else {
                        return false
                    }
                    at += run
                    to += run
                    guard at < inputCount else { break }
                    guard to < sourceCount else { return false }
                    let byte = input[at]
                    at += 1
                    let known = table[Int(byte) - 128]
                    let length = known != 0 ? Int(known >> 32) : Self.sequenceLength(lead: source[to])
                    guard length <= sourceCount - to else { return false }
                    var sequence = UInt64(length) << 32
                    for index in 0..<length { sequence |= UInt64(source[to + index]) << UInt64(8 * index) }
                    guard known == 0 || known == sequence else { return false }
                    table[Int(byte) - 128] = sequence
                    to += length
                }
                return at == inputCount && to == sourceCount
            }
            guard found else { return nil }
        }

        /// Reads a table ``write(to:)`` wrote.
        fileprivate init(_ reader: inout ArchiveReader) throws(DocumentArchiveError) {
            let count = try reader.count(minimumBytesEach: 3)
            guard count <= 128 else { throw reader.error("a byte table of \(count) entries") }
            for _ in 0..<count {
                let byte = try reader.byte()
                let length = Int(try reader.byte())
                guard byte >= 0x80, (1...4).contains(length), sequences[Int(byte) - 128] == 0 else {
                    throw reader.error("a byte table entry before byte \(reader.offset) is invalid")
                }
                var sequence = UInt64(length) << 32
                for index in 0..<length { sequence |= UInt64(try reader.byte()) << UInt64(8 * index) }
                sequences[Int(byte) - 128] = sequence
            }
        }

        /// The entries in use: a count, then each input byte, its sequence's length and bytes.
        fileprivate func write(to writer: inout ArchiveWriter) {
            writer.varint(UInt64(sequences.count(where: { $0 != 0 })))
            for (index, sequence) in sequences.enumerated() where sequence != 0 {
                writer.byte(UInt8(128 + index))
                let length = Int(sequence >> 32)
                writer.byte(UInt8(length))
                for byte in 0..<length { writer.byte(UInt8(truncatingIfNeeded: sequence >> UInt64(8 * byte))) }
            }
        }

        /// The image of `input`, which must be `count` bytes long; nil when it is not (or the
        /// input holds a byte the table does not know): then it is not the input the table was made from.
        func source(from input: UnsafeBufferPointer<UInt8>, count: Int) -> [UInt8]? {
            guard count > 0 else { return input.isEmpty ? [] : nil }
            var complete = false
            let source = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                let output = buffer.baseAddress!
                let inputCount = input.count
                var at = 0
                var to = 0
                defer { initialized = to }
                while at < inputCount {
                    // The ASCII bytes up to the next other byte, copied as they are.
                    let run = Self.asciiEnd(input, from: at) - at
                    guard run <= count - to else { return }
                    if run > 0 { memcpy(output + to, input.baseAddress! + at, run) }
                    at += run
                    to += run
                    guard at < inputCount else { break }
                    let byte = input[at]
                    at += 1
                    let sequence = sequences[Int(byte) - 128]
                    let length = Int(sequence >> 32)
                    guard sequence != 0, length <= count - to else { return }
                    for index in 0..<length { output[to + index] = UInt8(truncatingIfNeeded: sequence >> UInt64(8 * index)) }
                    to += length
                }
                complete = to == count
            }
            return complete ? source : nil
        }

        /// The length of the UTF-8 sequence that `lead` starts (1 for any byte that starts none:
        /// the table holds exact bytes, checked on every occurrence, so a wrong guess only fails).
        private static func sequenceLength(lead: UInt8) -> Int {
            lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        }

        /// Where the first byte of `bytes` at or after `start` that is not ASCII is (the end
        /// when there is none): 32 bytes a step, as such bytes are rare (a few in ten thousand
        /// in Word HTML), then the word that holds it.
        private static func asciiEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
            let count = bytes.count
            guard start < count else { return count }
            let base = UnsafeRawPointer(bytes.baseAddress!)
            // The first byte in the lowest bits, whatever the machine's byte order.
            func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
            var index = start
            while index + 32 <= count, (word(index) | word(index + 8) | word(index + 16) | word(index + 24)) & highBits == 0 {
                index += 32
            }
            while index + 8 <= count {
                let high = word(index) & highBits
                if high != 0 { return index + high.trailingZeroBitCount >> 3 }
                index += 8
            }
            while index < count, bytes[index] < 0x80 { index += 1 }
            return index
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

/// Writes into memory sized by ``DocumentArchive/encode(_:input:)``'s bound (checked before
/// every write: a wrong bound stops the program instead of writing past the buffer). The
/// unchecked writes are for loops that check room for all their writes at once (``ensure(_:)``).
private struct ArchiveWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0
    /// The most bytes a varint takes (a `UInt64` in 7-bit groups).
    static let maximumVarintBytes = 10

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    /// Stops the program unless `bytes` more bytes fit.
    @inline(__always)
    func ensure(_ bytes: Int) {
        precondition(bytes >= 0 && bytes <= capacity - count, "DocumentArchive: the size bound is wrong")
    }

    mutating func u32(_ value: UInt32) {
        ensure(4)
        UnsafeMutableRawPointer(base + count).storeBytes(of: value.littleEndian, as: UInt32.self)
        count += 4
    }

    mutating func bytes(_ buffer: UnsafeRawBufferPointer) {
        guard let source = buffer.baseAddress, buffer.count > 0 else { return }
        ensure(buffer.count)
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: buffer.count)
        count += buffer.count
    }

    mutating func byte(_ value: UInt8) {
        ensure(1)
        uncheckedByte(value)
    }

    /// ``byte(_:)`` where the caller checked the room.
    @inline(__always)
    mutating func uncheckedByte(_ value: UInt8) {
        base[count] = value
        count += 1
    }

    /// Unsigned LEB128.
    @inline(__always)
    mutating func varint(_ value: UInt64) {
        ensure(Self.maximumVarintBytes)
        uncheckedVarint(value)
    }

    /// ``varint(_:)`` where the caller checked the room.
    @inline(__always)
    mutating func uncheckedVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: value) | 0x80
            count += 1
            value >>= 7
        }
        base[count] = UInt8(value)
        count += 1
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            u32(UInt32(utf8.count))
            bytes(UnsafeRawBufferPointer(utf8))
        }
    }

    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { u32(DocumentArchive.absentString) }
    }
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

    /// Unsigned LEB128 (most numbers take one byte, and most others two, block and sentence
    /// lengths below 16384: both read inline, the loop was a tenth of decoding).
    @inline(__always)
    mutating func varint() throws(DocumentArchiveError) -> UInt64 {
        if offset < buffer.count {
            let byte = buffer[offset]
            if byte < 0x80 {
                offset += 1
                return UInt64(byte)
            }
            if offset + 1 < buffer.count {
                let next = buffer[offset + 1]
                if next < 0x80 {
                    offset += 2
                    return UInt64(byte & 0x7F) | UInt64(next) << 7
                }
            }
        }
        return try longVarint()
    }

    /// ``varint()`` of more than two bytes (or at the end of the buffer).
    mutating func longVarint() throws(DocumentArchiveError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while offset < buffer.count {
            let byte = buffer[offset]
            offset += 1
            guard shift < 63 || byte <= 1 else { throw error("a number at byte \(offset - 1) overflows") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw error("truncated at byte \(offset) of \(buffer.count)")
    }

    /// A non-negative integer.
    @inline(__always)
    mutating func int() throws(DocumentArchiveError) -> Int {
        let value = try varint()
        guard value <= UInt64(Int.max) else { throw error("a number before byte \(offset) is out of range") }
        return Int(value)
    }

    mutating func byte() throws(DocumentArchiveError) -> UInt8 {
        guard offset < buffer.count else { throw error("truncated at byte \(offset) of \(buffer.count)") }
        defer { offset += 1 }
        return buffer[offset]
    }

    /// `base` plus a zigzag-coded (or, when `unsigned`, a plain) difference.
    @inline(__always)
    mutating func offset(from base: Int, unsigned: Bool = false) throws(DocumentArchiveError) -> Int {
        let code = try varint()
        let delta = unsigned
            ? Int(truncatingIfNeeded: min(code, UInt64(Int.max)))
            : Int(truncatingIfNeeded: Int64(bitPattern: code >> 1) ^ -Int64(bitPattern: code & 1))
        let (sum, overflow) = base.addingReportingOverflow(delta)
        guard !overflow else { throw error("an offset before byte \(offset) is out of range") }
        return sum
    }

    /// An optional integer: 0 for nil, else its zigzag code plus one.
    @inline(__always)
    mutating func optional() throws(DocumentArchiveError) -> Int? {
        let code = try varint()
        guard code > 0 else { return nil }
        let value = code - 1
        return Int(truncatingIfNeeded: Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1))
    }

    /// A count of elements that each take at least `minimumBytesEach`, checked against the bytes left.
    mutating func count(minimumBytesEach: Int) throws(DocumentArchiveError) -> Int {
        let at = offset
        let value = try int()
        guard value <= (buffer.count - offset) / minimumBytesEach else {
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
