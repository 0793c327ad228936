import Foundation
import Testing
import ReviewModel

/// `JSONString.quoted`, the string quoter of every hand-written JSON writer, against a
/// scalar-by-scalar reference and against Foundation's parser.
@Suite("JSON string quoting")
struct JSONStringTests {
    /// The escaping rules, one scalar at a time (the specification the fast path must equal).
    static func reference(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    static let samples: [String] = [
        "", "plain", "say \"no\"", "back\\slash", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}",
        "Zoë’s café 😀 👩‍👩‍👧", "/slash/ stays", "\"\\\"", "ends with \\", "\u{8}\u{C}",
        String(repeating: "a\"é\n", count: 500),
    ]

    @Test("equals the scalar-by-scalar rules", arguments: samples)
    func matchesReference(text: String) {
        #expect(JSONString.quoted(text) == Self.reference(text))
    }

    @Test("parses back to the same string", arguments: samples)
    func roundTrips(text: String) throws {
        let json = "[" + JSONString.quoted(text) + "]"
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(parsed == [text])
    }

    @Test("every byte value below 0x80 (control characters included)")
    func everyASCIIScalar() {
        let text = String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init)))
        #expect(JSONString.quoted(text) == Self.reference(text))
    }
}
