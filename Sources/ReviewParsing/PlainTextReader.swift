import ReviewModel

/// Reads plain text and Markdown.
///
/// Both: paragraphs end at blank lines (their lines joined by a space), `#` ATX headings and
/// one-line setext headings (`===`, `---` underlines), bullet list items (`-`, `*`, `+`, `•`),
/// lettered or bracketed items (`a)`, `(ii)`, `1)`).
/// Markdown adds `1.` list items, `>` block quotes, pipe tables (each cell a block with row and
/// column), fenced code (kept as text), and strips inline markup (emphasis markers, code
/// ticks, link targets, HTML tags) while keeping the text's source spans exact.
/// Plain text adds heading heuristics for one-line paragraphs: the document's first line when
/// short (level 1); numbered headings such as "2. Background" or "3.1 Contact with the GP"
/// (level 2, plus one per extra number); short lines in capitals (level 2); and short lines of
/// at most six words without closing punctuation (level 2). In plain text "1." starts a
/// numbered paragraph, not a list item, as review reports number their paragraphs.
struct PlainTextReader {
    private var writer: BlockWriter
    private let markdown: Bool
    /// The decoded source, read through the scanner's pointer (valid while `writer` lives).
    private let source: UnsafeBufferPointer<UInt8>
    /// The block syntax tests, on the same source: a value of its own so that the mutating
    /// `read()` calls them without copying the whole reader (writer and builder included) for
    /// every call, as calling a non-mutating method of `self` from a mutating one did.
    private let syntax: Syntax

    struct LineSpan: Equatable {
        var start: Int
        /// End of content (before the line break).
        var end: Int
        /// First non-blank byte.
        var contentStart: Int
        var isBlank: Bool { contentStart >= end }
    }

    init(writer: BlockWriter, markdown: Bool) {
        self.writer = writer
        self.markdown = markdown
        source = writer.scanner.bytes
        syntax = Syntax(source: source, markdown: markdown)
    }

    mutating func read() -> ReviewDocument {
        let lines = Self.lineSpans(of: source, lineStarts: writer.lineStarts)
        var index = 0
        var tableRow = -1
        var inFence = false
        var blockCount = 0
        while index < lines.count {
            let line = lines[index]
            if line.isBlank {
                writer.endBlock()
                tableRow = -1
                index += 1
                continue
            }
            let content = line.contentStart..<line.end
            // Fenced code: fence lines vanish, the code is text.
            if markdown, syntax.isFence(content) {
                writer.endBlock()
                inFence.toggle()
                index += 1
                continue
            }
            if inFence {
                if !writer.hasRequest { writer.requestBlock(BlockRequest(kind: .paragraph)) } else { writer.softBreak(at: line.start) }
                writer.writeRaw(line.start..<line.end)
                index += 1
                continue
            }
            if let (level, textRange) = syntax.atxHeading(content) {
                writer.requestBlock(BlockRequest(kind: .heading, level: level))
                inline(textRange)
                writer.endBlock()
                blockCount += 1
                index += 1
                continue
            }
            if syntax.isThematicBreak(content) {
                writer.endBlock()
                index += 1
                continue
            }
            if markdown, let cells = syntax.tableCells(content) {
                if syntax.isTableSeparator(cells) {
                    index += 1
                    continue
                }
                tableRow += 1
                for (column, cell) in cells.enumerated() {
                    writer.requestBlock(BlockRequest(kind: .tableCell, row: tableRow, column: column))
                    inline(cell)
                }
                writer.endBlock()
                blockCount += 1
                index += 1
                continue
            }
            tableRow = -1
            if markdown, source[line.contentStart] == UInt8(ascii: ">") {
                var start = line.contentStart + 1
                while start < line.end, source[start] == UInt8(ascii: ">") || source[start] == 0x20 { start += 1 }
                if writer.hasRequest, currentKind == .quote {
                    writer.softBreak(at: line.contentStart)
                } else {
                    writer.requestBlock(BlockRequest(kind: .quote))
                    currentKind = .quote
                }
                if start < line.end { inline(start..<line.end) } else { writer.endBlock() }
                index += 1
                continue
            }
            if let itemStart = syntax.listItemContent(content) {
                writer.requestBlock(BlockRequest(kind: .listItem))
                currentKind = .listItem
                inline(itemStart..<line.end)
                blockCount += 1
                index += 1
                continue
            }
            // Setext heading: one line underlined by === or ---.
            if !writer.hasRequest, index + 1 < lines.count, let level = syntax.setextLevel(lines[index + 1]) {
                writer.requestBlock(BlockRequest(kind: .heading, level: level))
                inline(content)
                writer.endBlock()
                blockCount += 1
                index += 2
                continue
            }
            if writer.hasRequest, currentKind == .paragraph || currentKind == .listItem || currentKind == .quote {
                // Continuation line.
                let previous = lines[index - 1]
                if markdown || !joinLines(previousEnd: previous.end, withLineFrom: line.contentStart, to: line.end) {
                    joinLines(previousEnd: previous.end, nextStart: line.contentStart)
                    inline(content)
                }
                index += 1
                continue
            }
            // A new paragraph; in plain text a lone short line may be a heading.
            if !markdown, index + 1 >= lines.count || lines[index + 1].isBlank,
                let level = syntax.headingLevel(content, isFirst: blockCount == 0)
            {
                writer.requestBlock(BlockRequest(kind: .heading, level: level))
                inline(content)
                writer.endBlock()
                blockCount += 1
                index += 1
                continue
            }
            writer.requestBlock(BlockRequest(kind: .paragraph))
            currentKind = .paragraph
            inline(content)
            blockCount += 1
            index += 1
        }
        return writer.build()
    }

    private var currentKind: BlockKind = .paragraph

    /// Writes a line of plain text (`nextStart..<end`) and the whitespace before it from
    /// `previousEnd` in one range, when that is whitespace: the space spanning the line break
    /// and the line's text, what ``joinLines(previousEnd:nextStart:)`` and ``inline(_:)`` write
    /// in two. False, writing nothing, otherwise.
    private mutating func joinLines(previousEnd: Int, withLineFrom nextStart: Int, to end: Int) -> Bool {
        guard nextStart > previousEnd else { return false }
        for index in previousEnd..<nextStart where !ByteClass.isSpace(source[index]) { return false }
        writer.writeRaw(previousEnd..<end)
        return true
    }

    /// Joins two lines of a block with one space spanning the line break (and indentation).
    private mutating func joinLines(previousEnd: Int, nextStart: Int) {
        var allSpace = true
        for index in previousEnd..<nextStart where !ByteClass.isSpace(source[index]) {
            allSpace = false
            break
        }
        if allSpace, nextStart > previousEnd {
            writer.writeRaw(previousEnd..<nextStart)
        } else {
            writer.softBreak(at: previousEnd)
        }
    }

    // MARK: Inline

    /// Writes a line's text; in Markdown, without emphasis markers, code ticks, link targets and tags.
    private mutating func inline(_ range: Range<Int>) {
        guard markdown else {
            writer.writeRaw(range)
            return
        }
        var runStart = range.lowerBound
        var index = range.lowerBound
        let end = range.upperBound
        func isWordByte(_ byte: UInt8) -> Bool { ByteClass.isASCIILetter(byte) || ByteClass.isDigit(byte) || byte >= 0x80 }
        while index < end {
            // Bytes that are no inline mark fall through the switch below one at a time.
            index = Self.inlineMark(in: source, from: index, end: end)
            if index == end { break }
            let byte = source[index]
            switch byte {
            case UInt8(ascii: "\\"):
                if index + 1 < end, source[index + 1] < 0x80, !isWordByte(source[index + 1]), !ByteClass.isSpace(source[index + 1]) {
                    flush(runStart, index)
                    runStart = index + 1
                    index += 2
                    continue
                }
            case UInt8(ascii: "*"), UInt8(ascii: "_"):
                var stop = index
                while stop < end, source[stop] == byte { stop += 1 }
                let before: UInt8 = index > range.lowerBound ? source[index - 1] : 0x20
                let after: UInt8 = stop < end ? source[stop] : 0x20
                let spaceBefore = ByteClass.isSpace(before)
                let spaceAfter = ByteClass.isSpace(after)
                var isMarker = !(spaceBefore && spaceAfter)
                if byte == UInt8(ascii: "_"), isWordByte(before), isWordByte(after) { isMarker = false }
                if isMarker {
                    flush(runStart, index)
                    runStart = stop
                }
                index = stop
                continue
            case UInt8(ascii: "`"):
                flush(runStart, index)
                while index < end, source[index] == UInt8(ascii: "`") { index += 1 }
                runStart = index
                continue
            case UInt8(ascii: "!"), UInt8(ascii: "["):
                let open = byte == UInt8(ascii: "!") ? index + 1 : index
                guard open < end, source[open] == UInt8(ascii: "[") else { break }
                if let (textRange, after) = syntax.link(at: open, end: end) {
                    flush(runStart, index)
                    inline(textRange)
                    index = after
                    runStart = after
                    continue
                }
            case UInt8(ascii: "<"):
                var close = index + 1
                while close < end, source[close] != UInt8(ascii: ">") { close += 1 }
                if close < end, index + 1 < end, ByteClass.isASCIILetter(source[index + 1]) || source[index + 1] == UInt8(ascii: "/") {
                    flush(runStart, index)
                    let inner = (index + 1)..<close
                    if source[inner].starts(with: Array("http".utf8)) { flush(inner.lowerBound, inner.upperBound) } else if
                        source[inner].starts(with: Array("br".utf8))
                    {
                        writer.softBreak(at: index)
                    }
                    index = close + 1
                    runStart = index
                    continue
                }
            default:
                break
            }
            index += 1
        }
        flush(runStart, end)
    }

    private mutating func flush(_ start: Int, _ end: Int) {
        if end > start { writer.writeRaw(start..<end) }
    }
}

// MARK: Block syntax

extension PlainTextReader {
    /// Line splitting and the block and link syntax tests of ``PlainTextReader`` on a source.
    fileprivate struct Syntax {
        let source: UnsafeBufferPointer<UInt8>
        let markdown: Bool

        // MARK: Block syntax

        func atxHeading(_ content: Range<Int>) -> (Int, Range<Int>)? {
            var index = content.lowerBound
            while index < content.upperBound, source[index] == UInt8(ascii: "#"), index - content.lowerBound < 7 { index += 1 }
            let level = index - content.lowerBound
            guard level >= 1, level <= 6 else { return nil }
            guard index == content.upperBound || source[index] == 0x20 || source[index] == 0x09 else { return nil }
            while index < content.upperBound, source[index] == 0x20 || source[index] == 0x09 { index += 1 }
            var end = content.upperBound
            // Closing hashes.
            var trailing = end
            while trailing > index, source[trailing - 1] == UInt8(ascii: "#") { trailing -= 1 }
            if trailing < end, trailing == index || source[trailing - 1] == 0x20 {
                end = trailing
                while end > index, source[end - 1] == 0x20 { end -= 1 }
            }
            return (level, index..<end)
        }

        func isThematicBreak(_ content: Range<Int>) -> Bool {
            guard content.count >= 3 else { return false }
            let first = source[content.lowerBound]
            guard first == UInt8(ascii: "*") || first == UInt8(ascii: "_") || (markdown && first == UInt8(ascii: "-")) else { return false }
            var marks = 0
            for index in content {
                if source[index] == first { marks += 1 } else if source[index] != 0x20 { return false }
            }
            return marks >= 3
        }

        func setextLevel(_ line: LineSpan) -> Int? {
            guard !line.isBlank, line.end - line.contentStart >= 3, line.contentStart - line.start < 4 else { return nil }
            let first = source[line.contentStart]
            guard first == UInt8(ascii: "=") || first == UInt8(ascii: "-") else { return nil }
            for index in line.contentStart..<line.end where source[index] != first { return nil }
            return first == UInt8(ascii: "=") ? 1 : 2
        }

        func isFence(_ content: Range<Int>) -> Bool {
            guard content.count >= 3 else { return false }
            let first = source[content.lowerBound]
            guard first == UInt8(ascii: "`") || first == UInt8(ascii: "~") else { return false }
            return source[content.lowerBound + 1] == first && source[content.lowerBound + 2] == first
        }

        /// Where a list item's text starts, if the line starts a list item.
        static let bulletBytes: [[UInt8]] = ["•", "◦", "▪", "‣", "●"].map { Array($0.utf8) }

        func listItemContent(_ content: Range<Int>) -> Int? {
            let start = content.lowerBound
            let end = content.upperBound
            guard start < end else { return nil }
            let first = source[start]
            // Bullets.
            if first == UInt8(ascii: "-") || first == UInt8(ascii: "*") || first == UInt8(ascii: "+") {
                if start + 1 < end, source[start + 1] == 0x20 || source[start + 1] == 0x09 { return skipSpaces(start + 1, end) }
                return nil
            }
            // (Each of these bullets starts with 0xE2 in UTF-8.)
            if first == 0xE2 {
                for bytes in Self.bulletBytes {
                    if end - start > bytes.count, source[start..<(start + bytes.count)].elementsEqual(bytes),
                        source[start + bytes.count] == 0x20 || source[start + bytes.count] == 0x09
                    {
                        return skipSpaces(start + bytes.count, end)
                    }
                }
            }
            // (a) (ii) (1)
            var index = start
            let bracketed = first == UInt8(ascii: "(")
            if bracketed { index += 1 }
            let markerStart = index
            while index < end, index - markerStart < 9, ByteClass.isDigit(source[index]) { index += 1 }
            let digits = index - markerStart
            if digits == 0 {
                while index < end, index - markerStart < 4, source[index] >= 0x61 && source[index] <= 0x7A { index += 1 }
                let letters = index - markerStart
                guard letters > 0 else { return nil }
                if letters > 1, !source[markerStart..<index].allSatisfy({ $0 == 0x69 || $0 == 0x76 || $0 == 0x78 }) { return nil }
            }
            guard index + 1 < end else { return nil }
            let delimiter = source[index]
            let spaced = source[index + 1] == 0x20 || source[index + 1] == 0x09
            guard spaced else { return nil }
            if delimiter == UInt8(ascii: ")") { return skipSpaces(index + 1, end) }
            if delimiter == UInt8(ascii: "."), !bracketed, markdown, digits > 0 { return skipSpaces(index + 1, end) }
            return nil
        }

        func skipSpaces(_ from: Int, _ end: Int) -> Int {
            var index = from
            while index < end, source[index] == 0x20 || source[index] == 0x09 { index += 1 }
            return index
        }

        func tableCells(_ content: Range<Int>) -> [Range<Int>]? {
            guard source[content.lowerBound] == UInt8(ascii: "|") else { return nil }
            var cells: [Range<Int>] = []
            var cellStart = content.lowerBound + 1
            var index = cellStart
            while index < content.upperBound {
                if source[index] == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if source[index] == UInt8(ascii: "|") {
                    cells.append(trim(cellStart..<index))
                    cellStart = index + 1
                }
                index += 1
            }
            if cellStart < content.upperBound { cells.append(trim(cellStart..<content.upperBound)) }
            return cells.isEmpty ? nil : cells
        }

        func isTableSeparator(_ cells: [Range<Int>]) -> Bool {
            cells.allSatisfy { cell in
                !cell.isEmpty && cell.allSatisfy { source[$0] == UInt8(ascii: "-") || source[$0] == UInt8(ascii: ":") || source[$0] == 0x20 }
            }
        }

        func trim(_ range: Range<Int>) -> Range<Int> {
            var lower = range.lowerBound
            var upper = range.upperBound
            while lower < upper, ByteClass.isSpace(source[lower]) { lower += 1 }
            while upper > lower, ByteClass.isSpace(source[upper - 1]) { upper -= 1 }
            return lower..<upper
        }

        // MARK: Plain-text headings

        func headingLevel(_ content: Range<Int>, isFirst: Bool) -> Int? {
            let text = source[content]
            guard text.count <= 120, let last = text.last else { return nil }
            let closing: Set<UInt8> = [0x2E, 0x2C, 0x3B, 0x3F, 0x21, 0x22, 0x29]
            if isFirst, !closing.contains(last) || text.count <= 80 { return 1 }
            guard !closing.contains(last) else { return nil }
            var words = 1
            for byte in text where byte == 0x20 { words += 1 }
            // Numbered: "2. Background", "3.1 Contact with the GP".
            var index = content.lowerBound
            var numbers = 0
            while index < content.upperBound, ByteClass.isDigit(source[index]) {
                while index < content.upperBound, ByteClass.isDigit(source[index]) { index += 1 }
                numbers += 1
                if index < content.upperBound, source[index] == 0x2E { index += 1 }
            }
            if numbers > 0 {
                guard index < content.upperBound, source[index] == 0x20, words <= 12 else { return nil }
                let next = skipSpaces(index, content.upperBound)
                guard next < content.upperBound, source[next] >= 0x41 && source[next] <= 0x5A else { return nil }
                return min(6, 1 + numbers)
            }
            let first = source[content.lowerBound]
            guard first >= 0x41 && first <= 0x5A || first >= 0xC3 else { return nil }
            let hasLower = text.contains { $0 >= 0x61 && $0 <= 0x7A }
            if !hasLower, text.count <= 80 { return 2 }
            if words <= 6, text.count <= 60 { return 2 }
            return nil
        }

        /// `[text](target)`: the text's range and the position after the closing parenthesis.
        func link(at open: Int, end: Int) -> (Range<Int>, Int)? {
            var depth = 0
            var index = open
            while index < end {
                if source[index] == UInt8(ascii: "[") { depth += 1 }
                if source[index] == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { break }
                }
                index += 1
            }
            guard index + 1 < end, source[index + 1] == UInt8(ascii: "(") else { return nil }
            let close = index
            var after = index + 2
            while after < end, source[after] != UInt8(ascii: ")") { after += 1 }
            guard after < end else { return nil }
            return ((open + 1)..<close, after + 1)
        }
    }
}

// MARK: Byte search

extension PlainTextReader {
    /// The lines of `source` from the line starts its ``LineIndex`` found (a line break is LF,
    /// CR or CRLF there as here), so that the source is not searched for line breaks twice:
    /// each line's content ends before its break and spaces, tabs and form feeds (page breaks
    /// in pdftotext output) at either end are not content. A source ending in a line break
    /// ends with an empty line, as its index does.
    static func lineSpans(of source: UnsafeBufferPointer<UInt8>, lineStarts: [Int]) -> [LineSpan] {
        var lines: [LineSpan] = []
        lines.reserveCapacity(lineStarts.count)
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0C }
        for index in lineStarts.indices {
            let start = lineStarts[index]
            // The line break before the next line: LF, CR, or CR and LF.
            var end = source.count
            if index + 1 < lineStarts.count {
                end = lineStarts[index + 1] - 1
                if source[end] == 0x0A, end > start, source[end - 1] == 0x0D { end -= 1 }
            }
            var contentStart = start
            while contentStart < end, isBlank(source[contentStart]) { contentStart += 1 }
            // Trailing spaces belong to the line but not to its content.
            var contentEnd = end
            while contentEnd > contentStart, isBlank(source[contentEnd - 1]) { contentEnd -= 1 }
            lines.append(LineSpan(start: start, end: contentEnd, contentStart: contentStart))
        }
        return lines
    }

    /// The first index in `from..<end` of a byte that may start Markdown inline markup
    /// (`\`, `*`, `_`, `` ` ``, `!`, `[`, `<`), or `end`; sixteen bytes at a time.
    static func inlineMark(in source: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Int {
        var index = from
        if let base = source.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 16 <= end {
                let bytes = raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
                let marks = zero(bytes ^ SIMD16(repeating: UInt8(ascii: "\\"))) | zero(bytes ^ SIMD16(repeating: UInt8(ascii: "*")))
                    | zero(bytes ^ SIMD16(repeating: UInt8(ascii: "_"))) | zero(bytes ^ SIMD16(repeating: UInt8(ascii: "`")))
                    | zero(bytes ^ SIMD16(repeating: UInt8(ascii: "!"))) | zero(bytes ^ SIMD16(repeating: UInt8(ascii: "[")))
                    | zero(bytes ^ SIMD16(repeating: UInt8(ascii: "<")))
                if let first = firstMarked(marks) { return index + first }
                index += 16
            }
        }
        while index < end, !isInlineMark(source[index]) { index += 1 }
        return index
    }

    @inline(__always)
    static func isInlineMark(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\\"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "!"),
            UInt8(ascii: "["), UInt8(ascii: "<"):
            return true
        default:
            return false
        }
    }

    /// 0x80 in the bytes of `bytes` that are zero, 0 elsewhere.
    @inline(__always)
    private static func zero(_ bytes: SIMD16<UInt8>) -> SIMD16<UInt8> {
        // A vector compare (`zero(bytes ^ c)` is one instruction where `~(x | -x)` took four).
        SIMD16<UInt8>().replacing(with: 0x80, where: bytes .== SIMD16<UInt8>())
    }

    /// The position of the first byte of `marks` with its high bit set, if any.
    @inline(__always)
    private static func firstMarked(_ marks: SIMD16<UInt8>) -> Int? {
        let words = unsafeBitCast(marks & SIMD16(repeating: 0x80), to: SIMD2<UInt64>.self)
        if words[0] != 0 { return words[0].trailingZeroBitCount / 8 }
        if words[1] != 0 { return 8 + words[1].trailingZeroBitCount / 8 }
        return nil
    }
}
