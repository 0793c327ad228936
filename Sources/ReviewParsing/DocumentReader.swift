import Foundation
import ReviewModel

/// Limits and leniency for reading documents.
public struct ParseOptions: Sendable {
    /// Inputs larger than this are refused (default 64 MiB).
    public var maxInputBytes: Int
    /// Elements nested deeper than this are refused (default 256, libxml2's own XML limit).
    public var maxDepth: Int
    /// Replace invalid UTF-8 with U+FFFD, read unknown encodings as UTF-8 and recover from
    /// XML that is not well-formed, instead of failing.
    public var lenient: Bool
    /// Seconds `pdftohtml` may run before it is stopped.
    public var pdfTimeout: Double
    /// The `pdftohtml` executable; nil looks for it on PATH.
    public var pdfConverter: String?

    public init(
        maxInputBytes: Int = 64 << 20, maxDepth: Int = 256, lenient: Bool = false, pdfTimeout: Double = 120,
        pdfConverter: String? = nil
    ) {
        self.maxInputBytes = maxInputBytes
        self.maxDepth = maxDepth
        self.lenient = lenient
        self.pdfTimeout = pdfTimeout
        self.pdfConverter = pdfConverter
    }
}

/// Reads review documents (HTML, XHTML and other XML, pdftohtml XML, PDF, plain text,
/// Markdown) into ``ReviewDocument``s with an exact source map.
///
/// ```swift
/// let reader = DocumentReader()
/// let document = try reader.read(path: "corpus/dhr-ashworth.html")
/// for block in document.blocks { print(block.kind, document.text(of: block)) }
/// ```
///
/// The source map refers to the *decoded* source: the input converted to UTF-8 with any byte
/// order mark removed (for a PDF, the XML `pdftohtml` produced). For UTF-8 input without a BOM
/// that is the file itself, byte for byte.
public struct DocumentReader: Sendable {
    /// The limits in force.
    public let options: ParseOptions
    /// Whether HTML is read with its text compacted (``HTMLTextCompaction``) and the source
    /// spans that gives, and pdftohtml lines without (re-)allocating per line: false reads
    /// every document the plain way, for tests that compare the two.
    var shortcuts = true

    public init(options: ParseOptions = ParseOptions()) {
        self.options = options
    }

    /// Reads the file at `path`; the format comes from its extension and content.
    public func read(path: String) throws(ParseError) -> ReviewDocument {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(name: path)
        }
        if isDirectory.boolValue { throw .unreadable(name: path, reason: "it is a directory") }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = (attributes[.size] as? NSNumber)?.intValue, size > options.maxInputBytes
        {
            throw .tooLarge(name: path, bytes: size, limit: options.maxInputBytes)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw .unreadable(name: path, reason: Self.reason(error))
        }
        return try read(bytes: [UInt8](data), name: path, format: nil, path: path)
    }

    /// Reads a document held in memory; `name` is used for errors, for the document's name and,
    /// with `format` nil, to choose the format from its extension.
    public func read(bytes: [UInt8], name: String, format: DocumentFormat? = nil) throws(ParseError) -> ReviewDocument {
        try read(bytes: bytes, name: name, format: format, path: nil)
    }

    /// The format of a document from its name's extension and its first bytes; nil when
    /// neither says.
    public static func format(forName name: String, bytes: [UInt8]) -> DocumentFormat? {
        if bytes.starts(with: Array("%PDF".utf8)) { return .pdf }
        let ext = extensionOf(name)
        switch ext {
        case "html", "htm": return .html
        case "xhtml", "xht", "xml", "tei", "dbk": return looksLikePDFXML(bytes) ? .pdfXML : .xml
        case "pdf": return .pdf
        case "txt", "text": return .text
        case "md", "markdown", "mdown", "mkd": return .markdown
        default: break
        }
        // Sniff the content.
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        while start < bytes.count, ByteClass.isSpace(bytes[start]) { start += 1 }
        let head = bytes[start..<min(bytes.count, start + 512)].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        if head.starts(with: Array("<?xml".utf8)) { return looksLikePDFXML(bytes) ? .pdfXML : .xml }
        if head.starts(with: Array("<!doctype html".utf8)) || head.starts(with: Array("<html".utf8)) { return .html }
        if head.starts(with: Array("<".utf8)), SourceDecoder.find(Array("<p".utf8), in: head, from: 0) != nil { return .html }
        return nil
    }

    /// The name's extension, lower-cased: after the last `.` of its last `/`-separated part
    /// (empty parts and empty extensions skipped: "a.html." gives "html"), or "" without one.
    static func extensionOf(_ name: String) -> String {
        let utf8 = name.utf8
        // Printable ASCII names (each byte a Character) by bytes; others as Strings.
        guard utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return extensionOfString(name) }
        return utf8.withContiguousStorageIfAvailable { bytes -> String in
            var end = bytes.count
            while end > 0, bytes[end - 1] == 0x2F { end -= 1 }
            var start = end
            while start > 0, bytes[start - 1] != 0x2F { start -= 1 }
            // The part is bytes[start..<end]; its last non-empty piece after a dot.
            guard bytes[start..<end].contains(0x2E) else { return "" }
            var pieceEnd = end
            while pieceEnd > start, bytes[pieceEnd - 1] == 0x2E { pieceEnd -= 1 }
            var pieceStart = pieceEnd
            while pieceStart > start, bytes[pieceStart - 1] != 0x2E { pieceStart -= 1 }
            return String(decoding: bytes[pieceStart..<pieceEnd].map { ByteClass.lower($0) }, as: UTF8.self)
        } ?? extensionOfString(name)
    }

    /// ``extensionOf(_:)`` on `String`s, for names with characters beyond printable ASCII.
    static func extensionOfString(_ name: String) -> String {
        let lowered = name.lowercased()
        return lowered.split(separator: "/").last.flatMap { $0.contains(".") ? $0.split(separator: ".").last : nil }.map(String.init) ?? ""
    }

    private static func looksLikePDFXML(_ bytes: [UInt8]) -> Bool {
        SourceDecoder.find(Array("<pdf2xml".utf8), in: bytes, from: 0, limit: 2048) != nil
    }

    // MARK: Reading

    private func read(bytes raw: [UInt8], name: String, format requested: DocumentFormat?, path: String?) throws(ParseError) -> ReviewDocument {
        guard raw.count <= options.maxInputBytes else {
            throw .tooLarge(name: name, bytes: raw.count, limit: options.maxInputBytes)
        }
        let detected = requested ?? Self.format(forName: name, bytes: raw)
        if detected != .pdf, let kind = Self.binaryKind(raw) { throw .binary(name: name, kind: kind) }
        guard let format = detected else { throw .unsupportedFormat(name: name) }

        if format == .pdf {
            guard raw.starts(with: Array("%PDF".utf8)) else { throw .binary(name: name, kind: "not a PDF: no %PDF header") }
            let xml = try PDFConverter.convert(
                path: path, bytes: raw, name: name, limit: options.maxInputBytes, timeout: options.pdfTimeout,
                tool: options.pdfConverter)
            var document = try parse(xml, name: name, as: .pdfXML)
            document.format = .pdf
            if document.blocks.isEmpty {
                throw .converterFailed(name: name, message: "the PDF has no text layer (a scan?); run OCR on it first, e.g. ocrmypdf")
            }
            return document
        }
        return try parse(raw, name: name, as: format)
    }

    private func parse(_ raw: [UInt8], name: String, as format: DocumentFormat) throws(ParseError) -> ReviewDocument {
        let decoded = try SourceDecoder.decode(raw, format: format, name: name, lenient: options.lenient).bytes
        var document: ReviewDocument
        switch format {
        case .html:
            document = try readHTML(decoded, name: name)
        case .xml:
            try XMLGuard.check(decoded, name: name)
            do {
                document = try LibXML.withXMLDocument(decoded, name: name, recover: options.lenient, directDepthLimit: directDepthLimit) {
                    (root) throws(ParseError) in
                    var reader = MarkupReader(
                        writer: BlockWriter(name: name, format: .xml, source: decoded, syntax: .xml), vocabulary: .xml,
                        maxDepth: options.maxDepth, name: name)
                    // (Trees ``XMLDirectReader`` built know text spans; libxml2's have none.)
                    reader.knowsSourceSpans = shortcuts
                    return try reader.read(root: root)
                }
            } catch {
                // XHTML that is not well-formed is still HTML: read it as browsers would.
                guard case .malformed = error, Self.looksLikeXHTML(decoded) else { throw error }
                document = try readHTML(decoded, name: name)
            }
        case .pdfXML, .pdf:
            try XMLGuard.check(decoded, name: name)
            func reader() -> PDFXMLReader {
                PDFXMLReader(
                    writer: BlockWriter(name: name, format: .pdfXML, source: decoded, syntax: .xml), maxDepth: options.maxDepth,
                    name: name, shortcuts: shortcuts)
            }
            // Lines read as the source is, without a tree (``PDFXMLStream``), when the document
            // keeps to ``XMLDirectReader``'s subset (and is not too large for libxml2, which
            // refuses it); else from libxml2's tree, as when the direct reader built one.
            if let directDepthLimit, decoded.count < Int(Int32.max),
                case let stream = PDFXMLStream(reader: reader(), sourceBytes: decoded.count),
                XMLDirectReader.read(decoded, into: stream, depthLimit: directDepthLimit)
            {
                document = stream.finish()
            } else {
                // pdftohtml's output is machine-written and occasionally not well-formed (<b> and
                // <a> nesting across each other): always read it with libxml2's recovery.
                document = try LibXML.withXMLDocument(decoded, name: name, recover: true) { (root) throws(ParseError) in
                    var reader = reader()
                    return try reader.read(root: root)
                }
            }
        case .text, .markdown:
            var reader = PlainTextReader(
                writer: BlockWriter(name: name, format: format, source: decoded, syntax: .raw), markdown: format == .markdown)
            document = reader.read()
        }
        MetadataDetector.detect(&document)
        return document
    }

    /// How deep XML may nest to be read without libxml2 (``XMLDirectReader``), well short of
    /// the readers' depth limit so that they never report a line it gave; nil without shortcuts.
    private var directDepthLimit: Int? {
        shortcuts ? min(options.maxDepth, 256) - 8 : nil
    }

    private func readHTML(_ decoded: [UInt8], name: String) throws(ParseError) -> ReviewDocument {
        try LibXML.withHTMLDocument(decoded, name: name, compacting: shortcuts) { (root) throws(ParseError) in
            var reader = MarkupReader(
                writer: BlockWriter(name: name, format: .html, source: decoded, syntax: .html), vocabulary: .html,
                maxDepth: options.maxDepth, name: name)
            reader.knowsSourceSpans = shortcuts
            var document = try reader.read(root: root)
            document.format = .html
            return document
        }
    }

    private static func looksLikeXHTML(_ bytes: [UInt8]) -> Bool {
        let head = Array(bytes.prefix(4096)).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        return SourceDecoder.find(Array("<html".utf8), in: head, from: 0) != nil
    }

    // MARK: Binary input

    /// What binary input looks like, or nil for text. UTF-16 with a BOM is text.
    static func binaryKind(_ bytes: [UInt8]) -> String? {
        let magics: [(prefix: [UInt8], kind: String)] = [
            ([0x89, 0x50, 0x4E, 0x47], "a PNG image"),
            ([0xFF, 0xD8, 0xFF], "a JPEG image"),
            (Array("GIF87a".utf8), "a GIF image"),
            (Array("GIF89a".utf8), "a GIF image"),
            ([0x50, 0x4B, 0x03, 0x04], "a ZIP archive (a .docx or .odt? save it as HTML or PDF)"),
            ([0x1F, 0x8B], "gzip-compressed data; decompress it first"),
            ([0xD0, 0xCF, 0x11, 0xE0], "an old Office document (.doc); save it as HTML or PDF"),
            (Array("BZh".utf8), "bzip2-compressed data; decompress it first"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A], "xz-compressed data; decompress it first"),
            ([0x7F, 0x45, 0x4C, 0x46], "an executable"),
            (Array("{\\rtf".utf8), "an RTF document; save it as HTML or PDF"),
        ]
        for (prefix, kind) in magics where bytes.starts(with: prefix) { return kind }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return nil }
        let hasNUL = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { memchr($0, 0, buffer.count) != nil } ?? false
        }
        return hasNUL ? "contains NUL bytes" : nil
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}

/// Refuses XML whose internal DTD subset could be used against the reader before libxml2 sees
/// it: entities whose replacement text refers to other entities (the "billion laughs"
/// expansion bomb) and parameter entities. External entities need no check here: they are
/// never substituted (no XML_PARSE_NOENT) and the installed entity loader refuses to open any
/// file or URL.
enum XMLGuard {
    static func check(_ source: [UInt8], name: String) throws(ParseError) {
        guard let doctype = SourceDecoder.find(Array("<!DOCTYPE".utf8), in: source, from: 0, limit: 65536) else { return }
        // Most DOCTYPEs (pdftohtml's, XHTML's) have no internal subset: nothing to check, and
        // no copy of the source for a scanner.
        guard hasInternalSubset(source, doctype: doctype) else { return }
        let scanner = MarkupScanner(source: source, syntax: .xml)
        let end = scanner.skipMarkup(doctype)
        guard let open = source[doctype..<end].firstIndex(of: 0x5B) else { return }
        let subset = Array(source[open..<end])
        var search = 0
        var declarations = 0
        while let at = SourceDecoder.find(Array("<!ENTITY".utf8), in: subset, from: search) {
            declarations += 1
            var index = at + 8
            while index < subset.count, ByteClass.isSpace(subset[index]) { index += 1 }
            let line = scanner.lineNumber(ofByte: open + at)
            if index < subset.count, subset[index] == UInt8(ascii: "%") {
                throw .hostile(name: name, line: line, message: "the document declares a parameter entity; DTD tricks are not read")
            }
            // The declaration's literal value.
            var close = index
            var quote: UInt8 = 0
            var value: [UInt8] = []
            while close < subset.count {
                let byte = subset[close]
                if quote != 0 {
                    if byte == quote { quote = 0 } else { value.append(byte) }
                } else if byte == 0x22 || byte == 0x27 {
                    quote = byte
                } else if byte == 0x3E {
                    break
                }
                close += 1
            }
            if containsEntityReference(value) {
                throw .hostile(
                    name: name, line: line,
                    message: "an entity declared in the document refers to other entities (a possible entity-expansion bomb)")
            }
            search = close
        }
        if declarations > 1000 {
            throw .hostile(name: name, line: nil, message: "the document declares \(declarations) entities")
        }
    }

    /// Whether the DOCTYPE at `doctype` may have an internal subset: a `[` (quoted or not)
    /// before its closing `>`. Without one, ``MarkupScanner/skipMarkup(_:)`` ends the
    /// declaration at the first `>` outside quotes, and no `[` lies before it.
    private static func hasInternalSubset(_ source: [UInt8], doctype: Int) -> Bool {
        var quote: UInt8 = 0
        for byte in source[(doctype + 2)...] {
            if byte == 0x5B { return true }
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == 0x22 || byte == 0x27 {
                quote = byte
            } else if byte == 0x3E {
                return false
            }
        }
        return false
    }

    /// Whether the text holds `&name;` other than a character reference or a predefined entity.
    private static func containsEntityReference(_ value: [UInt8]) -> Bool {
        var index = 0
        while index < value.count {
            if value[index] == 0x26, index + 1 < value.count, value[index + 1] != 0x23 {
                var end = index + 1
                while end < value.count, value[end] != 0x3B, end - index < 64 { end += 1 }
                let entityName = String(decoding: value[(index + 1)..<end], as: UTF8.self)
                if !["lt", "gt", "amp", "quot", "apos"].contains(entityName) { return true }
            }
            index += 1
        }
        return false
    }
}

extension MarkupScanner {
    /// The 1-based line of a byte offset (for messages).
    func lineNumber(ofByte offset: Int) -> Int {
        var line = 1
        var index = 0
        let end = min(offset, source.count)
        while index < end {
            if source[index] == 0x0A { line += 1 }
            index += 1
        }
        return line
    }
}
