import JSONRPC
import ReviewModel

/// The unit of `Position.character` agreed with the client at `initialize`.
public enum PositionEncoding: String, Sendable, CaseIterable {
    /// UTF-16 code units: LSP's default and the only one every client supports.
    case utf16 = "utf-16"
    /// UTF-8 bytes, used when the client offers it.
    case utf8 = "utf-8"

    /// The encoding to use given the client's `general.positionEncodings` (in its order of
    /// preference): utf-8 when offered, otherwise utf-16.
    public static func negotiate(clientOffers offers: [String]?) -> PositionEncoding {
        guard let offers else { return .utf16 }
        return offers.contains(PositionEncoding.utf8.rawValue) ? .utf8 : .utf16
    }
}

/// An LSP `Position`: 0-based line and character in the negotiated encoding.
public struct LSPPosition: Hashable, Sendable, Comparable {
    public var line: Int
    public var character: Int

    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    /// Reads `{"line": n, "character": n}`.
    init(json: JSONValue?, field: String) throws(ResponseError) {
        guard let json, case .object = json else { throw .invalidParams("\(field) must be a Position object") }
        guard let line = json["line"]?.intValue, line >= 0 else { throw .invalidParams("\(field).line must be a non-negative integer") }
        guard let character = json["character"]?.intValue, character >= 0 else {
            throw .invalidParams("\(field).character must be a non-negative integer")
        }
        self.init(line: line, character: character)
    }

    var json: JSONValue { ["line": .int(line), "character": .int(character)] }

    public static func < (lhs: LSPPosition, rhs: LSPPosition) -> Bool {
        (lhs.line, lhs.character) < (rhs.line, rhs.character)
    }
}

/// An LSP `Range`.
public struct LSPRange: Hashable, Sendable {
    public var start: LSPPosition
    public var end: LSPPosition

    public init(start: LSPPosition, end: LSPPosition) {
        self.start = start
        self.end = end
    }

    init(json: JSONValue?, field: String) throws(ResponseError) {
        guard let json, case .object = json else { throw .invalidParams("\(field) must be a Range object") }
        self.init(
            start: try LSPPosition(json: json["start"], field: "\(field).start"),
            end: try LSPPosition(json: json["end"], field: "\(field).end"))
    }

    var json: JSONValue { ["start": start.json, "end": end.json] }

    /// Whether the two ranges touch or overlap (an empty range at a boundary counts).
    func intersects(_ other: LSPRange) -> Bool { !(end < other.start) && !(other.end < start) }

    /// Whether `position` lies inside (end inclusive, so a caret just after a word counts).
    func contains(_ position: LSPPosition) -> Bool { !(position < start) && !(end < position) }
}

extension LineIndex {
    /// The byte offset of an LSP position (columns past a line's end clamp to it).
    func byteOffset(of position: LSPPosition, encoding: PositionEncoding) -> Int {
        switch encoding {
        case .utf16: byteOffset(line: position.line, utf16Column: position.character)
        case .utf8: byteOffset(line: position.line, utf8Column: position.character)
        }
    }
}

extension SourcePosition {
    /// The LSP position in the negotiated encoding.
    func lsp(_ encoding: PositionEncoding) -> LSPPosition {
        LSPPosition(line: line, character: encoding == .utf16 ? utf16Column : utf8Column)
    }
}
