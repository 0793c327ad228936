import CLibXML2
import Foundation

/// Builds the element tree of an HTML document from libxml2's SAX events, in one arena.
///
/// libxml2's own tree builder (`xmlSAX2StartElement` and friends) allocates every node, name,
/// attribute, attribute value and text separately and frees them one by one afterwards, which
/// was a fifth to a third of the time spent reading HTML (most of it for Word's attribute-heavy
/// exports). This builder follows the same rules for the parts of the tree the readers look at
/// and writes libxml2's own node structs, so ``MarkupReader`` walks it unchanged:
///
/// - an element is added as the last child of the open element; with none open it goes to the
///   document level if that is empty, else under the document's first child when that is an
///   element, else after the document's last child (`xmlSAX2StartElement`);
/// - a prefixed name (`o:p` from Word) is the part after the first colon, as `xmlSplitQName`
///   leaves it (`o:` and `:x` stay whole); the prefix binds no namespace (`ns` stays nil);
/// - attributes keep their order and full names, each with one text child holding its value;
///   a value-less attribute has no child, except HTML's boolean attributes, whose value is
///   their name (`xmlSAX2AttributeInternal`);
/// - text appends to the open element's last child when that is text (CDATA to CDATA) and is
///   dropped when no element is open (`xmlSAX2Text`); comments and processing instructions
///   are nodes of their own, so they separate text nodes;
/// - an element opened with more than `xmlParserMaxDepth` (256) already open stops the
///   parser, as `nodePush` does.
///
/// Fields filled in: `type`, `name`, `children`, `last`, `parent`, `next`, `prev`, `content`,
/// `properties` and `line`. Names point into the parser's dictionary, so the tree must not
/// outlive the parser context. A final class because it owns the arena's memory.
///
/// Its mutable properties are `@exclusivity(unchecked)`: the runtime's exclusivity checks on
/// class properties cost about 4 % of reading an HTML document here, and the builder is only
/// touched by one parse on one thread, from callbacks that do not nest.
final class HTMLTreeBuilder {
    /// The first element at the document level (libxml2's root element), if any.
    @exclusivity(unchecked) private(set) var root: xmlNodePtr?
    /// The source line at which nesting went past libxml2's depth limit, if it did.
    @exclusivity(unchecked) private(set) var tooDeepLine: Int?

    @exclusivity(unchecked) private var arena: NodeArena
    /// Open elements, innermost last (libxml2's node stack).
    @exclusivity(unchecked) private var open: [xmlNodePtr] = []
    /// Whether the document has any child yet (a DTD, comment, PI or element).
    @exclusivity(unchecked) private var documentHasChildren = false
    /// The document's first child when it is an element (nil when it is anything else).
    @exclusivity(unchecked) private var firstDocumentElement: xmlNodePtr?
    /// The most recent text or CDATA node and its content length (no strlen when text grows).
    @exclusivity(unchecked) private var lastText: xmlNodePtr?
    @exclusivity(unchecked) private var lastTextLength = 0

    /// Runs of text the parser reads as placeholders (``HTMLTextCompaction``), in order.
    private let runs: [HTMLTextCompaction.Run]
    /// The original source the runs' bytes come from (valid during the parse).
    private let source: UnsafePointer<UInt8>?
    /// How many runs have arrived as character data where they were put.
    @exclusivity(unchecked) private var arrivedRuns = 0
    /// How many `<o:p>` start tags the parser reads renamed (``HTMLTextCompaction``).
    private let renamedStarts: Int
    /// How many of them have arrived as elements.
    @exclusivity(unchecked) private var arrivedRenamedStarts = 0
    /// Whether a renamed tag's name showed up in text or an attribute value instead.
    @exclusivity(unchecked) private var renamedNameInText = false
    /// The substitute name and `o:p` in the parser's dictionary (looked up at the first element).
    @exclusivity(unchecked) private var substituteName: UnsafePointer<xmlChar>?
    @exclusivity(unchecked) private var wordParagraphName: UnsafePointer<xmlChar>?
    /// Start tags the parser reads without their attributes, and those attributes in the
    /// source (``HTMLTextCompaction``).
    private let tags: [HTMLTextCompaction.Tag]
    private let attributes: [HTMLTextCompaction.Attribute]
    /// How many of those tags have arrived as elements where they were put.
    @exclusivity(unchecked) private var arrivedTags = 0
    /// Whether one of them was passed without arriving, or arrived with attributes.
    @exclusivity(unchecked) private var missedTag = false
    /// Word paragraph marks the parser does not read (``HTMLTextCompaction/WordParagraph``),
    /// how many have been added, and whether one could not be.
    private let wordParagraphs: [HTMLTextCompaction.WordParagraph]
    @exclusivity(unchecked) private var addedWordParagraphs = 0
    /// Where the next of them stood in what the parser reads (`Int.max` when none is left, or
    /// one could not be added).
    @exclusivity(unchecked) private var nextWordParagraph = Int.max
    @exclusivity(unchecked) private var missedWordParagraph = false
    /// The `<span>` elements left out around runs (``HTMLTextCompaction/Span``), whether one
    /// could not be put back, and `span` in the parser's dictionary.
    private let spans: [HTMLTextCompaction.Span]
    @exclusivity(unchecked) private var missedSpan = false
    @exclusivity(unchecked) private var spanName: UnsafePointer<xmlChar>?
    /// Elements left out whole (``LeftOutElement``) and their content, how many have been
    /// added, whether one could not be, and the names libxml2 would have given them.
    private let elements: [LeftOutElement]
    private let pieces: [LeftOutElement.Piece]
    @exclusivity(unchecked) private var arrivedElements = 0
    @exclusivity(unchecked) private var missedElement = false
    @exclusivity(unchecked) private var elementNames: [(start: Int, length: Int, name: UnsafePointer<xmlChar>)] = []
    /// Whether a new element closes the open one (libxml2's `htmlCheckAutoClose`), by name
    /// pointer: the names libxml2 keeps open are few.
    @exclusivity(unchecked) private var closings: [(new: UnsafePointer<xmlChar>, old: UnsafePointer<xmlChar>, closes: Bool)] = []
    /// Whether a `<body>` was opened (after which libxml2 implies nothing for an unknown element).
    @exclusivity(unchecked) private var sawBody = false
    /// The attribute names last put back: where one stands in the source, its length, and
    /// its lower-cased form in the parser's dictionary (most tags repeat a few names).
    @exclusivity(unchecked) private var recentNames: [(start: Int, length: Int, name: UnsafePointer<xmlChar>)] = []
    @exclusivity(unchecked) private var nextRecentName = 0

    /// Whether every replaced run arrived as character data where it was put and every
    /// renamed `<o:p>` as an element, so the tree is the one libxml2 builds from the original
    /// source (always true without compaction).
    var compactionHeld: Bool {
        arrivedRuns == runs.count && arrivedRenamedStarts == renamedStarts && !renamedNameInText && arrivedTags == tags.count
            && !missedTag && addedWordParagraphs == wordParagraphs.count && !missedWordParagraph && !missedSpan
            && arrivedElements == elements.count && !missedElement
    }

    /// Why the compaction did not hold (for messages), nil when it held.
    var compactionFailure: String? {
        if arrivedRuns < runs.count {
            return "compaction failed at run \(arrivedRuns) of \(runs.count), source offset \(runs[arrivedRuns].sourceStart)"
        }
        if missedSpan {
            return "compaction failed: a span left out around a run could not be put back"
        }
        if arrivedElements != elements.count || missedElement {
            let offset = arrivedElements < elements.count ? elements[arrivedElements].nameStart - 1 : -1
            return "compaction failed: \(arrivedElements) of \(elements.count) elements left out arrived"
                + (missedElement ? ", the last could not be added" : ", the next at source offset \(offset)")
        }
        if addedWordParagraphs != wordParagraphs.count || missedWordParagraph {
            return "compaction failed: \(addedWordParagraphs) of \(wordParagraphs.count) o:p elements left out were added"
        }
        if arrivedTags != tags.count || missedTag {
            let offset = arrivedTags < tags.count ? tags[arrivedTags].nameStart - 1 : -1
            return "compaction failed: \(arrivedTags) of \(tags.count) tags without attributes arrived, the next at source offset \(offset)"
        }
        if arrivedRenamedStarts != renamedStarts || renamedNameInText {
            return "compaction failed: \(arrivedRenamedStarts) of \(renamedStarts) renamed o:p elements arrived"
                + (renamedNameInText ? ", a renamed name in text" : "")
        }
        return nil
    }

    /// - Parameters:
    ///   - sourceBytes: the document's size, to size the arena's first chunk.
    ///   - compaction: what the parser reads instead of the source (the runs replaced, the
    ///     `<o:p>` start tags renamed, the tags cut short), and the original source (which must
    ///     stay valid until the parse ends); nil when it reads the source itself.
    init(sourceBytes: Int, compaction: (compaction: HTMLTextCompaction, source: UnsafePointer<UInt8>)? = nil) {
        arena = NodeArena(sourceBytes: sourceBytes)
        open.reserveCapacity(64)
        runs = compaction?.compaction.runs ?? []
        renamedStarts = compaction?.compaction.renamedStarts ?? 0
        tags = compaction?.compaction.tags ?? []
        wordParagraphs = compaction?.compaction.wordParagraphs ?? []
        spans = compaction?.compaction.spans ?? []
        nextWordParagraph = wordParagraphs.first?.compactPosition ?? Int.max
        attributes = compaction?.compaction.attributes ?? []
        elements = compaction?.compaction.elements ?? []
        pieces = compaction?.compaction.pieces ?? []
        source = compaction?.source
    }

    // MARK: Linking

    private func appendChild(_ child: xmlNodePtr, to parent: xmlNodePtr) {
        NodeArena.appendChild(child, to: parent)
    }

    /// A node added at the document level (`xmlAddChild(doc, node)` or `xmlAddSibling`).
    private func appendToDocument(_ node: xmlNodePtr) {
        if !documentHasChildren {
            documentHasChildren = true
            if node.pointee.type == XML_ELEMENT_NODE { firstDocumentElement = node }
        }
        if root == nil, node.pointee.type == XML_ELEMENT_NODE { root = node }
    }

    /// A comment or processing instruction: under the open element, else at the document level.
    private func appendMisc(_ node: xmlNodePtr) {
        if let parent = open.last { appendChild(node, to: parent) } else { appendToDocument(node) }
    }

    // MARK: Events

    fileprivate func startElement(
        _ fullName: UnsafePointer<xmlChar>, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
        context: htmlParserCtxtPtr
    ) {
        if Self.isPast(nextWordParagraph, context) { addWordParagraphs(context) }
        if arrivedRuns < runs.count, runs[arrivedRuns].span >= 0, let input = context.pointee.input, let base = input.pointee.base,
            let cur = input.pointee.cur, Int(input.pointee.consumed) + (cur - base) == runs[arrivedRuns].compactEnd
        {
            // An element implied for the text of a run whose span was left out (a <p> in
            // <html> or <head>): libxml2 would have opened the span first.
            missedSpan = true
        }
        if !sawBody, fullName[0] == 0x62, fullName[1] == 0x6F, fullName[2] == 0x64, fullName[3] == 0x79, fullName[4] == 0 {
            sawBody = true  // body
        }
        if open.count > Self.maxDepth {
            tooDeepLine = Int(context.pointee.input?.pointee.line ?? 0)
            xmlStopParser(context)
            return
        }
        var fullName = fullName
        var cutTag: HTMLTextCompaction.Tag?
        if arrivedTags < tags.count, !missedTag {
            cutTag = arrivingTag(fullName, context: context)
            if cutTag != nil, attributes != nil { missedTag = true }
        }
        if renamedStarts > 0 {
            // A renamed `<o:p>`: named as libxml2 names the original.
            if substituteName == nil, let dict = context.pointee.dict {
                substituteName = HTMLTextCompaction.wordParagraphSubstitute.withUTF8Buffer {
                    xmlDictLookup(dict, $0.baseAddress, Int32($0.count))
                }
                wordParagraphName = xmlDictLookup(dict, "o:p", 3)
            }
            if fullName == substituteName, let original = wordParagraphName {
                fullName = original
                arrivedRenamedStarts += 1
            }
        }
        let node = arena.node(XML_ELEMENT_NODE)
        node.pointee.name = Self.localName(fullName)
        if context.pointee.linenumbers != 0, let input = context.pointee.input {
            node.pointee.line = UInt16(clamping: min(Int(input.pointee.line), 65535))
        }
        if let parent = open.last {
            appendChild(node, to: parent)
        } else if !documentHasChildren {
            appendToDocument(node)
        } else if let first = firstDocumentElement {
            appendChild(node, to: first)
        } else {
            appendToDocument(node)
        }
        open.append(node)
        if let attributes { addAttributes(attributes, to: node) }
        if let cutTag { addSourceAttributes(cutTag.attributes, to: node, context: context) }
    }

    /// The next tag cut short (``HTMLTextCompaction/Tag``) when the element named `name` is
    /// it: the parser's input stands at the tag's end, and the names agree (the elements
    /// libxml2 implies there have other names). Notes a tag passed without arriving.
    private func arrivingTag(_ name: UnsafePointer<xmlChar>, context: htmlParserCtxtPtr) -> HTMLTextCompaction.Tag? {
        guard let input = context.pointee.input, let base = input.pointee.base, let cur = input.pointee.cur, let source else {
            return nil
        }
        let at = Int(input.pointee.consumed) + (cur - base)
        let tag = tags[arrivedTags]
        if tag.compactEnd < at {
            missedTag = true
            return nil
        }
        guard tag.compactEnd == at else { return nil }
        // libxml2 lower-cases element names.
        let start = source + tag.nameStart
        for offset in 0..<tag.nameLength where ByteClass.lower(start[offset]) != name[offset] { return nil }
        guard name[tag.nameLength] == 0 else { return nil }
        arrivedTags += 1
        return tag
    }

    /// The attributes of a tag cut short, from the source, as libxml2 gives them: names
    /// lower-cased (in the parser's dictionary), values as they stand, a boolean attribute
    /// without a value valued with its name.
    private func addSourceAttributes(_ range: Range<Int>, to element: xmlNodePtr, context: htmlParserCtxtPtr) {
        guard !range.isEmpty, let source else { return }
        var last: UnsafeMutablePointer<xmlAttr>?
        // By index: a slice of the array (`attributes[range]`) retained and released its
        // buffer per tag, two atomic operations that cost more than the rest of a short tag.
        for index in range {
            let attribute = attributes[index]
            guard let name = internedName(attribute.name, context: context) else {
                missedTag = true
                return
            }
            var value: (bytes: UnsafePointer<xmlChar>?, count: Int)?
            if let range = attribute.value {
                value = (source + range.lowerBound, range.count)
            } else if htmlIsBooleanAttr(name) != 0 {
                value = (name, attribute.name.count)
            }
            last = arena.attribute(name, value: value, of: element, after: last)
        }
    }

    /// The attribute name at `range` of the source, lower-cased, in the parser's dictionary
    /// (as libxml2 names attributes); nil when the dictionary cannot take it.
    private func internedName(_ range: Range<Int>, context: htmlParserCtxtPtr) -> UnsafePointer<xmlChar>? {
        guard let source else { return nil }
        let length = range.count  // under 90 (HTMLTextCompaction.attributes)
        let start = source + range.lowerBound
        for recent in recentNames where recent.length == length && memcmp(source + recent.start, start, length) == 0 {
            return recent.name
        }
        guard let dict = context.pointee.dict else { return nil }
        var lowered = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let interned = withUnsafeMutableBytes(of: &lowered) { buffer in
            let name = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for offset in 0..<length { name[offset] = ByteClass.lower(start[offset]) }
            return xmlDictLookup(dict, name, Int32(length))
        }
        guard let interned else { return nil }
        if recentNames.count < 8 {
            recentNames.append((range.lowerBound, length, interned))
        } else {
            recentNames[nextRecentName] = (range.lowerBound, length, interned)
            nextRecentName = (nextRecentName + 1) & 7
        }
        return interned
    }

    private func addAttributes(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>, to element: xmlNodePtr) {
        var index = 0
        var last: UnsafeMutablePointer<xmlAttr>?
        while let name = attributes[index] {
            var value = attributes[index + 1]
            index += 2
            if value == nil, htmlIsBooleanAttr(name) != 0 { value = name }
            let text = value.map { (bytes: Optional($0), count: strlen(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))) }
            if renamedStarts > 0, let text, let bytes = text.bytes, Self.holdsSubstituteTag(bytes, count: text.count) {
                renamedNameInText = true
            }
            let attribute = arena.attribute(name, value: text, of: element, after: last)
            last = attribute
        }
    }

    fileprivate func endElement(context: htmlParserCtxtPtr) {
        if Self.isPast(nextWordParagraph, context) { addWordParagraphs(context) }
        _ = open.popLast()
    }

    /// A `<span>` left out around the run arriving now, added to `parent` with its attributes,
    /// as libxml2 would have opened it: nil where it would have done more (closed a `<head>`,
    /// implied a `<body>` or a `<p>` for the text in an `<html>` or `<head>`, stopped at its
    /// depth limit).
    private func putBackSpan(_ span: HTMLTextCompaction.Span, in parent: xmlNodePtr, context: htmlParserCtxtPtr) -> xmlNodePtr? {
        guard sawBody, open.count < Self.maxDepth, let parentName = parent.pointee.name, let input = context.pointee.input else { return nil }
        if Self.isHTMLOrHead(parentName) { return nil }
        if spanName == nil, let dict = context.pointee.dict { spanName = xmlDictLookup(dict, "span", 4) }
        guard let spanName else { return nil }
        let node = arena.node(XML_ELEMENT_NODE)
        node.pointee.name = spanName
        if context.pointee.linenumbers != 0 {
            node.pointee.line = UInt16(clamping: min(Int(input.pointee.line) - span.newlines, 65535))
        }
        appendChild(node, to: parent)
        addSourceAttributes(span.attributes, to: node, context: context)
        return node
    }

    /// Whether a (lower-case) element name is `html` or `head`.
    @inline(__always)
    private static func isHTMLOrHead(_ name: UnsafePointer<xmlChar>) -> Bool {
        name[0] == 0x68
            && (name[1] == 0x65 && name[2] == 0x61 && name[3] == 0x64 || name[1] == 0x74 && name[2] == 0x6D && name[3] == 0x6C)
            && name[4] == 0
    }

    /// Whether the parser's input stands past `position` (which is `Int.max` for none).
    @inline(__always)
    private static func isPast(_ position: Int, _ context: htmlParserCtxtPtr) -> Bool {
        guard position != Int.max, let input = context.pointee.input, let base = input.pointee.base, let cur = input.pointee.cur else {
            return false
        }
        return Int(input.pointee.consumed) + (cur - base) > position
    }

    /// Adds the Word paragraph marks left out that stood before where the parser's input
    /// stands (at an event from past them) to the open element, each with its `&nbsp;` text,
    /// as libxml2 would have: an element named `p` (`o:p` split), on the line it stood on.
    private func addWordParagraphs(_ context: htmlParserCtxtPtr) {
        guard !missedWordParagraph, let input = context.pointee.input, let base = input.pointee.base, let cur = input.pointee.cur else {
            return
        }
        let consumed = Int(input.pointee.consumed)
        let at = consumed + (cur - base)
        while addedWordParagraphs < wordParagraphs.count, wordParagraphs[addedWordParagraphs].compactPosition < at {
            let mark = wordParagraphs[addedWordParagraphs]
            // libxml2 would have implied elements for it without an open <body>, and stopped at its depth limit.
            guard sawBody, let parent = open.last, open.count < Self.maxDepth, mark.compactPosition >= consumed else {
                missedWordParagraph = true
                nextWordParagraph = Int.max
                return
            }
            addedWordParagraphs += 1
            if wordParagraphName == nil, let dict = context.pointee.dict { wordParagraphName = xmlDictLookup(dict, "o:p", 3) }
            guard let name = wordParagraphName else {
                missedWordParagraph = true
                nextWordParagraph = Int.max
                return
            }
            let node = arena.node(XML_ELEMENT_NODE)
            node.pointee.name = Self.localName(name)
            let numbered = context.pointee.linenumbers != 0
            var line = 0
            if numbered {
                // The input's line, less the newlines between the mark and the input.
                line = Int(input.pointee.line)
                var byte = base + (mark.compactPosition - consumed)
                while byte < cur {
                    if byte.pointee == 0x0A { line -= 1 }
                    byte += 1
                }
                node.pointee.line = UInt16(clamping: min(line, 65535))
            }
            appendChild(node, to: parent)
            if mark.holdsSpace {
                let text = arena.node(XML_TEXT_NODE)
                let space = arena.copy(nil, count: 2)
                space[0] = 0xC2  // U+00A0 (&nbsp;)
                space[1] = 0xA0
                text.pointee.content = space
                if numbered { text.pointee.line = UInt16(clamping: min(line, 65535)) }
                appendChild(text, to: node)
                lastText = text
                lastTextLength = 2
            }
        }
        nextWordParagraph = addedWordParagraphs < wordParagraphs.count ? wordParagraphs[addedWordParagraphs].compactPosition : Int.max
    }

    fileprivate func text(_ bytes: UnsafePointer<xmlChar>?, count: Int, type: xmlElementType, context: htmlParserCtxtPtr) {
        if Self.isPast(nextWordParagraph, context) { addWordParagraphs(context) }
        var bytes = bytes
        var count = count
        var run: HTMLTextCompaction.Run?
        if arrivedRuns < runs.count, type == XML_TEXT_NODE, let given = bytes, let source {
            // A placeholder, reported as character data where it was put: the run's own text.
            let next = runs[arrivedRuns]
            let at = next.placeholderOffset
            if count == next.compactLength, given[at] == HTMLTextCompaction.placeholder.0,
                given[at + 1] == HTMLTextCompaction.placeholder.1, given[at + 2] == HTMLTextCompaction.placeholder.2,
                let input = context.pointee.input, let base = input.pointee.base, let cur = input.pointee.cur,
                Int(input.pointee.consumed) + (cur - base) == next.compactEnd
            {
                arrivedRuns += 1
                bytes = source + next.sourceStart
                count = next.sourceEnd - next.sourceStart
                run = next
            }
        }
        if run == nil, renamedStarts > 0, let bytes, Self.holdsSubstituteTag(bytes, count: count) { renamedNameInText = true }
        guard var parent = open.last else { return }
        if let run, run.span >= 0 {
            if let span = putBackSpan(spans[run.span], in: parent, context: context) {
                parent = span
            } else {
                missedSpan = true
            }
        }
        if let last = parent.pointee.last, last.pointee.type == type, let content = last.pointee.content {
            let length = last == lastText ? lastTextLength : strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
            if count > 0, let bytes {
                last.pointee.content = arena.appending(bytes, count: count, to: content, length: length)
            }
            last.pointee._private = nil  // no longer one run's text
            lastText = last
            lastTextLength = length + count
            return
        }
        let node = arena.node(type)
        node.pointee.content = arena.copy(bytes, count: count)
        if let run { node.pointee._private = arena.sourceSpan(run.sourceStart..<run.sourceEnd) }
        if context.pointee.linenumbers != 0, let input = context.pointee.input {
            node.pointee.line = UInt16(clamping: min(Int(input.pointee.line), 65535))
        }
        appendChild(node, to: parent)
        lastText = node
        lastTextLength = count
    }

    fileprivate func comment(context: htmlParserCtxtPtr) {
        if Self.isPast(nextWordParagraph, context) { addWordParagraphs(context) }
        if arrivedElements < elements.count, let input = context.pointee.input, let base = input.pointee.base,
            let cur = input.pointee.cur, Int(input.pointee.consumed) + (cur - base) == elements[arrivedElements].compactEnd
        {
            // The comment standing for elements left out.
            let at = elements[arrivedElements].compactEnd
            while arrivedElements < elements.count, elements[arrivedElements].compactEnd == at {
                arrivedElements += 1
                if !missedElement, !addElement(elements[arrivedElements - 1], context: context) { missedElement = true }
            }
            return
        }
        appendMisc(arena.node(XML_COMMENT_NODE))
    }

    /// Adds an element left out (``LeftOutElement``) with its attributes and content to the
    /// open element, after the blanks before it, as libxml2 would have read them where their
    /// comment stands; false where libxml2 would have done more or less (closed the open
    /// element or implied one, dropped the blanks, stopped at its depth limit) or the open
    /// elements are not libxml2's.
    private func addElement(_ element: LeftOutElement, context: htmlParserCtxtPtr) -> Bool {
        if let blanks = element.blanks, !addBlanks(blanks, line: element.newlines, context: context) { return false }
        guard context.pointee.html >= 10, context.pointee.nameNr > 0, Int(context.pointee.nameNr) == open.count,
            let name = elementName(source: element.nameStart, length: element.nameLength, context: context),
            autoClose(for: name, context: context)
        else { return false }
        let parser = context.pointee
        guard parser.nameNr > 0, open.count + 3 < Self.maxDepth, let parent = open.last, let input = parser.input else { return false }
        let numbered = parser.linenumbers != 0
        let line = Int(input.pointee.line) - element.newlines
        @inline(__always) func node(_ type: xmlElementType, newlines: Int) -> xmlNodePtr {
            let node = arena.node(type)
            if numbered { node.pointee.line = UInt16(clamping: min(line + newlines, 65535)) }
            return node
        }
        let added = node(XML_ELEMENT_NODE, newlines: element.tagNewlines)
        added.pointee.name = name
        appendChild(added, to: parent)
        addSourceAttributes(element.attributes, to: added, context: context)
        var container = added
        // Where the markup before the next text begins: the element's start tag, the end of
        // the text before (the compaction read only tags, each as skipMarkup reads it, between
        // them), or past an `&nbsp;` (a reference, no markup).
        var markupFrom = element.nameStart - 1
        // The text node text and references next to it join (libxml2 reports each as character
        // data, which its builder, like this one, appends to the text before), with its length.
        var openText: (node: xmlNodePtr, length: Int)?
        for index in element.pieces {
            let piece = pieces[index]
            switch piece.kind {
            case .text, .reference:
                guard let source else { return false }
                var encoded = MarkupScanner.utf8(piece.scalar)  // (for a reference)
                withUnsafeBytes(of: &encoded.bytes) { character in
                    let bytes = piece.kind == .text ? source + piece.range.lowerBound : character.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    let count = piece.kind == .text ? piece.range.count : encoded.count
                    if let open = openText, let content = open.node.pointee.content {
                        open.node.pointee.content = arena.appending(bytes, count: count, to: content, length: open.length)
                        openText = (open.node, open.length + count)
                        return
                    }
                    let text = node(XML_TEXT_NODE, newlines: piece.newlines)
                    text.pointee.content = arena.copy(bytes, count: count)
                    // A verbatim copy of its span unless a reference joins it.
                    if piece.kind == .text, index + 1 == element.pieces.upperBound || pieces[index + 1].kind != .reference {
                        text.pointee._private = arena.sourceSpan(piece.range, markupFrom: markupFrom)
                    }
                    appendChild(text, to: container)
                    openText = (text, count)
                }
                markupFrom = piece.range.upperBound
            case .spanStart:
                openText = nil
                if spanName == nil, let dict = parser.dict { spanName = xmlDictLookup(dict, "span", 4) }
                guard let spanName, !closes(spanName, name) else { return false }
                let span = node(XML_ELEMENT_NODE, newlines: piece.newlines)
                span.pointee.name = spanName
                appendChild(span, to: container)
                addSourceAttributes(piece.range, to: span, context: context)
                container = span
            case .spanEnd:
                openText = nil
                container = added
            case .wordParagraph, .wordParagraphSpace:
                openText = nil
                if wordParagraphName == nil, let dict = parser.dict { wordParagraphName = xmlDictLookup(dict, "o:p", 3) }
                guard let wordParagraphName, !closes(wordParagraphName, name) else { return false }
                let mark = node(XML_ELEMENT_NODE, newlines: piece.newlines)
                mark.pointee.name = Self.localName(wordParagraphName)
                appendChild(mark, to: container)
                if piece.kind == .wordParagraphSpace {
                    let text = node(XML_TEXT_NODE, newlines: piece.newlines)
                    let space = arena.copy(nil, count: 2)
                    space[0] = 0xC2  // U+00A0 (&nbsp;)
                    space[1] = 0xA0
                    text.pointee.content = space
                    appendChild(text, to: mark)
                    markupFrom = piece.range.lowerBound + 11  // after "<o:p>&nbsp;"
                }
            }
        }
        return true
    }

    /// Adds the blanks at `range` of the source, which end `newlines` newlines before where the
    /// parser's input stands, to the open element as libxml2 reports them: as text. False in
    /// `<html>` and `<head>`, where libxml2 may take them for ignorable (`areBlanks`), and
    /// with a document or node of libxml2's own (which this builder's parser has not), which
    /// would make it look further.
    private func addBlanks(_ range: Range<Int>, line newlines: Int, context: htmlParserCtxtPtr) -> Bool {
        guard let source, let parent = open.last, let name = context.pointee.name, let input = context.pointee.input,
            context.pointee.myDoc == nil, context.pointee.node == nil, Int(context.pointee.nameNr) == open.count
        else { return false }
        if Self.isHTMLOrHead(name) { return false }
        if let last = parent.pointee.last, last.pointee.type == XML_TEXT_NODE { return false }  // (would be joined)
        let text = arena.node(XML_TEXT_NODE)
        text.pointee.content = arena.copy(source + range.lowerBound, count: range.count)
        if context.pointee.linenumbers != 0 { text.pointee.line = UInt16(clamping: min(Int(input.pointee.line) - newlines, 65535)) }
        appendChild(text, to: parent)
        return true
    }

    /// The name libxml2 gives the element whose name stands at `start` in the source:
    /// lower-cased, in the parser's dictionary.
    private func elementName(source start: Int, length: Int, context: htmlParserCtxtPtr) -> UnsafePointer<xmlChar>? {
        guard let source, let dict = context.pointee.dict, length <= 8 else { return nil }
        for known in elementNames where known.length == length && memcmp(source + known.start, source + start, length) == 0 {
            return known.name
        }
        var lowered: UInt64 = 0
        let name = withUnsafeMutableBytes(of: &lowered) { buffer in
            let bytes = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for offset in 0..<length { bytes[offset] = ByteClass.lower(source[start + offset]) }
            return xmlDictLookup(dict, bytes, Int32(length))
        }
        if let name { elementNames.append((start, length, name)) }
        return name
    }

    /// Closes the open elements a start tag named `name` closes, as libxml2 does before it
    /// reads one (`htmlAutoClose`: while the innermost open element is one the tag closes, end
    /// it and pop it off the parser's name stack); false (with nothing closed) when this
    /// cannot tell which it closes.
    private func autoClose(for name: UnsafePointer<xmlChar>, context: htmlParserCtxtPtr) -> Bool {
        while let current = context.pointee.name, closes(name, current) {
            if xmlStrEqual(name, current) != 0, !Self.closesItself(name) { return false }
            // htmlnamePop, with the endElement event it follows.
            guard let names = context.pointee.nameTab, context.pointee.nameNr > 0, open.count == Int(context.pointee.nameNr) else {
                return false
            }
            _ = open.popLast()
            let count = Int(context.pointee.nameNr) - 1
            context.pointee.nameNr = Int32(count)
            context.pointee.name = count > 0 ? names[count - 1] : nil
            names[count] = nil
        }
        return true
    }

    /// Whether a `p`, `li`, `td` or `th` start tag closes an open element of its own name (it
    /// does, in libxml2's table, which `htmlAutoCloseTag` cannot be asked about one name).
    private static func closesItself(_ name: UnsafePointer<xmlChar>) -> Bool {
        switch (name[0], name[1]) {
        case (0x70, 0): return true  // p
        case (0x6C, 0x69), (0x74, 0x64), (0x74, 0x68): return name[2] == 0  // li td th
        default: return false
        }
    }

    /// Whether libxml2 closes an open element named `old` on reading a start tag named `new`
    /// (`htmlCheckAutoClose`, asked through `htmlAutoCloseTag`); the same name is taken to
    /// close (see ``closesItself(_:)``).
    private func closes(_ new: UnsafePointer<xmlChar>, _ old: UnsafePointer<xmlChar>) -> Bool {
        for known in closings where known.new == new && known.old == old { return known.closes }
        var closes = xmlStrEqual(new, old) != 0
        if !closes {
            var probe = xmlNode()
            probe.type = XML_ELEMENT_NODE
            probe.name = new
            closes = withUnsafeMutablePointer(to: &probe) { htmlAutoCloseTag(nil, old, $0) } != 0
        }
        if closings.count < 64 { closings.append((new, old, closes)) }
        return closes
    }

    fileprivate func processingInstruction(context: htmlParserCtxtPtr) {
        if Self.isPast(nextWordParagraph, context) { addWordParagraphs(context) }
        appendMisc(arena.node(XML_PI_NODE))
    }

    /// A DOCTYPE: libxml2 puts the DTD first among an HTML document's children.
    fileprivate func internalSubset(context: htmlParserCtxtPtr) {
        if Self.isPast(nextWordParagraph, context) { addWordParagraphs(context) }
        documentHasChildren = true
        firstDocumentElement = nil
    }

    /// Whether text holds `<` and the substitute name, or `</` and it (any case): a renamed
    /// tag libxml2 did not read as a tag.
    private static func holdsSubstituteTag(_ bytes: UnsafePointer<xmlChar>, count: Int) -> Bool {
        var index = 0
        while index < count {
            guard let hit = memchr(bytes + index, 0x3C, count - index) else { return false }
            var at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - bytes + 1
            if at < count, bytes[at] == 0x2F { at += 1 }
            let matches = HTMLTextCompaction.wordParagraphSubstitute.withUTF8Buffer { wanted in
                guard at + wanted.count <= count else { return false }
                for offset in 0..<wanted.count where bytes[at + offset] | 0x20 != wanted[offset] { return false }
                return true
            }
            if matches { return true }
            index = at
        }
        return false
    }

    /// libxml2's `xmlParserMaxDepth` (256), which nothing in revtag changes.
    private static let maxDepth = 256

    /// The part of a qualified name after the first colon (`xmlSplitQName`); the whole name
    /// when it has no colon, starts with one or ends with its first one (`o:`).
    private static func localName(_ name: UnsafePointer<xmlChar>) -> UnsafePointer<xmlChar> {
        guard name[0] != 0x3A else { return name }
        var index = 0
        while name[index] != 0 {
            if name[index] == 0x3A { return name[index + 1] == 0 ? name : name + index + 1 }
            index += 1
        }
        return name
    }

    // MARK: SAX handler

    /// Points the parser's SAX handler at this builder (the context's `_private`); the builder
    /// must outlive the parse.
    func install(on context: htmlParserCtxtPtr) {
        context.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        guard let sax = context.pointee.sax else { return }
        let initialized = sax.pointee.initialized
        sax.pointee = htmlSAXHandler()
        sax.pointee.initialized = initialized
        sax.pointee.startElement = { context, name, attributes in
            guard let context, let name else { return }
            let parser = context.assumingMemoryBound(to: htmlParserCtxt.self)
            HTMLTreeBuilder.with(parser) { $0.startElement(name, attributes: attributes, context: parser) }
        }
        sax.pointee.endElement = { context, _ in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: htmlParserCtxt.self)
            HTMLTreeBuilder.with(parser) { $0.endElement(context: parser) }
        }
        sax.pointee.characters = { context, bytes, count in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: htmlParserCtxt.self)
            HTMLTreeBuilder.with(parser) { $0.text(bytes, count: Int(count), type: XML_TEXT_NODE, context: parser) }
        }
        sax.pointee.cdataBlock = { context, bytes, count in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: htmlParserCtxt.self)
            HTMLTreeBuilder.with(parser) { $0.text(bytes, count: Int(count), type: XML_CDATA_SECTION_NODE, context: parser) }
        }
        sax.pointee.comment = { context, _ in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: htmlParserCtxt.self)
            HTMLTreeBuilder.with(parser) { $0.comment(context: parser) }
        }
        sax.pointee.processingInstruction = { context, _, _ in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: htmlParserCtxt.self)
            HTMLTreeBuilder.with(parser) { $0.processingInstruction(context: parser) }
        }
        sax.pointee.internalSubset = { context, _, _, _ in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: htmlParserCtxt.self)
            HTMLTreeBuilder.with(parser) { $0.internalSubset(context: parser) }
        }
    }

    /// Runs `body` on the context's builder without retaining it (the caller keeps it alive).
    private static func with(_ context: htmlParserCtxtPtr, _ body: (HTMLTreeBuilder) -> Void) {
        Unmanaged<HTMLTreeBuilder>.fromOpaque(context.pointee._private)._withUnsafeGuaranteedRef(body)
    }
}
