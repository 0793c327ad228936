import CLibXML2
import ReviewModel

/// What an element means for block structure.
enum ElementRole: Equatable {
    /// Left out with its content (navigation, forms, cookie banners); its text is still
    /// located so the source cursor stays in step.
    case skip
    /// Left out, and its content is raw text the scanner skips anyway (`<script>`, `<style>`).
    case skipRaw
    /// Starts a block of its own.
    case block(BlockKind, level: Int?)
    /// A `<blockquote>`: the blocks inside are quotes.
    case quote
    case table
    case row
    case cell
    /// A line break: a space between words.
    case lineBreak
    /// A container: ends an anonymous paragraph, separates words inside a block.
    case structural
    /// Inline markup: transparent.
    case inline
    /// A document-level metadata container (`<head>`, `<teiHeader>`, DocBook `<info>`):
    /// skipped, but its title is the document's title.
    case metadata
}

/// What an HTML element's name alone says about it (``MarkupReader/htmlRole(_:_:)`` adds
/// what its attributes say); computed once per distinct name.
enum HTMLElementClass {
    case raw
    case metadata
    /// `<title>`: metadata, and the document's title.
    case title
    case heading(level: Int)
    case paragraph
    case listItem
    case blockquote
    case table
    case row
    case cell
    case lineBreak
    /// A block of its own read as a paragraph (`pre`, `caption`, `address`, ...).
    case block
    case skipped
    case structural
    case other

    init(_ name: String) {
        switch name {
        case "script", "style", "template": self = .raw
        case "head": self = .metadata
        case "title": self = .title
        case "h1", "h2", "h3", "h4", "h5", "h6": self = .heading(level: Int(name.utf8.last! - 0x30))
        case "p": self = .paragraph
        case "li", "dt", "dd": self = .listItem
        case "blockquote": self = .blockquote
        case "table": self = .table
        case "tr": self = .row
        case "td", "th": self = .cell
        case "br": self = .lineBreak
        case "pre", "caption", "figcaption", "address", "summary", "legend": self = .block
        default:
            if MarkupReader.htmlSkipped.contains(name) {
                self = .skipped
            } else if MarkupReader.htmlStructural.contains(name) {
                self = .structural
            } else {
                self = .other
            }
        }
    }
}

/// Which element vocabulary a markup document uses.
enum Vocabulary {
    case html
    /// XML of any vocabulary: DocBook and TEI names, then a fallback on structure.
    case xml
}

/// Walks a libxml2 tree (HTML or XML) and writes its blocks.
struct MarkupReader {
    private struct Context {
        var request: BlockRequest
        var anonymous: Bool
    }

    private var writer: BlockWriter
    private var vocabulary: Vocabulary
    private let maxDepth: Int
    private let name: String
    private var context: Context?
    private var quoteDepth = 0
    private var tables: [(row: Int, column: Int)] = []
    /// Lower-cased element names by their bytes (libxml2's HTML parser gives every element
    /// its own copy of its name, so the pointer is no key).
    private var names: [NameKey: String] = [:]
    /// The document's own title (`<title>`, TEI `titleStmt/title`, DocBook `info/title`).
    private(set) var title: String?
    /// Whether the tree is one ``HTMLTreeBuilder`` built, whose text nodes may know their
    /// source span (`xmlNodePtr.knownSourceSpan`).
    var knowsSourceSpans = false

    /// - Parameter vocabulary: `.xml` turns into `.html` when the root element is `<html>` (XHTML).
    init(writer: BlockWriter, vocabulary: Vocabulary, maxDepth: Int, name: String) {
        self.writer = writer
        self.vocabulary = vocabulary
        self.maxDepth = maxDepth
        self.name = name
    }

    /// Reads the tree under `root` and returns the finished document.
    mutating func read(root: xmlNodePtr?) throws(ParseError) -> ReviewDocument {
        if let root {
            if root.lowercasedName == "html" { vocabulary = .html }
            try visit(root, depth: 1)
        }
        var document = writer.build()
        document.metadata.title = title
        return document
    }

    /// Number of text nodes whose source position could not be found.
    var unlocatedCount: Int { writer.scanner.failures }

    // MARK: Walking

    /// Recently seen names by their pointer (direct-mapped, in three arrays of the same
    /// slots: the pointer, the lower-cased name and its HTML class, so that reading the class
    /// copies no string). libxml2 keeps one copy of each name in its dictionary, and no node is
    /// freed during the walk, so within one document a pointer always stands for the same
    /// name. The last slot is for elements without a name.
    private var recentPointers = [UnsafePointer<xmlChar>?](repeating: nil, count: 257)
    private var recentNames = [String](repeating: "", count: 257)
    private var recentClasses = [HTMLElementClass](repeating: .other, count: 257)

    /// The slot of `recentPointers`, `recentNames` and `recentClasses` that holds the
    /// element's lower-cased local name and its HTML class.
    private mutating func cachedSlot(of node: xmlNodePtr) -> Int {
        guard let pointer = node.pointee.name else {
            recentClasses[256] = HTMLElementClass("")
            return 256
        }
        // Names in libxml2's dictionary lie a few bytes apart: hash every bit of the pointer
        // (dropping the low ones would put "p", "b" and "i" in one slot).
        let slot = Int(truncatingIfNeeded: (UInt64(UInt(bitPattern: pointer)) &* 0x9E37_79B9_7F4A_7C15) >> 56)
        if recentPointers[slot] == pointer { return slot }
        let name = name(of: node)
        recentPointers[slot] = pointer
        recentNames[slot] = name
        recentClasses[slot] = HTMLElementClass(name)
        return slot
    }

    /// The element's lower-cased local name, computed once per distinct name.
    private mutating func name(of node: xmlNodePtr) -> String {
        guard let pointer = node.pointee.name else { return "" }
        guard let key = NameKey(pointer) else { return node.lowercasedName }
        if let known = names[key] { return known }
        let computed = node.lowercasedName
        names[key] = computed
        return computed
    }

    private mutating func visit(_ node: xmlNodePtr, depth: Int) throws(ParseError) {
        guard depth <= maxDepth else {
            throw .tooDeep(name: name, line: Int(xmlGetLineNo(node)), limit: maxDepth)
        }
        switch node.pointee.type {
        case XML_ELEMENT_NODE:
            try element(node, depth: depth)
        case XML_TEXT_NODE:
            text(node)
        case XML_CDATA_SECTION_NODE:
            cdata(node)
        case XML_ENTITY_REF_NODE:
            entityReference(node)
        default:
            break
        }
    }

    private mutating func children(_ node: xmlNodePtr, depth: Int) throws(ParseError) {
        var child = node.pointee.children
        while let current = child {
            try visit(current, depth: depth + 1)
            child = current.pointee.next
        }
    }

    private mutating func element(_ node: xmlNodePtr, depth: Int) throws(ParseError) {
        let slot = cachedSlot(of: node)
        let htmlClass = recentClasses[slot]
        let role: ElementRole
        switch vocabulary {
        case .html: role = Self.htmlRole(htmlClass, node)
        case .xml: role = xmlRole(recentNames[slot], node)
        }
        // An HTML `<p>` (what a bold paragraph turning into a heading needs to know).
        var isHTMLParagraph = false
        if vocabulary == .html, case .paragraph = htmlClass { isHTMLParagraph = true }
        switch role {
        case .skip:
            try consume(node, depth: depth)
        case .skipRaw:
            break
        case .metadata:
            // (The slot still holds this element's name: nothing was read since.)
            let isTitle: Bool
            if vocabulary == .html, case .title = htmlClass { isTitle = true } else { isTitle = recentNames[slot] == "title" }
            if title == nil, let titleNode = isTitle ? node : node.firstDescendant(named: "title") {
                let text = Self.collapse(titleNode.textContent)
                if !text.isEmpty { title = text }
            }
            try consume(node, depth: depth)
        case .inline:
            try children(node, depth: depth)
        case .lineBreak:
            writer.softBreak(at: writer.scanner.cursor)
        case .structural:
            try structural(node, depth: depth)
        case .block(let kind, let level):
            try block(node, depth: depth, request: BlockRequest(kind: kind, level: level), isHTMLParagraph: isHTMLParagraph)
        case .quote:
            quoteDepth += 1
            if let context, !context.anonymous {
                // A quote inside a list item or cell: part of that block.
                writer.softBreak(at: writer.scanner.cursor)
                try children(node, depth: depth)
            } else {
                try block(node, depth: depth, request: BlockRequest(kind: .quote), isHTMLParagraph: isHTMLParagraph)
            }
            quoteDepth -= 1
        case .table:
            endAnonymous()
            tables.append((row: -1, column: 0))
            try children(node, depth: depth)
            tables.removeLast()
            endAnonymous()
        case .row:
            endAnonymous()
            if !tables.isEmpty {
                tables[tables.count - 1].row += 1
                tables[tables.count - 1].column = 0
            }
            try children(node, depth: depth)
        case .cell:
            var row = 0
            var column = 0
            if let last = tables.last {
                row = max(0, last.row)
                column = last.column
                let span = node.numberAttribute("colspan").map { Int($0) } ?? 1
                tables[tables.count - 1].column += max(1, min(span, 1000))
            }
            try block(node, depth: depth, request: BlockRequest(kind: .tableCell, row: row, column: column), isHTMLParagraph: isHTMLParagraph)
        }
    }

    /// Walks a skipped subtree, only moving the source cursor past its text.
    private mutating func consume(_ node: xmlNodePtr, depth: Int) throws(ParseError) {
        guard depth <= maxDepth else {
            throw .tooDeep(name: name, line: Int(xmlGetLineNo(node)), limit: maxDepth)
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_TEXT_NODE:
                _ = locate(current, current.contentBuffer)
            case XML_CDATA_SECTION_NODE:
                _ = writer.scanner.locateCDATA(current.contentBuffer)
            case XML_ELEMENT_NODE:
                if vocabulary == .html, current.nameIs("script") || current.nameIs("style") { break }
                try consume(current, depth: depth + 1)
            default:
                break
            }
            child = current.pointee.next
        }
    }

    private mutating func structural(_ node: xmlNodePtr, depth: Int) throws(ParseError) {
        if let context, !context.anonymous {
            writer.softBreak(at: writer.scanner.cursor)
            try children(node, depth: depth)
            writer.softBreak(at: writer.scanner.cursor)
            return
        }
        endAnonymous()
        try children(node, depth: depth)
        endAnonymous()
    }

    private mutating func block(_ node: xmlNodePtr, depth: Int, request: BlockRequest, isHTMLParagraph: Bool) throws(ParseError) {
        var request = request
        if let outer = context, !outer.anonymous, request.kind == .paragraph {
            let outerKind = outer.request.kind
            if outerKind == .listItem || outerKind == .tableCell || outerKind == .heading {
                // A paragraph inside a list item, cell or heading is part of it.
                writer.softBreak(at: writer.scanner.cursor)
                try children(node, depth: depth)
                writer.softBreak(at: writer.scanner.cursor)
                return
            }
        }
        if request.kind == .paragraph && quoteDepth > 0 { request.kind = .quote }
        if request.kind == .paragraph, isHTMLParagraph, let level = Self.boldHeadingLevel(node) {
            request = BlockRequest(kind: .heading, level: level)
        }
        let saved = context
        context = Context(request: request, anonymous: false)
        writer.requestBlock(request)
        try children(node, depth: depth)
        writer.endBlock()
        if let saved, !saved.anonymous {
            context = saved
            writer.requestBlock(saved.request)  // the rest of the outer block, if it has more text
        } else {
            context = nil
        }
    }

    private mutating func endAnonymous() {
        if let context, context.anonymous {
            writer.endBlock()
            self.context = nil
        }
    }

    private mutating func text(_ node: xmlNodePtr) {
        let content = node.contentBuffer
        if context == nil {
            var visible = false
            for byte in content where !ByteClass.isSpace(byte) {
                visible = true
                break
            }
            guard visible else {
                _ = locate(node, content)
                return
            }
            let request = BlockRequest(kind: quoteDepth > 0 ? .quote : .paragraph)
            context = Context(request: request, anonymous: true)
            writer.requestBlock(request)
        }
        if let range = locate(node, content) {
            writer.write(range)
        } else {
            writer.writeUnlocated(content, at: writer.scanner.cursor)
        }
    }

    /// Where a text node's content lies in the source (``MarkupScanner/locate(_:)``), told
    /// directly when the tree knows it.
    private mutating func locate(_ node: xmlNodePtr, _ content: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        if knowsSourceSpans, let span = node.knownSourceSpan {
            return writer.scanner.locate(content, knownSpan: span, markupFrom: node.knownMarkupStart)
        }
        return writer.scanner.locate(content)
    }

    private mutating func cdata(_ node: xmlNodePtr) {
        let content = node.contentBuffer
        if context == nil {
            guard content.contains(where: { !ByteClass.isSpace($0) }) else {
                _ = writer.scanner.locateCDATA(content)
                return
            }
            let request = BlockRequest(kind: quoteDepth > 0 ? .quote : .paragraph)
            context = Context(request: request, anonymous: true)
            writer.requestBlock(request)
        }
        if let range = writer.scanner.locateCDATA(content) {
            writer.writeRaw(range)
        } else {
            writer.writeUnlocated(content, at: writer.scanner.cursor)
        }
    }

    /// An entity reference libxml2 left unexpanded (XML without entity substitution). An
    /// undeclared HTML character entity (`&rsquo;` in XHTML read without its DTD) is written
    /// as its character; an entity the document declares itself is left out, never expanded.
    private mutating func entityReference(_ node: xmlNodePtr) {
        let entityName = node.nameBytes
        let declared = node.pointee.children != nil
        guard let range = writer.scanner.locateReference(entityName) else { return }
        guard !declared, let value = LibXML.htmlEntity(entityName) else { return }
        if context == nil {
            let request = BlockRequest(kind: quoteDepth > 0 ? .quote : .paragraph)
            context = Context(request: request, anonymous: true)
            writer.requestBlock(request)
        }
        writer.writeCharacter(value, for: range)
    }

    // MARK: Roles

    static let htmlSkipped: Set<String> = [
        "nav", "header", "footer", "aside", "form", "noscript", "iframe", "svg", "math", "select", "button", "object",
        "embed", "canvas", "map", "audio", "video", "dialog", "menu",
    ]
    static let htmlStructural: Set<String> = [
        "div", "section", "article", "main", "body", "html", "ul", "ol", "dl", "center", "figure", "fieldset", "details",
        "thead", "tbody", "tfoot", "dir", "hr", "hgroup", "frameset", "frame", "colgroup", "col",
    ]

    static func htmlRole(_ name: String, _ node: xmlNodePtr) -> ElementRole {
        htmlRole(HTMLElementClass(name), node)
    }

    static func htmlRole(_ htmlClass: HTMLElementClass, _ node: xmlNodePtr) -> ElementRole {
        switch htmlClass {
        case .raw: return .skipRaw
        case .metadata, .title: return .metadata
        case .heading(let level):
            if isBanner(node) { return .skip }
            return .block(.heading, level: level)
        case .paragraph:
            var classValue: UnsafeBufferPointer<UInt8>?
            if isBanner(node, classValue: &classValue) { return .skip }
            return paragraphRole(classValue: classValue)
        case .listItem: return .block(.listItem, level: nil)
        case .blockquote: return .quote
        case .table: return isBanner(node) ? .skip : .table
        case .row: return .row
        case .cell: return .cell
        case .lineBreak: return .lineBreak
        case .block: return .block(.paragraph, level: nil)
        case .skipped: return .skip
        case .structural: return isBanner(node) ? .skip : .structural
        case .other: return isBanner(node) ? .skip : .inline
        }
    }

    /// Word's paragraph classes carry structure its HTML export drops.
    static func paragraphRole(classValue: UnsafeBufferPointer<UInt8>?) -> ElementRole {
        guard let classBuffer = classValue, classBuffer.count >= 4,
            ByteClass.lower(classBuffer[0]) == 0x6D, ByteClass.lower(classBuffer[1]) == 0x73, ByteClass.lower(classBuffer[2]) == 0x6F
        else {
            return .block(.paragraph, level: nil)
        }
        /// Whether the class is `name` (lower case), or starts with it, ignoring ASCII case.
        func isClass(_ name: StaticString, prefix: Bool = false) -> Bool {
            let length = name.utf8CodeUnitCount
            guard prefix ? classBuffer.count >= length : classBuffer.count == length else { return false }
            let letters = name.utf8Start
            for offset in 0..<length where ByteClass.lower(classBuffer[offset]) != letters[offset] { return false }
            return true
        }
        if isMsoNormal(classBuffer) { return .block(.paragraph, level: nil) }
        // ASCII names (all of Word's) are compared as bytes; others as the lower-cased string
        // (whose lower-casing may turn a non-ASCII letter into an ASCII one: K, the Kelvin sign).
        if !classBuffer.contains(where: { $0 >= 0x80 }) {
            if isClass("msotitle") { return .block(.heading, level: 1) }
            if isClass("msosubtitle") { return .block(.heading, level: 2) }
            if isClass("msolistparagraph", prefix: true) || isClass("msolistbullet", prefix: true)
                || isClass("msolistnumber", prefix: true)
            {
                return .block(.listItem, level: nil)
            }
            if isClass("msoquote") || isClass("msointensequote") || isClass("msoblocktext") { return .block(.quote, level: nil) }
            return .block(.paragraph, level: nil)
        }
        let className = String(decoding: classBuffer, as: UTF8.self).lowercased()
        if className == "msotitle" { return .block(.heading, level: 1) }
        if className == "msosubtitle" { return .block(.heading, level: 2) }
        if className.hasPrefix("msolistparagraph") || className.hasPrefix("msolistbullet") || className.hasPrefix("msolistnumber") {
            return .block(.listItem, level: nil)
        }
        if className == "msoquote" || className == "msointensequote" || className == "msoblocktext" {
            return .block(.quote, level: nil)
        }
        return .block(.paragraph, level: nil)
    }

    /// Whether a class is "msonormal" (ignoring ASCII case), the class of most of Word's
    /// paragraphs, in two compares: all its bytes are letters, so a byte `| 0x20` equals one
    /// only when it is that letter in either case.
    @inline(__always)
    static func isMsoNormal(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        value.count == 9
            && UnsafeRawPointer(value.baseAddress!).loadUnaligned(as: UInt64.self) | 0x2020_2020_2020_2020 == 0x616D_726F_6E6F_736D
            && value[8] | 0x20 == 0x6C
    }

    /// Word users make headings by bolding a short paragraph (`<p class=MsoNormal><b>2.
    /// Background</b></p>`): a paragraph whose visible text is all bold, at most 120 bytes,
    /// and does not end like a sentence is a heading, of level 2 when numbered "2." or "2",
    /// level 3 otherwise ("2.1 ...", "2019", "Events in May").
    static func boldHeadingLevel(_ node: xmlNodePtr) -> Int? {
        var text: [UInt8] = []
        var allBold = true
        collectBoldText(node, bold: false, into: &text, allBold: &allBold)
        guard allBold else { return nil }
        let collapsed = collapsedBytes(text)
        guard !collapsed.isEmpty, collapsed.count <= 120, let last = collapsed.last,
            last != UInt8(ascii: "."), last != UInt8(ascii: ","), last != UInt8(ascii: ";"),
            collapsed.contains(where: { ByteClass.isASCIILetter($0) || ByteClass.isDigit($0) || $0 >= 0x80 })
        else { return nil }
        // "2." or "2 " then a letter: a major section.
        var index = 0
        while index < collapsed.count, ByteClass.isDigit(collapsed[index]) { index += 1 }
        if index > 0 {
            if index < collapsed.count, collapsed[index] == UInt8(ascii: ".") { index += 1 }
            while index < collapsed.count, collapsed[index] == 0x20 { index += 1 }
            if index < collapsed.count, ByteClass.isASCIILetter(collapsed[index]) { return 2 }
        }
        return 3
    }

    /// Appends the visible text under `parent` to `text` while all of it is bold (inside `<b>`
    /// or `<strong>`, no more than 240 bytes, no `<br>`, `<img>` or `<table>`); clears
    /// `allBold` otherwise. A function of its own rather than a closure: nothing is captured
    /// in a box per paragraph.
    private static func collectBoldText(_ parent: xmlNodePtr, bold: Bool, into text: inout [UInt8], allBold: inout Bool) {
        var child = parent.pointee.children
        while let current = child, allBold {
            if current.pointee.type == XML_TEXT_NODE {
                if hasVisibleByte(current.pointee.content) {
                    if bold {
                        text.append(contentsOf: current.contentBuffer)
                        if text.count > 240 { allBold = false }
                    } else {
                        allBold = false  // (the text collected no longer matters)
                    }
                }
            } else if current.pointee.type == XML_ELEMENT_NODE {
                if current.nameIs("br") || current.nameIs("img") || current.nameIs("table") {
                    allBold = false
                } else {
                    collectBoldText(
                        current, bold: bold || current.nameIs("b") || current.nameIs("strong"), into: &text, allBold: &allBold)
                }
            }
            child = current.pointee.next
        }
    }

    /// Whether a NUL-terminated text has a byte other than whitespace, 0xC2 and 0xA0.
    private static func hasVisibleByte(_ content: UnsafeMutablePointer<xmlChar>?) -> Bool {
        guard var pointer = content else { return false }
        while pointer.pointee != 0 {
            let byte = pointer.pointee
            if !ByteClass.isSpace(byte) && byte != 0xC2 && byte != 0xA0 { return true }
            pointer += 1
        }
        return false
    }

    /// Cookie and consent banners, breadcrumbs, skip links and screen-reader-only text (by
    /// class or id), landmarks that are not content (`role`), hidden elements.
    static func isBanner(_ node: xmlNodePtr) -> Bool {
        var classValue: UnsafeBufferPointer<UInt8>?
        return isBanner(node, classValue: &classValue)
    }

    /// ``isBanner(_:)``, also giving the value of the element's `class` attribute as
    /// `attributeBuffer("class")` gives it when the element is no banner (nil without one).
    static func isBanner(_ node: xmlNodePtr, classValue: inout UnsafeBufferPointer<UInt8>?) -> Bool {
        classValue = nil
        guard node.pointee.properties != nil else { return false }
        // One pass over the attributes, looking at the first of each name as the lookups by
        // name would (`class`, `id`, `role`, `hidden`, `aria-hidden`).
        var seenClass = false, seenID = false, seenRole = false, seenHidden = false, seenAriaHidden = false
        var attribute = node.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            guard let name = current.pointee.name else { continue }
            switch ByteClass.lower(name[0]) {
            case 0x63 where !seenClass && ByteClass.equalsIgnoringCase(name, "class"):  // c
                seenClass = true
                classValue = singleValue(current)
                if let value = classValue, isBannerName(value) { return true }
            case 0x69 where !seenID && ByteClass.equalsIgnoringCase(name, "id"):  // i
                seenID = true
                if let value = singleValue(current), isBannerName(value) { return true }
            case 0x72 where !seenRole && ByteClass.equalsIgnoringCase(name, "role"):  // r
                seenRole = true
                let role = joinedValue(current).lowercased()
                if role == "navigation" || role == "banner" || role == "contentinfo" || role == "search" || role == "dialog" {
                    return true
                }
            case 0x68 where !seenHidden && ByteClass.equalsIgnoringCase(name, "hidden"):  // h
                seenHidden = true
                if singleValue(current) != nil { return true }
            case 0x61 where !seenAriaHidden && ByteClass.equalsIgnoringCase(name, "aria-hidden"):  // a
                seenAriaHidden = true
                if joinedValue(current).lowercased() == "true" { return true }
            default:
                break
            }
        }
        return false
    }

    /// Whether a class or id names a banner: contains, ignoring ASCII case, "cookie",
    /// "consent", "banner", "breadcrumb", "skip-link", "skiplink", "visually-hidden" or
    /// "sr-only". One pass over the value, looking further only at the first letters of those.
    static func isBannerName(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = value.count
        guard count >= 6, let base = value.baseAddress, !isMsoNormal(value) else { return false }
        /// Whether `word` (lower case; its first letter already matched) is at `index`.
        func matches(_ index: Int, _ word: StaticString) -> Bool {
            let length = word.utf8CodeUnitCount
            guard index + length <= count else { return false }
            let letters = word.utf8Start
            for offset in 1..<length where ByteClass.lower(base[index + offset]) != letters[offset] { return false }
            return true
        }
        for index in 0...(count - 6) {
            switch ByteClass.lower(base[index]) {
            case 0x63:  // c
                if matches(index, "cookie") || matches(index, "consent") { return true }
            case 0x62:  // b
                if matches(index, "banner") || matches(index, "breadcrumb") { return true }
            case 0x73:  // s
                if matches(index, "skip-link") || matches(index, "skiplink") || matches(index, "sr-only") { return true }
            case 0x76:  // v
                if matches(index, "visually-hidden") { return true }
            default:
                break
            }
        }
        return false
    }

    /// An attribute's value when it is one text node (empty without one), as
    /// `attributeBuffer` gives it; nil when it has several.
    private static func singleValue(_ attribute: UnsafeMutablePointer<xmlAttr>) -> UnsafeBufferPointer<UInt8>? {
        guard let child = attribute.pointee.children else { return UnsafeBufferPointer(start: nil, count: 0) }
        if child.pointee.next == nil { return UnsafeMutablePointer<xmlNode>(child).contentBuffer }
        return nil
    }

    /// An attribute's value: its children's contents joined, as `attribute(_:)` gives it.
    private static func joinedValue(_ attribute: UnsafeMutablePointer<xmlAttr>) -> String {
        var value: [UInt8] = []
        var child = attribute.pointee.children
        while let node = child {
            value.append(contentsOf: UnsafeMutablePointer<xmlNode>(node).contentBuffer)
            child = node.pointee.next
        }
        return String(decoding: value, as: UTF8.self)
    }

    private static let xmlSectioning: Set<String> = [
        "section", "chapter", "appendix", "part", "preface", "article", "book", "div", "div1", "div2", "div3", "div4",
        "div5", "div6", "div7", "sect1", "sect2", "sect3", "sect4", "sect5", "simplesect", "refsect1", "refsect2",
        "refsect3", "body", "back", "front", "sec",
    ]
    private static let xmlSkipped: Set<String> = [
        "script", "style", "fw", "indexterm", "remark", "graphic", "mediaobject", "imageobject", "figdesc", "facsimile",
        "nav", "header", "footer", "aside", "form", "noscript",
    ]
    private static let xmlInline: Set<String> = [
        "emphasis", "hi", "link", "ulink", "xref", "ref", "ptr", "persname", "placename", "orgname", "name", "date",
        "foreign", "foreignphrase", "term", "code", "literal", "phrase", "span", "b", "i", "em", "strong", "sup", "sub",
        "u", "a", "abbr", "acronym", "citetitle", "firstterm", "quote", "q", "mentioned", "rs", "num", "socalled",
        "time", "small", "font", "note", "footnote", "anchor", "pb", "cb", "milestone",
    ]

    private mutating func xmlRole(_ name: String, _ node: xmlNodePtr) -> ElementRole {
        // XHTML elements embedded in another vocabulary read like HTML.
        if node.pointee.ns != nil && Self.namespace(node) == "http://www.w3.org/1999/xhtml" {
            return Self.htmlRole(name, node)
        }
        switch name {
        case "teiheader", "info", "bookinfo", "articleinfo":
            return .metadata
        case "title", "head", "bridgehead", "subtitle":
            let level = max(1, min(6, sectionAncestors(node)))
            return .block(.heading, level: name == "subtitle" ? min(6, level + 1) : level)
        case "h":
            // OpenDocument (flat .fodt) headings carry their level.
            let level = node.numberAttribute("outline-level").map { Int($0) } ?? max(1, min(6, sectionAncestors(node)))
            return .block(.heading, level: max(1, min(6, level)))
        case "meta" where node.pointee.parent?.pointee.type == XML_ELEMENT_NODE && node.parent?.parent == nil:
            return .metadata  // OpenDocument's office:meta (dc:title)
        case "list-item", "list-header":
            return .block(.listItem, level: nil)
        case "table-row":
            return .row
        case "table-cell":
            return .cell
        case "table-wrap":
            return .structural
        case "automatic-styles", "styles", "font-face-decls", "master-styles", "settings", "scripts":
            return .skip
        case "para", "simpara", "p", "ab", "caption", "epigraph", "l", "address", "byline", "dateline", "opener",
            "closer", "signed", "salute":
            return .block(.paragraph, level: nil)
        case "listitem", "item", "li", "glossdef", "glossterm", "member":
            return .block(.listItem, level: nil)
        case "blockquote", "cit", "disp-quote":
            return .quote
        case "table", "informaltable", "tgroup", "simplelist":
            return name == "tgroup" ? .structural : .table
        case "row", "tr":
            return .row
        case "entry", "cell", "td", "th":
            return .cell
        case "lb", "sbr", "br":
            return .lineBreak
        default:
            break
        }
        if Self.xmlSkipped.contains(name) { return .skip }
        if Self.xmlInline.contains(name) {
            // Inline markup standing alone (outside any block) is a block of its own.
            guard context == nil, node.hasDirectText else { return .inline }
            return .block(name == "quote" || name == "q" ? .quote : .paragraph, level: nil)
        }
        if Self.xmlSectioning.contains(name) { return .structural }
        // Unknown vocabulary: an element with text of its own is a block (a heading when its
        // name says so); inside a block it is inline; otherwise it is a container.
        if let context, !context.anonymous { return .inline }
        if node.hasDirectText {
            if name.contains("title") || name.contains("head") {
                return .block(.heading, level: max(1, min(6, sectionAncestors(node))))
            }
            return .block(.paragraph, level: nil)
        }
        return .structural
    }

    private func sectionAncestors(_ node: xmlNodePtr) -> Int {
        var count = 0
        var parent = node.pointee.parent
        while let current = parent, current.pointee.type == XML_ELEMENT_NODE {
            if Self.xmlSectioning.contains(current.lowercasedName) { count += 1 }  // headings only: rare
            parent = current.pointee.parent
        }
        // The root's own title is the document title (level 1); body/back/front do not nest.
        return max(1, count)
    }

    private static func namespace(_ node: xmlNodePtr) -> String? {
        guard let ns = node.pointee.ns, let href = ns.pointee.href else { return nil }
        return String(cString: UnsafeRawPointer(href).assumingMemoryBound(to: CChar.self))
    }

    /// Collapses whitespace (including no-break spaces) in decoded text.
    static func collapse(_ bytes: [UInt8]) -> String {
        String(decoding: collapsedBytes(bytes), as: UTF8.self)
    }

    /// Decoded text with runs of whitespace (and no-break spaces) made one space, trimmed.
    static func collapsedBytes(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { collapsedBytes($0) }
    }

    /// ``collapsedBytes(_:)`` of bytes read through a pointer: written straight into the
    /// result's storage (never longer than the input), no append per word.
    static func collapsedBytes(_ buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let count = buffer.count
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            var written = 0
            var pendingSpace = false
            var index = 0
            while index < count {
                let byte = buffer[index]
                if ByteClass.isSpace(byte) || (byte == 0xC2 && index + 1 < count && buffer[index + 1] == 0xA0) {
                    pendingSpace = written > 0
                    index += byte == 0xC2 ? 2 : 1
                    continue
                }
                if pendingSpace {
                    output[written] = 0x20
                    written += 1
                    pendingSpace = false
                }
                output[written] = byte
                written += 1
                index += 1
            }
            initialized = written
        }
    }
}

/// An element name of at most 16 bytes, ASCII-lowercased and packed into two words.
struct NameKey: Hashable {
    var low: UInt64 = 0
    var high: UInt64 = 0

    /// Nil for names longer than 16 bytes.
    init?(_ name: UnsafePointer<xmlChar>) {
        var index = 0
        while name[index] != 0 {
            guard index < 16 else { return nil }
            let byte = UInt64(ByteClass.lower(name[index]))
            if index < 8 { low |= byte << (8 * UInt64(index)) } else { high |= byte << (8 * UInt64(index - 8)) }
            index += 1
        }
    }
}

extension UnsafeMutablePointer where Pointee == xmlNode {
    /// The parent element, if any.
    var parent: xmlNodePtr? {
        guard let parent = pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else { return nil }
        return parent
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces.
    var trimmingASCIISpaces: Substring {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" || first == "\n" || first == "\r" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" || last == "\n" || last == "\r" { slice.removeLast() }
        return slice
    }
}
