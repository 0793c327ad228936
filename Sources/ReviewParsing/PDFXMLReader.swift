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
        /// Where the plain run starts that the scanner found `range` to be
        /// (``MarkupScanner/plainRun``), if it was one: written without scanning it again.
        var plainRunStart: Int?
    }

    /// A line of text. Its spans and text live in the reader's shared arrays (no arrays per
    /// line), so lines are plain values, copied without reference counting.
    struct Line {
        var page: Int
        var pageHeight: Double
        var top: Double
        var left: Double
        var width: Double
        var height: Double
        var fontSize: Double
        /// Its spans in ``PDFXMLReader/spans``.
        var spans: Range<Int> = 0..<0
        /// Its decoded text, whitespace collapsed, in ``PDFXMLReader/texts``.
        var text: Range<Int> = 0..<0
        /// Whether every span with visible text is bold (and there is a span).
        var allBold = false
    }

    private var writer: BlockWriter
    private let maxDepth: Int
    private let name: String
    /// Whether to record where the scanner found plain runs (false for the tests that compare).
    private let shortcuts: Bool
    /// Font sizes by fontspec id (pdftohtml numbers them).
    private var fonts: [Int: Double] = [:]
    /// The last font looked up in ``fonts`` and its size (lines mostly share one font).
    private var lastFont: (id: Int, size: Double?)?
    private var lines: [Line] = []
    /// Every line's spans, in order.
    private var spans: [Span] = []
    /// Every line's collapsed text, one after the other.
    private var texts: [UInt8] = []
    /// The distinct pages that have lines.
    private var linePages: Set<Int> = []
    private var pageCount = 0
    /// The page being read: its number and height.
    private var pageNumber = 0
    private var pageHeight = 0.0
    /// The line being read (its spans from ``Line/spans``'s lower bound on).
    private var openLine: Line?

    init(writer: BlockWriter, maxDepth: Int, name: String, shortcuts: Bool = true) {
        self.writer = writer
        self.maxDepth = maxDepth
        self.name = name
        self.shortcuts = shortcuts
        texts.reserveCapacity(writer.source.count / 2)
    }

    /// Reads the document whose root element is `root`.
    mutating func read(root: xmlNodePtr) throws(ParseError) -> ReviewDocument {
        collect(root)
        return finish()
    }

    /// The document of the lines collected: running lines dropped, the rest grouped and written.
    mutating func finish() -> ReviewDocument {
        // Read the texts through a pointer while the writer is used: a local reference to the
        // array, so that no access to `self` overlaps.
        let texts = self.texts
        texts.withUnsafeBufferPointer { texts in
            let kept = dropRunningLines(lines, texts: texts)
            write(group(kept, texts: texts), lines: kept, texts: texts)
        }
        return writer.build()
    }

    // MARK: Collecting lines

    // (The tree is walked here; ``PDFXMLStream`` calls the same steps as ``XMLDirectReader``
    // reads the source, without a tree.)

    private mutating func collect(_ root: xmlNodePtr) {
        var child = root.pointee.children
        while let node = child {
            if node.isElement {
                if node.nameIs("page") {
                    page(node)
                } else if node.nameIs("fontspec") {
                    fontspec(id: node.numberAttribute("id"), size: node.numberAttribute("size"))
                } else {
                    consume(node, depth: 1)
                }
            }
            child = node.pointee.next
        }
    }

    /// A `fontspec` element's `id` and `size` attributes.
    mutating func fontspec(id: Double?, size: Double?) {
        if let id, let size {
            fonts[Int(id)] = size
            lastFont = nil
        }
    }

    private mutating func page(_ node: xmlNodePtr) {
        beginPage(number: node.numberAttribute("number"), height: node.numberAttribute("height"))
        var child = node.pointee.children
        while let current = child {
            if current.isElement {
                if current.nameIs("text") {
                    textLine(current)
                } else if current.nameIs("fontspec") {
                    fontspec(id: current.numberAttribute("id"), size: current.numberAttribute("size"))
                } else {
                    consume(current, depth: 2)
                }
            } else if current.isText {
                skip(current.contentBuffer)
            }
            child = current.pointee.next
        }
    }

    /// A `page` element begins, with its `number` and `height` attributes.
    mutating func beginPage(number: Double?, height: Double?) {
        pageCount += 1
        pageNumber = number.map { Int($0) } ?? pageCount
        pageHeight = height ?? 0
    }

    /// `fonts[id]`, remembered for the next line.
    private mutating func fontSize(_ id: Int) -> Double? {
        if let lastFont, lastFont.id == id { return lastFont.size }
        let size = fonts[id]
        lastFont = (id, size)
        return size
    }

    /// A `text` element's geometry: the first attribute of each name (ASCII case ignored), as a
    /// number (nil when it is none), as lookups by name would find them.
    struct LineAttributes {
        var font: Double??, top: Double??, left: Double??, width: Double??, height: Double??

        /// Takes the attribute `name` (NUL-terminated) with the value `number` (read only
        /// when the name is one of the five and the first of its name).
        mutating func take(_ name: UnsafePointer<xmlChar>, _ number: () -> Double?) {
            if ByteClass.equalsIgnoringCase(name, "font") {
                if font == nil { font = .some(number()) }
            } else if ByteClass.equalsIgnoringCase(name, "top") {
                if top == nil { top = .some(number()) }
            } else if ByteClass.equalsIgnoringCase(name, "left") {
                if left == nil { left = .some(number()) }
            } else if ByteClass.equalsIgnoringCase(name, "width") {
                if width == nil { width = .some(number()) }
            } else if ByteClass.equalsIgnoringCase(name, "height") {
                if height == nil { height = .some(number()) }
            }
        }
    }

    private mutating func textLine(_ node: xmlNodePtr) {
        // One pass over the attributes, taking the first of each name as lookups by name would.
        var attributes = LineAttributes()
        var attribute = node.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            guard let name = current.pointee.name else { continue }
            attributes.take(name) { current.numberValue }
        }
        beginLine(attributes)
        collectSpans(node, bold: false, depth: 0)
        endLine()
    }

    /// A `text` element of the current page begins.
    mutating func beginLine(_ attributes: LineAttributes) {
        let fontID = (attributes.font ?? nil).map { Int($0) } ?? -1
        var line = Line(
            page: pageNumber, pageHeight: pageHeight, top: (attributes.top ?? nil) ?? 0, left: (attributes.left ?? nil) ?? 0,
            width: (attributes.width ?? nil) ?? 0, height: (attributes.height ?? nil) ?? 0,
            fontSize: fontSize(fontID) ?? (attributes.height ?? nil) ?? 0)
        line.spans = spans.count..<spans.count
        openLine = line
    }

    /// The open `text` element ends: its spans' text collapsed into the line's, which is kept
    /// unless empty.
    mutating func endLine() {
        guard var line = openLine else { return }
        openLine = nil
        line.spans = line.spans.lowerBound..<spans.count
        let textStart = texts.count
        var pendingSpace = false
        var allBold = !line.spans.isEmpty
        for index in line.spans {
            let span = spans[index]
            Self.appendCollapsed(span.content, to: &texts, from: textStart, pendingSpace: &pendingSpace)
            if allBold, !span.bold, !span.content.allSatisfy(ByteClass.isSpace) { allBold = false }
        }
        line.text = textStart..<texts.count
        line.allBold = allBold
        if !line.text.isEmpty {
            lines.append(line)
            if lines.count == 1 || lines[lines.count - 2].page != line.page { linePages.insert(line.page) }
        }
    }

    private mutating func collectSpans(_ node: xmlNodePtr, bold: Bool, depth: Int) {
        guard depth < maxDepth else { return }
        var child = node.pointee.children
        while let current = child {
            if current.isText {
                // (A tree ``XMLDirectReader`` built knows the span; libxml2's do not.)
                span(current.contentBuffer, knownSpan: current.knownSourceSpan, markupFrom: current.knownMarkupStart, bold: bold)
            } else if current.pointee.type == XML_CDATA_SECTION_NODE {
                cdataSpan(current.contentBuffer, bold: bold)
            } else if current.isElement {
                collectSpans(current, bold: bold || current.nameIs("b"), depth: depth + 1)
            }
            child = current.pointee.next
        }
    }

    /// A text node of the open line: its `content` (which must outlive the reader's work), the
    /// source range it is a verbatim copy of when known, and where the markup before that starts.
    mutating func span(_ content: UnsafeBufferPointer<UInt8>, knownSpan: Range<Int>?, markupFrom: Int?, bold: Bool) {
        let range: Range<Int>?
        if shortcuts, let knownSpan {
            range = writer.scanner.locate(content, knownSpan: knownSpan, markupFrom: markupFrom)
        } else {
            range = writer.scanner.locate(content)
        }
        var plainRunStart: Int?
        if shortcuts, let range, let plain = writer.scanner.plainRun, plain.range == range { plainRunStart = plain.runStart }
        spans.append(Span(range: range, content: content, bold: bold, plainRunStart: plainRunStart))
    }

    /// A CDATA section of the open line (its `content` must outlive the reader's work).
    mutating func cdataSpan(_ content: UnsafeBufferPointer<UInt8>, bold: Bool) {
        spans.append(Span(range: writer.scanner.locateCDATA(content), content: content, bold: bold))
    }

    /// Text that is not read (between lines, in outlines and images): the cursor moves past it.
    mutating func skip(_ content: UnsafeBufferPointer<UInt8>) {
        _ = writer.scanner.locate(content)
    }

    /// Moves the cursor past text that is not read (outlines, images).
    private mutating func consume(_ node: xmlNodePtr, depth: Int) {
        guard depth < maxDepth else { return }
        var child = node.pointee.children
        while let current = child {
            if current.isText {
                skip(current.contentBuffer)
            } else if current.isElement {
                consume(current, depth: depth + 1)
            }
            child = current.pointee.next
        }
    }

    /// Appends `content` to `text` with whitespace collapsed as
    /// `MarkupReader.collapsedBytes` collapses it, the text so far (from `start`) and
    /// `pendingSpace` carrying on from the previous piece: the spans of a line collapse as
    /// if joined, without joining them. Runs of words with single spaces between them are
    /// appended at once (as their words and spaces one by one would be).
    static func appendCollapsed(
        _ content: UnsafeBufferPointer<UInt8>, to text: inout [UInt8], from start: Int, pendingSpace: inout Bool
    ) {
        let count = content.count
        /// Whether the byte at `index` is whitespace (a no-break space by its lead byte).
        func isWhitespace(_ index: Int) -> Bool {
            let byte = content[index]
            return ByteClass.isSpace(byte) || (byte == 0xC2 && index + 1 < count && content[index + 1] == 0xA0)
        }
        var index = 0
        while index < count {
            let byte = content[index]
            if isWhitespace(index) {
                pendingSpace = text.count > start
                index += byte == 0xC2 ? 2 : 1
                continue
            }
            var stop = index + 1
            while stop < count {
                if stop + 17 <= count {
                    let advance = BlockWriter.plainBytes(UnsafeRawPointer(content.baseAddress!), at: stop)
                    if advance > 0 {
                        stop += advance
                        continue
                    }
                }
                if isWhitespace(stop) {
                    // A single space between two words stays in the run.
                    guard content[stop] == 0x20, stop + 1 < count, !isWhitespace(stop + 1) else { break }
                    stop += 2
                    continue
                }
                stop += 1
            }
            if pendingSpace {
                text.append(0x20)
                pendingSpace = false
            }
            text.append(contentsOf: UnsafeBufferPointer(rebasing: content[index..<stop]))
            index = stop
        }
    }

    // MARK: Running headers and footers

    /// The line's text with digits masked and case and spacing folded.
    static func runningKey(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: text.count) { key, initialized in
            var written = 0
            var lastWasDigit = false
            for byte in text {
                if ByteClass.isDigit(byte) {
                    if !lastWasDigit {
                        key[written] = 0x23
                        written += 1
                    }
                    lastWasDigit = true
                    continue
                }
                lastWasDigit = false
                if ByteClass.isSpace(byte) { continue }
                key[written] = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                written += 1
            }
            initialized = written
        }
    }

    /// Whether the text is only a page number ("12", "Page 3", "Page 3 of 40", "- 7 -", "3/40").
    static func isPageNumber(_ text: [UInt8]) -> Bool {
        text.withUnsafeBufferPointer { isPageNumber(key: runningKey($0)) }
    }

    /// Whether a running key (``runningKey(_:)``) is a page number's.
    private static func isPageNumber(key: [UInt8]) -> Bool {
        pageNumberKeys.contains(key)
    }

    private static let pageNumberKeys: [[UInt8]] = ["#", "page#", "page#of#", "-#-", "#/#", "#of#", "p.#", "–#–", "[#]", "(#)"].map {
        Array($0.utf8)
    }

    /// Lines with the same running key (text with digits masked) in the same font size.
    /// Hashed as one buffer of bytes (the synthesised hash fed the hasher byte by byte, a
    /// tenth of reading pdftohtml's XML); equal as the synthesised equality has it.
    private struct RunningKey: Hashable {
        var text: [UInt8]
        var fontSize: Int

        func hash(into hasher: inout Hasher) {
            text.withUnsafeBytes { hasher.combine(bytes: $0) }
            hasher.combine(fontSize)
        }
    }

    private func inMargin(_ line: Line) -> Bool {
        guard line.pageHeight > 0 else { return true }
        let relative = line.top / line.pageHeight
        return relative < 0.14 || relative > 0.86
    }

    private func dropRunningLines(_ lines: [Line], texts: UnsafeBufferPointer<UInt8>) -> [Line] {
        let pages = linePages.count
        // Margin lines grouped by the same text (digits masked) in the same font size: each
        // group's members are in line order, listed one group after the other.
        var groupOfKey: [RunningKey: Int] = [:]
        var marginLines: [(line: Int, group: Int)] = []
        var groupSizes: [Int] = []
        var dropped = [Bool](repeating: false, count: lines.count)
        var anyDropped = false
        for (index, line) in lines.enumerated() where inMargin(line) {
            let key = Self.runningKey(UnsafeBufferPointer(rebasing: texts[line.text]))
            if Self.isPageNumber(key: key) {
                dropped[index] = true
                anyDropped = true
            }
            let runningKey = RunningKey(text: key, fontSize: Int(line.fontSize.rounded()))
            let group: Int
            if let known = groupOfKey[runningKey] {
                group = known
                groupSizes[group] += 1
            } else {
                group = groupSizes.count
                groupOfKey[runningKey] = group
                groupSizes.append(1)
            }
            marginLines.append((index, group))
        }
        let threshold = max(2, (pages + 1) / 2)
        if pages >= 2 {
            // A group can only reach the threshold of distinct pages with as many members.
            var starts = [Int](repeating: -1, count: groupSizes.count)
            var total = 0
            for (group, size) in groupSizes.enumerated() where size >= threshold {
                starts[group] = total
                total += size
            }
            var members = [Int](repeating: 0, count: total)
            var filled = starts
            for margin in marginLines where starts[margin.group] >= 0 {
                members[filled[margin.group]] = margin.line
                filled[margin.group] += 1
            }
            var tops: [Double] = []
            var pagesNear = Set<Int>()
            for (group, start) in starts.enumerated() where start >= 0 {
                let group = members[start..<(start + groupSizes[group])]
                tops.removeAll(keepingCapacity: true)
                for member in group { tops.append(lines[member].top) }
                tops.sort()
                let median = tops[tops.count / 2]
                let tolerance = max(3.0, (lines[group.first!].pageHeight) * 0.008)
                pagesNear.removeAll(keepingCapacity: true)
                for member in group where abs(lines[member].top - median) <= tolerance { pagesNear.insert(lines[member].page) }
                guard pagesNear.count >= threshold else { continue }
                for member in group where abs(lines[member].top - median) <= tolerance {
                    dropped[member] = true
                    anyDropped = true
                }
            }
        }
        if !anyDropped { return lines }
        var kept: [Line] = []
        kept.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() where !dropped[index] { kept.append(line) }
        return kept
    }

    // MARK: Paragraphs

    private enum LineKind: Equatable {
        case heading(Int)
        case body
        case listItem
    }

    private static let bullets: [[UInt8]] = ["•", "◦", "▪", "‣", "●", "○", "■", "–", "-", "*", "·"].map { Array($0.utf8) }

    static func startsListItem(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        // (Most lines start with no bullet's first byte: one compare each, not a prefix test.)
        if let first = text.first {
            for bullet in bullets where bullet[0] == first && text.starts(with: bullet) {
                if text.count > bullet.count, text[bullet.count] == 0x20 { return true }
            }
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
    static func startsNumberedParagraph(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
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

    /// . ! ? : ;
    private static func isTerminal(_ byte: UInt8) -> Bool {
        byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x3A || byte == 0x3B
    }

    static func endsSentence(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
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
        return index >= 0 && isTerminal(text[index])
    }

    /// A heading, list item or paragraph: its kind and its lines, consecutive in the lines grouped.
    private typealias Group = (kind: LineKind, lines: Range<Int>)

    /// Groups lines into headings, list items and paragraphs.
    private func group(_ lines: [Line], texts: UnsafeBufferPointer<UInt8>) -> [Group] {
        guard !lines.isEmpty else { return [] }
        func text(_ line: Line) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: texts[line.text]) }
        // Body size: the font size carrying the most characters. (A document has a few font
        // sizes: a list searched from the last size used, no hashing per line.)
        var weights: [(key: Double, value: Int)] = []
        var lastSize = 0
        for line in lines {
            if lastSize >= weights.count || weights[lastSize].key != line.fontSize {
                lastSize = weights.firstIndex { $0.key == line.fontSize } ?? weights.count
                if lastSize == weights.count { weights.append((line.fontSize, 0)) }
            }
            weights[lastSize].value += line.text.count
        }
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
        // Right edge of body text per page, to spot short last lines (the edge of a run of
        // lines on one page found before it is stored).
        var rightEdge: [Int: Double] = [:]
        var runPage = Int.min
        var runEdge = 0.0
        for line in lines where line.fontSize == bodySize {
            if line.page != runPage {
                if runPage != Int.min { rightEdge[runPage] = max(rightEdge[runPage] ?? 0, runEdge) }
                runPage = line.page
                runEdge = 0
            }
            runEdge = max(runEdge, line.left + line.width)
        }
        if runPage != Int.min { rightEdge[runPage] = max(rightEdge[runPage] ?? 0, runEdge) }

        func kind(_ line: Line) -> LineKind {
            if let level = headingSizes.firstIndex(of: line.fontSize), line.text.count < 300 { return .heading(min(6, level + 1)) }
            if line.fontSize == bodySize || abs(line.fontSize - bodySize) < 0.5 {
                if Self.startsListItem(text(line)) { return .listItem }
                if line.allBold, line.text.count < 120, !Self.endsSentence(text(line)) { return .heading(boldLevel) }
            }
            return .body
        }

        var groups: [Group] = []
        // The right edge of the previous line's page (pages come in runs of lines).
        var edgePage = Int.min
        var edge = 0.0
        for (index, line) in lines.enumerated() {
            let lineKind = kind(line)
            var joins = false
            if let last = groups.last {
                let previous = lines[index - 1]
                if previous.page != edgePage {
                    edgePage = previous.page
                    edge = rightEdge[previous.page] ?? 0
                }
                joins = continues(
                    previous: previous, current: line, groupKind: last.kind, lineKind: lineKind, first: lines[last.lines.lowerBound],
                    spacing: spacing, bodySize: bodySize, rightEdge: edge, texts: texts)
            }
            if joins {
                groups[groups.count - 1].lines = groups[groups.count - 1].lines.lowerBound..<(index + 1)
            } else {
                groups.append((lineKind, index..<(index + 1)))
            }
        }
        return groups
    }

    private func continues(
        previous: Line, current: Line, groupKind: LineKind, lineKind: LineKind, first: Line, spacing: Double,
        bodySize: Double, rightEdge: Double, texts: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        let previousText = UnsafeBufferPointer(rebasing: texts[previous.text])
        switch (groupKind, lineKind) {
        case (.heading(let a), .heading(let b)):
            // A heading wrapped over two lines.
            return a == b && previous.page == current.page && current.top - previous.top > 0
                && current.top - previous.top <= spacing * 1.6 && !Self.endsSentence(previousText)
        case (.heading, _), (_, .heading), (_, .listItem):
            return false
        default:
            break
        }
        if abs(previous.fontSize - current.fontSize) >= 0.5 { return false }
        if previous.page != current.page || current.top < previous.top - 1 {
            // A page or column break: continue an unfinished sentence.
            return !Self.endsSentence(previousText)
        }
        let delta = current.top - previous.top
        if delta > spacing * 1.25 + 0.5 { return false }
        // A numbered paragraph ("4.4 In August...") after a finished sentence starts anew.
        if Self.endsSentence(previousText), Self.startsNumberedParagraph(UnsafeBufferPointer(rebasing: texts[current.text])) {
            return false
        }
        if groupKind == .listItem { return current.left > first.left + 1 || !Self.endsSentence(previousText) }
        if current.left > previous.left + bodySize * 0.8 { return false }  // first-line indent
        if Self.endsSentence(previousText), rightEdge > 0, previous.left + previous.width < rightEdge - bodySize * 4 {
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
        current.withUnsafeBufferPointer { current in next.withUnsafeBufferPointer { join(current, $0) } }
    }

    static func join(_ current: UnsafeBufferPointer<UInt8>, _ next: UnsafeBufferPointer<UInt8>) -> Join {
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

    private mutating func write(_ groups: [Group], lines: [Line], texts: UnsafeBufferPointer<UInt8>) {
        for group in groups {
            let first = lines[group.lines.lowerBound]
            let request: BlockRequest
            switch group.kind {
            case .heading(let level): request = BlockRequest(kind: .heading, level: level, page: first.page)
            case .listItem: request = BlockRequest(kind: .listItem, page: first.page)
            case .body: request = BlockRequest(kind: .paragraph, page: first.page)
            }
            writer.requestBlock(request)
            for index in group.lines {
                let line = lines[index]
                let hasNext = index + 1 < group.lines.upperBound
                let join: Join =
                    hasNext
                    ? Self.join(UnsafeBufferPointer(rebasing: texts[line.text]), UnsafeBufferPointer(rebasing: texts[lines[index + 1].text]))
                    : .space
                for spanIndex in line.spans {
                    let span = spans[spanIndex]
                    if let range = span.range {
                        var written = range
                        if spanIndex == line.spans.upperBound - 1, join == .dropHyphen { written = trimmingHyphen(written) }
                        if index == group.lines.lowerBound, spanIndex == line.spans.lowerBound, group.kind == .listItem {
                            written = trimmingBullet(written)
                        }
                        if let runStart = span.plainRunStart, written == range {
                            writer.write(range, plainRunFrom: runStart)
                        } else {
                            writer.write(written)
                        }
                    } else {
                        writer.writeUnlocated(span.content, at: writer.scanner.cursor)
                    }
                }
                if join == .space, hasNext {
                    let next = lines[index + 1].spans
                    let nextStart = (next.isEmpty ? nil : spans[next.lowerBound].range?.lowerBound) ?? writer.scanner.cursor
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
