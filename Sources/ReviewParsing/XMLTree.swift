import CLibXML2
import Foundation

/// Builds the element tree of an XML document from libxml2's SAX2 events, in one arena, as
/// ``HTMLTreeBuilder`` does for HTML.
///
/// libxml2's tree builder (`xmlSAX2StartElementNs` and friends) allocates every node, name,
/// attribute and text separately and frees them one by one; for pdftohtml's XML, one element
/// with five attributes per line of text, that was about a fifth of the time spent reading it.
/// This builder writes the same node structs for the parts of the tree the readers look at:
///
/// - an element is added as the last child of the open element; the first element with none
///   open is the root; its `name` is the local name, and an element in a namespace gets an
///   `ns` whose `href` is the namespace URI (`nsDef` is not filled in);
/// - attributes keep their order and local names, each with one text child holding its value;
/// - text appends to the open element's last child when that is text, CDATA to CDATA, and is
///   dropped when no element is open (`xmlSAX2Characters`, `xmlSAX2CDataBlock`); comments and
///   processing instructions are nodes of their own, so they separate text nodes; an
///   undeclared entity's reference is an entity-reference node without children
///   (`xmlSAX2Reference`).
///
/// What it does not reproduce makes it stop the parser and record a reason in
/// ``unsupported``; the document is then read again with libxml2's own tree. That is a DTD
/// that declares anything (entities, whose references libxml2 expands into subtrees through
/// these same callbacks; attribute defaults), a reference in an attribute value (libxml2
/// splits such a value into several nodes), a prefix without a namespace, and a text node
/// longer than libxml2's limit for one.
///
/// Fields filled in: `type`, `name`, `children`, `last`, `parent`, `next`, `prev`, `content`,
/// `properties`, `ns` and `line`. Element names point into the parser's dictionary, so the
/// tree must not outlive the parser context. A final class because it owns the arena.
/// Its mutable properties are `@exclusivity(unchecked)`, as ``HTMLTreeBuilder``'s are.
final class XMLTreeBuilder {
    /// The document's root element, if any.
    @exclusivity(unchecked) private(set) var root: xmlNodePtr?
    /// Why the document needs libxml2's own tree; nil while the arena tree is libxml2's.
    @exclusivity(unchecked) private(set) var unsupported: String?

    @exclusivity(unchecked) private var arena: NodeArena
    /// Open elements, innermost last (libxml2's node stack).
    @exclusivity(unchecked) private var open: [xmlNodePtr] = []
    /// The most recent text or CDATA node and its content length (no strlen when text grows).
    @exclusivity(unchecked) private var lastText: xmlNodePtr?
    @exclusivity(unchecked) private var lastTextLength = 0

    /// libxml2's `XML_MAX_TEXT_LENGTH`: a longer text node is an error without `XML_PARSE_HUGE`.
    static let maxTextLength = 10_000_000

    /// Whether ``XMLDirectReader`` counts the lines of its elements for this tree (libxml2's
    /// parser gives them whatever this says).
    let readsLines: Bool

    /// - Parameter readsLines: false for a tree whose element lines no one reads: the readers
    ///   read them only past their depth limit, which ``XMLDirectReader`` never reaches, so
    ///   counting the lines of its elements is work thrown away (they are 0 then).
    init(sourceBytes: Int, readsLines: Bool = true) {
        self.readsLines = readsLines
        arena = NodeArena(sourceBytes: sourceBytes)
        open.reserveCapacity(64)
    }

    /// Records why the tree cannot be built here; stops libxml2's parser, if one is reading.
    private func refuse(_ reason: String, _ context: xmlParserCtxtPtr?) {
        if unsupported == nil { unsupported = reason }
        if let context { xmlStopParser(context) }
    }

    private func appendChild(_ child: xmlNodePtr, to parent: xmlNodePtr) {
        NodeArena.appendChild(child, to: parent)
    }

    /// A NUL-terminated copy of `count` bytes that lives as long as the tree (names and
    /// namespace URIs for ``XMLDirectReader``, which has no parser dictionary to point into).
    func keep(_ bytes: UnsafePointer<xmlChar>, count: Int) -> UnsafePointer<xmlChar> {
        UnsafePointer(arena.copy(bytes, count: count))
    }

    fileprivate static func line(_ context: xmlParserCtxtPtr) -> UInt16 {
        guard context.pointee.linenumbers != 0, let input = context.pointee.input else { return 0 }
        return UInt16(clamping: min(Int(input.pointee.line), 65535))
    }

    // MARK: Events

    // (The events come from libxml2's SAX2 handler with its parser `context`, or from
    // ``XMLDirectReader`` with none; `line` is the parser's line at the event.)

    func startElement(
        _ localName: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?,
        attributeCount: Int, defaultedCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
        line: UInt16, context: xmlParserCtxtPtr?
    ) {
        guard unsupported == nil else { return }
        if prefix != nil && uri == nil { return refuse("an element prefix without a namespace", context) }
        if defaultedCount != 0 { return refuse("attribute defaults from the DTD", context) }
        let node = arena.node(XML_ELEMENT_NODE)
        node.pointee.name = localName
        node.pointee.line = line
        if let uri {
            let ns = arena.allocate(MemoryLayout<xmlNs>.stride, alignment: MemoryLayout<xmlNs>.alignment)
                .bindMemory(to: xmlNs.self, capacity: 1)
            ns.initialize(to: xmlNs())
            ns.pointee.type = XML_NAMESPACE_DECL
            ns.pointee.href = UnsafePointer(arena.copy(uri, count: strlen(UnsafeRawPointer(uri).assumingMemoryBound(to: CChar.self))))
            if let prefix {
                ns.pointee.prefix = UnsafePointer(
                    arena.copy(prefix, count: strlen(UnsafeRawPointer(prefix).assumingMemoryBound(to: CChar.self))))
            }
            node.pointee.ns = ns
        }
        if let parent = open.last {
            appendChild(node, to: parent)
        } else if root == nil {
            root = node
        }
        open.append(node)
        if attributeCount > 0, let attributes { addAttributes(attributes, count: attributeCount, to: node, context: context) }
    }

    /// SAX2 passes five pointers per attribute: local name, prefix, URI, value start, value end.
    private func addAttributes(
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>, count: Int, to element: xmlNodePtr,
        context: xmlParserCtxtPtr?
    ) {
        var last: UnsafeMutablePointer<xmlAttr>?
        for index in 0..<count {
            let base = index * 5
            guard let name = attributes[base] else { continue }
            if attributes[base + 1] != nil && attributes[base + 2] == nil {
                return refuse("an attribute prefix without a namespace", context)
            }
            let start = attributes[base + 3]
            let length = start.flatMap { start in attributes[base + 4].map { $0 - start } } ?? 0
            if let start, length > 0, memchr(start, 0x26, length) != nil {
                return refuse("a reference in an attribute value", context)
            }
            // Every attribute gets its text child, empty or not, as libxml2's SAX2 builder gives it.
            let attribute = arena.attribute(name, value: (start, length), of: element, after: last)
            last = attribute
        }
    }

    func endElement() {
        _ = open.popLast()
    }

    ///
    /// `sourceSpan`: the range of the decoded source that `bytes` are a verbatim copy of, one
    /// run of text ending before `<`, `&` or the source's end (``XMLDirectReader`` knows it):
    /// a text node made of that run alone knows its span (`xmlNodePtr.knownSourceSpan`), as
    /// ``HTMLTreeBuilder``'s do; text appended to a node makes it forget its span.
    /// `markupFrom`: a position before the span from which only markup leads to it (what
    /// ``MarkupScanner/skipMarkup(_:)`` skips whole) and whitespace, or -1
    /// (`xmlNodePtr.knownMarkupStart`).
    func text(
        _ bytes: UnsafePointer<xmlChar>?, count: Int, type: xmlElementType, line: UInt16, context: xmlParserCtxtPtr?,
        sourceSpan: Range<Int>? = nil, markupFrom: Int = -1
    ) {
        guard unsupported == nil, let parent = open.last else { return }
        if let last = parent.pointee.last, last.pointee.type == type, let content = last.pointee.content {
            let length = last == lastText ? lastTextLength : strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
            if length + count > Self.maxTextLength { return refuse("a text node longer than libxml2's limit", context) }
            if count > 0, let bytes {
                last.pointee.content = arena.appending(bytes, count: count, to: content, length: length)
                last.pointee._private = nil
            }
            lastText = last
            lastTextLength = length + count
            return
        }
        if count > Self.maxTextLength { return refuse("a text node longer than libxml2's limit", context) }
        let node = arena.node(type)
        node.pointee.content = arena.copy(bytes, count: count)
        node.pointee.line = line
        if let sourceSpan, type == XML_TEXT_NODE { node.pointee._private = arena.sourceSpan(sourceSpan, markupFrom: markupFrom) }
        appendChild(node, to: parent)
        lastText = node
        lastTextLength = count
    }

    /// A comment or processing instruction: a child of the open element (at the document
    /// level, before or after the root, it is not part of the tree the readers walk).
    func misc(_ type: xmlElementType, line: UInt16) {
        guard unsupported == nil, let parent = open.last else { return }
        let node = arena.node(type)
        node.pointee.line = line
        appendChild(node, to: parent)
    }

    /// A reference to an entity the document does not declare (a declaration stops the
    /// builder first), as `xmlSAX2Reference` adds it: a node without children.
    fileprivate func reference(_ name: UnsafePointer<xmlChar>, context: xmlParserCtxtPtr) {
        guard unsupported == nil, let parent = open.last else { return }
        if name[0] == 0x23 { return refuse("a character reference node", context) }
        let node = arena.node(XML_ENTITY_REF_NODE)
        node.pointee.name = UnsafePointer(arena.copy(name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))))
        appendChild(node, to: parent)
    }

    // MARK: SAX handler

    /// Points the parser's SAX2 handler at this builder (the context's `_private`); the
    /// builder must outlive the parse. The document, DTD and entity lookups stay libxml2's.
    func install(on context: xmlParserCtxtPtr) {
        context.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        guard let sax = context.pointee.sax else { return }
        sax.pointee.startElementNs = { context, localName, prefix, uri, _, _, attributeCount, defaultedCount, attributes in
            guard let context, let localName else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) {
                $0.startElement(
                    localName, prefix: prefix, uri: uri, attributeCount: Int(attributeCount), defaultedCount: Int(defaultedCount),
                    attributes: attributes, line: XMLTreeBuilder.line(parser), context: parser)
            }
        }
        sax.pointee.endElementNs = { context, _, _, _ in
            guard let context else { return }
            XMLTreeBuilder.with(context.assumingMemoryBound(to: xmlParserCtxt.self)) { $0.endElement() }
        }
        sax.pointee.characters = { context, bytes, count in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) { $0.text(bytes, count: Int(count), type: XML_TEXT_NODE, line: XMLTreeBuilder.line(parser), context: parser) }
        }
        // As in libxml2's SAX2 handler: whitespace goes to the same function (so the parser
        // does not ask whether it is ignorable).
        sax.pointee.ignorableWhitespace = sax.pointee.characters
        sax.pointee.cdataBlock = { context, bytes, count in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) { $0.text(bytes, count: Int(count), type: XML_CDATA_SECTION_NODE, line: XMLTreeBuilder.line(parser), context: parser) }
        }
        sax.pointee.comment = { context, _ in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) { $0.misc(XML_COMMENT_NODE, line: XMLTreeBuilder.line(parser)) }
        }
        sax.pointee.processingInstruction = { context, _, _ in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) { $0.misc(XML_PI_NODE, line: XMLTreeBuilder.line(parser)) }
        }
        sax.pointee.reference = { context, name in
            guard let context, let name else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) { $0.reference(name, context: parser) }
        }
        // Declarations: libxml2's tree reads them (entities expand through the callbacks above).
        sax.pointee.entityDecl = { context, _, _, _, _, _ in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) { $0.refuse("an entity declaration", parser) }
        }
        sax.pointee.attributeDecl = { context, _, _, _, _, _, tree in
            if let tree { xmlFreeEnumeration(tree) }  // the handler owns the enumeration
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) { $0.refuse("an attribute declaration", parser) }
        }
        sax.pointee.elementDecl = { context, _, _, _ in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) { $0.refuse("an element declaration", parser) }
        }
        sax.pointee.notationDecl = { context, _, _, _ in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) { $0.refuse("a notation declaration", parser) }
        }
        sax.pointee.unparsedEntityDecl = { context, _, _, _, _ in
            guard let context else { return }
            let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
            XMLTreeBuilder.with(parser) { $0.refuse("an unparsed entity declaration", parser) }
        }
    }

    /// Runs `body` on the context's builder without retaining it (the caller keeps it alive).
    private static func with(_ context: xmlParserCtxtPtr, _ body: (XMLTreeBuilder) -> Void) {
        Unmanaged<XMLTreeBuilder>.fromOpaque(context.pointee._private)._withUnsafeGuaranteedRef(body)
    }
}

/// ``XMLDirectReader``'s events build the tree as libxml2's parser's do (with no parser context).
extension XMLTreeBuilder: XMLDirectSink {
    var refused: Bool { unsupported != nil }

    func startElement(
        _ localName: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?, attributeCount: Int,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, line: UInt16
    ) {
        startElement(
            localName, prefix: prefix, uri: uri, attributeCount: attributeCount, defaultedCount: 0, attributes: attributes, line: line,
            context: nil)
    }

    func text(_ bytes: UnsafePointer<xmlChar>?, count: Int, type: xmlElementType, line: UInt16, sourceSpan: Range<Int>?, markupFrom: Int) {
        text(bytes, count: count, type: type, line: line, context: nil, sourceSpan: sourceSpan, markupFrom: markupFrom)
    }
}
