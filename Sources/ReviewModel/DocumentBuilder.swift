/// Builds a ``ReviewDocument`` block by block while recording the source map.
///
/// Parsers append each block's text as pieces, each piece with the source span it came
/// from; the builder joins blocks with `"\n\n"`, tracks section paths from headings, and
/// splits sentences at the end.
///
/// ```swift
/// var builder = DocumentBuilder(name: "a.txt", format: .text, source: LineIndex(source))
/// builder.beginBlock(.paragraph, sourceLine: 0)
/// builder.append("Hello.", sourceStart: 0, sourceLength: 6)
/// builder.endBlock()
/// let document = builder.build()
/// ```
public struct DocumentBuilder: Sendable {
    private var name: String
    private var format: DocumentFormat
    private var source: LineIndex
    private var text: [UInt8] = []
    private var segments: [SourceMap.Segment] = []
    private var blocks: [Block] = []
    private var headingStack: [(level: Int, text: String)] = []
    /// The heading texts of `headingStack`, shared by every block of the section.
    private var sectionPath: [String] = []
    /// Whether a block is open: tested on every piece appended.
    private var isOpen = false
    /// The open block's fields, a `Block` made of them when it ends (an optional block begun
    /// and taken cost a copy and a destruction of it per block). Its section is
    /// `sectionPath`, which changes only when a heading ends, never while a block is open.
    private var openKind = BlockKind.paragraph
    private var openLevel: Int?
    private var openStart = 0
    private var openSourceLine = 0
    private var openRow: Int?
    private var openColumn: Int?
    private var openPage: Int?
    /// Metadata to attach to the document; parsers fill it in.
    public var metadata = DocumentMetadata()

    /// Starts an empty document over the decoded source.
    public init(name: String, format: DocumentFormat, source: LineIndex) {
        self.name = name
        self.format = format
        self.source = source
        // The text is at most about as long as the source (markup and spaces collapse away);
        // reserving it up front saves copying it while it grows.
        text.reserveCapacity(source.bytes.count)
        // One block per 160 to 380 bytes of source (markup and plain text alike) and a segment
        // per few dozen: room for all blocks at once saves the copies of growing the array
        // two or three times (the capacity growing it by doubling would reach anyway).
        blocks.reserveCapacity(min(source.bytes.count / 128, 1 << 16))
        segments.reserveCapacity(min(source.bytes.count / 128, 1 << 18))
    }

    /// Whether a block is open.
    public var hasOpenBlock: Bool { isOpen }

    /// Number of blocks finished so far.
    public var blockCount: Int { blocks.count }

    /// Opens a block; an open block is ended first.
    public mutating func beginBlock(
        _ kind: BlockKind, level: Int? = nil, sourceLine: Int, row: Int? = nil, column: Int? = nil, page: Int? = nil
    ) {
        if isOpen { endBlock() }
        if !blocks.isEmpty || !text.isEmpty {
            text.append(0x0A)
            text.append(0x0A)
        }
        openKind = kind
        openLevel = level
        openStart = text.count
        openSourceLine = sourceLine
        openRow = row
        openColumn = column
        openPage = page
        isOpen = true
    }

    /// Appends a piece of text that came from `sourceLength` bytes at `sourceStart`
    /// (lengths equal when copied verbatim). Pass `sourceLength: 0` for inserted text.
    public mutating func append(_ piece: String, sourceStart: Int, sourceLength: Int) {
        precondition(isOpen, "append outside a block")
        let bytes = Array(piece.utf8)
        guard !bytes.isEmpty else { return }
        if let last = segments.last, last.isVerbatim, bytes.count == sourceLength,
            last.textStart + last.textLength == text.count, last.sourceStart + last.sourceLength == sourceStart
        {
            segments[segments.count - 1].textLength += bytes.count
            segments[segments.count - 1].sourceLength += sourceLength
        } else {
            segments.append(
                SourceMap.Segment(
                    textStart: text.count, textLength: bytes.count, sourceStart: sourceStart, sourceLength: sourceLength))
        }
        text.append(contentsOf: bytes)
    }

    /// Appends UTF-8 bytes (a slice of a decoded source, say) that came from `sourceLength`
    /// bytes at `sourceStart`; the same as ``append(_:sourceStart:sourceLength:)`` without
    /// building a `String` per piece. The bytes must be whole UTF-8 characters.
    public mutating func append(utf8 bytes: ArraySlice<UInt8>, sourceStart: Int, sourceLength: Int) {
        precondition(isOpen, "append outside a block")
        guard !bytes.isEmpty else { return }
        if let last = segments.last, last.isVerbatim, bytes.count == sourceLength,
            last.textStart + last.textLength == text.count, last.sourceStart + last.sourceLength == sourceStart
        {
            segments[segments.count - 1].textLength += bytes.count
            segments[segments.count - 1].sourceLength += sourceLength
        } else {
            segments.append(
                SourceMap.Segment(
                    textStart: text.count, textLength: bytes.count, sourceStart: sourceStart, sourceLength: sourceLength))
        }
        text.append(contentsOf: bytes)
    }

    /// Appends UTF-8 bytes read through a pointer (a span of a decoded source, say) that came
    /// from `sourceLength` bytes at `sourceStart`; the same as
    /// ``append(utf8:sourceStart:sourceLength:)`` for an `ArraySlice`, without retaining an array
    /// per piece. The bytes must be whole UTF-8 characters.
    public mutating func append(utf8 bytes: UnsafeBufferPointer<UInt8>, sourceStart: Int, sourceLength: Int) {
        precondition(isOpen, "append outside a block")
        guard !bytes.isEmpty else { return }
        record(textLength: bytes.count, sourceStart: sourceStart, sourceLength: sourceLength)
        text.append(contentsOf: bytes)
    }

    /// Appends one space that stands for `sourceLength` bytes at `sourceStart` (a run of
    /// whitespace, or nothing for a word break the markup implies).
    public mutating func appendSpace(sourceStart: Int, sourceLength: Int) {
        precondition(isOpen, "append outside a block")
        record(textLength: 1, sourceStart: sourceStart, sourceLength: sourceLength)
        text.append(0x20)
    }

    /// Records the segment of a piece about to be appended: extends the last segment when both
    /// are verbatim and adjacent in text and source, else adds one.
    @inline(__always)
    private mutating func record(textLength: Int, sourceStart: Int, sourceLength: Int) {
        let count = segments.count
        if count > 0 {
            let last = segments[count - 1]
            if last.isVerbatim, textLength == sourceLength, last.textStart + last.textLength == text.count,
                last.sourceStart + last.sourceLength == sourceStart
            {
                segments[count - 1].textLength += textLength
                segments[count - 1].sourceLength += sourceLength
                return
            }
        }
        segments.append(
            SourceMap.Segment(textStart: text.count, textLength: textLength, sourceStart: sourceStart, sourceLength: sourceLength))
    }

    /// Closes the open block. An empty block is dropped; a heading updates the section path.
    public mutating func endBlock() {
        guard isOpen else { return }
        isOpen = false
        let start = openStart
        // Trim trailing spaces that pieces may have left.
        var end = text.count
        while end > start, text[end - 1] == 0x20 { end -= 1 }
        if end < text.count {
            text.removeLast(text.count - end)
            trimSegments(to: end)
        }
        if end == start {
            // Empty block: remove the separator added for it.
            if text.count >= 2, start == text.count, text.count >= 2,
                text[text.count - 1] == 0x0A, text[text.count - 2] == 0x0A, !(blocks.isEmpty && text.count == 2)
            {
                text.removeLast(2)
            } else if blocks.isEmpty, text.count == 2 {
                text.removeAll()
            }
            trimSegments(to: text.count)
            return
        }
        let block = Block(
            kind: openKind, level: openLevel, section: sectionPath, range: TextRange(start: start, end: end), sourceLine: openSourceLine,
            row: openRow, column: openColumn, page: openPage)
        if block.kind == .heading {
            let level = block.level ?? 1
            let headingText = String(decoding: text[start..<end], as: UTF8.self)
            while let last = headingStack.last, last.level >= level { headingStack.removeLast() }
            headingStack.append((level, headingText))
            sectionPath = headingStack.map(\.text)
        }
        blocks.append(block)
    }

    private mutating func trimSegments(to end: Int) {
        while let last = segments.last, last.textStart >= end { segments.removeLast() }
        if let last = segments.last, last.textStart + last.textLength > end {
            let newLength = end - last.textStart
            if last.isVerbatim { segments[segments.count - 1].sourceLength = newLength }
            segments[segments.count - 1].textLength = newLength
        }
    }

    /// Finishes the document: closes any open block and splits sentences.
    public mutating func build() -> ReviewDocument {
        endBlock()
        let string = Self.string(fromValidUTF8: text)
        var sentences: [TextRange] = []
        sentences.reserveCapacity(blocks.count * 2)
        text.withUnsafeBufferPointer { buffer in
            // By index: a `for block in blocks` copy of each block retained and released its
            // section path.
            for index in blocks.indices {
                SentenceSplitter.split(buffer: buffer, in: blocks[index].range, into: &sentences)
            }
        }
        return ReviewDocument(
            name: name, format: format, metadata: metadata, text: string, blocks: blocks, sentences: sentences,
            sourceMap: SourceMap(segments: segments, source: source))
    }
}

extension DocumentBuilder {
    /// The string of bytes that should be valid UTF-8 (slices of a validated source and
    /// encoded scalars), equal to `String(decoding: bytes, as: UTF8.self)`: bytes that are not
    /// valid UTF-8 are repaired as the standard library repairs them.
    static func string(fromValidUTF8 bytes: [UInt8]) -> String {
        String(validUTF8: bytes) ?? String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    /// The string of `bytes`, or nil when they are not valid UTF-8.
    ///
    /// The standard library validates a buffer eight bytes at a time while it is ASCII but
    /// byte by byte from its first non-ASCII byte on: building a review's text (a megabyte,
    /// with curly quotes from its first lines) so was a twentieth of parsing it, and half of
    /// loading it from the parse cache. Here only the non-ASCII runs are validated (an ASCII
    /// byte is never inside a multi-byte sequence, so the bytes are valid exactly when every
    /// maximal non-ASCII run is; ASCII text needs no check at all), and the string is one copy
    /// of the bytes.
    init?(validUTF8 bytes: [UInt8]) {
        guard #available(macOS 26.0, iOS 26.0, watchOS 26.0, tvOS 26.0, visionOS 26.0, *) else {
            let string = String(decoding: bytes, as: UTF8.self)
            guard string.utf8.elementsEqual(bytes) else { return nil }
            self = string
            return
        }
        let count = bytes.count
        let firstHigh = bytes.withUnsafeBytes { raw -> Int in
            var index = ASCIIScan.skipASCII(raw, from: 0)
            while index < count, raw[index] < 0x80 { index += 1 }
            return index
        }
        let span = bytes.span
        if firstHigh == count {
            self.init(copying: UTF8Span(unchecked: span, isKnownASCII: true))
            return
        }
        let valid = bytes.withUnsafeBytes { raw -> Bool in
            var index = firstHigh
            while index < count {
                let runStart = index
                while index < count, raw[index] >= 0x80 { index += 1 }
                do {
                    _ = try UTF8Span(validating: span.extracting(runStart..<index))
                } catch {
                    return false
                }
                index = ASCIIScan.skipASCII(raw, from: index)
                while index < count, raw[index] < 0x80 { index += 1 }
            }
            return true
        }
        guard valid else { return nil }
        self.init(copying: UTF8Span(unchecked: span, isKnownASCII: false))
    }
}

/// Byte scans the builder and the parsers share.
public enum ASCIIScan {
    /// The first index from `index` on where a byte with its high bit set may stand: past
    /// whole blocks of thirty-two, then eight ASCII bytes (so at most the last seven bytes of
    /// `bytes` are not looked at, and an index short of the end may still hold ASCII).
    @inlinable @inline(__always)
    public static func skipASCII(_ bytes: UnsafeRawBufferPointer, from index: Int) -> Int {
        let count = bytes.count
        var index = index
        while index + 32 <= count {
            let words = bytes.loadUnaligned(fromByteOffset: index, as: SIMD4<UInt64>.self)
            if (words[0] | words[1] | words[2] | words[3]) & 0x8080_8080_8080_8080 != 0 { break }
            index += 32
        }
        while index + 8 <= count, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            index += 8
        }
        return index
    }
}

/// Splits text into sentences on UTF-8 bytes: after `.`, `!` or `?` (and closing quotes or
/// brackets) followed by whitespace and an upper-case letter, digit or opening quote, unless
/// the word before the stop is a known abbreviation ("Mr.", "Dr.", "e.g.") or a single letter.
public enum SentenceSplitter {
    /// The abbreviations (each at most eight bytes) that do not end a sentence.
    static let abbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "para", "paras", "e.g", "i.e", "etc", "vs", "cf",
        "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig",
        "ref", "vol", "pp", "p", "ch", "sec", "dept", "govt", "inc", "ltd", "co", "sgt", "insp", "pc", "ds", "dc",
    ]

    /// Sentence ranges inside `range` of `bytes` (trimmed of surrounding whitespace).
    public static func split(_ bytes: [UInt8], in range: TextRange) -> [TextRange] {
        precondition(range.start >= range.end || (range.start >= 0 && range.end <= bytes.count), "range outside the bytes")
        var result: [TextRange] = []
        bytes.withUnsafeBufferPointer { buffer in
            split(buffer: buffer, in: range, into: &result)
        }
        return result
    }

    /// Appends the sentence ranges inside `range` of `bytes` to `result` (no array per block,
    /// no bounds checks on the bytes: the range must lie inside the buffer).
    static func split(buffer bytes: UnsafeBufferPointer<UInt8>, in range: TextRange, into result: inout [TextRange]) {
        var start = range.start
        var index = range.start
        let end = range.end
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }
        func emit(_ from: Int, _ to: Int) {
            var lower = from
            var upper = to
            while lower < upper, isSpace(bytes[lower]) { lower += 1 }
            while upper > lower, isSpace(bytes[upper - 1]) { upper -= 1 }
            if upper > lower { result.append(TextRange(start: lower, end: upper)) }
        }
        while index < end {
            index = nextStop(bytes, from: index, end: end)
            guard index < end else { break }
            let byte = bytes[index]  // . ! ?
            var after = index + 1
            // closing quotes/brackets: " ' ) ] and UTF-8 ’ ” (E2 80 99 / E2 80 9D)
            while after < end {
                if bytes[after] == 0x22 || bytes[after] == 0x27 || bytes[after] == 0x29 || bytes[after] == 0x5D {
                    after += 1
                } else if after + 2 < end, bytes[after] == 0xE2, bytes[after + 1] == 0x80,
                    bytes[after + 2] == 0x99 || bytes[after + 2] == 0x9D
                {
                    after += 3
                } else {
                    break
                }
            }
            if after < end, isSpace(bytes[after]) {
                var next = after
                while next < end, isSpace(bytes[next]) { next += 1 }
                let startsSentence: Bool = {
                    guard next < end else { return false }
                    let c = bytes[next]
                    if c >= 0x41 && c <= 0x5A { return true }  // A-Z
                    if c >= 0x30 && c <= 0x39 { return true }  // digit
                    if c == 0x22 || c == 0x27 || c == 0x28 || c >= 0xC0 { return true }  // quote, bracket, non-ASCII
                    return false
                }()
                if startsSentence && byte == 0x2E && isAbbreviation(bytes, before: index, lowerBound: start) {
                    index += 1
                    continue
                }
                if startsSentence {
                    emit(start, after)
                    start = next
                    index = next
                    continue
                }
            }
            index += 1
        }
        emit(start, end)
    }

    /// The index of the first `.`, `!` or `?` in `bytes[from..<end]`, or `end`: past
    /// thirty-two bytes at a time while none is a stop (two registers' compares OR-ed and tested
    /// once: stops are rare, and the test is a mask move where the exact marks below take
    /// several instructions per register), then sixteen bytes at a time (one vector register,
    /// whose per-byte marks are exact), then a word, then byte by byte.
    @inline(__always)
    static func nextStop(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int {
        guard let base = bytes.baseAddress else { return end }
        let raw = UnsafeRawPointer(base)
        var index = from
        while index + 32 <= end {
            let low = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let high = raw.loadUnaligned(fromByteOffset: index + 16, as: SIMD16<UInt8>.self)
            if any(isStop(low) .| isStop(high)) { break }
            index += 32
        }
        while index + 16 <= end {
            let marks = stopMarks(raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self))
            if marks[0] != 0 { return index + marks[0].trailingZeroBitCount / 8 }
            if marks[1] != 0 { return index + 8 + marks[1].trailingZeroBitCount / 8 }
            index += 16
        }
        if index < end, index + 16 <= bytes.count {
            // The range's last bytes (a block's, before the next block's), one vector too, its
            // marks past `end` dropped.
            let marks = stopMarks(raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self), count: end - index)
            if marks[0] != 0 { return index + marks[0].trailingZeroBitCount / 8 }
            if marks[1] != 0 { return index + 8 + marks[1].trailingZeroBitCount / 8 }
            return end
        }
        while index + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let stops = zeroBytes(word ^ 0x2E2E_2E2E_2E2E_2E2E) | zeroBytes(word ^ 0x2121_2121_2121_2121)
                | zeroBytes(word ^ 0x3F3F_3F3F_3F3F_3F3F)
            if stops != 0 { return index + stops.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < end {
            let byte = base[index]
            if byte == 0x2E || byte == 0x21 || byte == 0x3F { return index }
            index += 1
        }
        return end
    }

    /// Which of the sixteen bytes are stops (`.`, `!` or `?`).
    @inline(__always)
    private static func isStop(_ bytes: SIMD16<UInt8>) -> SIMDMask<SIMD16<Int8>> {
        typealias Bytes = SIMD16<UInt8>
        return (bytes .== Bytes(repeating: 0x2E)) .| (bytes .== Bytes(repeating: 0x21)) .| (bytes .== Bytes(repeating: 0x3F))
    }

    /// 0x80 in every byte of the sixteen that is a stop (`.`, `!` or `?`), 0 elsewhere: the
    /// bytes as two little-endian words.
    @inline(__always)
    private static func stopMarks(_ bytes: SIMD16<UInt8>) -> SIMD2<UInt64> {
        typealias Bytes = SIMD16<UInt8>
        let found = zero(bytes ^ Bytes(repeating: 0x2E)) | zero(bytes ^ Bytes(repeating: 0x21)) | zero(bytes ^ Bytes(repeating: 0x3F))
        return unsafeBitCast(found & Bytes(repeating: 0x80), to: SIMD2<UInt64>.self)
    }

    /// ``stopMarks(_:)`` of the first `count` (below sixteen) of the bytes only.
    @inline(__always)
    private static func stopMarks(_ bytes: SIMD16<UInt8>, count: Int) -> SIMD2<UInt64> {
        typealias Bytes = SIMD16<UInt8>
        let lanes = Bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let inside = Bytes().replacing(with: 0x80, where: lanes .< Bytes(repeating: UInt8(count)))
        return stopMarks(bytes) & unsafeBitCast(inside, to: SIMD2<UInt64>.self)
    }

    /// 0x80 in every byte of `bytes` that is zero, 0 elsewhere.
    @inline(__always)
    private static func zero(_ bytes: SIMD16<UInt8>) -> SIMD16<UInt8> {
        // A vector compare (`zero(bytes ^ c)` is one instruction where `~(x | -x)` took four).
        SIMD16<UInt8>().replacing(with: 0x80, where: bytes .== SIMD16<UInt8>())
    }

    /// 0x80 in every byte of `word` that is zero, 0 elsewhere (exact).
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | word | 0x7F7F_7F7F_7F7F_7F7F)
    }

    private static func isAbbreviation(_ bytes: UnsafeBufferPointer<UInt8>, before stop: Int, lowerBound: Int) -> Bool {
        // The word (ASCII letters and dots) before the stop, lower-cased and packed
        // little-endian into one word while it is read backwards; every abbreviation is at most
        // eight bytes, so a longer word is none.
        var wordStart = stop
        var packed: UInt64 = 0
        while wordStart > lowerBound {
            var c = bytes[wordStart - 1]
            let isWordByte = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E
            if !isWordByte { break }
            if stop - wordStart == 8 { return false }
            if c >= 0x41 && c <= 0x5A { c |= 0x20 }
            packed = packed << 8 | UInt64(c)
            wordStart -= 1
        }
        return isPackedAbbreviation(packed)
    }

    /// Whether a word packed as ``isAbbreviation(_:before:lowerBound:)`` packs it is one of
    /// ``abbreviations``: the packed words are constants (a test checks them against the list),
    /// so no table is loaded per stop.
    static func isPackedAbbreviation(_ packed: UInt64) -> Bool {
        switch packed {
        case 0x70, 0x6364, 0x6370, 0x6663, 0x6863, 0x6F63, 0x6F6E, 0x7070, 0x7264, 0x726D, 0x7364, 0x736D,
            0x7376, 0x7473, 0x626566, 0x636564, 0x636573, 0x636E69, 0x637465, 0x64746C, 0x652E69, 0x666572,
            0x672E65, 0x676966, 0x677561, 0x6C6F76, 0x6C756A, 0x6E616A, 0x6E756A, 0x706573, 0x72616D, 0x727061,
            0x736F6E, 0x73726D, 0x74636F, 0x746773, 0x766F6E, 0x61726170, 0x666F7270, 0x70736E69, 0x74706564,
            0x74706573, 0x74766F67, 0x7361726170, 0x786F72707061:
            return true
        default:
            return false
        }
    }
}
