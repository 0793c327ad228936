import Foundation
import ReviewModel

/// The syntax of a decoded source, which decides how raw text is read back from it.
enum SourceSyntax {
    /// HTML: named references from the HTML table, `<script>`/`<style>` content is raw.
    case html
    /// XML: the five predefined entities and numeric references; CDATA sections.
    case xml
    /// Plain text: every byte is text.
    case raw
}

/// Finds where the text of a parsed node lies in the decoded source.
///
/// libxml2 reports line numbers but not byte offsets, so every text node (in document order,
/// including ones that produce no output) is located by scanning forward from a cursor over
/// the source's text (markup, comments, DOCTYPE and raw-text elements skipped), comparing
/// the node's decoded content with the source decoded on the fly (character references,
/// runs of whitespace compare equal to runs of whitespace). Because nodes come in source
/// order, the match is nearly always at the cursor; a node that cannot be found (libxml2
/// repaired the markup) is reported as unlocated and its text is emitted without a source span.
struct MarkupScanner {
    /// The decoded source (UTF-8); it also keeps the buffer `bytes` points into. Never
    /// mutated (a `let`), so that buffer stays where it is while any copy of the scanner lives:
    /// a change made through another copy of the array copies that array first.
    let source: [UInt8]
    /// The same bytes, read through a pointer: no retain, release or bounds check per access
    /// in the loops below (each of which checks its indices itself). `source`'s own buffer,
    /// not a copy (a copy cost a pass over every source and, for large ones, fresh pages).
    let bytes: UnsafeBufferPointer<UInt8>
    let syntax: SourceSyntax
    /// Everything before the cursor has been matched or skipped.
    var cursor = 0
    /// Number of nodes that could not be located.
    private(set) var failures = 0
    private var entityCache: [[UInt8]: UInt32] = [:]
    /// Recently decoded references by packed name (0 = empty slot); value 0 = not a character.
    private var recentReferences = [(name: UInt64, value: UInt32)](repeating: (0, 0), count: 64)
    /// How far past the cursor a node is looked for.
    private var searchLimit = 1 << 20
    /// The range the last ``locate(_:)`` returned when everything in it after its leading
    /// whitespace (from `runStart`) is one run of text that ``BlockWriter`` copies verbatim:
    /// no markup, reference, no-break or soft hyphen, and no whitespace but single spaces
    /// between other characters. The writer then skips scanning it again.
    private(set) var plainRun: (range: Range<Int>, runStart: Int)?
    /// Whether the last successful ``match(_:from:at:in:)`` took only its fast paths.
    private var lastMatchWasPlain = false

    /// A scanner of `source`.
    init(source: [UInt8], syntax: SourceSyntax) {
        self.source = source
        self.syntax = syntax
        bytes = self.source.withUnsafeBufferPointer { $0 }
    }

    // MARK: Markup

    /// Whether a `<` at `position` starts markup (a tag, comment, declaration or processing
    /// instruction) rather than being a literal less-than sign.
    @inline(__always)
    func isMarkupStart(_ position: Int) -> Bool {
        let source = bytes
        guard syntax != .raw, position + 1 < source.count, source[position] == 0x3C else { return false }
        let next = source[position + 1]
        return ByteClass.isASCIILetter(next) || next == 0x2F || next == 0x21 || next == 0x3F
    }

    /// The position just after the markup starting at `position` (which must satisfy ``isMarkupStart(_:)``).
    func skipMarkup(_ position: Int) -> Int {
        let source = bytes
        let count = source.count
        let next = source[position + 1]
        if next == 0x21 {  // <!
            if hasPrefix("<!--", at: position) {
                return find("-->", from: position + 4).map { $0 + 3 } ?? count
            }
            if hasPrefix("<![CDATA[", at: position) {
                if syntax == .xml { return find("]]>", from: position + 9).map { $0 + 3 } ?? count }
                return find(">", from: position + 2).map { $0 + 1 } ?? count
            }
            // DOCTYPE or other declaration, possibly with an internal subset in brackets.
            var index = position + 2
            var bracketDepth = 0
            var quote: UInt8 = 0
            while index < count {
                let byte = source[index]
                if quote != 0 {
                    if byte == quote { quote = 0 }
                } else if byte == 0x22 || byte == 0x27 {
                    quote = byte
                } else if byte == 0x5B {
                    bracketDepth += 1
                } else if byte == 0x5D {
                    bracketDepth = max(0, bracketDepth - 1)
                } else if byte == 0x3E && bracketDepth == 0 {
                    return index + 1
                }
                index += 1
            }
            return count
        }
        if next == 0x3F {  // <?
            if syntax == .xml { return find("?>", from: position + 2).map { $0 + 2 } ?? count }
            return find(">", from: position + 2).map { $0 + 1 } ?? count
        }
        if next == 0x2F {  // </
            return Self.tagEnd(source, from: position + 2)
        }
        // Start tag: to the closing '>' outside quoted attribute values.
        var index = position + 1
        let nameStart = index
        while index < count, !ByteClass.isSpace(source[index]), source[index] != 0x3E, source[index] != 0x2F {
            index += 1
        }
        let nameEnd = index
        // A quote opens a value only after '=' and blanks; the value's end is found with memchr.
        // Every other byte is passed over: sixteen at a time to the next '>' or '='.
        let raw = UnsafeRawPointer(source.baseAddress!)
        while index < count {
            while index + 16 <= count {
                let offset = Self.firstOf(0x3E, 0x3D, in: raw.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self))
                index += offset
                if offset < 16 { break }
            }
            guard index < count else { break }
            let byte = source[index]
            if byte == 0x3E {
                index += 1
                break
            }
            index += 1
            guard byte == 0x3D else { continue }
            while index < count, ByteClass.isSpace(source[index]) { index += 1 }
            guard index < count else { break }
            let quote = source[index]
            guard quote == 0x22 || quote == 0x27 else { continue }
            let valueStart = index + 1
            guard valueStart < count, let close = memchr(source.baseAddress! + valueStart, Int32(quote), count - valueStart) else {
                index = count
                break
            }
            index = UnsafePointer<UInt8>(close.assumingMemoryBound(to: UInt8.self)) - source.baseAddress! + 1
        }
        if syntax == .html, let rawEnd = rawTextEnd(nameStart: nameStart, nameEnd: nameEnd, contentStart: index) {
            return rawEnd
        }
        return index
    }

    /// The position after the first `>` from `start` (the end of an end tag), or the source's
    /// end: sixteen bytes at a time (an end tag's `>` is near; no call per tag).
    @inline(__always)
    private static func tagEnd(_ source: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let count = source.count
        guard let base = source.baseAddress else { return count }
        var index = start
        while index + 16 <= count {
            let offset = firstOf(0x3E, 0x3E, in: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self))
            if offset < 16 { return index + offset + 1 }
            index += 16
        }
        while index < count {
            if base[index] == 0x3E { return index + 1 }
            index += 1
        }
        return count
    }

    /// How many of the sixteen bytes come before the first that is `a` or `b` (16 when none
    /// is): vector compares marking each such byte 0x80, read as two little-endian words.
    @inline(__always)
    static func firstOf(_ a: UInt8, _ b: UInt8, in bytes: SIMD16<UInt8>) -> Int {
        let found = (bytes .== SIMD16<UInt8>(repeating: a)) .| (bytes .== SIMD16<UInt8>(repeating: b))
        let marks = unsafeBitCast(SIMD16<UInt8>().replacing(with: 0x80, where: found), to: SIMD2<UInt64>.self)
        if marks[0] != 0 { return marks[0].trailingZeroBitCount / 8 }
        return 8 + marks[1].trailingZeroBitCount / 8  // 16 when both are zero
    }

    /// For `<script>` and `<style>`, whose content HTML parsers keep as raw text, the position
    /// after the matching end tag.
    private func rawTextEnd(nameStart: Int, nameEnd: Int, contentStart: Int) -> Int? {
        let source = bytes
        let length = nameEnd - nameStart
        guard length == 5 || length == 6 else { return nil }
        // (Compared in place: a five- or six-letter name is common, `table` say.)
        let name = UnsafeBufferPointer(rebasing: source[nameStart..<nameEnd]).lazy.map { $0 | 0x20 }
        let closing: StaticString
        if name.elementsEqual("script".utf8) {
            closing = "</script"
        } else if name.elementsEqual("style".utf8) {
            closing = "</style"
        } else {
            return nil
        }
        guard let end = findCaseInsensitive(closing, from: contentStart) else { return source.count }
        return find(">", from: end).map { $0 + 1 } ?? source.count
    }

    func hasPrefix(_ prefix: StaticString, at position: Int) -> Bool {
        let source = bytes
        let length = prefix.utf8CodeUnitCount
        guard position + length <= source.count else { return false }
        return prefix.withUTF8Buffer { buffer in
            for offset in 0..<length where source[position + offset] != buffer[offset] { return false }
            return true
        }
    }

    func find(_ needle: StaticString, from start: Int) -> Int? {
        let source = bytes
        return needle.withUTF8Buffer { buffer -> Int? in
            let length = buffer.count
            let first = buffer[0]
            var index = start
            let last = source.count - length
            guard let base = source.baseAddress else { return nil }
            while index <= last {
                // The next candidate by memchr, then the rest of the needle.
                guard let hit = memchr(base + index, Int32(first), last - index + 1) else { return nil }
                index = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                var matched = true
                var offset = 1
                while offset < length {
                    if source[index + offset] != buffer[offset] {
                        matched = false
                        break
                    }
                    offset += 1
                }
                if matched { return index }
                index += 1
            }
            return nil
        }
    }

    private func findCaseInsensitive(_ needle: StaticString, from start: Int) -> Int? {
        let source = bytes
        return needle.withUTF8Buffer { buffer -> Int? in
            let length = buffer.count
            var index = start
            let last = source.count - length
            while index <= last {
                if source[index] == 0x3C {
                    var matched = true
                    for offset in 1..<length where source[index + offset] | 0x20 != buffer[offset] | 0x20 {
                        matched = false
                        break
                    }
                    if matched { return index }
                }
                index += 1
            }
            return nil
        }
    }

    // MARK: Character references

    /// The character a reference at `position` (which holds `&`) stands for, and its length in
    /// the source, or nil when the `&` is literal (or, in XML, a reference to a declared or
    /// unknown entity, which libxml2 leaves as an entity-reference node).
    mutating func decodeReference(at position: Int) -> (scalar: UInt32, length: Int)? {
        let source = bytes
        guard syntax != .raw else { return nil }
        let count = source.count
        var index = position + 1
        guard index < count else { return nil }
        if source[index] == 0x23 {  // &#
            index += 1
            var value: UInt32 = 0
            var digits = 0
            if index < count, source[index] | 0x20 == 0x78 {  // x
                index += 1
                while index < count, digits < 8 {
                    let byte = source[index]
                    let digit: UInt32
                    if ByteClass.isDigit(byte) {
                        digit = UInt32(byte - 0x30)
                    } else if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66 {
                        digit = UInt32((byte | 0x20) - 0x61 + 10)
                    } else {
                        break
                    }
                    value = value * 16 + digit
                    digits += 1
                    index += 1
                }
            } else {
                while index < count, digits < 8, ByteClass.isDigit(source[index]) {
                    value = value * 10 + UInt32(source[index] - 0x30)
                    digits += 1
                    index += 1
                }
            }
            guard digits > 0, index < count, source[index] == 0x3B else { return nil }
            guard value > 0, value <= 0x10FFFF, !(value >= 0xD800 && value <= 0xDFFF) else { return nil }
            return (value, index + 1 - position)
        }
        let nameStart = index
        while index < count, index - nameStart < 32,
            ByteClass.isASCIILetter(source[index]) || ByteClass.isDigit(source[index])
        {
            index += 1
        }
        guard index > nameStart, index < count, source[index] == 0x3B else { return nil }
        let length = index + 1 - position
        guard syntax != .raw else { return nil }
        // Names of up to eight bytes (nbsp, amp, rsquo, ...) packed into a word and looked up
        // in a small direct-mapped cache: no array and no hashing per reference.
        var packed: UInt64 = 0
        if index - nameStart <= 8 {
            for offset in 0..<(index - nameStart) { packed |= UInt64(source[nameStart + offset]) << (8 * UInt64(offset)) }
            let slot = Int(truncatingIfNeeded: (packed &* 0x9E37_79B9_7F4A_7C15) >> 58)
            if recentReferences[slot].name == packed {
                let value = recentReferences[slot].value
                return value == 0 ? nil : (value, length)
            }
        }
        let name = Array(source[nameStart..<index])
        let value: UInt32
        switch syntax {
        case .xml:
            value = Self.xmlPredefined(name) ?? 0
        case .html:
            if let cached = entityCache[name] {
                value = cached
            } else {
                value = LibXML.htmlEntity(name) ?? 0
                entityCache[name] = value
            }
        case .raw:
            return nil
        }
        if packed != 0 {
            recentReferences[Int(truncatingIfNeeded: (packed &* 0x9E37_79B9_7F4A_7C15) >> 58)] = (packed, value)
        }
        return value == 0 ? nil : (value, length)
    }

    private static func xmlPredefined(_ name: [UInt8]) -> UInt32? {
        switch name {
        case [0x6C, 0x74]: return 0x3C  // lt
        case [0x67, 0x74]: return 0x3E  // gt
        case [0x61, 0x6D, 0x70]: return 0x26  // amp
        case [0x71, 0x75, 0x6F, 0x74]: return 0x22  // quot
        case [0x61, 0x70, 0x6F, 0x73]: return 0x27  // apos
        default: return nil
        }
    }

    // MARK: Locating nodes

    /// Locates a text node's content at or after the cursor and moves the cursor past it.
    /// Returns the source range (including the node's own leading and trailing whitespace),
    /// or nil when the content cannot be found.
    mutating func locate(_ content: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let source = bytes
        plainRun = nil
        let count = content.count
        var first = 0
        while first < count, ByteClass.isSpace(content[first]) { first += 1 }
        let end = source.count
        if first == count {
            // Whitespace only: it is wherever the next text run starts, if that is whitespace.
            var position = cursor
            while position < end, isMarkupStart(position) { position = skipMarkup(position) }
            guard position < end, ByteClass.isSpace(source[position]) else { return nil }
            var stop = position
            while stop < end, ByteClass.isSpace(source[stop]) { stop += 1 }
            cursor = stop
            return position..<stop
        }
        let firstByte = content[first]
        let limit = min(end, cursor &+ searchLimit)
        var position = cursor
        while position < limit {
            let byte = source[position]
            if byte == firstByte || byte == 0x26 {
                if let stop = match(content, from: first, at: position) {
                    var start = position
                    if first > 0 {
                        while start > cursor, ByteClass.isSpace(source[start - 1]) { start -= 1 }
                    }
                    cursor = stop
                    if lastMatchWasPlain, memchr(source.baseAddress! + position, 0xC2, stop - position) == nil {
                        plainRun = (start..<stop, position)
                    }
                    return start..<stop
                }
            }
            if byte == 0x3C, isMarkupStart(position) {
                position = skipMarkup(position)
                continue
            }
            position += 1
        }
        failures += 1
        if failures > 64 { searchLimit = 4096 }
        return nil
    }

    /// ``locate(_:)`` for a text node whose content is a verbatim copy of the source range
    /// `span` (a run ``HTMLTextCompaction`` replaced, see `xmlNodePtr.knownSourceSpan`),
    /// without comparing the content with the source: the same range, cursor and plain run
    /// as ``locate(_:)``, which it falls back on when it cannot tell them.
    ///
    /// When only whitespace and markup lie between the cursor and the span, ``locate(_:)``
    /// finds no earlier place to try (the content's first visible byte is neither of those);
    /// at the span it matches the content to the span's end (a run ends before `<`, `&` or
    /// the end of the source, so no further whitespace is taken in), and widens the match
    /// over the content's leading whitespace.
    ///
    /// `markupFrom`: a position from which only markup leads to the span, each piece of it
    /// what ``skipMarkup(_:)`` skips (``LeftOutElement``'s tags); with the cursor there, the
    /// walk from the cursor to the span is not taken again.
    mutating func locate(_ content: UnsafeBufferPointer<UInt8>, knownSpan span: Range<Int>, markupFrom: Int? = nil) -> Range<Int>? {
        let source = bytes
        guard content.count == span.count, span.upperBound <= source.count, cursor <= span.lowerBound else { return locate(content) }
        var position = cursor == markupFrom ? span.lowerBound : cursor
        while position < span.lowerBound {
            let byte = source[position]
            if ByteClass.isSpace(byte) {
                position += 1
            } else if byte == 0x3C, isMarkupStart(position) {
                position = skipMarkup(position)
            } else {
                return locate(content)
            }
        }
        var first = span.lowerBound
        while first < span.upperBound, ByteClass.isSpace(source[first]) { first += 1 }
        guard position == span.lowerBound, first < span.upperBound, first < cursor &+ searchLimit else { return locate(content) }
        var start = first
        if first > span.lowerBound {
            while start > cursor, ByteClass.isSpace(source[start - 1]) { start -= 1 }
        }
        cursor = span.upperBound
        plainRun = Self.isPlainRun(source, first..<span.upperBound) ? (start..<span.upperBound, first) : nil
        return start..<span.upperBound
    }

    /// Whether ``locate(_:)`` would report a match of these bytes (against themselves) as a
    /// plain run, for bytes of a run ``HTMLTextCompaction`` replaced (which holds no `<`, `&`
    /// or control character other than tab, line feed and carriage return): no control
    /// character or no-break/soft-hyphen lead byte (0xC2), and spaces only single, between
    /// other bytes.
    static func isPlainRun(_ source: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        let base = UnsafeRawPointer(source.baseAddress!)
        var index = range.lowerBound
        let end = range.upperBound
        guard end > index, source[end - 1] != 0x20 else { return false }
        let space = SIMD16<UInt8>(repeating: 0x20)
        let c2 = SIMD16<UInt8>(repeating: 0xC2)
        // Sixteen bytes at a time, each with the byte after it (at most the byte after the
        // range, which is no space: the run ends before `<`, `&` or the source's end).
        // (``BlockWriter/plainBytes(_:at:)`` tests the same but counted twice the
        // instructions here, stopping short of a space at a vector's end.)
        while index + 16 <= end, index + 17 <= source.count {
            let chunk = base.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let next = base.loadUnaligned(fromByteOffset: index + 1, as: SIMD16<UInt8>.self)
            if any((chunk .< space) .| (chunk .== c2) .| ((chunk .== space) .& (next .== space))) { return false }
            index += 16
        }
        if index < end, index + 17 <= source.count {
            // The last bytes (fewer than sixteen), one vector too, its lanes past the range
            // masked off (the range's last byte is no space: its follower does not matter).
            typealias Bytes = SIMD16<UInt8>
            let chunk = base.loadUnaligned(fromByteOffset: index, as: Bytes.self)
            let next = base.loadUnaligned(fromByteOffset: index + 1, as: Bytes.self)
            let lanes = Bytes(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
            let special = (chunk .< space) .| (chunk .== Bytes(repeating: 0x3C)) .| (chunk .== Bytes(repeating: 0x26))
                .| (chunk .== c2) .| ((chunk .== space) .& (next .== space))
            return !any(special .& (lanes .< Bytes(repeating: UInt8(end - index))))
        }
        while index < end {
            let byte = source[index]
            if byte < 0x20 || byte == 0x3C || byte == 0x26 || byte == 0xC2 { return false }
            if byte == 0x20, index + 1 < end, source[index + 1] == 0x20 { return false }
            index += 1
        }
        return true
    }

    /// Locates a CDATA section's content (XML only) after the cursor.
    mutating func locateCDATA(_ content: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let source = bytes
        var search = cursor
        while let open = find("<![CDATA[", from: search), open - cursor < searchLimit {
            let start = open + 9
            if start + content.count <= source.count {
                var equal = true
                for offset in 0..<content.count where source[start + offset] != content[offset] {
                    equal = false
                    break
                }
                if equal {
                    cursor = start + content.count
                    if hasPrefix("]]>", at: cursor) { cursor += 3 }
                    return start..<(start + content.count)
                }
            }
            search = start
        }
        failures += 1
        return nil
    }

    /// Locates an entity reference `&name;` after the cursor (outside markup).
    mutating func locateReference(_ name: [UInt8]) -> Range<Int>? {
        let source = bytes
        var position = cursor
        let limit = min(source.count, cursor &+ 65536)
        while position < limit {
            let byte = source[position]
            if byte == 0x3C, isMarkupStart(position) {
                position = skipMarkup(position)
                continue
            }
            if byte == 0x26, position + name.count + 1 < source.count,
                source[position + name.count + 1] == 0x3B,
                source[(position + 1)..<(position + 1 + name.count)].elementsEqual(name)
            {
                cursor = position + name.count + 2
                return position..<cursor
            }
            position += 1
        }
        return nil
    }

    /// Whether `content[from...]` matches the source at `position`; returns the end of the match.
    private mutating func match(_ content: UnsafeBufferPointer<UInt8>, from: Int, at position: Int) -> Int? {
        match(content, from: from, at: position, in: bytes)
    }

    private mutating func match(
        _ content: UnsafeBufferPointer<UInt8>, from: Int, at position: Int, in source: UnsafeBufferPointer<UInt8>
    ) -> Int? {
        let count = content.count
        let end = source.count
        var index = from
        var at = position
        // Whether only the fast paths below ran, with single spaces (no other whitespace).
        var plain = true
        defer { lastMatchWasPlain = plain }
        while index < count {
            // Fast path: equal bytes that are no markup, reference or whitespace (the
            // branches below would only advance both sides for them), and a single whitespace
            // byte on both sides between such bytes (the whitespace branch below would advance
            // both sides by one for it, as the byte after it is neither whitespace nor `<`).
            if at < end {
                var step = 0
                let limit = min(count - index, end - at)
                let sourceBase = UnsafeRawPointer(source.baseAddress! + at)
                let contentBase = UnsafeRawPointer(content.baseAddress! + index)
                while step < limit {
                    // Sixteen, then eight equal plain bytes at a time: what the byte loop below
                    // would step over one by one (words are little-endian, as on every
                    // platform we build for).
                    if step + 17 <= limit {
                        let plain = Self.plainEqualBytes(sourceBase + step, contentBase + step)
                        if plain > 0 {
                            step += plain
                            continue
                        }
                    }
                    if step + 8 <= limit {
                        let word = sourceBase.loadUnaligned(fromByteOffset: step, as: UInt64.self)
                        if word == contentBase.loadUnaligned(fromByteOffset: step, as: UInt64.self), ByteClass.isPlain(word) {
                            step += 8
                            continue
                        }
                    }
                    let sourceByte = source[at + step]
                    let contentByte = content[index + step]
                    if sourceByte == contentByte && sourceByte != 0x3C && sourceByte != 0x26 && !ByteClass.isSpace(sourceByte) {
                        step += 1
                        continue
                    }
                    if ByteClass.isSpace(sourceByte) && ByteClass.isSpace(contentByte) && step + 1 < limit {
                        let nextSource = source[at + step + 1]
                        let nextContent = content[index + step + 1]
                        if !ByteClass.isSpace(nextSource) && nextSource != 0x3C && !ByteClass.isSpace(nextContent) {
                            if sourceByte != 0x20 { plain = false }
                            step += 1
                            continue
                        }
                    }
                    break
                }
                if step > 0 {
                    index += step
                    at += step
                    continue
                }
            }
            plain = false  // every branch below is a slow one
            if at < end, source[at] == 0x3C, isMarkupStart(at) {
                let markupEnd = skipMarkup(at)
                // libxml2's HTML parser keeps some markup-like runs as text (Word's
                // `<![if !supportLists]>`); the writer drops them again as markup.
                if content[index] == 0x3C, markupEnd - at <= count - index {
                    var equal = true
                    for offset in 0..<(markupEnd - at) where content[index + offset] != source[at + offset] {
                        equal = false
                        break
                    }
                    if equal { index += markupEnd - at }
                }
                at = markupEnd
                continue
            }
            let byte = content[index]
            if ByteClass.isSpace(byte) {
                while index < count, ByteClass.isSpace(content[index]) { index += 1 }
                guard at < end, ByteClass.isSpace(source[at]) else {
                    if index == count { return at }
                    return nil
                }
                while at < end {
                    if ByteClass.isSpace(source[at]) {
                        at += 1
                    } else if index < count, source[at] == 0x3C, isMarkupStart(at) {
                        at = skipMarkup(at)
                    } else {
                        break
                    }
                }
                continue
            }
            guard at < end else { return nil }
            let sourceByte = source[at]
            if sourceByte == 0x26, let reference = decodeReference(at: at) {
                // The character's UTF-8 bytes, packed little-endian (no array per reference).
                let encoded = Self.utf8(reference.scalar)
                if index + encoded.count <= count {
                    var equal = true
                    for offset in 0..<encoded.count where content[index + offset] != UInt8(truncatingIfNeeded: encoded.bytes >> (8 * offset)) {
                        equal = false
                        break
                    }
                    if equal {
                        index += encoded.count
                        at += reference.length
                        continue
                    }
                }
            }
            if sourceByte == byte {
                index += 1
                at += 1
                continue
            }
            return nil
        }
        return at
    }
}

extension MarkupScanner {
    /// How many of the sixteen bytes at `source` the fast path of ``match(_:from:at:in:)``
    /// steps over one by one against the same at `content`: bytes equal on both sides that are
    /// no control character, `<` or `&`, and single spaces between two such bytes (a space
    /// is not counted last: whether the byte after it may follow is left to the byte loop).
    /// Reads seventeen bytes of `source`.
    @inline(__always)
    static func plainEqualBytes(_ source: UnsafeRawPointer, _ content: UnsafeRawPointer) -> Int {
        typealias Bytes = SIMD16<UInt8>
        let bytes = source.loadUnaligned(as: Bytes.self)
        let next = source.loadUnaligned(fromByteOffset: 1, as: Bytes.self)
        let space = Bytes(repeating: 0x20)
        let spaces = bytes .== space
        let stops = (bytes .!= content.loadUnaligned(as: Bytes.self)) .| (bytes .< space) .| (bytes .== Bytes(repeating: 0x3C))
            .| (bytes .== Bytes(repeating: 0x26)) .| (spaces .& (next .== space))
        let marks = unsafeBitCast(Bytes().replacing(with: 0x80, where: stops), to: SIMD2<UInt64>.self)
        let count = marks[0] != 0 ? marks[0].trailingZeroBitCount / 8 : 8 + marks[1].trailingZeroBitCount / 8
        // A space last (before a stop or at the end) is the byte loop's to judge.
        if count > 0, source.load(fromByteOffset: count - 1, as: UInt8.self) == 0x20 { return count - 1 }
        return count
    }

    /// The UTF-8 bytes of `scalar` (as ``SourceDecoder/appendUTF8(_:to:)`` writes them), packed
    /// little-endian into a word, and how many there are.
    @inline(__always)
    static func utf8(_ scalar: UInt32) -> (bytes: UInt32, count: Int) {
        if scalar < 0x80 { return (scalar, 1) }
        if scalar < 0x800 { return ((0xC0 | scalar >> 6) | (0x80 | scalar & 0x3F) << 8, 2) }
        if scalar < 0x10000 {
            return ((0xE0 | scalar >> 12) | (0x80 | scalar >> 6 & 0x3F) << 8 | (0x80 | scalar & 0x3F) << 16, 3)
        }
        return ((0xF0 | scalar >> 18) | (0x80 | scalar >> 12 & 0x3F) << 8 | (0x80 | scalar >> 6 & 0x3F) << 16 | (0x80 | scalar & 0x3F) << 24, 4)
    }
}

