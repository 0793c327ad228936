import CLibXML2
import Foundation

/// Reads XML that keeps to a plain, well-formed subset without libxml2, sending a sink
/// (``XMLDirectSink``) the events libxml2's SAX2 parser would send: an ``XMLTreeBuilder``
/// builds the same tree from them, a ``PDFXMLStream`` reads pdftohtml's lines as they come.
///
/// pdftohtml's XML (an element with five attributes per line of text) and generated XHTML
/// spent most of their reading time in libxml2's parser and its callbacks; the subset is what
/// such documents use:
///
/// - an XML declaration at the very start (`version="1.0"`, an optional encoding name and
///   `standalone`), comments, processing instructions and one DOCTYPE without an internal
///   subset before the root element; comments, processing instructions and whitespace after it;
/// - elements and attributes with ASCII names (`prefix:local` with a declared prefix or `xml`),
///   namespace declarations (`xmlns`, `xmlns:p`), attribute values in quotes without `<`, `&`,
///   tabs or line breaks (which libxml2 would normalise or split);
/// - text with the five predefined entities and character references, CDATA sections,
///   comments and processing instructions between elements;
/// - no carriage return anywhere, no character XML forbids, no `]]>` in text, nesting at most
///   `depthLimit` deep.
///
/// Its text nodes made of one run of text know their source span (`xmlNodePtr.knownSourceSpan`),
/// so that the readers need not search the source for them.
///
/// Anything else (an error libxml2 would report, a construct it would treat specially, an
/// entity, a DTD subset) makes ``read(_:into:depthLimit:)`` give up and return false, as the
/// sink's refusal does (``XMLDirectSink/refused``); the
/// document is then read by libxml2 as before. Element lines are libxml2's (the line of the
/// start tag's `>`); text, CDATA, comment and processing instruction nodes get the line of the
/// element before them, not libxml2's (the readers read lines of elements only, and only past
/// their depth limit, which this reader never reaches).
struct XMLDirectReader<Sink: XMLDirectSink> {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private let sink: Sink
    private let depthLimit: Int
    private var index = 0
    /// The line of ``countedTo`` (1-based, as libxml2 counts).
    private var line = 1
    private var countedTo = 0
    /// Where the last text, reference or CDATA section ends (0 before the first): from there
    /// to the next run of text lies only markup that ``MarkupScanner/skipMarkup(_:)`` skips
    /// whole (tags, comments, processing instructions; before the root, the declaration,
    /// DOCTYPE and whitespace), which the readers' scanner need not walk again when its
    /// cursor stands there (`xmlNodePtr.knownMarkupStart`).
    private var textEnd = 0
    /// Namespace bindings in scope, innermost last: the prefix (a source range; empty for the
    /// default namespace) and the URI (nil when `xmlns=""` undeclares the default).
    private var bindings: [(prefix: Range<Int>, uri: UnsafePointer<xmlChar>?)] = []
    /// Open elements, innermost last: the qualified name's source range and the number of
    /// bindings in scope outside it.
    private var open: [(name: Range<Int>, outerBindings: Int)] = []
    /// Five pointers per attribute of the current start tag, as SAX2 passes them: local name,
    /// prefix, URI, value start, value end (room for ``maxAttributes``; freed by ``read(_:into:depthLimit:)``).
    private let attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>
    /// The current start tag's attributes' qualified names and colons (-1 without): duplicates are errors.
    private let attributeNames: UnsafeMutablePointer<(name: Range<Int>, colon: Int)>
    /// More attributes on one element than this leave the document to libxml2.
    private static var maxAttributes: Int { 64 }
    private var names = NameCache()
    /// `http://www.w3.org/XML/1998/namespace`, the `xml` prefix's URI, kept once.
    private var xmlNamespace: UnsafePointer<xmlChar>?

    private init(_ source: UnsafeBufferPointer<UInt8>, sink: Sink, depthLimit: Int) {
        base = source.baseAddress!
        count = source.count
        self.sink = sink
        self.depthLimit = depthLimit
        open.reserveCapacity(32)
        attributes = .allocate(capacity: 5 * Self.maxAttributes)
        attributeNames = .allocate(capacity: Self.maxAttributes)
    }

    /// Sends the events of `source` to `sink` (a new sink); false when the document is not
    /// in the subset or the sink refused it, and the sink is then to be dropped.
    static func read(_ source: [UInt8], into sink: Sink, depthLimit: Int) -> Bool {
        source.withUnsafeBufferPointer { buffer in
            guard buffer.count > 0, depthLimit > 0, memchr(buffer.baseAddress!, 0x0D, buffer.count) == nil else { return false }
            var reader = XMLDirectReader(buffer, sink: sink, depthLimit: depthLimit)
            defer {
                reader.attributes.deallocate()
                reader.attributeNames.deallocate()
            }
            return reader.document() && !sink.refused
        }
    }

    // MARK: Document

    private mutating func document() -> Bool {
        if starts(with: "<?xml"), index + 5 < count, isSpace(base[index + 5]) {
            guard xmlDeclaration() else { return false }
        }
        // Prolog.
        var sawDoctype = false
        while true {
            skipSpaces()
            guard index < count, base[index] == 0x3C else { return false }
            if let read = miscellaneous() {
                guard read else { return false }
            } else if starts(with: "<!DOCTYPE") {
                guard !sawDoctype, doctype() else { return false }
                sawDoctype = true
            } else {
                break
            }
        }
        guard startTag() else { return false }
        guard content() else { return false }
        // Epilog.
        while true {
            skipSpaces()
            if index == count { return true }
            guard let read = miscellaneous(), read else { return false }
        }
    }

    /// A comment or processing instruction at the index: whether it was read, or nil when
    /// neither starts there.
    private mutating func miscellaneous() -> Bool? {
        if starts(with: "<!--") { return comment() }
        if starts(with: "<?") { return processingInstruction() }
        return nil
    }

    /// `<?xml version="1.0" encoding="..." standalone="..."?>`, strictly.
    private mutating func xmlDeclaration() -> Bool {
        index += 5
        guard skipSpaces() > 0, keyword("version"), let version = quotedValue(), equal(version, "1.0") else { return false }
        var spaced = skipSpaces() > 0
        if spaced, starts(with: "encoding") {
            guard keyword("encoding"), let encoding = quotedValue(), isEncodingName(encoding) else { return false }
            spaced = skipSpaces() > 0
        }
        if spaced, starts(with: "standalone") {
            guard keyword("standalone"), let value = quotedValue(), equal(value, "yes") || equal(value, "no") else { return false }
            skipSpaces()
        }
        guard starts(with: "?>") else { return false }
        index += 2
        return true
    }

    /// `name S? = S?` at the index.
    private mutating func keyword(_ name: StaticString) -> Bool {
        guard starts(with: name) else { return false }
        index += name.utf8CodeUnitCount
        skipSpaces()
        guard index < count, base[index] == 0x3D else { return false }
        index += 1
        skipSpaces()
        return true
    }

    /// A quoted value of plain characters (no markup, references or line breaks); its range.
    private mutating func quotedValue() -> Range<Int>? {
        guard index < count, base[index] == 0x22 || base[index] == 0x27 else { return nil }
        let quote = base[index]
        let start = index + 1
        // One pass to the quote, sixteen bytes at a time, stopping at bytes an attribute value
        // may not hold here (what ``plainCharacters(_:inAttribute:)`` refuses) as well; most
        // values are a few bytes long, where a search for the quote and a second pass over the
        // bytes cost two calls.
        var position = start
        typealias Bytes = SIMD16<UInt8>
        while true {
            guard position + 16 <= count else {
                // The last bytes of the source.
                guard let end = find(quote, from: position), plainCharacters(position..<end, inAttribute: true) else { return nil }
                position = end
                break
            }
            let bytes = UnsafeRawPointer(base + position).loadUnaligned(as: Bytes.self)
            let stops = (bytes .== Bytes(repeating: quote)) .| (bytes .< Bytes(repeating: 0x20)) .| (bytes .== Bytes(repeating: 0x3C))
                .| (bytes .== Bytes(repeating: 0x26)) .| (bytes .== Bytes(repeating: 0xEF))
            let words = unsafeBitCast(Bytes().replacing(with: 0x80, where: stops), to: SIMD2<UInt64>.self)
            if words[0] == 0 && words[1] == 0 {
                position += 16
                continue
            }
            position += words[0] != 0 ? words[0].trailingZeroBitCount / 8 : 8 + words[1].trailingZeroBitCount / 8
            guard base[position] == 0xEF else { break }
            // U+FFFE and U+FFFF are refused; other characters led by 0xEF are not.
            if position + 2 < count, base[position + 1] == 0xBF, base[position + 2] >= 0xBE { return nil }
            position += 1
        }
        guard base[position] == quote else { return nil }
        index = position + 1
        return start..<position
    }

    private func isEncodingName(_ range: Range<Int>) -> Bool {
        guard !range.isEmpty, ByteClass.isASCIILetter(base[range.lowerBound]) else { return false }
        return range.dropFirst().allSatisfy { ByteClass.isASCIILetter(base[$0]) || ByteClass.isDigit(base[$0]) || base[$0] == 0x2E || base[$0] == 0x5F || base[$0] == 0x2D }
    }

    /// `<!DOCTYPE name (SYSTEM "s" | PUBLIC "p" "s")? S? >` without an internal subset.
    private mutating func doctype() -> Bool {
        index += 9
        guard skipSpaces() > 0, let name = self.name(colons: true), !name.isEmpty else { return false }
        let spaced = skipSpaces() > 0
        if spaced, starts(with: "SYSTEM") {
            index += 6
            guard skipSpaces() > 0, systemLiteral() else { return false }
            skipSpaces()
        } else if spaced, starts(with: "PUBLIC") {
            index += 6
            guard skipSpaces() > 0, publicLiteral(), skipSpaces() > 0, systemLiteral() else { return false }
            skipSpaces()
        }
        guard index < count, base[index] == 0x3E else { return false }
        index += 1
        return true
    }

    private mutating func systemLiteral() -> Bool {
        guard index < count, base[index] == 0x22 || base[index] == 0x27 else { return false }
        guard let end = find(base[index], from: index + 1), plainCharacters((index + 1)..<end, inAttribute: false) else { return false }
        index = end + 1
        return true
    }

    private mutating func publicLiteral() -> Bool {
        guard index < count, base[index] == 0x22 || base[index] == 0x27 else { return false }
        let quote = base[index]
        guard let end = find(quote, from: index + 1) else { return false }
        for position in (index + 1)..<end where !Self.isPublicIDCharacter(base[position]) { return false }
        index = end + 1
        return true
    }

    /// PubidChar: space, line feed, letters, digits and ``-'()+,./:=?;!*#@$_%``.
    private static func isPublicIDCharacter(_ byte: UInt8) -> Bool {
        if ByteClass.isASCIILetter(byte) || ByteClass.isDigit(byte) || byte == 0x20 || byte == 0x0A { return true }
        switch byte {
        case 0x2D, 0x27, 0x28, 0x29, 0x2B, 0x2C, 0x2E, 0x2F, 0x3A, 0x3D, 0x3F, 0x3B, 0x21, 0x2A, 0x23, 0x40, 0x24, 0x5F, 0x25: return true
        default: return false
        }
    }

    // MARK: Markup

    /// `<!-- ... -->` with no `--` inside: a comment node inside the root element.
    private mutating func comment() -> Bool {
        let start = index + 4
        guard let dashes = find("--", from: start), dashes + 2 < count, base[dashes + 2] == 0x3E,
            plainCharacters(start..<dashes, inAttribute: false)
        else { return false }
        index = dashes + 3
        if !open.isEmpty { sink.misc(XML_COMMENT_NODE, line: countedLine) }
        return true
    }

    /// `<?target data?>` with a target that is not `xml` in any case and has no colon.
    private mutating func processingInstruction() -> Bool {
        index += 2
        guard let target = name(colons: false), !target.isEmpty else { return false }
        if target.count == 3, base[target.lowerBound] | 0x20 == 0x78, base[target.lowerBound + 1] | 0x20 == 0x6D,
            base[target.lowerBound + 2] | 0x20 == 0x6C
        {
            return false
        }
        if starts(with: "?>") {
            index += 2
        } else {
            guard skipSpaces() > 0, let end = find("?>", from: index), plainCharacters(index..<end, inAttribute: false) else { return false }
            index = end + 2
        }
        if !open.isEmpty { sink.misc(XML_PI_NODE, line: countedLine) }
        return true
    }

    /// A start tag at the index (`<` then a name): the element started, or ended too when empty.
    private mutating func startTag() -> Bool {
        index += 1
        // (A name starting with `_` is valid, but not markup to ``MarkupScanner/isMarkupStart(_:)``.)
        guard index < count, ByteClass.isASCIILetter(base[index]), let (qualified, colon) = qualifiedName() else { return false }
        let outerBindings = bindings.count
        var attributeCount = 0
        var prefixedAttributes = false
        var declaresDefault = false
        // Attributes, each after whitespace.
        while true {
            let spaced = skipSpaces() > 0
            guard index < count else { return false }
            let byte = base[index]
            if byte == 0x3E || (byte == 0x2F && index + 1 < count && base[index + 1] == 0x3E) { break }
            guard spaced, let (attributeName, attributeColon) = qualifiedName() else { return false }
            skipSpaces()
            guard index < count, base[index] == 0x3D else { return false }
            index += 1
            skipSpaces()
            guard let value = quotedValue() else { return false }
            if attributeColon < 0, equal(attributeName, "xmlns") {
                // The default namespace.
                guard !declaresDefault, !isReservedNamespace(value) else { return false }
                declaresDefault = true
                bindings.append((index..<index, value.isEmpty ? nil : keep(value)))
                continue
            }
            if attributeColon >= 0, equal(attributeName.lowerBound..<attributeColon, "xmlns") {
                let declared = (attributeColon + 1)..<attributeName.upperBound
                guard !value.isEmpty, !equal(declared, "xml"), !equal(declared, "xmlns"), !isReservedNamespace(value) else {
                    return false
                }
                for binding in bindings[outerBindings...] where !binding.prefix.isEmpty && equal(binding.prefix, declared) { return false }
                bindings.append((declared, keep(value)))
                continue
            }
            guard attributeCount < Self.maxAttributes else { return false }
            for known in 0..<attributeCount where equal(attributeNames[known].name, attributeName) { return false }
            attributeNames[attributeCount] = (attributeName, attributeColon)
            let pointers = attributes + 5 * attributeCount
            if attributeColon < 0 {
                pointers[0] = intern(attributeName)
                pointers[1] = nil
            } else {
                pointers[0] = intern((attributeColon + 1)..<attributeName.upperBound)
                pointers[1] = intern(attributeName.lowerBound..<attributeColon)
                prefixedAttributes = true
            }
            pointers[2] = nil  // the URI, once this element's declarations are all read
            pointers[3] = base + value.lowerBound
            pointers[4] = base + value.upperBound
            attributeCount += 1
        }
        let empty = base[index] == 0x2F
        let tagLine = sink.readsLines ? lineAt(index) : 0
        index += empty ? 2 : 1
        // Namespaces: the element's, then its prefixed attributes'.
        var uri: UnsafePointer<xmlChar>?
        if colon >= 0 {
            guard let bound = namespace(of: qualified.lowerBound..<colon) else { return false }
            uri = bound
        } else if !bindings.isEmpty {
            uri = defaultNamespace()
        }
        if prefixedAttributes {
            for attribute in 0..<attributeCount {
                let (name, attributeColon) = attributeNames[attribute]
                guard attributeColon >= 0 else { continue }
                guard let bound = namespace(of: name.lowerBound..<attributeColon) else { return false }
                attributes[attribute * 5 + 2] = bound
                // Two prefixes for one namespace give the same attribute twice.
                let local = (attributeColon + 1)..<name.upperBound
                for other in 0..<attribute {
                    guard let otherURI = attributes[other * 5 + 2], strcmp(otherURI, bound) == 0 else { continue }
                    let (otherName, otherColon) = attributeNames[other]
                    if equal((otherColon + 1)..<otherName.upperBound, local) { return false }
                }
            }
        }
        guard open.count + 1 <= depthLimit else { return false }
        let localName = intern(colon < 0 ? qualified : (colon + 1)..<qualified.upperBound)
        let prefixName = colon < 0 ? nil : intern(qualified.lowerBound..<colon)
        sink.startElement(
            localName, prefix: prefixName, uri: uri, attributeCount: attributeCount, attributes: attributeCount > 0 ? attributes : nil,
            line: tagLine)
        if empty {
            sink.endElement()
            if bindings.count > outerBindings { bindings.removeLast(bindings.count - outerBindings) }
        } else {
            open.append((qualified, outerBindings))
        }
        return !sink.refused
    }

    /// A qualified name at the index: `local` or `prefix:local`, ASCII (letters, digits,
    /// `_ - .`, not starting with a digit, `-` or `.`), at most 200 bytes, with the colon's
    /// position (-1 without); nil for anything else, a non-ASCII byte after it included (it
    /// might be part of the name for libxml2).
    private mutating func qualifiedName() -> (Range<Int>, colon: Int)? {
        let start = index
        guard index < count, Self.isNameStart(base[index]) else { return nil }
        index += 1
        var colon = -1
        while index < count {
            if index + 16 <= count {
                let plain = Self.nameBytes(UnsafeRawPointer(base + index))
                index += plain
                if plain == 16 { continue }
            } else {
                while index < count, Self.isNameByte(base[index]) { index += 1 }
                guard index < count else { break }
            }
            let byte = base[index]
            if byte == 0x3A {
                guard colon < 0, index + 1 < count, Self.isNameStart(base[index + 1]) else { return nil }
                colon = index
                index += 2
                continue
            }
            guard byte < 0x80 else { return nil }
            break
        }
        guard index - start <= 200 else { return nil }
        return (start..<index, colon)
    }

    /// How many of the sixteen bytes at `bytes` are name bytes (``isNameByte(_:)``) before the
    /// first that is not (16 when all are): names are read a register at a time.
    @inline(__always)
    private static func nameBytes(_ bytes: UnsafeRawPointer) -> Int {
        typealias Bytes = SIMD16<UInt8>
        let loaded = bytes.loadUnaligned(as: Bytes.self)
        let folded = loaded | Bytes(repeating: 0x20)
        let name = ((folded .>= Bytes(repeating: 0x61)) .& (folded .<= Bytes(repeating: 0x7A)))
            .| ((loaded .>= Bytes(repeating: 0x30)) .& (loaded .<= Bytes(repeating: 0x39))) .| (loaded .== Bytes(repeating: 0x5F))
            .| (loaded .== Bytes(repeating: 0x2D)) .| (loaded .== Bytes(repeating: 0x2E))
        let words = unsafeBitCast(Bytes(repeating: 0x80).replacing(with: 0, where: name), to: SIMD2<UInt64>.self)
        if words[0] != 0 { return words[0].trailingZeroBitCount / 8 }
        if words[1] != 0 { return 8 + words[1].trailingZeroBitCount / 8 }
        return 16
    }

    /// Letters, digits, `_`, `-` and `.`, by two bit masks.
    @inline(__always)
    private static func isNameByte(_ byte: UInt8) -> Bool {
        let low: UInt64 = 1 << 0x2D | 1 << 0x2E | 0x3FF << 0x30
        let high: UInt64 = 0x3FF_FFFF << 1 | 1 << 0x1F | 0x3FF_FFFF << 33
        if byte < 64 { return (low >> UInt64(byte)) & 1 != 0 }
        if byte < 128 { return (high >> UInt64(byte - 64)) & 1 != 0 }
        return false
    }

    /// The URI bound to `prefix` (a source range), `xml`'s, or nil when it is not declared.
    private mutating func namespace(of prefix: Range<Int>) -> UnsafePointer<xmlChar>? {
        if equal(prefix, "xml") {
            if xmlNamespace == nil {
                let uri: StaticString = "http://www.w3.org/XML/1998/namespace"
                xmlNamespace = uri.withUTF8Buffer { sink.keep($0.baseAddress!, count: $0.count) }
            }
            return xmlNamespace
        }
        for binding in bindings.reversed() where !binding.prefix.isEmpty && equal(binding.prefix, prefix) { return binding.uri }
        return nil
    }

    private func defaultNamespace() -> UnsafePointer<xmlChar>? {
        for binding in bindings.reversed() where binding.prefix.isEmpty { return binding.uri }
        return nil
    }

    /// The XML and XMLNS namespace names, which no declaration may bind.
    private func isReservedNamespace(_ value: Range<Int>) -> Bool {
        equal(value, "http://www.w3.org/XML/1998/namespace") || equal(value, "http://www.w3.org/2000/xmlns/")
    }

    /// Content up to the root element's end tag.
    private mutating func content() -> Bool {
        while !open.isEmpty {
            guard index < count else { return false }
            let byte = base[index]
            if byte == 0x3C {
                guard index + 1 < count else { return false }
                let next = base[index + 1]
                if next == 0x2F {
                    guard endTag() else { return false }
                } else if next == 0x21 {
                    if starts(with: "<!--") {
                        guard comment() else { return false }
                    } else if starts(with: "<![CDATA[") {
                        guard cdata() else { return false }
                    } else {
                        return false
                    }
                } else if next == 0x3F {
                    guard processingInstruction() else { return false }
                } else {
                    guard startTag() else { return false }
                }
            } else if byte == 0x26 {
                guard reference() else { return false }
            } else {
                guard text() else { return false }
            }
        }
        return true
    }

    private mutating func endTag() -> Bool {
        index += 2
        guard let (name, outerBindings) = open.last, index + name.count <= count,
            memcmp(base + index, base + name.lowerBound, name.count) == 0
        else { return false }
        index += name.count
        skipSpaces()
        guard index < count, base[index] == 0x3E else { return false }
        index += 1
        open.removeLast()
        if bindings.count > outerBindings { bindings.removeLast(bindings.count - outerBindings) }
        sink.endElement()
        return true
    }

    private mutating func cdata() -> Bool {
        let start = index + 9
        guard let end = find("]]>", from: start), plainCharacters(start..<end, inAttribute: false) else { return false }
        index = end + 3
        sink.text(base + start, count: end - start, type: XML_CDATA_SECTION_NODE, line: countedLine, sourceSpan: nil, markupFrom: -1)
        textEnd = index
        return !sink.refused
    }

    /// Character data up to the next `<` or `&`.
    private mutating func text() -> Bool {
        let start = index
        var position = index
        while true {
            position = Self.nextSpecial(base, from: position, count: count)
            guard position < count else { return false }  // text after the root element's end is never reached here
            let byte = base[position]
            if byte == 0x3C || byte == 0x26 { break }
            if byte == 0x5D {
                if position + 2 < count, base[position + 1] == 0x5D, base[position + 2] == 0x3E { return false }
                position += 1
                continue
            }
            if byte == 0xEF {
                if position + 2 < count, base[position + 1] == 0xBF, base[position + 2] >= 0xBE { return false }
                position += 1
                continue
            }
            return false  // a control character
        }
        index = position
        sink.text(
            base + start, count: position - start, type: XML_TEXT_NODE, line: countedLine, sourceSpan: start..<position,
            markupFrom: textEnd)
        textEnd = position
        return !sink.refused
    }

    /// `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` or a character reference, as the character it stands for.
    private mutating func reference() -> Bool {
        let start = index + 1
        guard let semicolon = find(0x3B, from: start), semicolon - start <= 10, semicolon > start else { return false }
        var scalar: UInt32 = 0
        if base[start] == 0x23 {
            var digit = start + 1
            let hex = digit < semicolon && base[digit] == 0x78
            if hex { digit += 1 }
            guard digit < semicolon else { return false }
            while digit < semicolon {
                let byte = base[digit]
                let value: UInt32
                if ByteClass.isDigit(byte) {
                    value = UInt32(byte - 0x30)
                } else if hex, byte | 0x20 >= 0x61, byte | 0x20 <= 0x66 {
                    value = UInt32(byte | 0x20) - 0x61 + 10
                } else {
                    return false
                }
                scalar = scalar * (hex ? 16 : 10) + value
                guard scalar < 0x110000 else { return false }
                digit += 1
            }
            let isCharacter = scalar == 0x09 || scalar == 0x0A || scalar == 0x0D || (scalar >= 0x20 && scalar <= 0xD7FF)
                || (scalar >= 0xE000 && scalar <= 0xFFFD) || scalar >= 0x10000
            guard isCharacter else { return false }
        } else {
            let name = start..<semicolon
            if equal(name, "amp") {
                scalar = 0x26
            } else if equal(name, "lt") {
                scalar = 0x3C
            } else if equal(name, "gt") {
                scalar = 0x3E
            } else if equal(name, "quot") {
                scalar = 0x22
            } else if equal(name, "apos") {
                scalar = 0x27
            } else {
                return false
            }
        }
        index = semicolon + 1
        textEnd = index
        var utf8: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let length = withUnsafeMutableBytes(of: &utf8) { bytes in
            var encoded = 0
            UTF8.encode(Unicode.Scalar(scalar)!) { unit in
                bytes[encoded] = unit
                encoded += 1
            }
            return encoded
        }
        withUnsafeBytes(of: utf8) { bytes in
            sink.text(
                bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: length, type: XML_TEXT_NODE, line: countedLine,
                sourceSpan: nil, markupFrom: -1)
        }
        return !sink.refused
    }

    // MARK: Names

    /// An ASCII name at the index (letters, digits, `_ - .` and, with `colons`, `:`; not
    /// starting with a digit, `-` or `.`), at most 200 bytes; nil when a name ends in a
    /// character libxml2 might read as part of it (non-ASCII).
    private mutating func name(colons: Bool) -> Range<Int>? {
        let start = index
        guard index < count, Self.isNameStart(base[index]) || (colons && base[index] == 0x3A) else { return nil }
        index += 1
        while index < count {
            let byte = base[index]
            if Self.isNameStart(byte) || ByteClass.isDigit(byte) || byte == 0x2D || byte == 0x2E || (colons && byte == 0x3A) {
                index += 1
                continue
            }
            guard byte < 0x80 else { return nil }
            break
        }
        guard index - start <= 200 else { return nil }
        return start..<index
    }

    @inline(__always)
    private static func isNameStart(_ byte: UInt8) -> Bool {
        ByteClass.isASCIILetter(byte) || byte == 0x5F
    }

    /// A NUL-terminated copy of a name that lives as long as the tree, one per distinct short name.
    private mutating func intern(_ range: Range<Int>) -> UnsafePointer<xmlChar> {
        names.intern(base, range, count: count, sink: sink)
    }

    private func keep(_ range: Range<Int>) -> UnsafePointer<xmlChar> {
        sink.keep(base + range.lowerBound, count: range.count)
    }

    // MARK: Bytes

    @discardableResult
    private mutating func skipSpaces() -> Int {
        let start = index
        while index < count, isSpace(base[index]) { index += 1 }
        return index - start
    }

    /// XML's S without carriage returns (a document with one is not read here).
    @inline(__always)
    private func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09
    }

    private func starts(with literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        return index + length <= count && memcmp(base + index, literal.utf8Start, length) == 0
    }

    private func equal(_ range: Range<Int>, _ literal: StaticString) -> Bool {
        range.count == literal.utf8CodeUnitCount && memcmp(base + range.lowerBound, literal.utf8Start, range.count) == 0
    }

    private func equal(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        a.count == b.count && memcmp(base + a.lowerBound, base + b.lowerBound, a.count) == 0
    }

    /// The first position from `start` where `literal` (two bytes or more) begins.
    private func find(_ literal: StaticString, from start: Int) -> Int? {
        let length = literal.utf8CodeUnitCount
        var search = start
        while let first = find(literal.utf8Start.pointee, from: search) {
            guard first + length <= count else { return nil }
            if memcmp(base + first + 1, literal.utf8Start + 1, length - 1) == 0 { return first }
            search = first + 1
        }
        return nil
    }

    private func find(_ byte: UInt8, from start: Int) -> Int? {
        guard start < count, let found = memchr(base + start, Int32(byte), count - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// Whether the bytes are characters XML allows (no control characters other than tab and
    /// line feed, no U+FFFE or U+FFFF) and, `inAttribute`, no `<`, `&`, tab or line feed.
    private func plainCharacters(_ range: Range<Int>, inAttribute: Bool) -> Bool {
        for position in range {
            let byte = base[position]
            if byte < 0x20 {
                if inAttribute || (byte != 0x09 && byte != 0x0A) { return false }
            } else if byte == 0xEF {
                if position + 2 < count, base[position + 1] == 0xBF, base[position + 2] >= 0xBE { return false }
            } else if inAttribute, byte == 0x3C || byte == 0x26 {
                return false
            }
        }
        return true
    }

    /// The line of the last element (text, CDATA, comment and processing instruction nodes
    /// are given it: no reader reads their lines, see the type's notes).
    private var countedLine: UInt16 { UInt16(clamping: min(line, 65535)) }

    /// The 1-based line of `position` (not before the last one asked for): line feeds counted
    /// sixteen bytes at a time.
    private mutating func lineAt(_ position: Int) -> UInt16 {
        var from = countedTo
        var newlines = 0
        while from + 16 <= position {
            typealias Bytes = SIMD16<UInt8>
            let bytes = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: from, as: Bytes.self)
            let marks = unsafeBitCast(Bytes().replacing(with: 0x80, where: bytes .== Bytes(repeating: 0x0A)), to: SIMD2<UInt64>.self)
            newlines += marks[0].nonzeroBitCount + marks[1].nonzeroBitCount
            from += 16
        }
        while from < position {
            if base[from] == 0x0A { newlines += 1 }
            from += 1
        }
        countedTo = max(countedTo, position)
        line += newlines
        return UInt16(clamping: min(line, 65535))
    }

    /// The first index from `from` of `<`, `&`, `]`, 0xEF (U+FFFE and U+FFFF's lead byte) or
    /// a control character other than tab and line feed; `count` when there is none.
    static func nextSpecial(_ base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int {
        typealias Bytes = SIMD16<UInt8>
        var index = from
        let raw = UnsafeRawPointer(base)
        while index + 16 <= count {
            let bytes = raw.loadUnaligned(fromByteOffset: index, as: Bytes.self)
            let special = (bytes .== Bytes(repeating: 0x3C)) .| (bytes .== Bytes(repeating: 0x26)) .| (bytes .== Bytes(repeating: 0x5D))
                .| (bytes .== Bytes(repeating: 0xEF))
                .| ((bytes .< Bytes(repeating: 0x20)) .& (bytes .!= Bytes(repeating: 0x09)) .& (bytes .!= Bytes(repeating: 0x0A)))
            let words = unsafeBitCast(Bytes().replacing(with: 0x80, where: special), to: SIMD2<UInt64>.self)
            if words[0] != 0 { return index + words[0].trailingZeroBitCount / 8 }
            if words[1] != 0 { return index + 8 + words[1].trailingZeroBitCount / 8 }
            index += 16
        }
        while index < count, !isSpecial(base[index]) { index += 1 }
        return index
    }

    @inline(__always)
    static func isSpecial(_ byte: UInt8) -> Bool {
        byte == 0x3C || byte == 0x26 || byte == 0x5D || byte == 0xEF || (byte < 0x20 && byte != 0x09 && byte != 0x0A)
    }
}

/// What ``XMLDirectReader`` sends the document to, event by event, as libxml2's SAX2 parser
/// calls ``XMLTreeBuilder``: elements with their attributes (five pointers each: local name,
/// prefix, URI, value start, value end), text and CDATA (text of one run with its source span
/// and where the markup before it starts, else nil and -1), comments and processing
/// instructions (`misc`). Names and URIs it passes live as long as the sink (``keep(_:count:)``).
protocol XMLDirectSink: AnyObject {
    /// Whether the sink reads the lines of elements (else they are not counted, and every line
    /// passed is 0).
    var readsLines: Bool { get }
    /// Whether the sink has given up on the document (which is then read another way).
    var refused: Bool { get }
    /// A NUL-terminated copy of `count` bytes that lives as long as the sink.
    func keep(_ bytes: UnsafePointer<xmlChar>, count: Int) -> UnsafePointer<xmlChar>
    func startElement(
        _ localName: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?, attributeCount: Int,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, line: UInt16)
    func endElement()
    func text(_ bytes: UnsafePointer<xmlChar>?, count: Int, type: xmlElementType, line: UInt16, sourceSpan: Range<Int>?, markupFrom: Int)
    func misc(_ type: xmlElementType, line: UInt16)
}

/// Kept names by their bytes: a direct-mapped table of names up to sixteen bytes, so that an
/// element or attribute name costs a hash and a compare rather than a copy (longer names and
/// a name whose slot another took are copied again; equal bytes are all the readers ask of a name).
private struct NameCache {
    private var keys = [SIMD2<UInt64>](repeating: SIMD2(), count: 64)
    private var lengths = [Int](repeating: -1, count: 64)
    private var kept = [UnsafePointer<xmlChar>?](repeating: nil, count: 64)

    /// The kept copy of `base[range]` (of a source of `count` bytes).
    mutating func intern<Sink: XMLDirectSink>(
        _ base: UnsafePointer<UInt8>, _ range: Range<Int>, count: Int, sink: Sink
    ) -> UnsafePointer<xmlChar> {
        let length = range.count
        guard length <= 16 else { return sink.keep(base + range.lowerBound, count: length) }
        var key = SIMD2<UInt64>()
        if range.lowerBound + 16 <= count {
            // The name and the bytes after it in one load, those masked off.
            typealias Bytes = SIMD16<UInt8>
            let loaded = UnsafeRawPointer(base + range.lowerBound).loadUnaligned(as: Bytes.self)
            let lanes = Bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
            key = unsafeBitCast(loaded.replacing(with: 0, where: lanes .>= Bytes(repeating: UInt8(length))), to: SIMD2<UInt64>.self)
        } else {
            withUnsafeMutableBytes(of: &key) { bytes in
                bytes.baseAddress!.copyMemory(from: base + range.lowerBound, byteCount: length)
            }
        }
        let slot = Int(truncatingIfNeeded: ((key[0] ^ key[1] &* 31 ^ UInt64(length)) &* 0x9E37_79B9_7F4A_7C15) >> 58)
        if lengths[slot] == length, keys[slot] == key, let known = kept[slot] { return known }
        let copy = sink.keep(base + range.lowerBound, count: length)
        keys[slot] = key
        lengths[slot] = length
        kept[slot] = copy
        return copy
    }
}
