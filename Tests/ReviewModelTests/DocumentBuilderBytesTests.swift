import ReviewModel
import Testing

@Suite struct DocumentBuilderBytesTests {
    @Test func appendingByteSlicesMergesVerbatimRuns() {
        let source = Array("<p>Zoë’s café 😀 &amp; more</p>".utf8)
        var builder = DocumentBuilder(name: "b.html", format: .html, source: LineIndex(bytes: source))
        builder.beginBlock(.paragraph, sourceLine: 0)
        let start = 3
        let ampersand = source.firstIndex(of: UInt8(ascii: "&"))!
        // "Zoë’s café 😀 " in two contiguous verbatim pieces, then "&" standing for "&amp;", then " more".
        builder.append(utf8: source[start..<(start + 5)], sourceStart: start, sourceLength: 5)
        builder.append(utf8: source[(start + 5)..<ampersand], sourceStart: start + 5, sourceLength: ampersand - start - 5)
        builder.append(utf8: [UInt8(ascii: "&")], sourceStart: ampersand, sourceLength: 5)
        builder.append(utf8: source[(ampersand + 5)..<(ampersand + 10)], sourceStart: ampersand + 5, sourceLength: 5)
        let document = builder.build()
        #expect(document.text == "Zoë’s café 😀 & more")
        #expect(document.sourceMap.segments.count == 3)
        #expect(document.sourceMap.segments[0].textLength == ampersand - start)
        let emoji = Array(document.text.utf8).firstIndex(of: 0xF0)!
        #expect(document.sourceMap.sourceOffset(ofText: emoji) == source.firstIndex(of: 0xF0)!)
        #expect(document.sourceMap.position(ofText: emoji).utf16Column == "<p>Zoë’s café ".utf16.count)
        let textAmpersand = Array(document.text.utf8).firstIndex(of: UInt8(ascii: "&"))!
        #expect(document.sourceMap.sourceOffset(ofText: textAmpersand) == ampersand)
        #expect(document.sourceMap.sourceOffset(ofText: textAmpersand + 1) == ampersand + 5)
    }
}

@Suite struct SourceMapIndexTests {
    @Test func indexedLookupAgreesWithTheScanOnOutOfOrderSegments() {
        let source = LineIndex(String(repeating: "abcdefghij", count: 6))
        // Text order differs from source order, with an inserted space and an entity-like span.
        let segments = [
            SourceMap.Segment(textStart: 0, textLength: 5, sourceStart: 30, sourceLength: 5),
            SourceMap.Segment(textStart: 5, textLength: 1, sourceStart: 35, sourceLength: 0),
            SourceMap.Segment(textStart: 6, textLength: 4, sourceStart: 2, sourceLength: 4),
            SourceMap.Segment(textStart: 10, textLength: 1, sourceStart: 12, sourceLength: 5),
            SourceMap.Segment(textStart: 11, textLength: 3, sourceStart: 50, sourceLength: 3),
        ]
        let map = SourceMap(segments: segments.reversed(), source: source)
        for offset in 0...62 {
            #expect(map.textOffset(ofSource: offset) == map.textOffsetByScanning(ofSource: offset), "source offset \(offset)")
        }
        #expect(map.textOffset(ofSource: 3) == 7)
        #expect(map.textOffset(ofSource: 14) == 10)
        #expect(map.textOffset(ofSource: 20) == 0)
        #expect(map.textOffset(ofSource: 60) == 14)
    }
}

@Suite struct DocumentConstructionTests {
    /// Text of blocks built from pieces; the builder's string must equal the bytes decoded by
    /// the standard library, whatever mix of ASCII and non-ASCII runs the pieces make.
    @Test(arguments: [
        "", "plain ASCII only", "é", "café", "Zoë’s 😀", String(repeating: "a", count: 100) + "’" + String(repeating: "b", count: 70),
        "“" + String(repeating: "x ", count: 40) + "” and – then 𝔘 " + String(repeating: "y", count: 200) + "é",
        String(repeating: "word ’ ", count: 50), String(repeating: "ü", count: 300),
    ])
    func textEqualsTheDecodedBytes(_ piece: String) {
        let source = Array(piece.utf8)
        var builder = DocumentBuilder(name: "t.txt", format: .text, source: LineIndex(bytes: source))
        builder.beginBlock(.paragraph, sourceLine: 0)
        builder.append(utf8: source[...], sourceStart: 0, sourceLength: source.count)
        let document = builder.build()
        let expected = String(decoding: source, as: UTF8.self).trimmingSpaces
        #expect(document.text == expected)
        #expect(Array(document.text.utf8) == Array(expected.utf8))
    }

    /// Bytes that break the builder's contract (whole UTF-8 characters only) still give the
    /// standard library's repaired string, never an invalid one: the builder validates the
    /// non-ASCII runs it does not decode itself.
    @Test(arguments: [
        [0x41, 0xE2, 0x80, 0x20, 0x42], [0x41, 0x20, 0xE2, 0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        Array("“ok” ".utf8) + [0xFF] + Array(String(repeating: "z", count: 90).utf8), [0xE2, 0x80, 0x99, 0x80],
    ] as [[UInt8]])
    func invalidBytesAreRepairedAsTheStandardLibraryRepairsThem(_ source: [UInt8]) {
        var builder = DocumentBuilder(name: "t.txt", format: .text, source: LineIndex(bytes: source))
        builder.beginBlock(.paragraph, sourceLine: 0)
        source.withUnsafeBufferPointer { builder.append(utf8: $0, sourceStart: 0, sourceLength: source.count) }
        let document = builder.build()
        let expected = String(decoding: source, as: UTF8.self)
        #expect(Array(document.text.utf8) == Array(expected.utf8))
        #expect(document.text.unicodeScalars.contains("\u{FFFD}"))
    }

    @Test func lineStartsAgreeForLineFeedsCarriageReturnsAndBoth() {
        let cases = ["", "a", "a\n", "\n\n", "one\ntwo\nthree", "a\r\nb\rc\nd", "x\r", "\r\n", "no newline at all"]
        for text in cases {
            let index = LineIndex(text)
            var expected = [0]
            let bytes = Array(text.utf8)
            var position = 0
            while position < bytes.count {
                if bytes[position] == 0x0A {
                    expected.append(position + 1)
                } else if bytes[position] == 0x0D {
                    if position + 1 < bytes.count, bytes[position + 1] == 0x0A { position += 1 }
                    expected.append(position + 1)
                }
                position += 1
            }
            #expect(index.lineStarts == expected, "\(String(reflecting: text))")
        }
    }

    @Test func abbreviationsDoNotEndSentences() {
        let text = Array("Mr. Smith met Dr. Jones. They spoke e.g. About it. Then ST. Paul came. Approx. Ten. Nos. Five.".utf8)
        let sentences = SentenceSplitter.split(text, in: TextRange(start: 0, end: text.count)).map {
            String(decoding: text[$0.start..<$0.end], as: UTF8.self)
        }
        #expect(sentences == ["Mr. Smith met Dr. Jones.", "They spoke e.g. About it.", "Then ST. Paul came.", "Approx. Ten.", "Nos. Five."])
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return String(slice)
    }
}
