import CLibXML2
import Foundation
import ReviewModel

/// The one place libxml2 is called. Documents are parsed, handed to a closure as a node
/// pointer, and freed before the call returns: no libxml2 type leaves this module.
enum LibXML {
    /// Initialises libxml2 once per process and installs an external-entity loader that
    /// refuses everything, so no file or URL is ever opened on a document's behalf (DTDs,
    /// external entities, XInclude), whatever options a parse uses.
    static let initialised: Void = {
        xmlInitParser()
        xmlSetExternalEntityLoader(refuseExternalEntity)
    }()

    static let htmlOptions: Int32 = Int32(
        HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)

    /// No XML_PARSE_NOENT (no entity substitution), no DTDLOAD/DTDATTR/DTDVALID (no DTD is
    /// looked for), no XINCLUDE, no HUGE (libxml2's own depth and amplification limits stay on).
    static let xmlOptions: Int32 = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_COMPACT.rawValue | XML_PARSE_IGNORE_ENC.rawValue
            | XML_PARSE_NOXINCNODE.rawValue)

    /// Parses UTF-8 HTML leniently and passes the root element (nil for an empty document) to `body`.
    ///
    /// The tree is built by ``HTMLTreeBuilder`` from the parser's SAX events (the same tree
    /// libxml2 would build, in one arena) and lives until `body` returns. The parser reads the
    /// source with its longer runs of text cut short (``HTMLTextCompaction``), and the whole
    /// source again should a run not come back as text where it was put (or a renamed `<o:p>`
    /// not as an element). Without `compacting`, it reads the whole source at once.
    static func withHTMLDocument<T>(
        _ bytes: [UInt8], name: String, compacting: Bool = true,
        _ body: (xmlNodePtr?) throws(ParseError) -> T
    ) throws(ParseError) -> T {
        _ = initialised
        guard !bytes.isEmpty else { return try body(nil) }
        guard bytes.count < Int(Int32.max) else { throw .tooLarge(name: name, bytes: bytes.count, limit: Int(Int32.max) - 1) }
        var parse = HTMLParse(bytes, compaction: compacting ? HTMLTextCompaction(source: bytes) : nil)
        if parse?.builder.compactionHeld == false {
            parse = HTMLParse(bytes, compaction: nil)
        }
        guard let parse else {
            throw .malformed(name: name, line: nil, message: "libxml2 could not allocate a parser")
        }
        let builder = parse.builder
        if let line = builder.tooDeepLine {
            // libxml2 stops reading at its depth limit; what it kept would be silently cut short.
            throw .tooDeep(name: name, line: line > 0 ? line : nil, limit: 256)
        }
        if let last = xmlCtxtGetLastError(parse.context), let message = last.pointee.message,
            String(cString: message).contains("Excessive depth")
        {
            throw .tooDeep(name: name, line: last.pointee.line > 0 ? Int(last.pointee.line) : nil, limit: 256)
        }
        return try withExtendedLifetime(parse) { () throws(ParseError) -> T in try body(builder.root) }
    }

    /// One run of libxml2's HTML parser over a document: its context (whose dictionary holds
    /// the tree's names) and the builder holding the tree, or libxml2's own document when
    /// `libxml2Tree`. A final class because it frees the context and document.
    final class HTMLParse {
        let context: htmlParserCtxtPtr
        let builder: HTMLTreeBuilder
        let document: xmlDocPtr?

        /// Parses `bytes`, or the compacted text when `compaction` is given; nil when libxml2
        /// cannot allocate a parser.
        init?(_ bytes: [UInt8], compaction: HTMLTextCompaction?, libxml2Tree: Bool = false) {
            guard let context = htmlNewParserCtxt() else { return nil }
            self.context = context
            let input = compaction?.bytes ?? bytes
            (builder, document) = bytes.withUnsafeBufferPointer { source in
                let builder = HTMLTreeBuilder(
                    sourceBytes: bytes.count,
                    compaction: compaction.flatMap { compaction in source.baseAddress.map { (compaction, $0) } })
                if !libxml2Tree { builder.install(on: context) }
                let document = input.withUnsafeBufferPointer { buffer in
                    buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) { pointer in
                        htmlCtxtReadMemory(context, pointer, Int32(buffer.count), nil, "UTF-8", htmlOptions)
                    }
                }
                return (builder, document)
            }
        }

        deinit {
            // The builder creates no libxml2 document; free one should a handler have made it anyway.
            if let document { xmlFreeDoc(document) }
            htmlFreeParserCtxt(context)
        }
    }

    /// How ``htmlTreeOutline(_:_:)`` builds the tree.
    enum HTMLTreeSource {
        /// libxml2's own tree builder.
        case libxml2
        /// ``HTMLTreeBuilder`` on the source itself.
        case arena
        /// ``HTMLTreeBuilder`` on the compacted source (``HTMLTextCompaction``), with no
        /// second parse: "compaction failed" when a run did not come back as text, "no
        /// compaction" when nothing was replaced.
        case compacted
    }

    /// An outline of an HTML document's tree under its root element (node types, names,
    /// attributes, text, line numbers), built as `source` says. The tests check that they agree.
    static func htmlTreeOutline(_ bytes: [UInt8], _ source: HTMLTreeSource) -> String {
        _ = initialised
        guard !bytes.isEmpty else { return "" }
        var compaction: HTMLTextCompaction?
        if source == .compacted {
            compaction = HTMLTextCompaction(source: bytes)
            if compaction == nil { return "no compaction" }
        }
        guard let parse = HTMLParse(bytes, compaction: compaction, libxml2Tree: source == .libxml2) else { return "" }
        if let failure = parse.builder.compactionFailure { return failure }
        let root = source == .libxml2 ? parse.document.flatMap { xmlDocGetRootElement($0) } : parse.builder.root
        return withExtendedLifetime(parse) { outline(of: root, textLines: false) }
    }

    /// ``htmlTreeOutline(_:_:)`` with the arena builder or libxml2's.
    static func htmlTreeOutline(_ bytes: [UInt8], libxml2Tree: Bool) -> String {
        htmlTreeOutline(bytes, libxml2Tree ? .libxml2 : .arena)
    }

    /// An outline of the tree under `root`: node types, names, attributes, text, line numbers
    /// (of text nodes too when `textLines`), entity references with whether they have children.
    static func outline(of root: xmlNodePtr?, textLines: Bool) -> String {
        var outline = ""
        func describe(_ node: xmlNodePtr, depth: Int) {
            outline += String(repeating: " ", count: depth)
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                outline += "<\(String(cString: node.pointee.name)) line=\(node.pointee.line)"
                if let ns = node.pointee.ns, let href = ns.pointee.href { outline += " ns=\(String(cString: href))" }
                var attribute = node.pointee.properties
                while let current = attribute {
                    var children = 0
                    var child = current.pointee.children
                    while let text = child {
                        children += 1
                        child = text.pointee.next
                    }
                    let joined = current.pointee.children.map { String(cString: $0.pointee.content) } ?? "-"
                    outline += " \(String(cString: current.pointee.name))(\(children))=\(joined)"
                    attribute = current.pointee.next
                }
                outline += ">\n"
                var child = node.pointee.children
                while let current = child {
                    describe(current, depth: depth + 1)
                    child = current.pointee.next
                }
                return
            case XML_TEXT_NODE: outline += "text \(String(reflecting: String(cString: node.pointee.content)))"
            case XML_CDATA_SECTION_NODE: outline += "cdata \(String(reflecting: String(cString: node.pointee.content)))"
            case XML_ENTITY_REF_NODE:
                outline += "reference \(String(cString: node.pointee.name)) children=\(node.pointee.children != nil)"
            case XML_COMMENT_NODE: outline += "comment"
            case XML_PI_NODE: outline += "pi"
            default: outline += "type \(node.pointee.type.rawValue)"
            }
            if textLines { outline += " line=\(xmlGetLineNo(node))" }
            outline += "\n"
        }
        if let root { describe(root, depth: 0) }
        return outline
    }

    /// Parses UTF-8 XML strictly (or with recovery when `recover`) and passes the root element to `body`.
    ///
    /// The tree is built by ``XMLTreeBuilder`` from the parser's SAX2 events (the same tree
    /// libxml2 would build, in one arena) and lives until `body` returns; a document the
    /// builder does not reproduce (one whose DTD declares entities, say) is read with
    /// libxml2's own tree instead.
    ///
    /// With `directDepthLimit`, a document that keeps to ``XMLDirectReader``'s subset (nested
    /// at most that deep) is read without libxml2, into the same tree but for its lines, which
    /// are 0: the readers read an element's line only past their depth limit, which lies
    /// beyond `directDepthLimit`.
    static func withXMLDocument<T>(
        _ bytes: [UInt8], name: String, recover: Bool, directDepthLimit: Int? = nil, _ body: (xmlNodePtr) throws(ParseError) -> T
    ) throws(ParseError) -> T {
        _ = initialised
        guard !bytes.isEmpty else { throw .malformed(name: name, line: nil, message: "the document is empty") }
        guard bytes.count < Int(Int32.max) else { throw .tooLarge(name: name, bytes: bytes.count, limit: Int(Int32.max) - 1) }
        if let directDepthLimit {
            let builder = XMLTreeBuilder(sourceBytes: bytes.count, readsLines: false)
            if XMLDirectReader.read(bytes, into: builder, depthLimit: directDepthLimit), let root = builder.root {
                return try withExtendedLifetime(builder) { () throws(ParseError) -> T in try body(root) }
            }
        }
        guard let context = xmlNewParserCtxt() else {
            throw .malformed(name: name, line: nil, message: "libxml2 could not allocate a parser")
        }
        defer { xmlFreeParserCtxt(context) }
        let builder = XMLTreeBuilder(sourceBytes: bytes.count)
        builder.install(on: context)
        let document = readXML(bytes, context: context, recover: recover)
        defer { if let document { xmlFreeDoc(document) } }
        if builder.unsupported != nil {
            return try withLibxml2XMLTree(bytes, name: name, recover: recover, body)
        }
        try check(document, context: context, recover: recover, name: name)
        guard let root = builder.root else { throw .malformed(name: name, line: nil, message: "no root element") }
        return try withExtendedLifetime(builder) { () throws(ParseError) -> T in try body(root) }
    }

    /// ``withXMLDocument(_:name:recover:_:)`` on the tree libxml2 builds itself.
    static func withLibxml2XMLTree<T>(
        _ bytes: [UInt8], name: String, recover: Bool, _ body: (xmlNodePtr) throws(ParseError) -> T
    ) throws(ParseError) -> T {
        _ = initialised
        guard let context = xmlNewParserCtxt() else {
            throw .malformed(name: name, line: nil, message: "libxml2 could not allocate a parser")
        }
        defer { xmlFreeParserCtxt(context) }
        let document = readXML(bytes, context: context, recover: recover)
        defer { if let document { xmlFreeDoc(document) } }
        try check(document, context: context, recover: recover, name: name)
        guard let document, let root = xmlDocGetRootElement(document) else {
            throw .malformed(name: name, line: nil, message: "no root element")
        }
        return try body(root)
    }

    private static func readXML(_ bytes: [UInt8], context: xmlParserCtxtPtr, recover: Bool) -> xmlDocPtr? {
        let options = xmlOptions | (recover ? Int32(XML_PARSE_RECOVER.rawValue) : 0)
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) { pointer in
                xmlCtxtReadMemory(context, pointer, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
    }

    /// Throws when libxml2 gave no document, found it not well-formed (unless recovering) or hostile.
    private static func check(_ document: xmlDocPtr?, context: xmlParserCtxtPtr, recover: Bool, name: String) throws(ParseError) {
        let wellFormed = context.pointee.wellFormed != 0
        if document == nil || (!wellFormed && !recover) || isHostile(context) {
            throw error(from: context, name: name)
        }
    }

    /// An outline of an XML document's tree (see ``outline(of:textLines:)``), built by
    /// ``XMLTreeBuilder`` or, with `libxml2Tree`, by libxml2; "unsupported: ..." when the
    /// builder hands the document to libxml2's tree, "error: ..." when it is refused.
    static func xmlTreeOutline(_ bytes: [UInt8], libxml2Tree: Bool, recover: Bool, textLines: Bool = true) -> String {
        do throws(ParseError) {
            if libxml2Tree {
                return try withLibxml2XMLTree(bytes, name: "t.xml", recover: recover) { root in outline(of: root, textLines: textLines) }
            }
            _ = initialised
            guard let context = xmlNewParserCtxt() else { return "no parser" }
            defer { xmlFreeParserCtxt(context) }
            let builder = XMLTreeBuilder(sourceBytes: bytes.count)
            builder.install(on: context)
            let document = readXML(bytes, context: context, recover: recover)
            defer { if let document { xmlFreeDoc(document) } }
            if let reason = builder.unsupported { return "unsupported: \(reason)" }
            try check(document, context: context, recover: recover, name: "t.xml")
            guard let root = builder.root else {
                return "error: \(ParseError.malformed(name: "t.xml", line: nil, message: "no root element"))"
            }
            return withExtendedLifetime(builder) { outline(of: root, textLines: textLines) }
        } catch {
            return "error: \(error)"
        }
    }

    /// An outline (``outline(of:textLines:)`` without text lines) of the tree
    /// ``XMLDirectReader`` builds, or nil when it leaves the document to libxml2.
    static func directXMLTreeOutline(_ bytes: [UInt8], depthLimit: Int = 248) -> String? {
        guard !bytes.isEmpty else { return nil }
        let builder = XMLTreeBuilder(sourceBytes: bytes.count)
        guard XMLDirectReader.read(bytes, into: builder, depthLimit: depthLimit), let root = builder.root else { return nil }
        return withExtendedLifetime(builder) { outline(of: root, textLines: false) }
    }

    private static func isHostile(_ context: xmlParserCtxtPtr) -> Bool {
        guard let last = xmlCtxtGetLastError(context) else { return false }
        return last.pointee.code == Int32(XML_ERR_ENTITY_LOOP.rawValue)
    }

    /// The context's last error as a ``ParseError``.
    private static func error(from context: xmlParserCtxtPtr, name: String) -> ParseError {
        guard let last = xmlCtxtGetLastError(context), last.pointee.code != 0 else {
            return .malformed(name: name, line: nil, message: "libxml2 could not parse the document")
        }
        let code = last.pointee.code
        let line = last.pointee.line > 0 ? Int(last.pointee.line) : nil
        var message = last.pointee.message.map { String(cString: $0) } ?? "error \(code)"
        message = message.trimmingCharacters(in: .whitespacesAndNewlines)
        if code == Int32(XML_ERR_ENTITY_LOOP.rawValue) {
            return .hostile(name: name, line: line, message: "entity expansion beyond libxml2's limits (\(message)); entity-expansion bombs are not read")
        }
        if message.contains("Excessive depth") {
            return .tooDeep(name: name, line: line, limit: 256)
        }
        return .malformed(name: name, line: line, message: message)
    }

    /// The Unicode value of an HTML named character reference (`amp`, `rsquo`, `nbsp`), from libxml2's table.
    static func htmlEntity(_ name: [UInt8]) -> UInt32? {
        _ = initialised
        var terminated = name
        terminated.append(0)
        return terminated.withUnsafeBufferPointer { buffer in
            htmlEntityLookup(buffer.baseAddress).map { $0.pointee.value }
        }
    }
}

/// Refuses every external resource: no DTD, external entity or XInclude is ever read.
private func refuseExternalEntity(
    _ url: UnsafePointer<CChar>?, _ identifier: UnsafePointer<CChar>?, _ context: xmlParserCtxtPtr?
) -> xmlParserInputPtr? {
    nil
}

// MARK: - Node access

extension UnsafeMutablePointer where Pointee == xmlNode {
    /// Whether this is an element.
    var isElement: Bool { pointee.type == XML_ELEMENT_NODE }
    /// Whether this is a text node.
    var isText: Bool { pointee.type == XML_TEXT_NODE }

    /// The element's local name, ASCII-lowercased.
    var lowercasedName: String {
        guard let name = pointee.name else { return "" }
        var bytes: [UInt8] = []
        var pointer = name
        while pointer.pointee != 0 {
            let byte = pointer.pointee
            bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            pointer += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The node's name as raw bytes.
    var nameBytes: [UInt8] {
        guard let name = pointee.name else { return [] }
        return Array(UnsafeBufferPointer(start: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))))
    }

    /// A text or CDATA node's content as a buffer (valid while the document lives).
    var contentBuffer: UnsafeBufferPointer<UInt8> {
        guard let content = pointee.content else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self)))
    }

    /// For a text node of a tree ``HTMLTreeBuilder`` built: the range of the decoded source
    /// its content is a verbatim copy of, when it is one run the compaction replaced
    /// (``HTMLTextCompaction``); for one of a tree ``XMLDirectReader`` built, when it is one
    /// run of text. Only meaningful on those trees, whose nodes use `_private` for nothing
    /// else (libxml2's own trees leave it nil).
    var knownSourceSpan: Range<Int>? {
        guard let memory = pointee._private else { return nil }
        let bounds = memory.assumingMemoryBound(to: Int.self)
        return bounds[0]..<bounds[1]
    }

    /// For a text node with a ``knownSourceSpan``: where, before the span, markup begins that
    /// ``MarkupScanner/skipMarkup(_:)`` skips tag by tag to the span's start, with nothing but
    /// markup between (the compaction read it so); nil when that is not known.
    var knownMarkupStart: Int? {
        guard let memory = pointee._private else { return nil }
        let start = memory.assumingMemoryBound(to: Int.self)[2]
        return start >= 0 ? start : nil
    }

    /// Whether the node's name is `wanted` (which is lower-case ASCII), ignoring ASCII case.
    func nameIs(_ wanted: StaticString) -> Bool {
        guard let name = pointee.name else { return false }
        return ByteClass.equalsIgnoringCase(name, wanted)
    }

    /// The raw value of an attribute (name matched ASCII case-insensitively; `wanted` is lower
    /// case) when it is a single text node, as a buffer valid while the document lives.
    func attributeBuffer(_ wanted: StaticString) -> UnsafeBufferPointer<UInt8>? {
        var attribute = pointee.properties
        while let current = attribute {
            if let name = current.pointee.name, ByteClass.equalsIgnoringCase(name, wanted) {
                guard let child = current.pointee.children else { return UnsafeBufferPointer(start: nil, count: 0) }
                if child.pointee.next == nil { return UnsafeMutablePointer<xmlNode>(child).contentBuffer }
                return nil
            }
            attribute = current.pointee.next
        }
        return nil
    }

    /// The value of an attribute (matched ASCII case-insensitively; `wanted` is lower case).
    func attribute(_ wanted: StaticString) -> String? {
        var attribute = pointee.properties
        while let current = attribute {
            if let name = current.pointee.name, ByteClass.equalsIgnoringCase(name, wanted) {
                var value: [UInt8] = []
                var child = current.pointee.children
                while let node = child {
                    value.append(contentsOf: UnsafeMutablePointer<xmlNode>(node).contentBuffer)
                    child = node.pointee.next
                }
                return String(decoding: value, as: UTF8.self)
            }
            attribute = current.pointee.next
        }
        return nil
    }

    /// A numeric attribute ("12", " 3.5 ", "-4"), parsed without building strings.
    func numberAttribute(_ wanted: StaticString) -> Double? {
        var attribute = pointee.properties
        while let current = attribute {
            if let name = current.pointee.name, ByteClass.equalsIgnoringCase(name, wanted) { return current.numberValue }
            attribute = current.pointee.next
        }
        return nil
    }

    /// The concatenated text of all descendant text and CDATA nodes.
    var textContent: [UInt8] {
        var result: [UInt8] = []
        func collect(_ node: xmlNodePtr) {
            var child = node.pointee.children
            while let current = child {
                if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE {
                    result.append(contentsOf: current.contentBuffer)
                } else if current.pointee.type == XML_ELEMENT_NODE {
                    collect(current)
                }
                child = current.pointee.next
            }
        }
        collect(self)
        return result
    }

    /// Whether the element has a direct child text node with non-whitespace content.
    var hasDirectText: Bool {
        var child = pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE {
                for byte in current.contentBuffer where !ByteClass.isSpace(byte) { return true }
            }
            child = current.pointee.next
        }
        return false
    }

    /// The first descendant element with the given lowercased name.
    func firstDescendant(named wanted: String) -> xmlNodePtr? {
        var child = pointee.children
        while let current = child {
            if current.isElement {
                if current.lowercasedName == wanted { return current }
                if let found = current.firstDescendant(named: wanted) { return found }
            }
            child = current.pointee.next
        }
        return nil
    }
}

extension UnsafeMutablePointer where Pointee == xmlAttr {
    /// The attribute's value as a number ("12", " 3.5 ", "-4"), parsed without building
    /// strings when it is one text node; nil when it is no such number.
    var numberValue: Double? {
        guard let child = pointee.children else { return ByteClass.number(UnsafeBufferPointer(start: nil, count: 0)) }
        if child.pointee.next == nil { return ByteClass.number(UnsafeMutablePointer<xmlNode>(child).contentBuffer) }
        // Several text nodes (entity references): join them.
        var value: [UInt8] = []
        var node: UnsafeMutablePointer<_xmlNode>? = child
        while let current = node {
            value.append(contentsOf: UnsafeMutablePointer<xmlNode>(current).contentBuffer)
            node = current.pointee.next
        }
        return Double(String(decoding: value, as: UTF8.self).trimmingASCIISpaces)
    }
}

/// Byte classes shared by the scanners.
enum ByteClass {
    /// The number an attribute value writes ("12", " 3.5 ", "-4": an optional minus, digits
    /// with at most one point, whitespace around), or nil.
    static func number(_ buffer: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        let count = buffer.count
        while index < count, ByteClass.isSpace(buffer[index]) { index += 1 }
        var negative = false
        if index < count, buffer[index] == 0x2D {
            negative = true
            index += 1
        }
        var value = 0.0
        var digits = 0
        while index < count, ByteClass.isDigit(buffer[index]) {
            value = value * 10 + Double(buffer[index] - 0x30)
            index += 1
            digits += 1
        }
        if index < count, buffer[index] == 0x2E {
            index += 1
            var scale = 0.1
            while index < count, ByteClass.isDigit(buffer[index]) {
                value += Double(buffer[index] - 0x30) * scale
                scale /= 10
                index += 1
                digits += 1
            }
        }
        while index < count, ByteClass.isSpace(buffer[index]) { index += 1 }
        guard digits > 0, index == count else { return nil }
        return negative ? -value : value
    }

    /// 0x80 in every byte of `word` that is zero, 0 elsewhere (exact, no false positives).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | word | 0x7F7F_7F7F_7F7F_7F7F)
    }

    /// 0x80 in every byte of `word` that equals `byte`.
    @inline(__always)
    static func bytes(_ word: UInt64, equalTo byte: UInt8) -> UInt64 {
        zeroBytes(word ^ (0x0101_0101_0101_0101 &* UInt64(byte)))
    }

    /// Whether any byte of `word` is below 0x20 (a control character; every whitespace byte
    /// but the space is one).
    @inline(__always)
    static func hasControl(_ word: UInt64) -> Bool {
        (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// Whether eight bytes of text (little-endian word) are "plain": no control character, no
    /// `<` or `&`, no two spaces in a row and no space in the last byte — so that every space
    /// in them stands alone between two bytes that are neither whitespace nor `<`.
    @inline(__always)
    static func isPlain(_ word: UInt64) -> Bool {
        if hasControl(word) { return false }
        let spaces = bytes(word, equalTo: 0x20)
        return bytes(word, equalTo: 0x3C) | bytes(word, equalTo: 0x26) | (spaces & (spaces >> 8))
            | (spaces & 0x8000_0000_0000_0000) == 0
    }

    /// ASCII whitespace as HTML and XML count it (space, tab, LF, CR, FF).
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
    }

    @inline(__always)
    static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }

    /// The bytes ASCII-lowercased (`bytes.map(lower)` without its per-element overhead).
    static func lowercased(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { output, initialized in
            for index in 0..<bytes.count { output[index] = lower(bytes[index]) }
            initialized = bytes.count
        }
    }

    /// A string's UTF-8 bytes ASCII-lowercased (`text.utf8.map(lower)`).
    static func lowercased(_ text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { lowercased($0) }
    }

    /// Whether a NUL-terminated C string equals `wanted` (lower-case ASCII), ignoring ASCII case.
    static func equalsIgnoringCase(_ name: UnsafePointer<UInt8>, _ wanted: StaticString) -> Bool {
        wanted.withUTF8Buffer { buffer in
            for index in 0..<buffer.count where lower(name[index]) != buffer[index] { return false }
            return name[buffer.count] == 0
        }
    }

    /// Whether `haystack` contains `needle` (lower-case ASCII), ignoring ASCII case.
    static func containsIgnoringCase(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: StaticString) -> Bool {
        needle.withUTF8Buffer { buffer in
            let length = buffer.count
            guard haystack.count >= length, length > 0 else { return length == 0 }
            var index = 0
            while index <= haystack.count - length {
                if lower(haystack[index]) == buffer[0] {
                    var offset = 1
                    while offset < length, lower(haystack[index + offset]) == buffer[offset] { offset += 1 }
                    if offset == length { return true }
                }
                index += 1
            }
            return false
        }
    }

    /// Whether `haystack` contains `needle` (both lower-cased ASCII bytes already).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool { find(needle, in: haystack) != nil }

    /// The first offset of `needle` in `haystack`: candidates found by `memchr` for the
    /// needle's first byte (the metadata's month, keyword and review-type searches ran a byte
    /// loop over the front matter once per needle), each compared by `memcmp`.
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty else { return 0 }
        guard haystack.count >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                let base = haystack.baseAddress!
                let rest = needle.baseAddress! + 1
                let last = haystack.count - needle.count
                var index = 0
                while index <= last {
                    guard let found = memchr(base + index, Int32(needle[0]), last - index + 1) else { return nil }
                    index = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                    if memcmp(base + index + 1, rest, needle.count - 1) == 0 { return index }
                    index += 1
                }
                return nil
            }
        }
    }
}
