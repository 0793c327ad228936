/// A position in a source text as editors count it.
public struct SourcePosition: Hashable, Sendable, Codable {
    /// 0-based line.
    public var line: Int
    /// 0-based column in UTF-16 code units (LSP's default encoding).
    public var utf16Column: Int
    /// 0-based column in UTF-8 bytes.
    public var utf8Column: Int
    /// UTF-8 byte offset from the start of the source.
    public var byteOffset: Int

    public init(line: Int, utf16Column: Int, utf8Column: Int, byteOffset: Int) {
        self.line = line
        self.utf16Column = utf16Column
        self.utf8Column = utf8Column
        self.byteOffset = byteOffset
    }
}

/// Line starts of a UTF-8 source, converting between byte offsets and line/column in
/// UTF-8 or UTF-16 units. Lines end at `\n`, `\r\n` or a lone `\r`, as LSP counts them.
public struct LineIndex: Sendable {
    /// The source bytes (UTF-8).
    public let bytes: [UInt8]
    /// Byte offset where each line starts; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    /// Indexes the given UTF-8 bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 48 + 1)
        bytes.withUnsafeBufferPointer { buffer in
            if Self.lineFeedStarts(of: buffer, into: &starts) { return }
            let count = buffer.count
            let raw = UnsafeRawBufferPointer(buffer)
            var index = 0
            while index < count {
                // Eight bytes at a time while none of them is below 0x0E (so neither CR nor LF).
                if index + 8 <= count {
                    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    if (word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word & 0x8080_8080_8080_8080 == 0 {
                        index += 8
                        continue
                    }
                }
                let byte = buffer[index]
                // Most bytes are neither CR nor LF: one comparison rules both out.
                if byte > 0x0D {
                    index += 1
                    continue
                }
                if byte == 0x0A {
                    starts.append(index + 1)
                } else if byte == 0x0D {
                    if index + 1 < count, buffer[index + 1] == 0x0A { index += 1 }
                    starts.append(index + 1)
                }
                index += 1
            }
        }
        lineStarts = starts
    }

    /// Indexes a string's UTF-8 form.
    public init(_ string: String) { self.init(bytes: Array(string.utf8)) }

    /// Number of lines (a final line without newline counts; an empty source has one line).
    public var lineCount: Int { lineStarts.count }

    /// The line that holds `byteOffset` (clamped to the source).
    public func line(ofByte byteOffset: Int) -> Int {
        let offset = max(0, min(byteOffset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The end of a line's content (before its line break).
    public func lineContentEnd(_ line: Int) -> Int {
        var end = line + 1 < lineStarts.count ? lineStarts[line + 1] : bytes.count
        while end > lineStarts[line], bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }

    /// The position of a byte offset (clamped to the source).
    public func position(ofByte byteOffset: Int) -> SourcePosition {
        let offset = max(0, min(byteOffset, bytes.count))
        let line = line(ofByte: offset)
        let start = lineStarts[line]
        let utf16 = bytes.withUnsafeBufferPointer { Self.utf16Units($0, from: start, to: offset).units }
        return SourcePosition(line: line, utf16Column: utf16, utf8Column: offset - start, byteOffset: offset)
    }

    /// The UTF-16 code units of the UTF-8 bytes from `start` until `end` (a character that
    /// starts before `end` counts whole) and the index after the last character counted.
    @inline(__always)
    static func utf16Units(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (units: Int, end: Int) {
        var utf16 = 0
        var index = start
        while index < end {
            let byte = bytes[index]
            let width: Int
            if byte < 0x80 { width = 1 } else if byte < 0xE0 { width = 2 } else if byte < 0xF0 { width = 3 } else { width = 4 }
            utf16 += width == 4 ? 2 : 1
            index += width
        }
        return (utf16, index)
    }

    /// The byte offset of a line and UTF-16 column; columns past the line's end clamp to it
    /// (as LSP requires), and a column inside a surrogate pair rounds down to the character.
    public func byteOffset(line: Int, utf16Column: Int) -> Int {
        guard line < lineStarts.count else { return bytes.count }
        guard line >= 0 else { return 0 }
        let end = lineContentEnd(line)
        var index = lineStarts[line]
        var units = 0
        while index < end {
            let byte = bytes[index]
            let width: Int
            if byte < 0x80 { width = 1 } else if byte < 0xE0 { width = 2 } else if byte < 0xF0 { width = 3 } else { width = 4 }
            let step = width == 4 ? 2 : 1
            if units + step > utf16Column { break }
            units += step
            index += width
        }
        return index
    }

    /// The byte offset of a line and UTF-8 column, clamped to the line's content and moved
    /// back to a character boundary.
    public func byteOffset(line: Int, utf8Column: Int) -> Int {
        guard line < lineStarts.count else { return bytes.count }
        guard line >= 0 else { return 0 }
        var offset = min(lineStarts[line] + max(0, utf8Column), lineContentEnd(line))
        while offset > lineStarts[line], offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset -= 1 }
        return offset
    }
}

/// The exact mapping between UTF-8 offsets in a document's normalised text and UTF-8 byte
/// offsets in its (decoded) source, with line/column conversion through a ``LineIndex``.
///
/// The map is a sorted list of segments. A segment whose text and source lengths are equal
/// was copied verbatim and maps byte for byte; a segment whose lengths differ (an entity
/// such as `&amp;`, collapsed whitespace, a hyphen joined across lines) maps every offset
/// inside it to the start of its source span, and its end to the end of that span. Text
/// with no source (the `"\n\n"` between blocks) maps to the end of the preceding segment.
public struct SourceMap: Sendable {
    /// One run of text and the source span it came from.
    public struct Segment: Hashable, Sendable {
        public var textStart: Int
        public var textLength: Int
        public var sourceStart: Int
        public var sourceLength: Int

        public init(textStart: Int, textLength: Int, sourceStart: Int, sourceLength: Int) {
            self.textStart = textStart
            self.textLength = textLength
            self.sourceStart = sourceStart
            self.sourceLength = sourceLength
        }

        /// Whether the run was copied verbatim, byte for byte.
        public var isVerbatim: Bool { textLength == sourceLength }
    }

    /// Segments sorted by `textStart`, not overlapping in the text.
    public private(set) var segments: [Segment]
    /// Line index of the decoded source (UTF-8).
    public let lines: LineIndex

    /// Segment indices ordered by (source start, text start); nil when that is the text order
    /// already (the usual case).
    private let sourceOrder: [Int]?
    /// The longest source span of any segment (at least 1), bounding the backward search.
    private let longestSpan: Int

    /// Creates a map from segments (sorted here by text offset) over the decoded source.
    public init(segments: [Segment], source: LineIndex) {
        var sorted = segments
        if !Self.isOrdered(sorted, by: { ($0.textStart, 0) }) { sorted.sort { $0.textStart < $1.textStart } }
        self.segments = sorted
        self.lines = source
        if Self.isOrdered(sorted, by: { ($0.sourceStart, $0.textStart) }) {
            sourceOrder = nil
        } else {
            sourceOrder = sorted.indices.sorted {
                (sorted[$0].sourceStart, sorted[$0].textStart) < (sorted[$1].sourceStart, sorted[$1].textStart)
            }
        }
        longestSpan = sorted.reduce(1) { max($0, $1.sourceLength) }
    }

    private static func isOrdered(_ segments: [Segment], by key: (Segment) -> (Int, Int)) -> Bool {
        var index = 1
        while index < segments.count {
            if key(segments[index]) < key(segments[index - 1]) { return false }
            index += 1
        }
        return true
    }

    /// An identity map for text that is its own source.
    public static func identity(_ text: String) -> SourceMap {
        let index = LineIndex(text)
        return SourceMap(
            segments: [Segment(textStart: 0, textLength: index.bytes.count, sourceStart: 0, sourceLength: index.bytes.count)],
            source: index)
    }

    /// The source byte offset of a text offset.
    public func sourceOffset(ofText offset: Int) -> Int {
        guard !segments.isEmpty else { return 0 }
        var low = 0
        var high = segments.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if segments[mid].textStart <= offset { low = mid } else { high = mid - 1 }
        }
        return segments[low].sourceOffset(ofText: offset)
    }

    /// The text offset of a source byte offset: exact inside verbatim segments, the start of
    /// the segment's text inside transformed ones, and the next text offset for source bytes
    /// that produced no text (markup).
    ///
    /// - Complexity: O(log n) in the number of segments (a binary search in source order).
    public func textOffset(ofSource offset: Int) -> Int {
        let count = segments.count
        guard count > 0 else { return 0 }
        func segment(_ rank: Int) -> Segment { segments[sourceOrder?[rank] ?? rank] }
        // Segments (in source order) starting at or before the offset: [0, upper).
        var low = 0
        var upper = count
        while low < upper {
            let mid = (low + upper) / 2
            if segment(mid).sourceStart <= offset { low = mid + 1 } else { upper = mid }
        }
        // A segment containing the offset starts less than `longestSpan` bytes before it; of
        // several, the first in text order wins.
        var containing: Segment?
        var rank = upper - 1
        while rank >= 0 {
            let candidate = segment(rank)
            if candidate.sourceStart + longestSpan <= offset { break }
            if offset < candidate.sourceStart + max(candidate.sourceLength, 1),
                containing == nil || candidate.textStart < containing!.textStart
            {
                containing = candidate
            }
            rank -= 1
        }
        if let containing {
            return containing.textStart + (containing.isVerbatim ? offset - containing.sourceStart : 0)
        }
        // Markup: the next segment in the source (the first in text order among equals).
        if upper < count { return segment(upper).textStart }
        let last = segments[count - 1]
        return last.textStart + last.textLength
    }

    /// ``textOffset(ofSource:)`` by a linear scan; the reference the indexed version is tested against.
    public func textOffsetByScanning(ofSource offset: Int) -> Int {
        var best: Int?
        var bestDistance = Int.max
        for segment in segments {
            if offset >= segment.sourceStart, offset < segment.sourceStart + max(segment.sourceLength, 1) {
                let delta = offset - segment.sourceStart
                return segment.textStart + (segment.isVerbatim ? delta : 0)
            }
            if segment.sourceStart > offset, segment.sourceStart - offset < bestDistance {
                bestDistance = segment.sourceStart - offset
                best = segment.textStart
            }
        }
        if let best { return best }
        if let last = segments.last { return last.textStart + last.textLength }
        return 0
    }

    /// The source position of a text offset.
    public func position(ofText offset: Int) -> SourcePosition {
        lines.position(ofByte: sourceOffset(ofText: offset))
    }

    /// The source positions of a text range's start and end.
    public func positions(of range: TextRange) -> (start: SourcePosition, end: SourcePosition) {
        (position(ofText: range.start), position(ofText: range.end))
    }
}
