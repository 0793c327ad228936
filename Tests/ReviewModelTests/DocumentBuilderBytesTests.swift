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
