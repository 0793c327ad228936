/// JSON string literals for the hand-written JSON writers (suggest's JSON Lines, the
/// aggregate and agreement reports, the store's audit details), which keep key order and
/// avoid Foundation's general serializer on hot paths.
public enum JSONString {
    /// `text` as a quoted JSON string: `"`, `\` and control characters escaped (`\n`, `\r`,
    /// `\t`, else `\u00XX` in lower-case hex); everything else, non-ASCII included, as is.
    public static func quoted(_ text: String) -> String {
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
}
