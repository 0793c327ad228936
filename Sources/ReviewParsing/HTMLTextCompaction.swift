import Foundation

/// HTML source with its longer runs of text cut short before libxml2 reads it.
///
/// libxml2's HTML parser reads character data one character at a time through a function
/// call per character (`htmlParseCharDataInternal`, `htmlCurrentChar`): on our documents that
/// was about half of the time spent parsing HTML. What libxml2 does with a run of text
/// between a `<` or `&` and the next does not depend on the text itself, only on whether it
/// holds a non-blank character (which may open an implied `<p>`), on its leading blanks
/// (skipped in places) and on its newlines (line numbers). So each such run is replaced by
/// its leading blanks, one placeholder character (U+E000, from the private use area) and the
/// rest of its newlines, libxml2 parses the shorter source, and
/// ``HTMLTreeBuilder`` puts the run's own bytes back when the placeholder arrives as
/// character data.
///
/// The builder checks that every placeholder arrives as character data exactly where it was
/// put, in order (so libxml2 was reading text at that point, as it would have been in the
/// original); when one does not (a run this scanner took for text was inside markup, say),
/// the document is parsed again from the original source. A source that already holds the
/// placeholder is not compacted.
///
/// Word's `<o:p>` elements (one per paragraph in its HTML exports) are renamed `<select>` in
/// the same pass: libxml2 formats and copies an "invalid tag" error message for every element
/// it does not know (about a tenth of the time spent parsing such a document), and `select`
/// is a known element that its HTML rules treat exactly as they treat an unknown one: it
/// closes nothing and nothing closes it when it starts (it appears in no pair of
/// `htmlStartClose`), it implies `<body>` like any other name, has the default end-tag
/// priority, is not empty and its content is not raw text. ``HTMLTreeBuilder`` names each
/// such element `p` again, as libxml2 names `o:p`. A source holding a `select` tag of its own
/// is not renamed (the renaming must be one to one); the builder checks that every renamed
/// start tag arrives as an element, and the reader parses the original source when one does
/// not.
///
/// Most of Word's `<o:p>` elements are empty or hold `&nbsp;` (`<o:p></o:p>`,
/// `<o:p>&nbsp;</o:p>`) and stand between a `>` and an end tag: those (and those before a
/// comment) are left out
/// (``WordParagraph``), and ``HTMLTreeBuilder`` adds each to the open element, with its text,
/// before the first event from past where it stood. libxml2 would only have pushed and
/// popped it there (it closes nothing, is closed by nothing, and implies nothing once a
/// `<body>` was opened; the builder checks that one was, and that the depth limit is not
/// near, or the source is parsed again).
///
/// Start tags lose their attributes in the same pass (``Tag``): libxml2 reads an attribute
/// value one character at a time, allocates and frees it and checks its name against the
/// tag's others, and Word's exports are about two fifths markup, mostly attributes. A start
/// tag whose attributes all read plainly (see ``attributes(_:tag:nameEnd:into:)``) is cut to
/// its name, the newlines among its attributes and its closing `>` or `/>`;
/// ``HTMLTreeBuilder`` adds the attributes from the source when the element arrives where the
/// tag was put (the same element name, libxml2's input at the tag's end), as libxml2 would
/// have given them: names lower-cased, values verbatim. Every such tag must arrive, or the
/// source is parsed again; `html`, `head` and `body` (which libxml2 drops when misplaced)
/// and `meta` (whose attributes it reads for the encoding) keep theirs.
struct HTMLTextCompaction {
    /// A start tag whose attributes were cut.
    struct Tag {
        /// Where the tag's `>` (or the `/` of `/>`) stands in ``bytes``: where libxml2's input
        /// stands when it reports the element.
        var compactEnd: Int
        /// The element's name in the source.
        var nameStart: Int
        var nameLength: Int
        /// Its attributes in ``attributes``.
        var attributes: Range<Int>
        /// Where the tag ends in the source (after its `>`).
        var sourceEnd: Int
    }

    /// A Word paragraph mark (`<o:p></o:p>` or `<o:p>&nbsp;</o:p>`, between a `>` and a `<`)
    /// left out.
    struct WordParagraph {
        /// Where it stood in ``bytes``: libxml2 reports whatever follows it from past there.
        var compactPosition: Int
        /// Whether it held `&nbsp;`.
        var holdsSpace: Bool
    }

    /// An attribute cut from a start tag, in the source.
    struct Attribute {
        var name: Range<Int>
        /// The value without its quotes; nil for an attribute without one.
        var value: Range<Int>?
    }

    /// A run of source text replaced by the placeholder.
    struct Run {
        /// Where the placeholder and its newlines end in ``bytes``: where libxml2's input
        /// stands when it reports the run as character data.
        var compactEnd: Int
        /// The run in the source.
        var sourceStart: Int
        var sourceEnd: Int
        /// How many bytes libxml2 reports for it: the run's leading blanks, the placeholder and
        /// the rest of the run's newlines.
        var compactLength: Int
        /// Where the placeholder stands in what libxml2 reports (after the leading blanks).
        var placeholderOffset: Int
        /// The `<span>` around the run that was left out with it (``spans``), or -1.
        var span = -1
    }

    /// A `<span>` holding nothing but a run, left out around it (see ``Run/span``).
    struct Span {
        /// Its attributes in ``attributes``.
        var attributes: Range<Int>
        /// How many newlines the run holds (the span's line is the run's first).
        var newlines: Int
    }

    /// The placeholder, U+E000 in UTF-8.
    static let placeholder: (UInt8, UInt8, UInt8) = (0xEE, 0x80, 0x80)
    /// Runs shorter than this are left alone: replacing them saves little.
    static let minimumRun = 24
    /// libxml2 reports character data in pieces of about 1000 bytes; a run's leading blanks,
    /// placeholder and newlines stay well inside one.
    static let maximumCompactLength = 900

    /// What libxml2 reads instead of the source.
    let bytes: [UInt8]
    /// The replaced runs, in source order.
    let runs: [Run]
    /// How many `<o:p>` start tags were renamed `<select>`.
    let renamedStarts: Int
    /// The `<o:p>` elements left out, in source order.
    let wordParagraphs: [WordParagraph]
    /// The `<span>` elements left out around runs.
    let spans: [Span]
    /// Start tags whose attributes were cut, in source order, and their attributes (`var`
    /// for the tests, which break them).
    var tags: [Tag]
    let attributes: [Attribute]
    /// Elements of simple content left out whole, each read as an empty comment
    /// (``LeftOutElement``), in source order (`var` for the tests, which break them), and
    /// what they hold.
    var elements: [LeftOutElement]
    let pieces: [LeftOutElement.Piece]

    /// Compacts `source` (decoded UTF-8 HTML); nil when there is nothing worth replacing or
    /// renaming, or the source holds the placeholder already.
    init?(source: [UInt8]) {
        var scanner = MarkupScanner(source: source, syntax: .html)
        guard var result = Self.compact(&scanner, renaming: true) else { return nil }
        if result.renamedEnds > 0 && result.renamedStarts == 0 || result.renamedStarts > 0 && result.sawSelect {
            // `select` tags of the document's own: renamed `o:p` could not be told from them
            // (and end tags alone are left as they are); or an `o:p` tag inside a comment or
            // raw text, which libxml2 may read as a tag where this scanner does not (a
            // `<script>` whose text starts with an end tag, a comment ending `--!>`).
            guard let plain = Self.compact(&scanner, renaming: false) else { return nil }
            result = plain
        }
        guard !result.runs.isEmpty || result.renamedStarts + result.renamedEnds > 0 || !result.tags.isEmpty
            || !result.wordParagraphs.isEmpty || !result.elements.isEmpty
        else { return nil }
        bytes = result.bytes
        runs = result.runs
        renamedStarts = result.renamedStarts
        wordParagraphs = result.wordParagraphs
        spans = result.spans
        tags = result.tags
        attributes = result.attributes
        elements = result.elements
        pieces = result.pieces
    }

    /// What one pass over the source gives.
    private struct Result {
        var bytes: [UInt8]
        var runs: [Run]
        var renamedStarts = 0
        var renamedEnds = 0
        /// Whether the source has a `select` start or end tag of its own, or an `o:p` tag
        /// inside other markup.
        var sawSelect = false
        var tags: [Tag] = []
        var attributes: [Attribute] = []
        var wordParagraphs: [WordParagraph] = []
        var spans: [Span] = []
        var elements: [LeftOutElement] = []
        var pieces: [LeftOutElement.Piece] = []
    }

    /// The name `o:p` is renamed to (as long as `o:p`'s name in a tag is shorter).
    static let wordParagraphSubstitute: StaticString = "select"

    /// The compacted bytes and the runs replaced, reading the source through the scanner
    /// (which knows where markup ends and decodes references); `<o:p>` tags renamed when
    /// `renaming`. Nil when the source holds the placeholder.
    private static func compact(_ scanner: inout MarkupScanner, renaming: Bool) -> Result? {
        let buffer = scanner.bytes
        // Room for all of it: Word HTML is mostly markup, and a renamed tag ("<o:p>", five
        // bytes at least) grows by three.
        var output = Output(capacity: buffer.count + buffer.count * 3 / 5 + 16)
        var result = Result(bytes: [], runs: [])
        /// A `<span>` start tag (after a '>', no newline in it) not written yet: left out when
        /// a run follows that ends at `</span>` and a '<', else written as it would have been.
        var pendingSpan: (start: Int, nameEnd: Int, cut: (terminator: Int, end: Int, newlines: Int)?, end: Int, attributes: Range<Int>)?
        /// Where the markup libxml2 read last ended (a span is left out only right after markup:
        /// text before it would run into its run).
        var markupEnd = -1
        /// Whether a `<body>` start tag was read: elements are left out only after one (before
        /// it, libxml2 may imply one, and the builder could not add them).
        var sawBody = false
        var copied = 0
        let count = buffer.count
        do {
            guard let base = buffer.baseAddress else { return nil }
            // The placeholder in the source would be taken for a replaced run.
            if Self.containsPlaceholder(base, count: count) { return nil }
            result.runs.reserveCapacity(count / 256)
            // Word's exports: a start tag with attributes every ~150 bytes, two attributes each.
            result.tags.reserveCapacity(count / 128)
            result.attributes.reserveCapacity(count / 64)
            // Plain HTML: an element of simple content every ~100 bytes.
            result.elements.reserveCapacity(count / 96)
            result.pieces.reserveCapacity(count / 96)
            var index = 0
            // Whether a run may start at `index`: libxml2 starts reading character data there
            // after looking at nothing past it (after markup or a reference it reads whole;
            // not after a literal '<' or '&', whose next byte it looks at, nor at the start,
            // where it skips blanks first).
            var canStart = false
            while index < count {
                let byte = base[index]
                if let pending = pendingSpan, byte == 0x3C || byte == 0x26 {
                    Self.write(pending, base, &output, &result.tags)
                    pendingSpan = nil
                }
                if byte == 0x3C {  // <
                    if scanner.isMarkupStart(index) && !Self.isLiteralDeclaration(base, count: count, at: index) {
                        let name = Self.tagName(base, count: count, at: index)
                        if renaming, case .wordParagraph(_, isEnd: false) = name, index > 0, base[index - 1] == 0x3E,
                            let length = Self.wordParagraphLength(base, count: count, at: index)
                        {
                            // `<o:p></o:p>` or `<o:p>&nbsp;</o:p>` after '>', before an end tag or comment: left out.
                            output.append(base + copied, count: index - copied)
                            result.wordParagraphs.append(WordParagraph(compactPosition: output.count, holdsSpace: length > 11))
                            index += length
                            copied = index
                            canStart = true
                            continue
                        }
                        if !sawBody { sawBody = Self.isBodyStart(base, count: count, at: index) }
                        if sawBody, case .other(let nameEnd) = name, nameEnd < count, Self.mayLeaveOut(base, index, nameEnd),
                            let group = Self.leftOutGroup(
                                base, count: count, at: index, nameEnd: nameEnd, wordParagraphs: renaming, scanner: &scanner,
                                attributes: &result.attributes, pieces: &result.pieces, elements: &result.elements)
                        {
                            // Elements of simple content (and the blanks between them): read as a
                            // comment holding their newlines.
                            output.append(base + copied, count: index - copied)
                            output.append(0x3C)  // <!--
                            output.append(0x21)
                            output.append(0x2D)
                            output.append(0x2D)
                            for _ in 0..<group.newlines { output.append(0x0A) }
                            output.append(0x2D)  // -->
                            output.append(0x2D)
                            output.append(0x3E)
                            for element in group.elements { result.elements[element].compactEnd = output.count }
                            copied = group.end
                            index = group.end
                            markupEnd = index
                            canStart = true
                            continue
                        }
                        if case .other(let nameEnd) = name, nameEnd < count, base[nameEnd] == 0x20 || base[nameEnd] == 0x0A || base[nameEnd] == 0x09 {
                            // A start tag with attributes: cut to its name, its newlines and its end.
                            let first = result.attributes.count
                            if let cut = Self.attributes(base, count: count, nameEnd: nameEnd, into: &result.attributes) {
                                if Self.isSpan(base, index, nameEnd), cut.newlines == 0, markupEnd == index {
                                    // Maybe left out around a run: written when it is not.
                                    output.append(base + copied, count: index - copied)
                                    pendingSpan = (index, nameEnd, cut, cut.end, first..<result.attributes.count)
                                    copied = cut.end
                                    index = cut.end
                                    markupEnd = index
                                    canStart = true
                                    continue
                                }
                                output.append(base + copied, count: nameEnd - copied)
                                for _ in 0..<cut.newlines { output.append(0x0A) }
                                result.tags.append(
                                    Tag(compactEnd: output.count, nameStart: index + 1, nameLength: nameEnd - index - 1,
                                        attributes: first..<result.attributes.count, sourceEnd: cut.end))
                                output.append(base + cut.terminator, count: cut.end - cut.terminator)
                                copied = cut.end
                                index = cut.end
                                markupEnd = index
                                canStart = true
                                continue
                            }
                        }
                        if case .other(let nameEnd) = name, nameEnd < count, base[nameEnd] == 0x3E, Self.isSpan(base, index, nameEnd),
                            markupEnd == index
                        {
                            // <span>, maybe left out around a run.
                            output.append(base + copied, count: index - copied)
                            pendingSpan = (index, nameEnd, nil, nameEnd + 1, result.attributes.count..<result.attributes.count)
                            copied = nameEnd + 1
                            index = nameEnd + 1
                            markupEnd = index
                            canStart = true
                            continue
                        }
                        let end = scanner.skipMarkup(index)
                        switch name {
                        case .wordParagraph(let nameStart, let isEnd) where renaming:
                            output.append(base + copied, count: nameStart - copied)
                            Self.wordParagraphSubstitute.withUTF8Buffer { output.append($0.baseAddress!, count: $0.count) }
                            copied = nameStart + 3
                            if isEnd { result.renamedEnds += 1 } else { result.renamedStarts += 1 }
                        case .select:
                            result.sawSelect = true
                        case .raw where renaming:
                            if Self.holdsWordParagraphTag(base, in: (index + 2)..<end) { result.sawSelect = true }
                        case .unknown where renaming && (base[index + 1] == 0x21 || base[index + 1] == 0x3F):  // <! <?
                            if Self.holdsWordParagraphTag(base, in: (index + 2)..<end) { result.sawSelect = true }
                        default:
                            break
                        }
                        index = end
                        markupEnd = end
                        canStart = true
                    } else {
                        index += 1  // libxml2 reports a literal '<' and reads on as text
                        canStart = false
                    }
                    continue
                }
                if byte == 0x26 {  // &
                    // A reference libxml2 reads whole, semicolon included (a number, or a name
                    // its table knows); after anything else it reads on from a place this
                    // scanner does not follow.
                    if let reference = scanner.decodeReference(at: index) {
                        index += reference.length
                        canStart = true
                    } else {
                        index += 1
                        canStart = false
                    }
                    continue
                }
                // Text up to the next '<' or '&': blanks, kept as they are (libxml2 skips them
                // in some places, which then shows), then the rest.
                let start = index
                while index < count, base[index] == 0x20 || base[index] == 0x0A || base[index] == 0x09 || base[index] == 0x0D {
                    index += 1
                }
                let blanksEnd = index
                var newlines = 0
                var clean = true
                let raw = UnsafeRawPointer(base)
                while index < count {
                    // Sixteen bytes at a time to the next control character, '<', '&' or 0xEF
                    // (the lead byte of U+FFFE and U+FFFF).
                    index = Self.skipPlainBytes(raw, from: index, to: count)
                    guard index < count else { break }
                    let current = base[index]
                    if current == 0x3C || current == 0x26 { break }
                    if current < 0x21 {
                        if current == 0x0A {
                            newlines += 1
                        } else if current != 0x20 && current != 0x09 && current != 0x0D {
                            clean = false  // a character libxml2 drops from text
                        }
                    } else if current == 0xEF, index + 2 < count, base[index + 1] == 0xBF, base[index + 2] >= 0xBE {
                        clean = false  // U+FFFE and U+FFFF are dropped too
                    }
                    index += 1
                }
                let compactLength = blanksEnd - start + 3 + newlines
                let isRun = canStart && clean && index > blanksEnd && index - start >= Self.minimumRun && compactLength <= Self.maximumCompactLength
                var span = -1
                if let pending = pendingSpan {
                    if isRun, Self.isSpanEnd(base, count: count, at: index) {
                        var leadingNewlines = 0
                        for offset in start..<blanksEnd where base[offset] == 0x0A { leadingNewlines += 1 }
                        span = result.spans.count
                        result.spans.append(Span(attributes: pending.attributes, newlines: leadingNewlines + newlines))
                    } else {
                        Self.write(pending, base, &output, &result.tags)
                    }
                    pendingSpan = nil
                }
                if isRun {
                    output.append(base + copied, count: blanksEnd - copied)
                    output.append(Self.placeholder.0)
                    output.append(Self.placeholder.1)
                    output.append(Self.placeholder.2)
                    for _ in 0..<newlines { output.append(0x0A) }
                    result.runs.append(
                        Run(compactEnd: output.count, sourceStart: start, sourceEnd: index, compactLength: compactLength,
                            placeholderOffset: blanksEnd - start, span: span))
                    copied = index
                    if span >= 0 {
                        // The `</span>` goes with it.
                        index += Self.spanEnd.utf8CodeUnitCount
                        copied = index
                        canStart = true  // (what libxml2 reads here ends in the run's text)
                        continue
                    }
                }
                canStart = false
            }
            if let pending = pendingSpan { Self.write(pending, base, &output, &result.tags) }
            output.append(base + copied, count: count - copied)
            result.bytes = output.bytes
            return result
        }
    }

    /// The compacted bytes as they are written: a buffer of fixed capacity (what the source
    /// can grow to), written through a pointer, without an array's checks per piece.
    /// Noncopyable: it owns the buffer.
    private struct Output: ~Copyable {
        private let start: UnsafeMutablePointer<UInt8>
        private let capacity: Int
        private(set) var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            start = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        }

        deinit { start.deallocate() }

        mutating func append(_ bytes: UnsafePointer<UInt8>, count length: Int) {
            precondition(length >= 0 && count + length <= capacity)
            (start + count).update(from: bytes, count: length)
            count += length
        }

        mutating func append(_ byte: UInt8) {
            precondition(count < capacity)
            start[count] = byte
            count += 1
        }

        /// The bytes written.
        var bytes: [UInt8] { Array(UnsafeBufferPointer(start: start, count: count)) }
    }

    /// What the name of the tag at `index` (a markup start) matters for here.
    private enum TagName {
        /// `<o:p` or `</o:p` (any case), its name starting at `nameStart`.
        case wordParagraph(nameStart: Int, isEnd: Bool)
        /// A name starting with `select` (any case).
        case select
        /// A start tag of any other name libxml2 reads whole (a letter, then letters, digits,
        /// `:`, `-`, `_`, `.`; under 90 bytes), but `html`, `head`, `body` and `meta`, its
        /// name ending at `nameEnd`.
        case other(nameEnd: Int)
        /// `script` or `style`, whose content this scanner skips as raw text.
        case raw
        /// Anything else.
        case unknown
    }

    private static func tagName(_ base: UnsafePointer<UInt8>, count: Int, at index: Int) -> TagName {
        var name = index + 1
        if name < count, base[name] == 0x2F { name += 1 }  // </
        guard name < count else { return .unknown }
        let first = base[name] | 0x20
        if first == 0x6F {  // o
            // libxml2 reads letters, digits, ':', '-', '_' and '.' into a name.
            if name + 3 < count, base[name + 1] == 0x3A, base[name + 2] | 0x20 == 0x70 {
                let after = base[name + 3]
                if after == 0x3E || after == 0x2F || ByteClass.isSpace(after) {
                    return .wordParagraph(nameStart: name, isEnd: name == index + 2)
                }
            }
        }
        if first == 0x73 {  // s
            let select: StaticString = "select"
            let matches = select.withUTF8Buffer { wanted in
                guard name + wanted.count <= count else { return false }
                for offset in 0..<wanted.count where base[name + offset] | 0x20 != wanted[offset] { return false }
                return true
            }
            if matches { return .select }
        }
        guard name == index + 1, ByteClass.isASCIILetter(base[name]) else { return .unknown }
        var nameEnd = name + 1
        while nameEnd < count, isNameByte(base[nameEnd]) { nameEnd += 1 }
        let length = nameEnd - name
        guard length < 90 else { return .unknown }
        @inline(__always) func nameIs(_ wanted: StaticString) -> Bool {
            wanted.withUTF8Buffer { wanted in
                guard wanted.count == length else { return false }
                for offset in 0..<length where base[name + offset] | 0x20 != wanted[offset] { return false }
                return true
            }
        }
        if nameIs("script") || nameIs("style") { return .raw }
        if length == 4 {
            let word = (UInt32(base[name]) | UInt32(base[name + 1]) << 8 | UInt32(base[name + 2]) << 16 | UInt32(base[name + 3]) << 24)
                | 0x2020_2020
            // html, head, body, meta (lower-cased, little-endian)
            if word == 0x6C6D_7468 || word == 0x6461_6568 || word == 0x7964_6F62 || word == 0x6174_656D { return .unknown }
        }
        return .other(nameEnd: nameEnd)
    }

    /// Writes a `<span>` start tag that was not left out: cut (with its ``Tag``) or whole.
    private static func write(
        _ span: (start: Int, nameEnd: Int, cut: (terminator: Int, end: Int, newlines: Int)?, end: Int, attributes: Range<Int>),
        _ base: UnsafePointer<UInt8>, _ output: inout Output, _ tags: inout [Tag]
    ) {
        guard let cut = span.cut else {
            output.append(base + span.start, count: span.end - span.start)
            return
        }
        output.append(base + span.start, count: span.nameEnd - span.start)
        tags.append(
            Tag(compactEnd: output.count, nameStart: span.start + 1, nameLength: span.nameEnd - span.start - 1, attributes: span.attributes,
                sourceEnd: cut.end))
        output.append(base + cut.terminator, count: cut.end - cut.terminator)
    }

    /// Whether the start tag at `index`, its name ending at `nameEnd`, is a `span` (any case).
    @inline(__always)
    static func isSpan(_ base: UnsafePointer<UInt8>, _ index: Int, _ nameEnd: Int) -> Bool {
        nameEnd == index + 5 && base[index + 1] | 0x20 == 0x73 && base[index + 2] | 0x20 == 0x70 && base[index + 3] | 0x20 == 0x61
            && base[index + 4] | 0x20 == 0x6E
    }

    static let spanEnd: StaticString = "</span>"

    /// Whether `</span>` (any case) stands at `index`, followed by a `<` (unless not `followedByMarkup`).
    static func isSpanEnd(_ base: UnsafePointer<UInt8>, count: Int, at index: Int, followedByMarkup: Bool = true) -> Bool {
        spanEnd.withUTF8Buffer { wanted in
            guard index + wanted.count < count, !followedByMarkup || base[index + wanted.count] == 0x3C else { return false }
            for offset in 0..<wanted.count where base[index + offset] | 0x20 != wanted[offset] | 0x20 { return false }
            return true
        }
    }

    /// The length of `<o:p></o:p>` or `<o:p>&nbsp;</o:p>` at `index` when one stands there,
    /// followed by an end tag or a comment: markup libxml2 reads past its start before it
    /// reports anything of it. (It reports a literal `<` as text before reading past it, and
    /// closes the open element for a start tag that closes it before reading the tag.)
    private static func wordParagraphLength(_ base: UnsafePointer<UInt8>, count: Int, at index: Int) -> Int? {
        @inline(__always) func matches(_ wanted: StaticString) -> Bool {
            wanted.withUTF8Buffer { wanted in
                let next = index + wanted.count
                guard next + 3 < count, base[next] == 0x3C,
                    base[next + 1] == 0x2F && ByteClass.isASCIILetter(base[next + 2])
                        || base[next + 1] == 0x21 && base[next + 2] == 0x2D && base[next + 3] == 0x2D
                else { return false }
                return memcmp(base + index, wanted.baseAddress!, wanted.count) == 0
            }
        }
        if matches("<o:p></o:p>") { return 11 }
        if matches("<o:p>&nbsp;</o:p>") { return 17 }
        return nil
    }

    /// Whether `<o:p` or `</o:p` (any case) stands in `range`.
    private static func holdsWordParagraphTag(_ base: UnsafePointer<UInt8>, in range: Range<Int>) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound {
            guard let hit = memchr(base + index, 0x3C, range.upperBound - index) else { return false }
            var at = UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
            if at < range.upperBound, base[at] == 0x2F { at += 1 }
            if at + 2 < range.upperBound, base[at] | 0x20 == 0x6F, base[at + 1] == 0x3A, base[at + 2] | 0x20 == 0x70 { return true }
            index = at
        }
        return false
    }

    /// Whether libxml2 reads `byte` into a name after its first character (`htmlParseHTMLName`).
    @inline(__always)
    static func isNameByte(_ byte: UInt8) -> Bool {
        ByteClass.isASCIILetter(byte) || ByteClass.isDigit(byte) || byte == 0x3A || byte == 0x2D || byte == 0x5F || byte == 0x2E
    }

    /// The attributes of the start tag whose name ends at `nameEnd` (at a blank), appended to
    /// `attributes`, with where the tag's `>` (or the `/` of `/>`) stands, where the tag ends
    /// (after its `>`) and how many newlines stand among the attributes; nil (and `attributes`
    /// as it was) unless libxml2 reads every one of them plainly, as ``HTMLTreeBuilder`` puts
    /// them back, and ``MarkupScanner/skipMarkup(_:)`` ends the tag at the same `>`:
    ///
    /// - blanks are spaces, tabs and newlines (a carriage return, which libxml2 reads as a
    ///   newline in places, or a form feed leaves the tag alone);
    /// - a name starts with a letter, `_`, `:` or `.` and goes on as element names do, under
    ///   90 bytes (libxml2 cuts longer ones), and is not the name of an earlier attribute of
    ///   the tag (any case: libxml2 drops the later one);
    /// - a value is quoted (any bytes to the closing quote) or not (bytes to the next blank or
    ///   `>`, at least one, no `=`, after which the scanner would look for a quote), and holds
    ///   no reference (`&`), no control character but tab and newline, and no U+FFFE or
    ///   U+FFFF: libxml2 copies such a value as it stands;
    /// - the tag ends right after the last attribute's blanks with `>` or `/>`.
    static func attributes(
        _ base: UnsafePointer<UInt8>, count: Int, nameEnd: Int, into attributes: inout [Attribute]
    ) -> (terminator: Int, end: Int, newlines: Int)? {
        let first = attributes.count
        var newlines = 0
        var index = nameEnd
        @inline(__always) func fail() -> (terminator: Int, end: Int, newlines: Int)? {
            attributes.removeSubrange(first...)
            return nil
        }
        /// Skips blanks, counting newlines; false at a carriage return or form feed.
        @inline(__always) func skipBlanks() -> Bool {
            while index < count {
                let byte = base[index]
                if byte == 0x20 || byte == 0x09 {
                    index += 1
                } else if byte == 0x0A {
                    newlines += 1
                    index += 1
                } else {
                    return byte != 0x0D && byte != 0x0C
                }
            }
            return true
        }
        while true {
            guard skipBlanks(), index < count else { return fail() }
            let byte = base[index]
            if byte == 0x3E {
                return attributes.count > first ? (index, index + 1, newlines) : fail()
            }
            if byte == 0x2F {
                return attributes.count > first && index + 1 < count && base[index + 1] == 0x3E ? (index, index + 2, newlines) : fail()
            }
            guard ByteClass.isASCIILetter(byte) || byte == 0x5F || byte == 0x3A || byte == 0x2E else { return fail() }
            let nameStart = index
            index += 1
            while index < count, isNameByte(base[index]) { index += 1 }
            let name = nameStart..<index
            guard name.count < 90 else { return fail() }
            for other in attributes[first...] where other.name.count == name.count {
                var same = true
                for offset in 0..<name.count where base[other.name.lowerBound + offset] | 0x20 != base[nameStart + offset] | 0x20 {
                    same = false
                    break
                }
                if same { return fail() }
            }
            guard skipBlanks(), index < count else { return fail() }
            guard base[index] == 0x3D else {  // no value
                attributes.append(Attribute(name: name, value: nil))
                continue
            }
            index += 1
            guard skipBlanks(), index < count else { return fail() }
            let value: Range<Int>
            let quote = base[index]
            if quote == 0x22 || quote == 0x27 {
                guard let close = memchr(base + index + 1, Int32(quote), count - index - 1) else { return fail() }
                let closeIndex = UnsafeRawPointer(close) - UnsafeRawPointer(base)
                value = (index + 1)..<closeIndex
                index = closeIndex + 1
                guard let valueNewlines = plainValueNewlines(base, value) else { return fail() }
                newlines += valueNewlines
            } else {
                let start = index
                while index < count {
                    let byte = base[index]
                    if byte <= 0x20 || byte == 0x3E { break }
                    if byte == 0x26 || byte == 0x3D { return fail() }  // & =
                    if byte == 0xEF, index + 2 < count, base[index + 1] == 0xBF, base[index + 2] >= 0xBE { return fail() }
                    index += 1
                }
                value = start..<index
                // Stopped at a blank or '>' (another control character fails at the next turn).
                guard !value.isEmpty, index < count,
                    base[index] == 0x20 || base[index] == 0x0A || base[index] == 0x09 || base[index] == 0x3E
                else { return fail() }
            }
            attributes.append(Attribute(name: name, value: value))
        }
    }

    /// How many newlines a quoted value holds; nil when it holds a byte libxml2 does not copy
    /// as it stands (a reference, a control character but tab and newline, U+FFFE or U+FFFF).
    /// Sixteen bytes at a time to the next control character, `&` or 0xEF.
    @inline(__always)
    private static func plainValueNewlines(_ base: UnsafePointer<UInt8>, _ value: Range<Int>) -> Int? {
        var newlines = 0
        var offset = value.lowerBound
        let raw = UnsafeRawPointer(base)
        while offset < value.upperBound {
            // ('<' stops the vectors too, and is then passed over below.)
            offset = skipPlainBytes(raw, from: offset, to: value.upperBound)
            guard offset < value.upperBound else { break }
            let byte = base[offset]
            if byte < 0x20 {
                if byte == 0x0A {
                    newlines += 1
                } else if byte != 0x09 {
                    return nil
                }
            } else if byte == 0x26 {
                return nil
            } else if byte == 0xEF, offset + 2 < value.upperBound, base[offset + 1] == 0xBF, base[offset + 2] >= 0xBE {
                return nil
            }
            offset += 1
        }
        return newlines
    }

    /// Whether `<!` at `index` starts neither a comment nor a DOCTYPE: libxml2's HTML parser
    /// reports the `<` as text and reads on (Word's `<![if !supportLists]>` is text to it).
    private static func isLiteralDeclaration(_ base: UnsafePointer<UInt8>, count: Int, at index: Int) -> Bool {
        guard index + 1 < count, base[index + 1] == 0x21 else { return false }
        if index + 3 < count, base[index + 2] == 0x2D, base[index + 3] == 0x2D { return false }  // <!--
        let doctype: [UInt8] = Array("DOCTYPE".utf8)
        guard index + 2 + doctype.count <= count else { return true }
        for offset in 0..<doctype.count where base[index + 2 + offset] & 0xDF != doctype[offset] { return true }
        return false
    }

    /// The first index from `index` on, sixteen bytes at a time while they are all plain (see
    /// ``plainBytes(_:at:)``), where a byte that is not may stand; at most `end`, and past
    /// the last whole sixteen bytes before `end` only when they are all plain.
    @inline(__always)
    static func skipPlainBytes(_ base: UnsafeRawPointer, from index: Int, to end: Int) -> Int {
        var index = index
        while index + 16 <= end {
            let plain = plainBytes(base, at: index)
            index += plain
            if plain < 16 { break }
        }
        return index
    }

    /// How many of the sixteen bytes at `offset` come before the first that is a control
    /// character, `<`, `&` or 0xEF (16 when none is): vector compares (one instruction each,
    /// where the bit tricks of ``BlockWriter/plainBytes(_:at:)`` took four) marking each such
    /// byte 0x80, read as two little-endian words.
    @inline(__always)
    static func plainBytes(_ base: UnsafeRawPointer, at offset: Int) -> Int {
        typealias Bytes = SIMD16<UInt8>
        let bytes = base.loadUnaligned(fromByteOffset: offset, as: Bytes.self)
        let stops = (bytes .< Bytes(repeating: 0x20)) .| (bytes .== Bytes(repeating: 0x3C)) .| (bytes .== Bytes(repeating: 0x26))
            .| (bytes .== Bytes(repeating: 0xEF))
        let marks = unsafeBitCast(Bytes().replacing(with: 0x80, where: stops), to: SIMD2<UInt64>.self)
        if marks[0] != 0 { return marks[0].trailingZeroBitCount / 8 }
        return 8 + marks[1].trailingZeroBitCount / 8  // 16 when both are zero
    }

    private static func containsPlaceholder(_ base: UnsafePointer<UInt8>, count: Int) -> Bool {
        var index = 0
        while index + 2 < count {
            guard let hit = memchr(base + index, Int32(placeholder.0), count - 2 - index) else { return false }
            let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            if base[at + 1] == placeholder.1 && base[at + 2] == placeholder.2 { return true }
            index = at + 1
        }
        return false
    }
}
