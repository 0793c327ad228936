import Foundation
import JSONRPC
import ReviewModel

/// A document the client has open: its text (UTF-8), version and line index.
///
/// Edits are applied in order, each against the text the previous one left
/// (`contentChanges` of one `didChange`), with positions converted through ``LineIndex``.
struct OpenDocument: Sendable {
    /// The document URI as the client sent it.
    var uri: String
    /// The client's language id.
    var languageId: String
    /// The format revtag reads it as.
    var format: DocumentFormat
    /// The name used for the store and in results (a path relative to the workspace when inside it).
    var name: String
    /// The client's version of the text.
    var version: Int
    /// The text's line index (which holds the UTF-8 bytes).
    private(set) var lines: LineIndex
    /// Counts the `didChange` notifications applied (unlike `version`, always increasing).
    private(set) var sequence = 0
    /// The edits of the text, each with the ``sequence`` it produced, since the text the
    /// last finished analysis saw (so that the next one can patch that analysis).
    private(set) var pendingEdits: [(sequence: Int, edit: SourceEdit)] = []

    init(uri: String, languageId: String, format: DocumentFormat, name: String, version: Int, text: String) {
        self.uri = uri
        self.languageId = languageId
        self.format = format
        self.name = name
        self.version = version
        self.lines = LineIndex(text)
    }

    /// The text's bytes.
    var bytes: [UInt8] { lines.bytes }

    /// A change of a `didChange` notification.
    struct Change: Sendable {
        /// The replaced range, or nil to replace the whole text.
        var range: LSPRange?
        var text: String

        init(json: JSONValue, index: Int) throws(ResponseError) {
            guard case .object = json else { throw .invalidParams("contentChanges[\(index)] must be an object") }
            guard let text = json["text"]?.stringValue else { throw .invalidParams("contentChanges[\(index)].text must be a string") }
            self.text = text
            if let range = json["range"], !range.isNull {
                self.range = try LSPRange(json: range, field: "contentChanges[\(index)].range")
            }
        }
    }

    /// The byte range an edit of the current text replaces, and the bytes it inserts.
    struct ByteEdit: Hashable, Sendable {
        var start: Int
        var oldEnd: Int
        var newLength: Int
    }

    /// Applies changes in order; returns the byte edits (against successive texts).
    @discardableResult
    mutating func apply(_ changes: [Change], encoding: PositionEncoding) -> [ByteEdit] {
        var edits: [ByteEdit] = []
        sequence += 1
        for change in changes {
            let inserted = Array(change.text.utf8)
            guard let range = change.range else {
                edits.append(ByteEdit(start: 0, oldEnd: lines.bytes.count, newLength: inserted.count))
                pendingEdits.append((sequence, SourceEdit(start: 0, oldEnd: lines.bytes.count, replacement: inserted)))
                lines = LineIndex(bytes: inserted)
                continue
            }
            var start = lines.byteOffset(of: range.start, encoding: encoding)
            var end = lines.byteOffset(of: range.end, encoding: encoding)
            if end < start { swap(&start, &end) }
            var bytes = lines.bytes
            lines = LineIndex(bytes: [])  // release the shared buffer so the edit is in place
            bytes.replaceSubrange(start..<end, with: inserted)
            lines = LineIndex(bytes: bytes)
            edits.append(ByteEdit(start: start, oldEnd: end, newLength: inserted.count))
            pendingEdits.append((sequence, SourceEdit(start: start, oldEnd: end, replacement: inserted)))
        }
        // A long burst of edits with no analysis in between is re-parsed, not patched.
        if pendingEdits.count > 64 { pendingEdits.removeFirst(pendingEdits.count - 64) }
        return edits
    }

    /// The edits made after the text of sequence number `analysed`, or nil when they are
    /// no longer all known.
    func edits(since analysed: Int) -> [SourceEdit]? {
        if sequence == analysed { return [] }
        guard let first = pendingEdits.first, first.sequence <= analysed + 1 else { return nil }
        return pendingEdits.filter { $0.sequence > analysed }.map(\.edit)
    }

    /// Forgets the edits up to and including sequence number `analysed` (an analysis of that text finished).
    mutating func forgetEdits(through analysed: Int) {
        pendingEdits.removeAll { $0.sequence <= analysed }
    }

    /// The text as a string.
    var text: String { String(decoding: lines.bytes, as: UTF8.self) }
}

/// How a URI and language id map to a revtag format, and a URI to a path.
enum DocumentKinds {
    /// The format for a language id or, failing that, the URI's extension; nil when revtag does not read it.
    static func format(languageId: String, uri: String, text: String) -> DocumentFormat? {
        let fromExtension = formatFromExtension(uri)
        switch languageId.lowercased() {
        case "html": return .html
        case "xml", "xhtml", "xsl":
            return isPdfXML(text) ? .pdfXML : .xml
        case "plaintext", "text", "txt": return fromExtension == .markdown ? .markdown : .text
        case "markdown", "md": return .markdown
        default:
            if fromExtension == .xml, isPdfXML(text) { return .pdfXML }
            return fromExtension
        }
    }

    static func formatFromExtension(_ uri: String) -> DocumentFormat? {
        let path = uri.split(separator: "?").first.map(String.init) ?? uri
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        switch path[path.index(after: dot)...].lowercased() {
        case "html", "htm": return .html
        case "xhtml", "xml": return .xml
        case "txt", "text": return .text
        case "md", "markdown": return .markdown
        default: return nil
        }
    }

    /// Whether XML text is pdftohtml output (`<pdf2xml>` root).
    static func isPdfXML(_ text: String) -> Bool {
        text.utf8.prefix(4096).withContiguousStorageIfAvailable { Self.contains($0, Array("<pdf2xml".utf8)) }
            ?? String(text.prefix(4096)).contains("<pdf2xml")
    }

    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return true }
        }
        return false
    }

    /// The file path of a `file:` URI (percent-decoded), or the URI itself for other schemes.
    static func path(ofURI uri: String) -> String {
        guard uri.hasPrefix("file://") else { return uri }
        var rest = String(uri.dropFirst("file://".count))
        if !rest.hasPrefix("/"), let slash = rest.firstIndex(of: "/") { rest = String(rest[slash...]) }  // host part
        return rest.removingPercentEncoding ?? rest
    }
}
