import Foundation

/// An element of simple content that ``HTMLTextCompaction`` leaves out of what libxml2 reads,
/// replacing it with an empty comment that holds its newlines (`<!---->`, which libxml2 reads
/// in a few calls, where a start tag, its text and its end tag cost it a few thousand
/// instructions: name lookups, the auto-close and implied-element tables, a copy of the
/// current name per tag). ``HTMLTreeBuilder`` builds the element, with its attributes and
/// content, when the comment arrives where it was put, as libxml2 would have:
///
/// - its name is `p`, `h1`-`h6`, `li`, `td` or `th` (any case), its start tag ends with `>`
///   and its attributes (if any) read plainly (``HTMLTextCompaction/attributes(_:count:nameEnd:into:)``);
/// - it holds, up to its own end tag (`</p>`, any case, no blanks), only text without `<`,
///   control characters but tab, line feed and carriage return, U+FFFE or U+FFFF
///   (under 900 bytes at a time: libxml2 reports such text in one piece, copied as it stands),
///   and in it references libxml2 reads whole and reports as one character
///   (``Piece/Kind/reference``; text and references next to each other make one text node),
///   `<span>` elements holding such text (with plain attributes), and Word's `<o:p></o:p>`
///   and `<o:p>&nbsp;</o:p>` (when `o:p` tags are renamed, see ``HTMLTextCompaction``);
/// - libxml2 would only have pushed it, reported its content and popped it again: the
///   builder checks, with libxml2's own table (`htmlAutoCloseTag`), that the element closes
///   nothing open where it stood (nor does a `<span>` in it), that a `<body>` was opened (so
///   nothing is implied) and that the depth limit is not near; else the source is parsed
///   again.
///
/// A comment replacing the element splits the text around it as its tags did, and libxml2
/// does nothing else on reading a comment in content. The comment stands where the element
/// stood, so the newlines before and after it keep their lines.
///
/// Elements that follow one another with only blanks (spaces, tabs, line feeds, carriage
/// returns; under 900 bytes) between them share one comment, and the builder adds each blank
/// run as a text node before the element after it, where libxml2 would have reported it as
/// text: unless it would have dropped it as ignorable (in `<html>` or `<head>`, see its
/// `areBlanks`), which the builder checks too.
struct LeftOutElement {
    /// Where the comment standing for it ends in ``HTMLTextCompaction/bytes``: where libxml2's
    /// input stands when it reports the comment.
    var compactEnd: Int
    /// The element's name in the source.
    var nameStart: Int
    var nameLength: Int
    /// Its attributes in ``HTMLTextCompaction/attributes``.
    var attributes: Range<Int>
    /// Its content in ``HTMLTextCompaction/pieces``.
    var pieces: Range<Int>
    /// How many newlines stand from the element's start to its comment's end (the elements
    /// and blanks after it that share the comment), and how many of them in its start tag
    /// (the element's line is the line of its start tag's end).
    var newlines: Int
    var tagNewlines: Int
    /// The blanks between it and the element before it that shares its comment, in the
    /// source; nil for none.
    var blanks: Range<Int>?

    /// Part of a left-out element's content, in order.
    struct Piece {
        enum Kind: UInt8 {
            /// Text: `range` in the source.
            case text
            /// A `<span>` start tag: its attributes are `range` in ``HTMLTextCompaction/attributes``.
            case spanStart
            /// The `</span>` of the span open.
            case spanEnd
            /// `<o:p></o:p>`, and `<o:p>&nbsp;</o:p>`.
            case wordParagraph
            case wordParagraphSpace
            /// A character reference (`range` in the source) standing for `scalar`: a number,
            /// or a name libxml2's table knows, with its semicolon, as ``MarkupScanner/decodeReference(at:)``
            /// reads it, of a character that is neither a control character nor a
            /// non-character (``isPlainReference(_:)``). libxml2 reads such a reference whole
            /// and reports its character, in UTF-8, as character data.
            case reference
        }

        var kind: Kind
        /// The character of a ``Kind/reference``.
        var scalar: UInt32 = 0
        var range: Range<Int>
        /// The newlines from the element's start to where libxml2 reports the piece (the end of
        /// a text, of a span's start tag, of `<o:p>` or `&nbsp;`): its line less the element's.
        var newlines: Int
    }
}

extension HTMLTextCompaction {
    /// The longest text of a left-out element read at a time (libxml2 reports text in pieces
    /// of 1000 bytes).
    static let maximumElementText = 900

    /// Whether the start tag at `index`, its name ending at `nameEnd`, is `p`, `h1`-`h6`, `li`,
    /// `td` or `th` (any case), followed by `>` or a blank.
    @inline(__always)
    static func mayLeaveOut(_ base: UnsafePointer<UInt8>, _ index: Int, _ nameEnd: Int) -> Bool {
        let after = base[nameEnd]
        guard after == 0x3E || after == 0x20 || after == 0x0A || after == 0x09 else { return false }
        let first = base[index + 1] | 0x20
        switch nameEnd - index - 1 {
        case 1: return first == 0x70  // p
        case 2:
            let second = base[index + 2]
            if first == 0x68 { return second >= 0x31 && second <= 0x36 }  // h1-h6
            let lower = second | 0x20
            return first == 0x6C && lower == 0x69 || first == 0x74 && (lower == 0x64 || lower == 0x68)  // li td th
        default: return false
        }
    }

    /// The elements of simple content from the start tag at `index` (its name ending at
    /// `nameEnd`) on, one after another with only blanks between them (appended to
    /// `elements`, their `compactEnd` to be set, with their attributes and content), where
    /// they end and how many newlines they hold; nil (and the arrays as they were) when the
    /// first is no ``LeftOutElement``.
    static func leftOutGroup(
        _ base: UnsafePointer<UInt8>, count: Int, at index: Int, nameEnd: Int, wordParagraphs: Bool, scanner: inout MarkupScanner,
        attributes: inout [Attribute], pieces: inout [LeftOutElement.Piece], elements: inout [LeftOutElement]
    ) -> (end: Int, newlines: Int, elements: Range<Int>)? {
        let first = elements.count
        var start = index
        var nameEnd = nameEnd
        var newlines = 0
        var blanks: Range<Int>?
        // Newlines from the group's start to each element's start.
        var before: [Int] = []
        var end = index
        var blankNewlines = 0
        while let element = Self.leftOutElement(
            base, count: count, at: start, nameEnd: nameEnd, wordParagraphs: wordParagraphs, scanner: &scanner, attributes: &attributes,
            pieces: &pieces)
        {
            newlines += blankNewlines
            elements.append(
                LeftOutElement(
                    compactEnd: 0, nameStart: start + 1, nameLength: nameEnd - start - 1, attributes: element.attributes,
                    pieces: element.pieces, newlines: 0, tagNewlines: element.tagNewlines, blanks: blanks))
            before.append(newlines)
            newlines += element.newlines
            end = element.end
            // Blanks, then maybe the next element.
            var next = end
            blankNewlines = 0
            while next < count, next - end < Self.maximumElementText {
                let byte = base[next]
                if byte == 0x0A {
                    blankNewlines += 1
                } else if byte != 0x20 && byte != 0x09 && byte != 0x0D {
                    break
                }
                next += 1
            }
            guard next + 3 < count, base[next] == 0x3C, ByteClass.isASCIILetter(base[next + 1]) else { break }
            nameEnd = next + 2
            while nameEnd < count, Self.isNameByte(base[nameEnd]) { nameEnd += 1 }
            guard nameEnd < count, Self.mayLeaveOut(base, next, nameEnd) else { break }
            blanks = next > end ? end..<next : nil
            start = next
        }
        guard elements.count > first else { return nil }
        for (offset, newlinesBefore) in before.enumerated() { elements[first + offset].newlines = newlines - newlinesBefore }
        return (end, newlines, first..<elements.count)
    }

    /// Where the element whose start tag is at `index` (its name ending at `nameEnd`) ends,
    /// with its attributes (appended to `attributes`) and content (appended to `pieces`), when
    /// it holds only what a ``LeftOutElement`` may; nil, with both arrays as they were, when not.
    /// (`scanner` reads the same source: it decodes references.)
    static func leftOutElement(
        _ base: UnsafePointer<UInt8>, count: Int, at index: Int, nameEnd: Int, wordParagraphs: Bool, scanner: inout MarkupScanner,
        attributes: inout [Attribute], pieces: inout [LeftOutElement.Piece]
    ) -> (end: Int, attributes: Range<Int>, pieces: Range<Int>, newlines: Int, tagNewlines: Int)? {
        let firstAttribute = attributes.count
        let firstPiece = pieces.count
        @inline(__always) func fail() -> (end: Int, attributes: Range<Int>, pieces: Range<Int>, newlines: Int, tagNewlines: Int)? {
            attributes.removeSubrange(firstAttribute...)
            pieces.removeSubrange(firstPiece...)
            return nil
        }
        // The start tag.
        var position: Int
        var newlines = 0
        if base[nameEnd] == 0x3E {
            position = nameEnd + 1
        } else {
            guard let cut = Self.attributes(base, count: count, nameEnd: nameEnd, into: &attributes), base[cut.terminator] == 0x3E else {
                return fail()
            }
            position = cut.end
            newlines = cut.newlines
        }
        let tagNewlines = newlines
        let elementAttributes = firstAttribute..<attributes.count
        var inSpan = false
        let raw = UnsafeRawPointer(base)
        while true {
            // Text to the next '<', and the references in it.
            var textStart = position
            while position < count {
                position = Self.skipPlainBytes(raw, from: position, to: count)
                guard position < count else { break }
                let byte = base[position]
                if byte == 0x3C { break }
                if byte == 0x26 {
                    guard let reference = scanner.decodeReference(at: position), Self.isPlainReference(reference.scalar),
                        position - textStart <= Self.maximumElementText
                    else { return fail() }
                    if position > textStart {
                        pieces.append(LeftOutElement.Piece(kind: .text, range: textStart..<position, newlines: newlines))
                    }
                    pieces.append(
                        LeftOutElement.Piece(
                            kind: .reference, scalar: reference.scalar, range: position..<(position + reference.length), newlines: newlines))
                    position += reference.length
                    textStart = position
                    continue
                }
                if byte < 0x20 {
                    if byte == 0x0A {
                        newlines += 1
                    } else if byte != 0x09 && byte != 0x0D {
                        return fail()
                    }
                } else if byte == 0xEF, position + 2 < count, base[position + 1] == 0xBF, base[position + 2] >= 0xBE {
                    return fail()
                }
                position += 1
            }
            guard position + 1 < count, position - textStart <= Self.maximumElementText else { return fail() }
            if position > textStart {
                pieces.append(LeftOutElement.Piece(kind: .text, range: textStart..<position, newlines: newlines))
            }
            // Markup: the element's end tag, a span's start or end tag, or o:p.
            if base[position + 1] == 0x2F {  // </
                if inSpan {
                    guard Self.isSpanEnd(base, count: count, at: position, followedByMarkup: false) else { return fail() }
                    pieces.append(LeftOutElement.Piece(kind: .spanEnd, range: position..<position, newlines: newlines))
                    inSpan = false
                    position += Self.spanEnd.utf8CodeUnitCount
                    continue
                }
                let nameLength = nameEnd - index - 1
                guard position + nameLength + 2 < count, base[position + nameLength + 2] == 0x3E else { return fail() }
                for offset in 0..<nameLength where base[position + 2 + offset] | 0x20 != base[index + 1 + offset] | 0x20 { return fail() }
                return (position + nameLength + 3, elementAttributes, firstPiece..<pieces.count, newlines, tagNewlines)
            }
            if !inSpan, position + 5 < count, Self.isSpan(base, position, position + 5) {
                let spanAttributes: Range<Int>
                if base[position + 5] == 0x3E {
                    spanAttributes = attributes.count..<attributes.count
                    position += 6
                } else {
                    let first = attributes.count
                    let after = base[position + 5]
                    guard after == 0x20 || after == 0x0A || after == 0x09,
                        let cut = Self.attributes(base, count: count, nameEnd: position + 5, into: &attributes),
                        base[cut.terminator] == 0x3E
                    else { return fail() }
                    spanAttributes = first..<attributes.count
                    newlines += cut.newlines
                    position = cut.end
                }
                pieces.append(LeftOutElement.Piece(kind: .spanStart, range: spanAttributes, newlines: newlines))
                inSpan = true
                continue
            }
            if wordParagraphs, !inSpan {
                if Self.hasBytes("<o:p></o:p>", base, count: count, at: position) {
                    pieces.append(LeftOutElement.Piece(kind: .wordParagraph, range: position..<position, newlines: newlines))
                    position += 11
                    continue
                }
                if Self.hasBytes("<o:p>&nbsp;</o:p>", base, count: count, at: position) {
                    pieces.append(LeftOutElement.Piece(kind: .wordParagraphSpace, range: position..<position, newlines: newlines))
                    position += 17
                    continue
                }
            }
            return fail()
        }
    }

    /// Whether a reference's character may stand in a left-out element's text
    /// (``LeftOutElement/Piece/Kind/reference``): printable ASCII, or any character from
    /// U+00A0 on but the surrogates, the placeholder U+E000, U+FFFE and U+FFFF (characters
    /// libxml2 reports as they are; the others are left to it).
    @inline(__always)
    static func isPlainReference(_ scalar: UInt32) -> Bool {
        (0x20...0x7E).contains(scalar) || (0xA0...0xD7FF).contains(scalar) || (0xE001...0xFFFD).contains(scalar)
            || (0x10000...0x10FFFF).contains(scalar)
    }

    /// Whether a `<body>` start tag (any case) stands at `index`.
    static func isBodyStart(_ base: UnsafePointer<UInt8>, count: Int, at index: Int) -> Bool {
        guard index + 5 < count, base[index + 1] | 0x20 == 0x62, base[index + 2] | 0x20 == 0x6F, base[index + 3] | 0x20 == 0x64,
            base[index + 4] | 0x20 == 0x79
        else { return false }
        let after = base[index + 5]
        return after == 0x3E || ByteClass.isSpace(after) || after == 0x2F
    }

    /// Whether `wanted` stands at `index`, byte for byte.
    @inline(__always)
    private static func hasBytes(_ wanted: StaticString, _ base: UnsafePointer<UInt8>, count: Int, at index: Int) -> Bool {
        wanted.withUTF8Buffer { wanted in
            index + wanted.count <= count && memcmp(base + index, wanted.baseAddress!, wanted.count) == 0
        }
    }
}
