import CLibXML2
import ReviewModel

/// Reads `pdftohtml -xml` output: positioned text lines grouped into paragraphs by geometry.
///
/// - Lines are grouped into a paragraph while they follow at the usual line spacing (at most
///   1.25 times the median spacing of body lines), in the same font size, without a first-line
///   indent, while the previous line is not a short line ending a sentence, and unless a
///   finished sentence is followed by a numbered paragraph ("4.4 In August"); a paragraph
///   continues across a page or column break when its last line does not end a sentence.
/// - Hyphenation: a line ending in a letter and `-` joined to a next line that starts with a
///   lower-case letter loses the hyphen ("dom-" + "estic" → "domestic"), unless the part before
///   the hyphen is a word that usually forms compounds (well-, self-, non-, multi-, long-, ...)
///   or already contains a hyphen, in which case the hyphen stays ("well-being",
///   "multi-agency"). Before an upper-case letter or digit the hyphen stays too. Deliberately
///   simple: a dictionary would do better and is not worth its weight here.
/// - Running headers, footers and page numbers are dropped: lines whose text (digits masked,
///   case and spacing folded) recurs near the same vertical position in the top or bottom
///   margin on at least half of the pages (and at least two), plus bare page numbers
///   ("12", "Page 3 of 40", "- 7 -") in a margin. "The same position" is within 0.8% of the
///   page height, and the font size must match too, so a short heading that happens to recur
///   near the top of two pages is kept.
/// - Headings: lines in a font at least 15% larger than the body font (the size with the most
///   characters), larger sizes being higher levels; and short all-bold lines at body size that
///   do not end with a full stop (the lowest heading level).
struct PDFXMLReader {
    struct Span {
        var range: Range<Int>?
        /// The text node's content, in the parsed tree (which outlives the reader's work:
        /// `read(root:)` finishes before the tree is freed). No copy per span.
        var content: UnsafeBufferPointer<UInt8>
        var bold: Bool
    }

    struct Line {
        var page: Int
        var pageHeight: Double
        var top: Double
        var left: Double
        var width: Double
        var height: Double
        var fontSize: Double
        var spans: [Span] = []
        /// Decoded text, whitespace collapsed.
        var text: [UInt8] = []
        var allBold: Bool { !spans.isEmpty && spans.allSatisfy { $0.bold || $0.content.allSatisfy(ByteClass.isSpace) } }
    }

    private var writer: BlockWriter
    private let maxDepth: Int
    private let name: String
    /// Font sizes by fontspec id (pdftohtml numbers them).
    private var fonts: [Int: Double] = [:]
    private var lines: [Line] = []
    private var pageCount = 0

    init(writer: BlockWriter, maxDepth: Int, name: String) {
        self.writer = writer
        self.maxDepth = maxDepth
        self.name = name
    }

    mutating func read(root: xmlNodePtr) throws(ParseError) -> ReviewDocument {
        collect(root)
        let kept = dropRunningLines(lines)
        write(group(kept))
        return writer.build()
    }

    // MARK: Collecting lines

    private mutating func collect(_ root: xmlNodePtr) {
        var child = root.pointee.children
        while let node = child {
            if node.isElement {
                if node.nameIs("page") {
                    page(node)
                } else if node.nameIs("fontspec") {
                    fontspec(node)
                } else {
                    consume(node, depth: 1)
                }
            }
            child = node.pointee.next
        }
    }

    private mutating func fontspec(_ node: xmlNodePtr) {
        if let id = node.numberAttribute("id"), let size = node.numberAttribute("size") {
            fonts[Int(id)] = size
        }
    }

    private mutating func page(_ node: xmlNodePtr) {
        pageCount += 1
        let number = node.numberAttribute("number").map { Int($0) } ?? pageCount
        let height = node.numberAttribute("height") ?? 0
        var child = node.pointee.children
        while let current = child {
            if current.isElement {
                if current.nameIs("text") {
                    textLine(current, page: number, pageHeight: height)
                } else if current.nameIs("fontspec") {
                    fontspec(current)
                } else {
                    consume(current, depth: 2)
                }
            } else if current.isText {
                _ = writer.scanner.locate(current.contentBuffer)
            }
            child = current.pointee.next
        }
    }

    private mutating func textLine(_ node: xmlNodePtr, page: Int, pageHeight: Double) {
        // One pass over the attributes, taking the first of each name as lookups by name would.
        var font: Double??, top: Double??, left: Double??, width: Double??, height: Double??
        var attribute = node.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            guard let name = current.pointee.name else { continue }
            if ByteClass.equalsIgnoringCase(name, "font") {
                if font == nil { font = .some(current.numberValue) }
            } else if ByteClass.equalsIgnoringCase(name, "top") {
                if top == nil { top = .some(current.numberValue) }
            } else if ByteClass.equalsIgnoringCase(name, "left") {
                if left == nil { left = .some(current.numberValue) }
            } else if ByteClass.equalsIgnoringCase(name, "width") {
                if width == nil { width = .some(current.numberValue) }
            } else if ByteClass.equalsIgnoringCase(name, "height") {
                if height == nil { height = .some(current.numberValue) }
            }
        }
        let fontID = (font ?? nil).map { Int($0) } ?? -1
        var line = Line(
            page: page, pageHeight: pageHeight, top: (top ?? nil) ?? 0, left: (left ?? nil) ?? 0,
            width: (width ?? nil) ?? 0, height: (height ?? nil) ?? 0, fontSize: fonts[fontID] ?? (height ?? nil) ?? 0)
        spans(node, bold: false, into: &line, depth: 0)
        line.text = Self.collapsedText(line.spans)
        if !line.text.isEmpty { lines.append(line) }
    }

    private mutating func spans(_ node: xmlNodePtr, bold: Bool, into line: inout Line, depth: Int) {
        guard depth < maxDepth else { return }
        var child = node.pointee.children
        while let current = child {
            if current.isText {
                let content = current.contentBuffer
                line.spans.append(Span(range: writer.scanner.locate(content), content: content, bold: bold))
            } else if current.pointee.type == XML_CDATA_SECTION_NODE {
                let content = current.contentBuffer
                line.spans.append(Span(range: writer.scanner.locateCDATA(content), content: content, bold: bold))
            } else if current.isElement {
                spans(current, bold: bold || current.nameIs("b"), into: &line, depth: depth + 1)
            }
            child = current.pointee.next
        }
    }

    /// Moves the cursor past text that is not read (outlines, images).
    private mutating func consume(_ node: xmlNodePtr, depth: Int) {
        guard depth < maxDepth else { return }
        var child = node.pointee.children
        while let current = child {
            if current.isText {
                _ = writer.scanner.locate(current.contentBuffer)
            } else if current.isElement {
                consume(current, depth: depth + 1)
            }
            child = current.pointee.next
        }
    }

    /// `MarkupReader.collapsedBytes` of the spans' contents joined, without joining them first.
    static func collapsedText(_ spans: [Span]) -> [UInt8] {
        if spans.count == 1 { return MarkupReader.collapsedBytes(spans[0].content) }
        var total = 0
        for span in spans { total += span.content.count }
        var joined: [UInt8] = []
        joined.reserveCapacity(total)
        for span in spans { joined.append(contentsOf: span.content) }
        return MarkupReader.collapsedBytes(joined)
    }

    // MARK: Running headers and footers

    /// The line's text with digits masked and case and spacing folded.
    static func runningKey(_ text: [UInt8]) -> [UInt8] {
        var key: [UInt8] = []
        var lastWasDigit = false
        for byte in text {
            if ByteClass.isDigit(byte) {
                if !lastWasDigit { key.append(0x23) }
                lastWasDigit = true
                continue
            }
            lastWasDigit = false
            if ByteClass.isSpace(byte) { continue }
            key.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        }
        return key
    }

    /// Whether the text is only a page number ("12", "Page 3", "Page 3 of 40", "- 7 -", "3/40").
    static func isPageNumber(_ text: [UInt8]) -> Bool {
        pageNumberKeys.contains(runningKey(text))
    }

    private static let pageNumberKeys: [[UInt8]] = ["#", "page#", "page#of#", "-#-", "#/#", "#of#", "p.#", "–#–", "[#]", "(#)"].map {
        Array($0.utf8)
    }

    /// Lines with the same running key (text with digits masked) in the same font size.
    private struct RunningKey: Hashable {
        var text: [UInt8]
        var fontSize: Int
    }

    private func inMargin(_ line: Line) -> Bool {
        guard line.pageHeight > 0 else { return true }
        let relative = line.top / line.pageHeight
        return relative < 0.14 || relative > 0.86
    }

    private func dropRunningLines(_ lines: [Line]) -> [Line] {
        let pages = Set(lines.map(\.page)).count
        var groups: [RunningKey: [Int]] = [:]
        for (index, line) in lines.enumerated() where inMargin(line) {
            // Same text (digits masked) in the same font size.
            groups[RunningKey(text: Self.runningKey(line.text), fontSize: Int(line.fontSize.rounded())), default: []].append(index)
        }
        var dropped = Set<Int>()
        let threshold = max(2, (pages + 1) / 2)
        if pages >= 2 {
            for (_, members) in groups {
                let tops = members.map { lines[$0].top }.sorted()
                let median = tops[tops.count / 2]
                let tolerance = max(3.0, (lines[members[0]].pageHeight) * 0.008)
                let near = members.filter { abs(lines[$0].top - median) <= tolerance }
                if Set(near.map { lines[$0].page }).count >= threshold { dropped.formUnion(near) }
            }
        }
        for (index, line) in lines.enumerated() where inMargin(line) && Self.isPageNumber(line.text) {
            dropped.insert(index)
        }
        if dropped.isEmpty { return lines }
        return lines.enumerated().filter { !dropped.contains($0.offset) }.map(\.element)
    }

    // MARK: Paragraphs

    private enum LineKind: Equatable {
        case heading(Int)
        case body
        case listItem
    }

    private static let bullets: [[UInt8]] = ["•", "◦", "▪", "‣", "●", "○", "■", "–", "-", "*", "·"].map { Array($0.utf8) }

    static func startsListItem(_ text: [UInt8]) -> Bool {
        for bullet in bullets where text.starts(with: bullet) {
            if text.count > bullet.count, text[bullet.count] == 0x20 { return true }
        }
        // "1." "1)" "(a)" "a)" "iv." followed by a space — only short markers.
        var index = 0
        if index < text.count, text[index] == 0x28 { index += 1 }
        let markerStart = index
        while index < text.count, index - markerStart < 4, ByteClass.isDigit(text[index]) || (text[index] >= 0x61 && text[index] <= 0x7A) {
            index += 1
        }
        guard index > markerStart, index + 1 < text.count else { return false }
        let letters = text[markerStart..<index]
        let allDigits = letters.allSatisfy(ByteClass.isDigit)
        if !allDigits, letters.count > 1, !letters.allSatisfy({ [0x69, 0x76, 0x78].contains($0) }) { return false }
        if text[index] == 0x29, text[index + 1] == 0x20 { return true }
        // "1." numbers paragraphs as often as lists; only a single letter or roman numeral with a dot counts.
        if !allDigits, text[index] == 0x2E, text[index + 1] == 0x20 { return true }
        return false
    }

    /// "4.4 In", "12. The", "5.1.2 Agencies": a paragraph number and a capital letter.
    static func startsNumberedParagraph(_ text: [UInt8]) -> Bool {
        var index = 0
        var groups = 0
        while index < text.count, ByteClass.isDigit(text[index]) {
            while index < text.count, ByteClass.isDigit(text[index]) { index += 1 }
            groups += 1
            if index < text.count, text[index] == UInt8(ascii: ".") { index += 1 } else { break }
        }
        guard groups > 0, index + 1 < text.count, text[index] == 0x20 else { return false }
        let next = text[index + 1]
        return next >= 0x41 && next <= 0x5A
    }

    private static let terminal: Set<UInt8> = [0x2E, 0x21, 0x3F, 0x3A, 0x3B]

    static func endsSentence(_ text: [UInt8]) -> Bool {
        var index = text.count - 1
        // closing quotes and brackets
        while index >= 0 {
            let byte = text[index]
            if byte == 0x22 || byte == 0x27 || byte == 0x29 || byte == 0x5D {
                index -= 1
            } else if index >= 2, text[index - 2] == 0xE2, text[index - 1] == 0x80, byte == 0x9D || byte == 0x99 {
                index -= 3
            } else {
                break
            }
        }
        return index >= 0 && terminal.contains(text[index])
    }

    private typealias Group = (kind: LineKind, lines: [Line])

    /// Groups lines into headings, list items and paragraphs.
    private func group(_ lines: [Line]) -> [Group] {
        guard !lines.isEmpty else { return [] }
        // Body size: the font size carrying the most characters.
        var weights: [Double: Int] = [:]
        for line in lines { weights[line.fontSize, default: 0] += line.text.count }
        let bodySize = weights.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
        let headingSizes = Set(lines.map(\.fontSize).filter { $0 >= bodySize * 1.15 }).sorted(by: >)
        let boldLevel = min(6, headingSizes.count + 1)

        // Typical spacing between consecutive body lines.
        var deltas: [Double] = []
        for index in 1..<max(1, lines.count) {
            let previous = lines[index - 1]
            let current = lines[index]
            if previous.page == current.page, previous.fontSize == bodySize, current.fontSize == bodySize {
                let delta = current.top - previous.top
                if delta > 0, delta < 3 * max(previous.height, 1) { deltas.append(delta) }
            }
        }
        deltas.sort()
        let spacing = deltas.isEmpty ? bodySize * 1.3 : deltas[deltas.count / 2]
        // Right edge of body text per page, to spot short last lines.
        var rightEdge: [Int: Double] = [:]
        for line in lines where line.fontSize == bodySize {
            rightEdge[line.page] = max(rightEdge[line.page] ?? 0, line.left + line.width)
        }

        func kind(_ line: Line) -> LineKind {
            if let level = headingSizes.firstIndex(of: line.fontSize), line.text.count < 300 { return .heading(min(6, level + 1)) }
            if line.fontSize == bodySize || abs(line.fontSize - bodySize) < 0.5 {
                if Self.startsListItem(line.text) { return .listItem }
                if line.allBold, line.text.count < 120, !Self.endsSentence(line.text) { return .heading(boldLevel) }
            }
            return .body
        }

        var groups: [Group] = []
        for line in lines {
            let lineKind = kind(line)
            var joins = false
            if let last = groups.last, let previous = last.lines.last {
                joins = continues(
                    previous: previous, current: line, groupKind: last.kind, lineKind: lineKind, first: last.lines[0],
                    spacing: spacing, bodySize: bodySize, rightEdge: rightEdge[previous.page] ?? 0)
            }
            if joins {
                groups[groups.count - 1].lines.append(line)  // in place: no copy of the group's lines
            } else {
                groups.append((lineKind, [line]))
            }
        }
        return groups
    }

    private func continues(
        previous: Line, current: Line, groupKind: LineKind, lineKind: LineKind, first: Line, spacing: Double,
        bodySize: Double, rightEdge: Double
    ) -> Bool {
        switch (groupKind, lineKind) {
        case (.heading(let a), .heading(let b)):
            // A heading wrapped over two lines.
            return a == b && previous.page == current.page && current.top - previous.top > 0
                && current.top - previous.top <= spacing * 1.6 && !Self.endsSentence(previous.text)
        case (.heading, _), (_, .heading), (_, .listItem):
            return false
        default:
            break
        }
        if abs(previous.fontSize - current.fontSize) >= 0.5 { return false }
        if previous.page != current.page || current.top < previous.top - 1 {
            // A page or column break: continue an unfinished sentence.
            return !Self.endsSentence(previous.text)
        }
        let delta = current.top - previous.top
        if delta > spacing * 1.25 + 0.5 { return false }
        // A numbered paragraph ("4.4 In August...") after a finished sentence starts anew.
        if Self.endsSentence(previous.text), Self.startsNumberedParagraph(current.text) { return false }
        if groupKind == .listItem { return current.left > first.left + 1 || !Self.endsSentence(previous.text) }
        if current.left > previous.left + bodySize * 0.8 { return false }  // first-line indent
        if Self.endsSentence(previous.text), rightEdge > 0, previous.left + previous.width < rightEdge - bodySize * 4 {
            return false  // a short line ending a sentence ends the paragraph
        }
        return true
    }

    /// Words that usually form hyphenated compounds; a common word-breaking prefix (inter-,
    /// pre-, under-) is not one, as "inter-" + "views" is far more often a broken "interviews".
    private static let compoundPrefixes: Set<String> = [
        "well", "self", "non", "ex", "multi", "cross", "long", "short", "full", "part", "half", "step", "great", "grand",
        "two", "three", "four", "five", "six", "father", "mother", "son", "daughter", "brother", "sister", "so",
    ]

    /// How line `current` joins the next line of the same paragraph.
    enum Join { case space, dropHyphen, keepHyphen }

    static func join(_ current: [UInt8], _ next: [UInt8]) -> Join {
        guard current.count >= 2, current.last == 0x2D, ByteClass.isASCIILetter(current[current.count - 2]) || current[current.count - 2] >= 0x80
        else {
            if current.count >= 2, current[current.count - 2] == 0xC2, current.last == 0xAD { return .dropHyphen }
            return .space
        }
        guard let first = next.first else { return .space }
        let nextStartsLower = (first >= 0x61 && first <= 0x7A) || first >= 0xC3
        guard nextStartsLower else { return .keepHyphen }
        var wordStart = current.count - 1
        while wordStart > 0, !ByteClass.isSpace(current[wordStart - 1]) { wordStart -= 1 }
        let word = current[wordStart..<(current.count - 1)]
        if word.contains(0x2D) { return .keepHyphen }
        let lowered = String(decoding: word.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        let trimmed = lowered.drop { !$0.isLetter }
        if compoundPrefixes.contains(String(trimmed)) { return .keepHyphen }
        return .dropHyphen
    }

    private mutating func write(_ groups: [Group]) {
        for group in groups {
            let request: BlockRequest
            switch group.kind {
            case .heading(let level): request = BlockRequest(kind: .heading, level: level, page: group.lines[0].page)
            case .listItem: request = BlockRequest(kind: .listItem, page: group.lines[0].page)
            case .body: request = BlockRequest(kind: .paragraph, page: group.lines[0].page)
            }
            writer.requestBlock(request)
            for (index, line) in group.lines.enumerated() {
                let join: Join = index + 1 < group.lines.count ? Self.join(line.text, group.lines[index + 1].text) : .space
                for (spanIndex, span) in line.spans.enumerated() {
                    let isLast = spanIndex == line.spans.count - 1
                    if let range = span.range {
                        var range = range
                        if isLast, join == .dropHyphen { range = trimmingHyphen(range) }
                        if index == 0, spanIndex == 0, group.kind == .listItem { range = trimmingBullet(range) }
                        writer.write(range)
                    } else {
                        writer.writeUnlocated(span.content, at: writer.scanner.cursor)
                    }
                }
                if join == .space, index + 1 < group.lines.count {
                    let nextStart = group.lines[index + 1].spans.first?.range?.lowerBound ?? writer.scanner.cursor
                    writer.softBreak(at: nextStart)
                }
            }
            writer.endBlock()
        }
    }

    /// The range without a leading bullet character and the spaces after it.
    private func trimmingBullet(_ range: Range<Int>) -> Range<Int> {
        let source = writer.source
        var start = range.lowerBound
        while start < range.upperBound, ByteClass.isSpace(source[start]) { start += 1 }
        for bullet in Self.bullets where source[start..<range.upperBound].starts(with: bullet) {
            var after = start + bullet.count
            guard after < range.upperBound, ByteClass.isSpace(source[after]) else { continue }
            while after < range.upperBound, ByteClass.isSpace(source[after]) { after += 1 }
            return after..<range.upperBound
        }
        return range
    }

    /// The range without its trailing whitespace and final `-`.
    private func trimmingHyphen(_ range: Range<Int>) -> Range<Int> {
        let source = writer.source
        var end = range.upperBound
        while end > range.lowerBound, ByteClass.isSpace(source[end - 1]) { end -= 1 }
        if end > range.lowerBound, source[end - 1] == 0x2D { end -= 1 }
        return range.lowerBound..<end
    }
}
