import CLibXML2
import ReviewModel

/// Reads pdftohtml's XML into a ``PDFXMLReader`` as ``XMLDirectReader`` reads the source,
/// without building a tree: the steps the reader's tree walk takes, in the same order, as the
/// elements and text arrive.
///
/// A tree cost about half of reading such a document: every line of text is an element with
/// five attributes, each an attribute node with a text node and a copy of its value, and the
/// walk then read them back. Here a line's attributes are read once, from the source, while
/// the start tag is read. What the walk reads is kept as the tree would hold it:
///
/// - element roles by nesting: children of the root are pages, `fontspec`s (whose content is
///   ignored) and other elements whose text the cursor only moves past; in a page, `text`
///   elements are lines; in a line, every element's text is a span, bold inside a `b`;
/// - text is delivered as the tree's text nodes: runs, references and CDATA sections in a row
///   join into one node as ``XMLTreeBuilder`` joins them (a node joined from several pieces no
///   longer knows its source span), text of the root element itself is not read, and text of
///   a page between lines only moves the cursor.
///
/// Text contents are copied into the stream's arena, which must live until the reader has
/// finished (``PDFXMLReader/finish()``). A final class because it owns that arena and the
/// reader the events go to, both mutated through it (`@exclusivity(unchecked)`: only the
/// direct reader calling it, on one thread, touches them).
final class PDFXMLStream: XMLDirectSink {
    /// What an open element is to the reader.
    private enum Role {
        /// The root element: its element children are read, its text is not.
        case root
        case page
        /// A `text` element: a line.
        case line
        /// An element inside a line; `bold` inside a `b`.
        case span(bold: Bool)
        /// Text the cursor moves past (an element the reader does not read).
        case consumed
        /// Not looked at (a `fontspec`'s content).
        case ignored
    }

    @exclusivity(unchecked) private(set) var reader: PDFXMLReader
    @exclusivity(unchecked) private var arena: NodeArena
    /// The roles of the open elements, innermost last.
    @exclusivity(unchecked) private var roles: [Role] = []
    /// The text node being read (more text may join it): its type, its content (NUL-terminated
    /// in the arena), and the source span and markup start a single run of text knows.
    @exclusivity(unchecked) private var pendingType: xmlElementType?
    @exclusivity(unchecked) private var pendingContent: UnsafeMutablePointer<xmlChar>?
    @exclusivity(unchecked) private var pendingLength = 0
    @exclusivity(unchecked) private var pendingSpan: Range<Int>?
    @exclusivity(unchecked) private var pendingMarkupFrom = -1
    @exclusivity(unchecked) private(set) var refused = false

    /// (The reader reads no element's line.)
    var readsLines: Bool { false }

    init(reader: PDFXMLReader, sourceBytes: Int) {
        self.reader = reader
        arena = NodeArena(sourceBytes: sourceBytes)
        roles.reserveCapacity(16)
    }

    /// The document, once ``XMLDirectReader`` has read the whole source into the stream.
    func finish() -> ReviewDocument {
        reader.finish()
    }

    func keep(_ bytes: UnsafePointer<xmlChar>, count: Int) -> UnsafePointer<xmlChar> {
        UnsafePointer(arena.copy(bytes, count: count))
    }

    func startElement(
        _ localName: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?, attributeCount: Int,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, line: UInt16
    ) {
        flushText()
        let role: Role
        switch roles.last {
        case nil:
            role = .root
        case .root:
            if ByteClass.equalsIgnoringCase(localName, "page") {
                reader.beginPage(
                    number: Self.number("number", attributes, attributeCount), height: Self.number("height", attributes, attributeCount))
                role = .page
            } else if ByteClass.equalsIgnoringCase(localName, "fontspec") {
                fontspec(attributes, attributeCount)
                role = .ignored
            } else {
                role = .consumed
            }
        case .page:
            if ByteClass.equalsIgnoringCase(localName, "text") {
                var geometry = PDFXMLReader.LineAttributes()
                for index in 0..<attributeCount {
                    guard let name = attributes![5 * index] else { continue }
                    geometry.take(name) { Self.value(attributes!, index).flatMap(ByteClass.number) }
                }
                reader.beginLine(geometry)
                role = .line
            } else if ByteClass.equalsIgnoringCase(localName, "fontspec") {
                fontspec(attributes, attributeCount)
                role = .ignored
            } else {
                role = .consumed
            }
        case .line:
            role = .span(bold: ByteClass.equalsIgnoringCase(localName, "b"))
        case .span(let bold):
            role = .span(bold: bold || ByteClass.equalsIgnoringCase(localName, "b"))
        case .consumed:
            role = .consumed
        case .ignored:
            role = .ignored
        }
        roles.append(role)
    }

    func endElement() {
        flushText()
        if case .line = roles.removeLast() { reader.endLine() }
    }

    func text(_ bytes: UnsafePointer<xmlChar>?, count: Int, type: xmlElementType, line: UInt16, sourceSpan: Range<Int>?, markupFrom: Int) {
        guard !roles.isEmpty else { return }
        if pendingType == type, let content = pendingContent {
            // As ``XMLTreeBuilder/text(_:count:type:line:context:sourceSpan:markupFrom:)`` joins them.
            if pendingLength + count > XMLTreeBuilder.maxTextLength { return refuse() }
            if count > 0, let bytes {
                pendingContent = arena.appending(bytes, count: count, to: content, length: pendingLength)
                pendingSpan = nil
            }
            pendingLength += count
            return
        }
        flushText()
        if count > XMLTreeBuilder.maxTextLength { return refuse() }
        pendingType = type
        pendingContent = arena.copy(bytes, count: count)
        pendingLength = count
        pendingSpan = type == XML_TEXT_NODE ? sourceSpan : nil
        pendingMarkupFrom = markupFrom
    }

    /// A comment or processing instruction: it ends the text before it.
    func misc(_ type: xmlElementType, line: UInt16) {
        guard !roles.isEmpty else { return }
        flushText()
    }

    private func refuse() {
        refused = true
    }

    /// Hands the text node read so far to the reader, as the tree walk would meet it.
    private func flushText() {
        guard let type = pendingType, let content = pendingContent else { return }
        pendingType = nil
        pendingContent = nil
        let buffer = UnsafeBufferPointer(start: UnsafePointer(content), count: pendingLength)
        let isText = type == XML_TEXT_NODE
        let bold: Bool
        switch roles.last {
        case .page?, .consumed?:
            if isText { reader.skip(buffer) }
            return
        case .line?:
            bold = false
        case .span(let inBold)?:
            bold = inBold
        case .root?, .ignored?, nil:
            return
        }
        if isText {
            reader.span(buffer, knownSpan: pendingSpan, markupFrom: pendingMarkupFrom >= 0 ? pendingMarkupFrom : nil, bold: bold)
        } else {
            reader.cdataSpan(buffer, bold: bold)
        }
    }

    private func fontspec(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, _ count: Int) {
        reader.fontspec(id: Self.number("id", attributes, count), size: Self.number("size", attributes, count))
    }

    /// The value of attribute `index` of a start tag's five pointers per attribute.
    private static func value(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>, _ index: Int) -> UnsafeBufferPointer<UInt8>? {
        guard let start = attributes[5 * index + 3], let end = attributes[5 * index + 4] else { return nil }
        return UnsafeBufferPointer(start: start, count: end - start)
    }

    /// The first attribute named `wanted` (ASCII case ignored) as a number, as
    /// `xmlNodePtr.numberAttribute(_:)` reads it from a tree.
    private static func number(
        _ wanted: StaticString, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, _ count: Int
    ) -> Double? {
        guard let attributes else { return nil }
        for index in 0..<count {
            guard let name = attributes[5 * index], ByteClass.equalsIgnoringCase(name, wanted) else { continue }
            return value(attributes, index).flatMap(ByteClass.number)
        }
        return nil
    }
}
