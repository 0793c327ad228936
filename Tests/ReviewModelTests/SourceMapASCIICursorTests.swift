import ReviewModel
import TestSupport
import Testing

@Suite struct SourceMapASCIICursorTests {
    /// Random source bytes: mostly ASCII lines of every length (past 32 bytes and short), some
    /// with two-, three- and four-byte characters at their start, middle or end, line breaks of
    /// the three kinds, and stray bytes that are no valid UTF-8 (a lone continuation byte, a
    /// lead byte cut short), over which the column walk must still agree.
    static func randomSource(seed: UInt64, lines: Int) -> [UInt8] {
        var numbers = SeededGenerator(seed: seed)
        func next(_ bound: Int) -> Int { numbers.below(bound) }
        let pieces: [[UInt8]] = [
            Array("é".utf8), Array("’".utf8), Array("😀".utf8), [0x80], [0xE2, 0x80], [0xF0],
        ]
        var bytes: [UInt8] = []
        for _ in 0..<lines {
            let length = [0, 3, 31, 32, 33, 70, 200][next(7)] + next(9)
            var line = (0..<length).map { _ in UInt8(0x20 + next(95)) }
            // Half the lines stay ASCII; the others get one or two pieces somewhere.
            if next(2) == 0 {
                for _ in 0...next(2) { line.insert(contentsOf: pieces[next(pieces.count)], at: line.isEmpty ? 0 : next(line.count + 1)) }
            }
            bytes += line
            bytes += [[0x0A], [0x0D, 0x0A], [0x0D]][next(3)]
        }
        return bytes
    }

    /// A map of verbatim runs, runs that shrank (an entity became one byte) and text without
    /// source between them, over the given source.
    static func map(over source: [UInt8]) -> (SourceMap, textLength: Int) {
        var segments: [SourceMap.Segment] = []
        var sourceOffset = 0
        var textOffset = 0
        var step = 0
        while sourceOffset < source.count {
            step += 1
            let length = min(source.count - sourceOffset, 5 + (step * 13) % 41)
            segments.append(SourceMap.Segment(textStart: textOffset, textLength: length, sourceStart: sourceOffset, sourceLength: length))
            sourceOffset += length
            textOffset += length
            if step % 5 == 0, sourceOffset + 4 <= source.count {
                segments.append(SourceMap.Segment(textStart: textOffset, textLength: 1, sourceStart: sourceOffset, sourceLength: 4))
                sourceOffset += 4
                textOffset += 1
            }
            if step % 7 == 0 { textOffset += 2 }
        }
        return (SourceMap(segments: segments, source: LineIndex(bytes: source)), textOffset)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func answersAsPositionOfText(seed: UInt64) {
        let (map, textLength) = Self.map(over: Self.randomSource(seed: seed, lines: 150))
        let ascending = Array(-2...(textLength + 3))
        var numbers = SeededGenerator(seed: seed &* 31)
        let shuffled = (0..<3000).map { _ in numbers.below(textLength + 4) }
        // Ascending with small steps back (the tagger's evidence merged with its suppressed matches).
        let nearly = ascending.enumerated().map { $0.offset % 9 == 8 ? max(0, $0.element - 30) : $0.element }
        var nonASCIIColumns = 0
        for offsets in [ascending, ascending.reversed(), shuffled, nearly] {
            var cursor = map.asciiPositionCursor()
            var mismatches: [Int] = []
            for offset in offsets {
                let expected = map.position(ofText: offset)
                if cursor.position(ofText: offset) != expected { mismatches.append(offset) }
                if expected.utf16Column != expected.utf8Column { nonASCIIColumns += 1 }
            }
            #expect(mismatches.isEmpty, "first mismatches at text offsets \(mismatches.prefix(5))")
        }
        // The source really has columns where UTF-16 and UTF-8 differ, and far lines.
        #expect(nonASCIIColumns > 100)
        #expect(map.position(ofText: textLength - 1).line > 100)
    }

    @Test func byteOffsetsAnswerAsLineIndex() {
        let source = Self.randomSource(seed: 99, lines: 80)
        let (map, _) = Self.map(over: source)
        var cursor = map.asciiPositionCursor()
        // Every byte offset in order, then every third backwards, then past both ends.
        let offsets = Array(0...source.count) + stride(from: source.count, through: 0, by: -3) + [-5, source.count + 9, 0]
        let mismatches = offsets.filter { cursor.position(ofByte: $0) != map.lines.position(ofByte: $0) }
        #expect(mismatches.isEmpty, "first mismatches at byte offsets \(mismatches.prefix(5))")
    }

    @Test func emptySourceAndMap() {
        let empty = SourceMap(segments: [], source: LineIndex(bytes: []))
        var cursor = empty.asciiPositionCursor()
        for offset in [0, 3, -1] { #expect(cursor.position(ofText: offset) == empty.position(ofText: offset)) }
        let noSegments = SourceMap(segments: [], source: LineIndex("añb\ncd"))
        var other = noSegments.asciiPositionCursor()
        for offset in [0, 5, 2] { #expect(other.position(ofText: offset) == noSegments.position(ofText: offset)) }
    }
}
