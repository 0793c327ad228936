import ReviewModel
import Testing

@Suite struct LineIndexTests {
    @Test func utf16AndUTF8ColumnsOnNonASCIIText() {
        // "é" is 2 UTF-8 bytes / 1 UTF-16 unit, "’" 3 / 1, "😀" 4 / 2.
        let source = "first line\r\ncafé’s 😀 end\nlast"
        let index = LineIndex(source)
        #expect(index.lineCount == 3)
        let bytes = Array(source.utf8)
        let endOffset = bytes.count - "end\nlast".utf8.count
        let position = index.position(ofByte: endOffset)
        #expect(position.line == 1)
        #expect(position.utf16Column == "café’s 😀 ".utf16.count)
        #expect(position.utf8Column == "café’s 😀 ".utf8.count)
        #expect(index.byteOffset(line: 1, utf16Column: position.utf16Column) == endOffset)
        #expect(index.byteOffset(line: 1, utf8Column: position.utf8Column) == endOffset)
    }

    @Test func roundTripsEveryScalarBoundary() {
        let source = "é’😀x\nß\u{1F469}\u{200D}\u{1F467}y\n"
        let index = LineIndex(source)
        var offset = 0
        for scalar in source.unicodeScalars {
            let position = index.position(ofByte: offset)
            #expect(index.byteOffset(line: position.line, utf16Column: position.utf16Column) == offset)
            #expect(index.byteOffset(line: position.line, utf8Column: position.utf8Column) == offset)
            offset += String(scalar).utf8.count
        }
    }

    @Test func columnsPastTheLineEndClampToIt() {
        let index = LineIndex("ab\ncd")
        #expect(index.byteOffset(line: 0, utf16Column: 99) == 2)
        #expect(index.byteOffset(line: 5, utf16Column: 0) == 5)
    }
}

@Suite struct DocumentBuilderTests {
    @Test func blocksSectionsAndVerbatimMapping() {
        let source = "# Background\n\nMr B drank “heavily”. He was 42.\n"
        var builder = DocumentBuilder(name: "t.md", format: .markdown, source: LineIndex(source))
        builder.beginBlock(.heading, level: 1, sourceLine: 0)
        builder.append("Background", sourceStart: 2, sourceLength: 10)
        builder.beginBlock(.paragraph, sourceLine: 2)
        let paragraphStart = source.utf8.count - "Mr B drank “heavily”. He was 42.\n".utf8.count
        builder.append("Mr B drank “heavily”. He was 42.", sourceStart: paragraphStart, sourceLength: "Mr B drank “heavily”. He was 42.".utf8.count)
        let document = builder.build()
        #expect(document.blocks.count == 2)
        #expect(document.blocks[1].section == ["Background"])
        #expect(document.text == "Background\n\nMr B drank “heavily”. He was 42.")
        #expect(document.sentences.count == 3)
        #expect(document.substring(document.sentences[2]) == "He was 42.")
        let heRange = document.sentences[2]
        let position = document.sourceMap.position(ofText: heRange.start)
        #expect(position.line == 2)
        #expect(position.utf16Column == "Mr B drank “heavily”. ".utf16.count)
        #expect(document.sourceMap.textOffset(ofSource: position.byteOffset) == heRange.start)
    }

    @Test func sentencesDoNotSplitAfterTitles() {
        let text = Array("Dr. Patel saw Mrs. Khan on 3 May. She was calm.".utf8)
        let ranges = SentenceSplitter.split(text, in: TextRange(start: 0, end: text.count))
        #expect(ranges.count == 2)
    }
}

@Suite struct TagTests {
    @Test func parsesTagIdsAndKnowsTheContract() {
        #expect(TagID("characteristic/alcohol-misuse") == TagID(facet: "characteristic", id: "alcohol-misuse"))
        #expect(TagID("nope") == nil)
        #expect(TagID("a/b/c") == nil)
        #expect(Taxonomy.contains(TagID("weapon/physical-assault")!))
        #expect(Taxonomy.ids(of: "characteristic").count == 34)
        #expect(TagKey(tag: TagID("characteristic/autism")!, subject: nil).subject == .unknown)
        #expect(TagKey(tag: TagID("agency/gp")!, subject: .victim).subject == nil)
    }
}
