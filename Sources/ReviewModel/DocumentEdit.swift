/// A replacement of bytes in a document's (decoded) source: `source[start..<oldEnd]`
/// becomes `replacement`.
public struct SourceEdit: Hashable, Sendable {
    /// First replaced source byte.
    public var start: Int
    /// End (exclusive) of the replaced source bytes.
    public var oldEnd: Int
    /// The UTF-8 bytes put in their place.
    public var replacement: [UInt8]

    public init(start: Int, oldEnd: Int, replacement: [UInt8]) {
        precondition(oldEnd >= start, "SourceEdit end \(oldEnd) < start \(start)")
        self.start = start
        self.oldEnd = oldEnd
        self.replacement = replacement
    }

    /// How many bytes longer the source gets (negative when it shrinks).
    public var delta: Int { replacement.count - (oldEnd - start) }
}

/// What an in-place patch (``ReviewDocument/patched(by:source:)``) changed in the document's
/// normalised text: `oldLength` bytes at `start`, inside block `block`, became `newLength` bytes.
public struct TextEdit: Hashable, Sendable {
    /// Text offset of the change.
    public var start: Int
    /// Bytes of text replaced.
    public var oldLength: Int
    /// Bytes of text put in their place.
    public var newLength: Int
    /// Index of the block the change lies in (blocks neither appear nor disappear).
    public var block: Int
    /// Index of the block's first sentence and how many sentences the block had before and
    /// has after the change.
    public var firstSentence: Int
    public var oldSentenceCount: Int
    public var newSentenceCount: Int

    public init(start: Int, oldLength: Int, newLength: Int, block: Int, firstSentence: Int, oldSentenceCount: Int, newSentenceCount: Int) {
        self.start = start
        self.oldLength = oldLength
        self.newLength = newLength
        self.block = block
        self.firstSentence = firstSentence
        self.oldSentenceCount = oldSentenceCount
        self.newSentenceCount = newSentenceCount
    }

    /// How many bytes longer the text gets.
    public var delta: Int { newLength - oldLength }
}

extension ReviewDocument {
    /// The blocks a patch may not touch: those the metadata is read from (title, review type,
    /// date and area come from the first 40 blocks and the headings).
    static let metadataBlocks = 40
    /// A paragraph this short could turn into a heading (a short all-bold paragraph is one);
    /// edits of shorter blocks are re-parsed.
    static let shortBlock = 132

    /// The document after an edit of its source, computed without re-parsing when the edit
    /// provably cannot change anything but the text of one run of one block; nil when it can
    /// (the caller then parses the new source).
    ///
    /// The edit qualifies when the document was read from HTML or XML, the replaced bytes lie
    /// strictly inside one run of text copied verbatim into a paragraph (not a heading, not
    /// one of the first blocks, which the metadata is read from, and not a short block), and
    /// neither the removed nor the inserted bytes nor their neighbours involve anything the
    /// reader transforms: markup (`<`, `>`), references (`&`), control characters, line
    /// breaks, runs of spaces (a single space between two other characters is copied as it
    /// is), no-break spaces or soft hyphens. Then a full parse would produce the same blocks
    /// and segments with this run longer or shorter, so the patch shifts what follows, splits
    /// the block's sentences again and keeps everything else.
    ///
    /// - Parameters:
    ///   - edit: the replacement, in offsets of the current source (``SourceMap/lines``).
    ///   - source: the index of the source after the edit (shared, not copied); its length
    ///     must be the old length plus ``SourceEdit/delta``.
    /// - Returns: the patched document and where its text changed, or nil.
    /// - Complexity: O(n) byte moves in the text and the number of blocks, sentences and
    ///   segments after the edit; no parsing.
    public func patched(by edit: SourceEdit, source: LineIndex) -> (document: ReviewDocument, change: TextEdit)? {
        guard format == .html || format == .xml else { return nil }
        let old = sourceMap.lines.bytes
        guard edit.start >= 0, edit.oldEnd <= old.count, source.bytes.count == old.count + edit.delta else { return nil }
        let new = source.bytes
        // The verbatim segment that holds the edit strictly inside it.
        let segments = sourceMap.segments
        guard let segmentIndex = Self.verbatimSegment(segments, holding: edit.start, edit.oldEnd) else { return nil }
        let segment = segments[segmentIndex]
        // Nothing the reader transforms among the removed bytes, the inserted ones and their neighbours.
        guard Self.isPlain(old, edit.start - 1, edit.oldEnd + 1), Self.isPlain(new, edit.start - 1, edit.start + edit.replacement.count + 1)
        else { return nil }
        let textStart = segment.textStart + (edit.start - segment.sourceStart)
        guard let blockIndex = blockIndex(containing: textStart) else { return nil }
        var block = blocks[blockIndex]
        guard block.kind != .heading, block.kind != .listItem || segment.textStart > block.range.start,
            blockIndex >= Self.metadataBlocks,
            min(block.range.length, block.range.length + edit.delta) >= Self.shortBlock,
            textStart > block.range.start, textStart + (edit.oldEnd - edit.start) < block.range.end
        else { return nil }
        let delta = edit.delta

        // The text.
        var bytes = Array(text.utf8)
        bytes.replaceSubrange(textStart..<(textStart + edit.oldEnd - edit.start), with: edit.replacement)
        let newText = String(decoding: bytes, as: UTF8.self)

        // Blocks: this one grows or shrinks, the later ones move.
        var newBlocks = blocks
        block.range = TextRange(start: block.range.start, end: block.range.end + delta)
        newBlocks[blockIndex] = block
        if delta != 0 {
            for index in (blockIndex + 1)..<newBlocks.count {
                newBlocks[index].range = TextRange(start: newBlocks[index].range.start + delta, end: newBlocks[index].range.end + delta)
            }
        }

        // Sentences: the block's are split again, the later ones move.
        var low = 0
        var high = sentences.count
        while low < high {
            let mid = (low + high) / 2
            if sentences[mid].end <= blocks[blockIndex].range.start { low = mid + 1 } else { high = mid }
        }
        let first = low
        var past = first
        while past < sentences.count, sentences[past].start < blocks[blockIndex].range.end { past += 1 }
        var blockSentences: [TextRange] = []
        bytes.withUnsafeBufferPointer { buffer in
            SentenceSplitter.split(buffer: buffer, in: block.range, into: &blockSentences)
        }
        var newSentences: [TextRange] = []
        newSentences.reserveCapacity(sentences.count - (past - first) + blockSentences.count)
        newSentences.append(contentsOf: sentences[..<first])
        newSentences.append(contentsOf: blockSentences)
        if delta == 0 {
            newSentences.append(contentsOf: sentences[past...])
        } else {
            for range in sentences[past...] { newSentences.append(TextRange(start: range.start + delta, end: range.end + delta)) }
        }

        // Segments: this one grows or shrinks (still verbatim), the later ones move in text and source.
        var newSegments = segments
        newSegments[segmentIndex].textLength += delta
        newSegments[segmentIndex].sourceLength += delta
        if delta != 0 {
            for index in newSegments.indices where index != segmentIndex {
                if index > segmentIndex { newSegments[index].textStart += delta }
                if newSegments[index].sourceStart >= edit.oldEnd { newSegments[index].sourceStart += delta }
            }
        }
        let document = ReviewDocument(
            name: name, format: format, metadata: metadata, text: newText, blocks: newBlocks, sentences: newSentences,
            sourceMap: SourceMap(segments: newSegments, source: source))
        let change = TextEdit(
            start: textStart, oldLength: edit.oldEnd - edit.start, newLength: edit.replacement.count, block: blockIndex,
            firstSentence: first, oldSentenceCount: past - first, newSentenceCount: blockSentences.count)
        return (document, change)
    }

    /// The index of the verbatim segment whose source span holds `start..<end` with at least
    /// one byte of it on either side, or nil.
    static func verbatimSegment(_ segments: [SourceMap.Segment], holding start: Int, _ end: Int) -> Int? {
        // Segments of HTML and XML are in source order as well as text order; search by source start.
        var low = 0
        var high = segments.count
        while low < high {
            let mid = (low + high) / 2
            if segments[mid].sourceStart < start { low = mid + 1 } else { high = mid }
        }
        // low: the first segment starting at or after `start`; the one before may hold it.
        guard low > 0 else { return nil }
        let index = low - 1
        let segment = segments[index]
        guard segment.isVerbatim, segment.sourceStart < start, end < segment.sourceStart + segment.sourceLength else { return nil }
        // The source order must agree with the text order around it (it does for markup).
        if index > 0, segments[index - 1].sourceStart + segments[index - 1].sourceLength > segment.sourceStart { return nil }
        if index + 1 < segments.count, segments[index + 1].sourceStart < segment.sourceStart + segment.sourceLength { return nil }
        return index
    }

    /// Whether `bytes[from..<to]` (clamped) holds only characters the reader copies verbatim:
    /// no markup or reference characters, no control characters or line breaks, no no-break
    /// space or soft hyphen, and spaces only singly between two other characters.
    static func isPlain(_ bytes: [UInt8], _ from: Int, _ to: Int) -> Bool {
        let lower = max(0, from)
        let upper = min(bytes.count, to)
        guard lower < upper else { return true }
        for index in lower..<upper {
            let byte = bytes[index]
            switch byte {
            case 0x20:
                // A space must sit between two characters that are not spaces (a run of spaces collapses).
                guard index > 0, index + 1 < bytes.count else { return false }
                let before = bytes[index - 1]
                let after = bytes[index + 1]
                if before <= 0x20 || after <= 0x20 || after == 0xC2 { return false }
            case 0x00..<0x20, 0x7F, 0x3C, 0x3E, 0x26:
                return false
            case 0xC2:
                // U+00A0 no-break space and U+00AD soft hyphen are transformed; other C2 xx are text.
                if index + 1 < bytes.count, bytes[index + 1] == 0xA0 || bytes[index + 1] == 0xAD { return false }
            default:
                break
            }
        }
        return true
    }
}
