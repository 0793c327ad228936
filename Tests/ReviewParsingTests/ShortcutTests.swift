import CLibXML2
import Foundation
import ReviewModel
import Testing
import TestSupport

@testable import ReviewParsing

/// The reader's shortcuts (HTML read compacted, with Word's `<o:p>` renamed and text nodes
/// that know their source span; pdftohtml lines collected without per-line arrays) must give
/// exactly the document the plain way gives: same text, blocks, sentences, source map and
/// metadata. These tests read the same inputs both ways and compare.
@Suite struct ShortcutTests {
    /// Reads `bytes` with and without the shortcuts and expects the same document.
    static func expectSameDocument(_ bytes: [UInt8], name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var plainReader = DocumentReader()
        plainReader.shortcuts = false
        let fast = try DocumentReader().read(bytes: bytes, name: name)
        let plain = try plainReader.read(bytes: bytes, name: name)
        expectSame(fast, plain, name, sourceLocation: sourceLocation)
    }

    static func expectSame(_ fast: ReviewDocument, _ plain: ReviewDocument, _ name: String, sourceLocation: SourceLocation) {
        #expect(fast.format == plain.format, "\(name): format", sourceLocation: sourceLocation)
        #expect(fast.metadata == plain.metadata, "\(name): metadata", sourceLocation: sourceLocation)
        #expect(fast.text == plain.text, "\(name): text", sourceLocation: sourceLocation)
        #expect(fast.blocks == plain.blocks, "\(name): blocks", sourceLocation: sourceLocation)
        #expect(fast.sentences == plain.sentences, "\(name): sentences", sourceLocation: sourceLocation)
        #expect(fast.sourceMap.lines.bytes == plain.sourceMap.lines.bytes, "\(name): source", sourceLocation: sourceLocation)
        #expect(fast.sourceMap.lines.lineStarts == plain.sourceMap.lines.lineStarts, "\(name): lines", sourceLocation: sourceLocation)
        if fast.sourceMap.segments != plain.sourceMap.segments {
            let first = zip(fast.sourceMap.segments, plain.sourceMap.segments).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            Issue.record(
                "\(name): source maps differ (\(fast.sourceMap.segments.count) and \(plain.sourceMap.segments.count) segments, first difference at \(String(describing: first)))",
                sourceLocation: sourceLocation)
        }
    }

    /// Every document of corpus/ (not its holdout), in every format but PDF (whose text is
    /// pdftohtml's XML, read as the .xml files are).
    @Test func corpusDocumentsAreTheSame() throws {
        let directory = repositoryRoot.appendingPathComponent("corpus").path
        var compared = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            guard ["html", "htm", "xhtml", "xml", "txt", "md"].contains((name as NSString).pathExtension) else { continue }
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
            try Self.expectSameDocument(bytes, name: name)
            compared += 1
        }
        #expect(compared >= 24)
    }

    /// Generated documents of all six formats (HTML, Word HTML, XHTML, pdftohtml XML, text,
    /// Markdown), larger than the ones ``GeneratedCorpusTests`` reads.
    @Test(.enabled(if: GeneratedCorpusTests.python != nil, "needs python3"))
    func generatedDocumentsAreTheSame() throws {
        let directory = temporaryPath("shortcuts")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GeneratedCorpusTests.python!)
        process.arguments = [
            repositoryRoot.appendingPathComponent("tools/generate-corpus.py").path, "--docs", "18", "--size-kb", "40",
            "--seed", "11", "--out", directory,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let manifest = try String(contentsOfFile: directory + "/manifest.tsv", encoding: .utf8)
        let rows = manifest.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        #expect(Set(rows.map { $0[1] }) == ["html", "word", "xhtml", "pdfxml", "text", "markdown"])
        for row in rows {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + row[0])))
            try Self.expectSameDocument(bytes, name: row[0])
            if row[1] == "word" {
                // Word's <o:p> are left out or renamed, its tags cut, and the compacted parse
                // holds (no second parse).
                let decoded = try SourceDecoder.decode(bytes, format: .html, name: row[0], lenient: false).bytes
                let compaction = try #require(HTMLTextCompaction(source: decoded))
                #expect(compaction.renamedStarts + compaction.wordParagraphs.count > 0, "\(row[0])")
                #expect(!compaction.tags.isEmpty, "\(row[0])")
                #expect(LibXML.htmlTreeOutline(decoded, .compacted) == LibXML.htmlTreeOutline(decoded, .libxml2), "\(row[0])")
            }
        }
    }

    /// The HTML inputs of the compaction tests, where runs stand next to references,
    /// comments, literal `<`, implied elements and text libxml2 moves.
    @Test func trickyHTMLIsTheSame() throws {
        for (name, source) in HTMLTreeTests.compactionInputs + HTMLTreeTests.tricky {
            try Self.expectSameDocument(Array(source.utf8), name: name + ".html")
        }
    }

    /// A text node the builder marks as one replaced run holds exactly the source bytes of
    /// its span, and most of a document's text comes that way.
    @Test func knownSpansAreVerbatim() throws {
        let sentence = HTMLTreeTests.sentence
        let source = Array(
            ("<html><body><h1>Title of the review here</h1><p>" + sentence + sentence + "</p><p>" + sentence + "&amp;" + sentence
                + "</p><ul><li>\n  " + sentence + "\n</li><li>" + sentence + "<o:p></o:p></li></ul><p>short</p></body></html>").utf8)
        let compaction = try #require(HTMLTextCompaction(source: source))
        let parse = try #require(LibXML.HTMLParse(source, compaction: compaction))
        #expect(parse.builder.compactionHeld)
        var known = 0
        var other = 0
        func walk(_ node: xmlNodePtr) {
            var child = node.pointee.children
            while let current = child {
                if current.isText {
                    if let span = current.knownSourceSpan {
                        known += 1
                        #expect(Array(current.contentBuffer) == Array(source[span]))
                    } else {
                        other += 1
                    }
                }
                walk(current)
                child = current.pointee.next
            }
        }
        withExtendedLifetime(parse) { if let root = parse.builder.root { walk(root) } }
        // The "&amp;" paragraph is one node of three pieces (not one run); "short" is no run,
        // but its paragraph is left out whole (``LeftOutElement``), so its text is known too.
        #expect(known == 5)
        #expect(other == 1)
        try Self.expectSameDocument(source, name: "spans.html")
    }

    // MARK: Word's <o:p>

    /// `<o:p>` start and end tags (any case, self-closed, with attributes) are renamed; names
    /// that only begin like it are not, and a document with `select` tags of its own keeps
    /// its `o:p` (the renaming must be one to one); stray end tags alone are kept too.
    @Test func wordParagraphsAreRenamedOneToOne() throws {
        let word = "<p class=MsoNormal>Text<o:p></o:p></p><p>x<O:P>&nbsp;</O:P></p><p>y<o:p/></p><p>z<o:p class=a>q</o:p ></p>"
        let compaction = try #require(HTMLTextCompaction(source: Array(word.utf8)))
        #expect(compaction.renamedStarts == 4)
        let compacted = String(decoding: compaction.bytes, as: UTF8.self)
        #expect(!compacted.contains("o:p") && !compacted.contains("O:P"))
        #expect(compacted.components(separatedBy: "select").count - 1 == 7)
        #expect(HTMLTreeTests.expectCompactedTree(word, "word"))

        #expect(HTMLTextCompaction(source: Array("<p>a<o:pa>b</o:pa><o:>c</o:></p>".utf8)) == nil)
        #expect(HTMLTextCompaction(source: Array("<p>a<o:p>b</o:p><SELECT><option>c</select></p>".utf8)) == nil)
        #expect(HTMLTextCompaction(source: Array("<p>a</o:p>b</p>".utf8)) == nil)
        for source in [word, "<p>a<o:p>b</o:p><select><option>c</select></p>", "<p>a</o:p>b</p>"] {
            try Self.expectSameDocument(Array(source.utf8), name: "word.html")
        }
    }

    /// A renamed tag's name in text (here from references in an attribute value) fails the compacted parse, and
    /// the reader reads the source; an `o:p` tag in a comment (where this scanner and libxml2
    /// disagree about where the comment ends: libxml2 ends it at "--!>") turns the renaming off.
    @Test func renamedNameInTextFailsTheCompaction() throws {
        let text = "<p title='&lt;select&gt;'>a<o:p></o:p> " + HTMLTreeTests.sentence + "</p>"
        #expect(LibXML.htmlTreeOutline(Array(text.utf8), .compacted).hasPrefix("compaction failed: 1 of 1 renamed o:p elements arrived, a renamed name in text"))
        try Self.expectSameDocument(Array(text.utf8), name: "text.html")
        let source = "<p>a<o:p></o:p><!-- x --!> &lt;<o:p>b</o:p> --></p>"
        #expect(LibXML.htmlTreeOutline(Array(source.utf8), .compacted) == "no compaction")
        try Self.expectSameDocument(Array(source.utf8), name: "comment.html")
    }

    /// Random tag soup (seeded) heavy in `o:p`, with no `select` of its own: the renamed parse
    /// gives libxml2's tree of the original, and the documents agree.
    @Test func randomWordSoupGivesLibxml2sTree() throws {
        var generator = SeededGenerator(seed: 20_261_127_05)
        let tags = ["p", "o:p", "O:P", "o:p", "div", "span", "b", "i", "li", "ul", "table", "tr", "td", "h2", "br", "html", "body", "head", "title", "font", "a", "v:shape", "o:", "st1:place"]
        let attributes = ["", " class=MsoNormal", " style='mso-list:l0'", "/", " hidden"]
        let texts = [
            HTMLTreeTests.sentence, "  ", "\n", "&nbsp;", "<![if !supportLists]>", "<![endif]>", "<!-- c -->", "&amp;", "x", "<", "é😀",
        ]
        var held = 0
        for round in 0..<150 {
            let source = HTMLTreeTests.randomSoup(
                tags: tags, attributes: attributes, texts: texts, pieces: 10...120, starts: 4, ends: 2, using: &generator)
            if HTMLTreeTests.expectCompactedTree(source, "word soup \(round): \(source)") { held += 1 }
            try Self.expectSameDocument(Array(source.utf8), name: "soup\(round).html")
        }
        #expect(held > 120, "the compaction held on \(held) of 150")
    }
}
