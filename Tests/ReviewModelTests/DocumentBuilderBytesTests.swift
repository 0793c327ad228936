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
