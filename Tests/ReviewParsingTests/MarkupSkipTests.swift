import CLibXML2
import Foundation
import ReviewModel
import Testing
import TestSupport

@testable import ReviewParsing

/// The scanner's markup skipping (sixteen bytes at a time), the markup starts that let it skip
/// the walk to a left-out element's text, and its references compared without an array: each
/// held to the plain rule it stands for, on random and real inputs.
@Suite struct MarkupSkipTests {
    /// ``MarkupScanner/firstOf(_:_:in:)``: the offset of the first of two bytes among sixteen,
    /// else 16, as a byte scan finds it.
    @Test func firstOfIsWhereAByteScanStops() {
        var generator = SeededGenerator(seed: 2026_1127_1131)
        let alphabet: [UInt8] = [0x3D, 0x3E, 0x22, 0x27, 0x20, 0x61, 0xBE, 0xBD, 0x00, 0xFF]
        var outcomes = Array(repeating: 0, count: 17)
        for _ in 0..<20_000 {
            // Mostly other bytes, so that every offset (and none) turns up.
            let bytes = (0..<16).map { _ in generator.below(6) == 0 ? alphabet[generator.below(alphabet.count)] : UInt8(0x41 + generator.below(26)) }
            let (a, b): (UInt8, UInt8) = generator.below(2) == 0 ? (0x3E, 0x3D) : (0x3E, 0x3E)
            let expected = bytes.firstIndex { $0 == a || $0 == b } ?? 16
            let vector = bytes.withUnsafeBytes { $0.loadUnaligned(as: SIMD16<UInt8>.self) }
            #expect(MarkupScanner.firstOf(a, b, in: vector) == expected, "\(bytes)")
            outcomes[expected] += 1
        }
        #expect(outcomes.allSatisfy { $0 > 0 }, "\(outcomes)")
    }

    /// Where a start or end tag ends by the scanner's rule, byte by byte: an end tag at its
    /// first `>`; a start tag, after its name (to a blank, `>` or `/`), at the first `>` that
    /// is not inside a value quoted right after `=` and blanks (an unclosed quote runs to the
    /// end).
    static func tagEnd(_ source: [UInt8], at position: Int) -> Int {
        var index = position + 1
        if source[index] == 0x2F {
            while index < source.count, source[index] != 0x3E { index += 1 }
            return min(index + 1, source.count)
        }
        while index < source.count, !ByteClass.isSpace(source[index]), source[index] != 0x3E, source[index] != 0x2F { index += 1 }
        var afterEquals = false
        while index < source.count {
            let byte = source[index]
            if afterEquals, byte == 0x22 || byte == 0x27 {
                guard let close = source[(index + 1)...].firstIndex(of: byte) else { return source.count }
                index = close + 1
                afterEquals = false
                continue
            }
            if byte == 0x3E { return index + 1 }
            if byte == 0x3D {
                afterEquals = true
            } else if !ByteClass.isSpace(byte) {
                afterEquals = false
            }
            index += 1
        }
        return source.count
    }

    /// ``MarkupScanner/skipMarkup(_:)`` on random start and end tags (quoted and unquoted
    /// values, `>` and `=` inside quotes, blanks around `=`, unclosed quotes, tags of every
    /// length around sixteen bytes), at every offset: the byte rule's end.
    @Test func tagsEndWhereTheByteRuleEndsThem() {
        var generator = SeededGenerator(seed: 2026_1127_1132)
        let pieces = [
            " ", "\n", "=", " = ", "'", "\"", ">", "a", "class", "MsoNormal", "style='font-size:11.0pt'", "x=\"a>b\"", "y='=>'",
            "lang=EN-GB", "/", "\t", "é", "==", "='", "=\"",
        ]
        var lengths = Set<Int>()
        for round in 0..<6_000 {
            var text = String(repeating: " ", count: generator.below(20))
            let end = generator.below(5) == 0
            text += end ? "</" : "<"
            text += ["p", "span", "o:p", "td", "div", "h2"][generator.below(6)]
            for _ in 0..<generator.below(12) { text += pieces[generator.below(pieces.count)] }
            if generator.below(4) > 0 { text += ">" }
            text += ["x", "<p>", "", " text"][generator.below(4)]
            let source = Array(text.utf8)
            guard let position = source.firstIndex(of: 0x3C) else { continue }
            let scanner = MarkupScanner(source: source, syntax: .html)
            guard scanner.isMarkupStart(position) else { continue }
            let expected = Self.tagEnd(source, at: position)
            #expect(scanner.skipMarkup(position) == expected, "round \(round): \(text)")
            lengths.insert(expected - position)
        }
        #expect(lengths.count > 40, "\(lengths.sorted())")
    }

    /// A character's packed UTF-8 (``MarkupScanner/utf8(_:)``) is what
    /// ``SourceDecoder/appendUTF8(_:to:)`` writes, at every length's bounds and in between.
    @Test func packedUTF8IsTheDecodersUTF8() {
        var scalars: [UInt32] = [0, 1, 0x7F, 0x80, 0xA0, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF]
        var generator = SeededGenerator(seed: 2026_1127_1133)
        for _ in 0..<5_000 { scalars.append(UInt32(generator.below(0x110000))) }
        for scalar in scalars where !(0xD800...0xDFFF).contains(scalar) {
            var expected: [UInt8] = []
            SourceDecoder.appendUTF8(scalar, to: &expected)
            let packed = MarkupScanner.utf8(scalar)
            let bytes = (0..<packed.count).map { UInt8(truncatingIfNeeded: packed.bytes >> (8 * $0)) }
            #expect(bytes == expected, "U+\(String(scalar, radix: 16))")
            #expect(packed.count == 4 || packed.bytes >> (8 * packed.count) == 0, "U+\(String(scalar, radix: 16))")
        }
    }

    /// Every text node of a left-out element that knows where the markup before it starts
    /// (`xmlNodePtr.knownMarkupStart`): from there, the scanner's walk (blanks one by one,
    /// markup by ``MarkupScanner/skipMarkup(_:)``) reaches the node's span exactly and
    /// passes nothing else; a count of such nodes per source.
    static func markupStartsLeadToTheirSpans(_ source: [UInt8], _ label: String) throws -> Int {
        guard let compaction = HTMLTextCompaction(source: source), let parse = LibXML.HTMLParse(source, compaction: compaction),
            parse.builder.compactionHeld
        else { return 0 }
        let scanner = MarkupScanner(source: source, syntax: .html)
        var checked = 0
        func walk(_ node: xmlNodePtr) {
            var child = node.pointee.children
            while let current = child {
                if current.isText, let span = current.knownSourceSpan, let start = current.knownMarkupStart {
                    var position = start
                    while position < span.lowerBound {
                        if ByteClass.isSpace(source[position]) {
                            position += 1
                        } else if scanner.isMarkupStart(position) {
                            position = scanner.skipMarkup(position)
                        } else {
                            break
                        }
                    }
                    #expect(position == span.lowerBound, "\(label): markup from \(start) to \(span)")
                    #expect(start < span.lowerBound, "\(label): no markup before \(span)")
                    checked += 1
                }
                walk(current)
                child = current.pointee.next
            }
        }
        withExtendedLifetime(parse) { if let root = parse.builder.root { walk(root) } }
        return checked
    }

    @Test func markupStartsLeadToTheirSpansInTheCorpus() throws {
        var checked = 0
        for file in try ByteScanTests.corpusFiles() where file.name.hasSuffix(".html") {
            let decoded = try SourceDecoder.decode(file.bytes, format: .html, name: file.name, lenient: false).bytes
            checked += try Self.markupStartsLeadToTheirSpans(decoded, file.name)
        }
        #expect(checked > 1_000)
    }

    /// Random runs of Word's paragraphs and plain ones (spans with attributes, `o:p` marks with
    /// and without `&nbsp;`, blank and whitespace-only text, newlines in tags, and now and then
    /// what keeps an element from being left out: a reference, a `<b>`): the walk holds, and
    /// the document is the one the plain reading gives.
    @Test func markupStartsLeadToTheirSpansInRandomParagraphs() throws {
        var generator = SeededGenerator(seed: 2026_1127_1134)
        let names = ["p", "P", "li", "td", "h2", "th"]
        let attributes = ["", " class=MsoNormal", " style='font-size:11.0pt'", " lang=EN-GB\nstyle='a:b'", " x=\"a>b\"", " hidden"]
        let pieces = [
            HTMLTreeTests.sentence, "  ", "\n", " y ", "é’", "<o:p></o:p>", "<o:p>&nbsp;</o:p>", "<span>", "<span lang=EN-GB style='font-size:11.0pt'>",
            "<SPAN\nclass=a>", "</span>", "&amp;", "<b>x</b>",
        ]
        var checked = 0
        for round in 0..<300 {
            var soup = "<html><body>"
            for _ in 0..<(1 + generator.below(8)) {
                let name = names[generator.below(names.count)]
                soup += "<" + name + attributes[generator.below(attributes.count)] + ">"
                for _ in 0..<generator.below(7) { soup += pieces[generator.below(pieces.count)] }
                soup += "</" + name + ">" + ["", "\n", " ", "\r\n  "][generator.below(4)]
            }
            soup += "</body></html>"
            checked += try Self.markupStartsLeadToTheirSpans(Array(soup.utf8), "round \(round): \(soup)")
            try ShortcutTests.expectSameDocument(Array(soup.utf8), name: "paragraphs\(round).html")
        }
        #expect(checked > 150, "\(checked) text nodes with a markup start")
    }

    /// ``MarkupScanner/plainEqualBytes(_:_:)``: a prefix of what the byte loop of `match`
    /// steps over without leaving its plain path (equal bytes that are no `<`, `&` or
    /// whitespace, and single spaces before such a byte), short of it by at most one byte
    /// (a last space, or the sixteenth byte) when the window holds no control character.
    @Test func plainEqualBytesAreWhatTheByteLoopStepsOver() {
        var generator = SeededGenerator(seed: 2026_1127_1230)
        let alphabet: [UInt8] = [0x20, 0x20, 0x3C, 0x26, 0x0A, 0x09, 0x01, 0x61, 0x62, 0xC3, 0xA9]
        var lengths = Set<Int>()
        for _ in 0..<20_000 {
            let source = (0..<17).map { _ in generator.below(3) == 0 ? alphabet[generator.below(alphabet.count)] : UInt8(0x61 + generator.below(26)) }
            var content = source
            if generator.below(3) == 0 { content[generator.below(17)] = alphabet[generator.below(alphabet.count)] }
            // The byte loop, on the plain path only.
            var stepped = 0
            while stepped < 17 {
                let byte = source[stepped]
                if byte == content[stepped], byte != 0x3C, byte != 0x26, !ByteClass.isSpace(byte) {
                    stepped += 1
                } else if byte == 0x20, content[stepped] == 0x20, stepped + 1 < 17, !ByteClass.isSpace(source[stepped + 1]),
                    source[stepped + 1] != 0x3C, !ByteClass.isSpace(content[stepped + 1])
                {
                    stepped += 1
                } else {
                    break
                }
            }
            let found = source.withUnsafeBytes { source in content.withUnsafeBytes { MarkupScanner.plainEqualBytes(source.baseAddress!, $0.baseAddress!) } }
            #expect(found <= min(stepped, 16), "\(source) \(content)")
            if !source.prefix(17).contains(where: { $0 < 0x20 }) {
                #expect(found >= min(stepped, 16) - 1, "\(source) \(content)")
            }
            lengths.insert(found)
        }
        #expect(lengths.count == 17, "\(lengths.sorted())")
    }
}
