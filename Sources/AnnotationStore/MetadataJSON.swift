import ReviewModel

/// The JSON of a document's metadata, byte for byte what `JSONEncoder` with sorted keys
/// writes (a test compares the two), without the encoder's cost: a bulk retag stores the
/// metadata of every document, and the general encoder took about 1% of its time.
enum MetadataJSON {
    static func encode(_ metadata: DocumentMetadata) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(128 + (metadata.title?.utf8.count ?? 0) + (metadata.reviewType?.evidence.utf8.count ?? 0))
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ name: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        if let area = metadata.area {
            key("area")
            appendQuoted(area, to: &out)
        }
        if let date = metadata.publicationDate {
            key("publicationDate")
            appendQuoted(date, to: &out)
        }
        if let type = metadata.reviewType {
            key("reviewType")
            out.append(contentsOf: Array(#"{"evidence":"#.utf8))
            appendQuoted(type.evidence, to: &out)
            out.append(contentsOf: Array(#","id":"#.utf8))
            appendQuoted(type.id, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        if let title = metadata.title {
            key("title")
            appendQuoted(title, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// A JSON string as `JSONEncoder` writes it (slashes escaped, control characters as
    /// `\n`-style escapes or `\u00XX`, everything else as UTF-8).
    static func appendQuoted(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x2F else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                out.append(0x5C)
                switch byte {
                case 0x22, 0x5C, 0x2F: out.append(byte)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    out.append(hex[Int(byte >> 4)])
                    out.append(hex[Int(byte & 0xF)])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
