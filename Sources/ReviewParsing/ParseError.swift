/// Why a document could not be read. Every case names the input (a path, or the name given
/// with in-memory bytes) and ``description`` says what to do about it.
public enum ParseError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file does not exist.
    case fileNotFound(name: String)
    /// The file exists but cannot be read (permissions, a directory, an I/O error).
    case unreadable(name: String, reason: String)
    /// The input is larger than ``ParseOptions/maxInputBytes``.
    case tooLarge(name: String, bytes: Int, limit: Int)
    /// The input is binary (NUL bytes, or an image/archive magic number); `kind` says what it looks like.
    case binary(name: String, kind: String)
    /// The format could not be determined from the name or the content.
    case unsupportedFormat(name: String)
    /// The bytes are not valid in the encoding the input claims.
    case invalidEncoding(name: String, encoding: String, byteOffset: Int)
    /// The input declares an encoding revtag does not decode.
    case unsupportedEncoding(name: String, encoding: String)
    /// The XML is not well-formed (or libxml2 could not parse it at all).
    case malformed(name: String, line: Int?, message: String)
    /// The input tries something dangerous (entity expansion, external entities).
    case hostile(name: String, line: Int?, message: String)
    /// Elements nest deeper than ``ParseOptions/maxDepth``.
    case tooDeep(name: String, line: Int?, limit: Int)
    /// A PDF was given but `pdftohtml` (poppler-utils) is not on PATH.
    case converterMissing(name: String)
    /// `pdftohtml` failed or produced nothing usable.
    case converterFailed(name: String, message: String)

    /// The input the error is about.
    public var name: String {
        switch self {
        case .fileNotFound(let name), .unreadable(let name, _), .tooLarge(let name, _, _), .binary(let name, _),
            .unsupportedFormat(let name), .invalidEncoding(let name, _, _), .unsupportedEncoding(let name, _),
            .malformed(let name, _, _), .hostile(let name, _, _), .tooDeep(let name, _, _), .converterMissing(let name),
            .converterFailed(let name, _):
            return name
        }
    }

    /// Whether the input could not be opened at all (missing or unreadable), as opposed to
    /// being read and found bad.
    public var isMissingInput: Bool {
        switch self {
        case .fileNotFound, .unreadable: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let name):
            return "\(name): no such file; check the path"
        case .unreadable(let name, let reason):
            return "\(name): cannot read the file (\(reason))"
        case .tooLarge(let name, let bytes, let limit):
            return "\(name): input is \(bytes) bytes, over the limit of \(limit) bytes; raise it with --max-size (MB) if the file is genuine"
        case .binary(let name, let kind):
            return "\(name): looks like binary data (\(kind)), not a review document; convert it to HTML, PDF or text first"
        case .unsupportedFormat(let name):
            return "\(name): unknown document format; supported extensions are .html .htm .xhtml .xml .pdf .txt .md .markdown"
        case .invalidEncoding(let name, let encoding, let byteOffset):
            return "\(name): invalid \(encoding) at byte offset \(byteOffset); fix the file's encoding or use --lenient to replace bad bytes with U+FFFD"
        case .unsupportedEncoding(let name, let encoding):
            return "\(name): unsupported character encoding \"\(encoding)\"; convert the file to UTF-8 (e.g. iconv -f \(encoding) -t UTF-8) or use --lenient to read it as UTF-8"
        case .malformed(let name, let line, let message):
            return "\(name)\(Self.lineSuffix(line)): not well-formed XML: \(message); fix the markup, or save the file as .html to read it leniently"
        case .hostile(let name, let line, let message):
            return "\(name)\(Self.lineSuffix(line)): refused: \(message)"
        case .tooDeep(let name, let line, let limit):
            return "\(name)\(Self.lineSuffix(line)): elements nest deeper than \(limit) levels; the file is probably broken or hostile"
        case .converterMissing(let name):
            return "\(name): reading PDF needs pdftohtml; install poppler-utils (apt-get install poppler-utils)"
        case .converterFailed(let name, let message):
            return "\(name): pdftohtml could not convert the PDF: \(message)"
        }
    }

    private static func lineSuffix(_ line: Int?) -> String {
        guard let line else { return "" }
        return ":\(line)"
    }
}
