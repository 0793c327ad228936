import ReviewModel
import Testing

@Suite struct SourceMapCursorTests {
    /// A map over a source of long and short lines with multi-byte characters: verbatim runs,
    /// runs that shrank (an entity such as `&amp;` became one byte) and text with no source
    /// between them (a block separator).
    static func sampleMap() -> (SourceMap, textLength: Int) {
        var source = ""
        for line in 0..<60 {
            let words = String(repeating: "word ", count: line % 7 == 0 ? 40 : line % 5)
            source += "line \(line): café’s 😀 \(words)&amp; end\(line % 3 == 0 ? "\r\n" : "\n")"
        }
        let index = LineIndex(source)
        var segments: [SourceMap.Segment] = []
        var sourceOffset = 0
        var textOffset = 0
        var step = 0
        while sourceOffset < index.bytes.count {
            step += 1
            let length = min(index.bytes.count - sourceOffset, 3 + (step * 7) % 23)
            segments.append(SourceMap.Segment(textStart: textOffset, textLength: length, sourceStart: sourceOffset, sourceLength: length))
            sourceOffset += length
            textOffset += length
            if step % 3 == 0, sourceOffset + 5 <= index.bytes.count {
                segments.append(SourceMap.Segment(textStart: textOffset, textLength: 1, sourceStart: sourceOffset, sourceLength: 5))
                sourceOffset += 5
                textOffset += 1
            }
            if step % 4 == 0 { textOffset += 2 }
        }
        return (SourceMap(segments: segments, source: index), textOffset)
    }

    @Test func answersAsPositionOfTextInAnyOrder() {
        let (map, textLength) = Self.sampleMap()
        let ascending = Array(-2...(textLength + 3))
        // A pseudo-random order (a fixed linear congruential sequence) with repeats and long jumps.
        var state: UInt64 = 12345
        let shuffled = (0..<2000).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % (textLength + 4)
        }
        // Mostly ascending with small steps back, as the tagger asks (evidence, then suppressed matches).
        let nearly = ascending.enumerated().map { $0.offset % 10 == 9 ? max(0, $0.element - 25) : $0.element } + ascending
        for offsets in [ascending, ascending.reversed(), shuffled, nearly] {
            var cursor = map.positionCursor()
            var mismatches = 0
            for offset in offsets where cursor.position(ofText: offset) != map.position(ofText: offset) { mismatches += 1 }
            #expect(mismatches == 0)
        }
        // A later line and column really are reported (not one constant position).
        var cursor = map.positionCursor()
        let last = cursor.position(ofText: textLength - 1)
        #expect(last.line >= 55)
        #expect(last == map.position(ofText: textLength - 1))
    }

    @Test func batchesAnswerAsOneAtATime() {
        let (map, textLength) = Self.sampleMap()
        var state: UInt64 = 777
        let offsets = (0..<1500).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33) % (textLength + 4) - 2
        }
        #expect(map.positions(ofText: offsets) == offsets.map { map.position(ofText: $0) })
        let byteOffsets = offsets.map { $0 + 7 }
        #expect(map.lines.positions(ofBytes: byteOffsets) == byteOffsets.map { map.lines.position(ofByte: $0) })
        var cursor = map.lines.positionCursor()
        #expect(byteOffsets.allSatisfy { cursor.position(ofByte: $0) == map.lines.position(ofByte: $0) })
    }

    @Test func emptyMapAnswersTheSourceStart() {
        let map = SourceMap(segments: [], source: LineIndex("abc\ndef"))
        var cursor = map.positionCursor()
        for offset in [0, 5, 2] {
            #expect(cursor.position(ofText: offset) == map.position(ofText: offset))
        }
    }
}
