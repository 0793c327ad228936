import ReviewModel

/// Building anchors from text ranges and finding them again after the text changed.
///
/// Re-anchoring tries, in order: the stored position (the quote is still there), the
/// quote itself (one occurrence, or the occurrence whose surroundings best match the
/// stored prefix and suffix), then the quote with whitespace runs collapsed, ASCII case
/// folded and typographic quotes straightened. A quote that is not found is not moved
/// anywhere: the decision is reported orphaned.
///
/// ```swift
/// let anchor = Anchoring.anchor(text: old, range: evidence.range)
/// if let found = Anchoring.locate(anchor, in: new) { print(found.method, found.anchor.range) }
/// ```
public enum Anchoring {
    /// How an anchor was found.
    public enum Method: String, Sendable, Hashable {
        /// The quote is at its stored position.
        case position
        /// The quote occurs exactly once.
        case exact
        /// The quote occurs several times; prefix and suffix chose one.
        case context
        /// Found after folding whitespace, ASCII case and quotation marks.
        case fuzzy
    }

    /// Makes the anchor of `range` in `text` (UTF-8 offsets on scalar boundaries).
    public static func anchor(text: String, range: TextRange) -> TextAnchor {
        anchor(bytes: Array(text.utf8), range: range)
    }

    /// Makes the anchor of `range` in the UTF-8 bytes of a text.
    public static func anchor(bytes: [UInt8], range: TextRange) -> TextAnchor {
        let start = min(max(0, range.start), bytes.count)
        let end = min(max(start, range.end), bytes.count)
        let prefixStart = stepBack(bytes, from: start, scalars: TextAnchor.contextLength)
        let suffixEnd = stepForward(bytes, from: end, scalars: TextAnchor.contextLength)
        let characterStart = scalarCount(bytes, upTo: start)
        return TextAnchor(
            exact: string(bytes, start, end),
            prefix: string(bytes, prefixStart, start),
            suffix: string(bytes, end, suffixEnd),
            range: TextRange(start: start, end: end),
            characterStart: characterStart,
            characterEnd: characterStart + scalarCount(bytes, from: start, upTo: end))
    }

    /// Finds `anchor` in `text`, returning the anchor rebuilt at its new place and how it was found;
    /// nil when the quote is not in the text (the decision is orphaned).
    public static func locate(_ anchor: TextAnchor, in text: String) -> (anchor: TextAnchor, method: Method)? {
        let bytes = Array(text.utf8)
        let quote = Array(anchor.exact.utf8)
        guard !quote.isEmpty else { return nil }
        let oldStart = anchor.range.start
        if oldStart >= 0, oldStart + quote.count <= bytes.count, bytes[oldStart..<(oldStart + quote.count)].elementsEqual(quote) {
            return (self.anchor(bytes: bytes, range: TextRange(start: oldStart, end: oldStart + quote.count)), .position)
        }
        let prefix = Array(anchor.prefix.utf8)
        let suffix = Array(anchor.suffix.utf8)
        let hits = occurrences(of: quote, in: bytes)
        if hits.count == 1 {
            return (self.anchor(bytes: bytes, range: TextRange(start: hits[0], end: hits[0] + quote.count)), .exact)
        }
        if hits.count > 1 {
            let best = choose(hits, length: quote.count, in: bytes, prefix: prefix, suffix: suffix, near: oldStart)
            return (self.anchor(bytes: bytes, range: TextRange(start: best, end: best + quote.count)), .context)
        }
        let folded = Folded(bytes)
        let foldedQuote = Folded(quote).trimmed
        guard !foldedQuote.isEmpty else { return nil }
        let foldedHits = occurrences(of: foldedQuote, in: folded.bytes)
        guard !foldedHits.isEmpty else { return nil }
        let foldedNear = folded.origin.firstIndex { $0 >= oldStart } ?? folded.bytes.count
        let chosen = foldedHits.count == 1 ? foldedHits[0] : choose(
            foldedHits, length: foldedQuote.count, in: folded.bytes,
            prefix: Folded(prefix).bytes, suffix: Folded(suffix).bytes, near: foldedNear)
        let start = folded.origin[chosen]
        let end = folded.originEnd[chosen + foldedQuote.count - 1]
        return (self.anchor(bytes: bytes, range: TextRange(start: start, end: end)), .fuzzy)
    }

    /// Finds a quote typed by a coder (`revtag add --quote`): exact first, then folded as in
    /// ``locate(_:in:)``; the first occurrence wins. Nil when it does not occur.
    public static func find(quote: String, in text: String) -> TextRange? {
        let bytes = Array(text.utf8)
        let needle = Array(quote.utf8)
        guard !needle.isEmpty else { return nil }
        if let hit = occurrences(of: needle, in: bytes).first {
            return TextRange(start: hit, end: hit + needle.count)
        }
        let folded = Folded(bytes)
        let foldedQuote = Folded(needle).trimmed
        guard !foldedQuote.isEmpty, let hit = occurrences(of: foldedQuote, in: folded.bytes).first else { return nil }
        return TextRange(start: folded.origin[hit], end: folded.originEnd[hit + foldedQuote.count - 1])
    }

    // MARK: - Helpers on UTF-8 bytes

    /// Number of Unicode scalars in `bytes[0..<offset]`.
    static func scalarCount(_ bytes: [UInt8], from start: Int = 0, upTo offset: Int) -> Int {
        var count = 0
        for index in start..<offset where bytes[index] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    private static func stepBack(_ bytes: [UInt8], from offset: Int, scalars: Int) -> Int {
        var index = offset
        var remaining = scalars
        while index > 0, remaining > 0 {
            index -= 1
            while index > 0, bytes[index] & 0xC0 == 0x80 { index -= 1 }
            remaining -= 1
        }
        return index
    }

    private static func stepForward(_ bytes: [UInt8], from offset: Int, scalars: Int) -> Int {
        var index = offset
        var remaining = scalars
        while index < bytes.count, remaining > 0 {
            index += 1
            while index < bytes.count, bytes[index] & 0xC0 == 0x80 { index += 1 }
            remaining -= 1
        }
        return index
    }

    private static func string(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Start offsets of every occurrence of `needle` (overlapping ones included).
    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        var hits: [Int] = []
        let first = needle[0]
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
                hits.append(index)
            }
            index += 1
        }
        return hits
    }

    /// The hit whose surroundings share the longest prefix and suffix with the stored
    /// context; ties go to the hit nearest the old position.
    private static func choose(
        _ hits: [Int], length: Int, in bytes: [UInt8], prefix: [UInt8], suffix: [UInt8], near: Int
    ) -> Int {
        func score(_ hit: Int) -> Int {
            var before = 0
            while before < prefix.count, hit - before - 1 >= 0,
                bytes[hit - before - 1] == prefix[prefix.count - before - 1] {
                before += 1
            }
            var after = 0
            let end = hit + length
            while after < suffix.count, end + after < bytes.count, bytes[end + after] == suffix[after] { after += 1 }
            return before + after
        }
        return hits.max { lhs, rhs in
            let (left, right) = (score(lhs), score(rhs))
            if left != right { return left < right }
            return abs(lhs - near) > abs(rhs - near)
        } ?? hits[0]
    }

    /// Text folded for fuzzy matching, with the original offsets of every folded byte.
    private struct Folded {
        var bytes: [UInt8] = []
        /// Original start offset of each folded byte.
        var origin: [Int] = []
        /// Original end offset (exclusive) of the character each folded byte came from.
        var originEnd: [Int] = []

        init(_ source: [UInt8]) {
            var index = 0
            bytes.reserveCapacity(source.count)
            while index < source.count {
                let byte = source[index]
                if Self.isSpace(byte) {
                    var end = index + 1
                    while end < source.count, Self.isSpace(source[end]) { end += 1 }
                    push(0x20, index, end)
                    index = end
                    continue
                }
                // U+2018/2019 -> ', U+201C/201D -> ", U+00A0 -> space (UTF-8 E2 80 98..9D, C2 A0).
                if byte == 0xE2, index + 2 < source.count, source[index + 1] == 0x80 {
                    let third = source[index + 2]
                    if third == 0x98 || third == 0x99 {
                        push(0x27, index, index + 3)
                        index += 3
                        continue
                    }
                    if third == 0x9C || third == 0x9D {
                        push(0x22, index, index + 3)
                        index += 3
                        continue
                    }
                }
                if byte == 0xC2, index + 1 < source.count, source[index + 1] == 0xA0 {
                    if bytes.last != 0x20 { push(0x20, index, index + 2) } else { originEnd[originEnd.count - 1] = index + 2 }
                    index += 2
                    continue
                }
                push(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte, index, index + 1)
                index += 1
            }
        }

        private mutating func push(_ byte: UInt8, _ start: Int, _ end: Int) {
            bytes.append(byte)
            origin.append(start)
            originEnd.append(end)
        }

        private static func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C
        }

        /// The folded bytes without leading and trailing spaces.
        var trimmed: [UInt8] {
            var slice = bytes[...]
            while slice.first == 0x20 { slice = slice.dropFirst() }
            while slice.last == 0x20 { slice = slice.dropLast() }
            return Array(slice)
        }
    }
}
