import ReviewModel
/// Turns raw input bytes into the UTF-8 "decoded source" every parser and every source map
/// works on.
///
/// Order of evidence: a byte-order mark (UTF-8, UTF-16LE, UTF-16BE; the BOM itself is not part
/// of the decoded source), then a declared charset (`<meta charset>`, `<meta http-equiv
/// content="...; charset=...">` for HTML, the XML declaration's `encoding` for XML), then the
/// format's default: UTF-8. HTML that declares nothing and is not valid UTF-8 is read as
/// Windows-1252, as browsers do; XML, text and Markdown that are not valid UTF-8 are an error
/// naming the first bad byte (or, when `lenient`, bad sequences become U+FFFD).
/// ISO-8859-1 and US-ASCII are read as Windows-1252 (its superset), as browsers do.
enum SourceDecoder {
    /// The decoded source and the encoding it was read as.
    struct Decoded {
        var bytes: [UInt8]
        var encoding: String
    }

    static func decode(_ raw: [UInt8], format: DocumentFormat, name: String, lenient: Bool) throws(ParseError) -> Decoded {
        // Byte-order marks.
        if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF {
            return Decoded(bytes: try utf8(Array(raw[3...]), name: name, lenient: lenient, offsetBase: 3), encoding: "UTF-8")
        }
        if raw.count >= 2, raw[0] == 0xFF, raw[1] == 0xFE {
            return Decoded(bytes: try utf16(raw, from: 2, bigEndian: false, name: name, lenient: lenient), encoding: "UTF-16LE")
        }
        if raw.count >= 2, raw[0] == 0xFE, raw[1] == 0xFF {
            return Decoded(bytes: try utf16(raw, from: 2, bigEndian: true, name: name, lenient: lenient), encoding: "UTF-16BE")
        }
        var declared: String?
        switch format {
        case .html: declared = htmlDeclaredCharset(raw)
        case .xml, .pdfXML: declared = xmlDeclaredEncoding(raw)
        default: declared = nil
        }
        if let label = declared {
            switch normalise(label) {
            case .utf8:
                return Decoded(bytes: try utf8(raw, name: name, lenient: lenient, offsetBase: 0), encoding: "UTF-8")
            case .windows1252:
                return Decoded(bytes: windows1252(raw), encoding: "windows-1252")
            case .utf16:
                // UTF-16 without a BOM: little-endian unless the first unit says otherwise.
                let bigEndian = raw.count >= 2 && raw[0] == 0 && raw[1] != 0
                return Decoded(bytes: try utf16(raw, from: 0, bigEndian: bigEndian, name: name, lenient: lenient), encoding: "UTF-16")
            case nil:
                if lenient {
                    return Decoded(bytes: try utf8(raw, name: name, lenient: true, offsetBase: 0), encoding: "UTF-8")
                }
                throw .unsupportedEncoding(name: name, encoding: label)
            }
        }
        if format == .html, firstInvalidUTF8(raw) != nil {
            return Decoded(bytes: windows1252(raw), encoding: "windows-1252")
        }
        return Decoded(bytes: try utf8(raw, name: name, lenient: lenient, offsetBase: 0), encoding: "UTF-8")
    }

    enum Charset { case utf8, windows1252, utf16 }

    static func normalise(_ label: String) -> Charset? {
        let lower = label.lowercased().filter { !$0.isWhitespace }
        switch lower {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8": return .utf8
        case "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1",
            "us-ascii", "ascii", "ansi_x3.4-1968", "cp819", "ibm819", "windows1252":
            return .windows1252
        case "utf-16", "utf16", "utf-16le", "utf-16be", "ucs-2": return .utf16
        default: return nil
        }
    }

    // MARK: Declarations

    /// `<meta charset="x">` or `<meta http-equiv="Content-Type" content="text/html; charset=x">`
    /// within the first 4 KiB.
    static func htmlDeclaredCharset(_ raw: [UInt8]) -> String? {
        let limit = min(raw.count, 4096)
        let head = lowercasedASCII(raw[0..<limit])
        var searchFrom = 0
        while let metaAt = find(Array("<meta".utf8), in: head, from: searchFrom) {
            let tagEnd = head[metaAt...].firstIndex(of: UInt8(ascii: ">")) ?? head.count
            let tag = Array(head[metaAt..<tagEnd])
            if let charsetAt = find(Array("charset".utf8), in: tag, from: 0) {
                var index = charsetAt + 7
                while index < tag.count, tag[index] == 0x20 { index += 1 }
                if index < tag.count, tag[index] == UInt8(ascii: "=") {
                    index += 1
                    while index < tag.count, tag[index] == 0x20 || tag[index] == 0x22 || tag[index] == 0x27 { index += 1 }
                    var end = index
                    while end < tag.count, isLabelByte(tag[end]) { end += 1 }
                    if end > index { return String(decoding: tag[index..<end], as: UTF8.self) }
                }
            }
            searchFrom = tagEnd
        }
        return nil
    }

    /// The `encoding` pseudo-attribute of an XML declaration at the very start.
    static func xmlDeclaredEncoding(_ raw: [UInt8]) -> String? {
        let limit = min(raw.count, 512)
        let head = Array(raw[0..<limit])
        guard head.starts(with: Array("<?xml".utf8)) else { return nil }
        let declEnd = find(Array("?>".utf8), in: head, from: 0) ?? head.count
        let decl = Array(head[0..<declEnd])
        guard let at = find(Array("encoding".utf8), in: decl, from: 0) else { return nil }
        var index = at + 8
        while index < decl.count, decl[index] == 0x20 || decl[index] == UInt8(ascii: "=") { index += 1 }
        guard index < decl.count, decl[index] == 0x22 || decl[index] == 0x27 else { return nil }
        let quote = decl[index]
        index += 1
        guard let end = decl[index...].firstIndex(of: quote) else { return nil }
        return String(decoding: decl[index..<end], as: UTF8.self)
    }

    private static func isLabelByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F || byte == 0x3A
            || byte == 0x2E
    }

    private static func lowercasedASCII(_ slice: ArraySlice<UInt8>) -> [UInt8] {
        slice.withUnsafeBufferPointer { ByteClass.lowercased($0) }
    }

    /// The first index from `start` where `needle` lies whole inside the haystack's first
    /// `limit` bytes (all of it when nil), or nil: a search of a prefix without copying it.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int, limit: Int? = nil) -> Int? {
        let end = min(haystack.count, limit ?? haystack.count)
        guard !needle.isEmpty, end >= needle.count else { return nil }
        var index = start
        let last = end - needle.count
        while index <= last {
            if haystack[index] == needle[0] {
                var matched = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    // MARK: UTF-8

    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            let count = buffer.count
            var index = 0
            let raw = UnsafeRawBufferPointer(buffer)
            while index < count {
                // Thirty-two, then eight ASCII bytes at a time (no byte has its high bit set).
                index = ASCIIScan.skipASCII(raw, from: index)
                guard index < count else { break }
                let byte = buffer[index]
                if byte < 0x80 {
                    index += 1
                    continue
                }
                let length = sequenceLength(buffer, at: index)
                if length == 0 { return index }
                index += length
            }
            return nil
        }
    }

    /// Length of the valid UTF-8 sequence starting at `index` (non-ASCII lead), or 0.
    @inline(__always)
    private static func sequenceLength(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let count = buffer.count
        let byte = buffer[index]
        func continuation(_ offset: Int) -> Bool {
            index + offset < count && buffer[index + offset] & 0xC0 == 0x80
        }
        switch byte {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0:
            guard index + 1 < count, buffer[index + 1] >= 0xA0, buffer[index + 1] <= 0xBF, continuation(2) else { return 0 }
            return 3
        case 0xED:
            guard index + 1 < count, buffer[index + 1] >= 0x80, buffer[index + 1] <= 0x9F, continuation(2) else { return 0 }
            return 3
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : 0
        case 0xF0:
            guard index + 1 < count, buffer[index + 1] >= 0x90, buffer[index + 1] <= 0xBF, continuation(2), continuation(3)
            else { return 0 }
            return 4
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4:
            guard index + 1 < count, buffer[index + 1] >= 0x80, buffer[index + 1] <= 0x8F, continuation(2), continuation(3)
            else { return 0 }
            return 4
        default:
            return 0
        }
    }

    /// Validates UTF-8; invalid input throws with the byte offset (in the original input, hence
    /// `offsetBase` for a stripped BOM) or, when lenient, has each bad byte replaced by U+FFFD.
    static func utf8(_ bytes: [UInt8], name: String, lenient: Bool, offsetBase: Int) throws(ParseError) -> [UInt8] {
        guard let bad = firstInvalidUTF8(bytes) else { return bytes }
        if !lenient { throw .invalidEncoding(name: name, encoding: "UTF-8", byteOffset: bad + offsetBase) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        output.append(contentsOf: bytes[0..<bad])
        bytes.withUnsafeBufferPointer { buffer in
            var index = bad
            while index < buffer.count {
                let byte = buffer[index]
                if byte < 0x80 {
                    output.append(byte)
                    index += 1
                    continue
                }
                let length = sequenceLength(buffer, at: index)
                if length == 0 {
                    output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    index += 1
                } else {
                    output.append(contentsOf: buffer[index..<index + length])
                    index += length
                }
            }
        }
        return output
    }

    // MARK: UTF-16

    static func utf16(_ raw: [UInt8], from start: Int, bigEndian: Bool, name: String, lenient: Bool) throws(ParseError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = start
        func unit(_ at: Int) -> UInt32 {
            bigEndian ? UInt32(raw[at]) << 8 | UInt32(raw[at + 1]) : UInt32(raw[at + 1]) << 8 | UInt32(raw[at])
        }
        let encoding = bigEndian ? "UTF-16BE" : "UTF-16LE"
        while index + 1 < raw.count {
            let first = unit(index)
            var scalar = first
            var width = 2
            if first >= 0xD800 && first <= 0xDBFF {
                if index + 3 < raw.count {
                    let second = unit(index + 2)
                    if second >= 0xDC00 && second <= 0xDFFF {
                        scalar = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                        width = 4
                    } else {
                        scalar = 0xFFFD
                    }
                } else {
                    scalar = 0xFFFD
                }
            } else if first >= 0xDC00 && first <= 0xDFFF {
                scalar = 0xFFFD
            }
            if scalar == 0xFFFD && first != 0xFFFD && !lenient {
                throw .invalidEncoding(name: name, encoding: encoding, byteOffset: index)
            }
            appendUTF8(scalar, to: &output)
            index += width
        }
        if index < raw.count {
            if !lenient { throw .invalidEncoding(name: name, encoding: encoding, byteOffset: index) }
            appendUTF8(0xFFFD, to: &output)
        }
        return output
    }

    // MARK: Windows-1252

    /// Code points of bytes 0x80-0x9F in Windows-1252 (undefined bytes map to themselves, as browsers do).
    static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D,
        0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x009D, 0x017E, 0x0178,
    ]

    static func windows1252(_ raw: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(raw.count + raw.count / 8)
        raw.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            let bytes = UnsafeRawBufferPointer(buffer)
            var index = 0
            while index < count {
                // Copy runs of ASCII whole (eight bytes without a high bit at a time).
                let runStart = index
                index = ASCIIScan.skipASCII(bytes, from: index)
                while index < count, buffer[index] < 0x80 { index += 1 }
                if index > runStart { output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index])) }
                guard index < count else { break }
                let byte = buffer[index]
                if byte < 0xA0 {
                    appendUTF8(windows1252High[Int(byte - 0x80)], to: &output)
                } else {
                    appendUTF8(UInt32(byte), to: &output)
                }
                index += 1
            }
        }
        return output
    }

    /// Appends a scalar's UTF-8 form.
    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        if scalar < 0x80 {
            output.append(UInt8(scalar))
        } else if scalar < 0x800 {
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        } else if scalar < 0x10000 {
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        } else {
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
