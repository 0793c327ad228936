/// JSON string literals for the hand-written JSON writers (suggest's JSON Lines, the
/// aggregate and agreement reports, the store's audit details), which keep key order and
/// avoid Foundation's general serializer on hot paths.
public enum JSONString {
    /// `text` as a quoted JSON string: `"`, `\` and control characters escaped (`\n`, `\r`,
    /// `\t`, else `\u00XX` in lower-case hex); everything else, non-ASCII included, as is.
    ///
    /// Works on the UTF-8 bytes: runs that need no escape are copied at once (only bytes
    /// below 0x20, `"` and `\` are escaped, and none of them occurs inside a multi-byte
    /// sequence, so non-ASCII text is copied unchanged).
    public static func quoted(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 2)
            out.append(0x22)
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                out.append(0x5C)
                switch byte {
                case 0x22, 0x5C: out.append(byte)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
            out.append(0x22)
            return String(decoding: out, as: UTF8.self)
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
