import Foundation
import JSONRPC

/// The client's copy of a document, with LSP positions computed independently of the
/// server (through Swift's own UTF-16 and UTF-8 views), to check the server's ranges.
struct TextModel {
    var text: String
    var encoding: String  // "utf-16" or "utf-8"

    /// Lines split as LSP does (`\n`, `\r\n`, `\r`), without their terminators.
    var lines: [Substring] {
        var result: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\n" || character == "\r\n" || character == "\r" {
                result.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        result.append(text[start..<text.endIndex])
        return result
    }

    /// The String.Index of an LSP position.
    func index(line: Int, character: Int) -> String.Index? {
        let all = lines
        guard line < all.count else { return nil }
        let content = all[line]
        switch encoding {
        case "utf-8":
            let utf8 = content.utf8
            guard character <= utf8.count else { return nil }
            return utf8.index(utf8.startIndex, offsetBy: character)
        default:
            let utf16 = content.utf16
            guard character <= utf16.count else { return nil }
            return utf16.index(utf16.startIndex, offsetBy: character)
        }
    }

    /// The text an LSP range covers.
    func substring(_ range: JSONValue?) -> String? {
        guard let range, let startLine = range["start"]?["line"]?.intValue, let startCharacter = range["start"]?["character"]?.intValue,
            let endLine = range["end"]?["line"]?.intValue, let endCharacter = range["end"]?["character"]?.intValue,
            let lower = index(line: startLine, character: startCharacter), let upper = index(line: endLine, character: endCharacter),
            lower <= upper
        else { return nil }
        return String(text[lower..<upper])
    }

    /// The LSP position of the first occurrence of `needle` at or after occurrence number `occurrence`.
    func position(of needle: String, occurrence: Int = 0) -> JSONValue? {
        var searchStart = text.startIndex
        var found: Range<String.Index>?
        for _ in 0...occurrence {
            guard let range = text.range(of: needle, range: searchStart..<text.endIndex) else { return nil }
            found = range
            searchStart = range.upperBound
        }
        guard let found else { return nil }
        return position(at: found.lowerBound)
    }

    /// The LSP position of a String.Index.
    func position(at target: String.Index) -> JSONValue {
        var line = 0
        var lineStart = text.startIndex
        var index = text.startIndex
        while index < target {
            let character = text[index]
            let next = text.index(after: index)
            if character == "\n" || character == "\r\n" || character == "\r" {
                line += 1
                lineStart = next
            }
            index = next
        }
        let prefix = text[lineStart..<target]
        let column = encoding == "utf-8" ? prefix.utf8.count : prefix.utf16.count
        return ["line": .int(line), "character": .int(column)]
    }

    /// Applies an LSP change (as the server must) to this copy.
    mutating func apply(range: JSONValue?, text inserted: String) {
        guard let range else {
            text = inserted
            return
        }
        let lower = index(line: range["start"]!["line"]!.intValue!, character: range["start"]!["character"]!.intValue!)!
        let upper = index(line: range["end"]!["line"]!.intValue!, character: range["end"]!["character"]!.intValue!)!
        text.replaceSubrange(lower..<upper, with: inserted)
    }
}
