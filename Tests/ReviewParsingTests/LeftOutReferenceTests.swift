import Foundation
import ReviewModel
import Testing
import TestSupport

@testable import ReviewParsing

/// Character references in the text of elements left out whole (``LeftOutElement/Piece/Kind/reference``):
/// the element is built with the reference's character, joined to the text around it, where
/// libxml2 reads the reference whole; any other `&` leaves the element to libxml2. Each case
/// is held to libxml2's own tree of the original source and to the plain reader's document.
@Suite struct LeftOutReferenceTests {
    static let sentence = HTMLTreeTests.sentence

    /// Inputs, how many elements are left out, and whether the compacted parse holds.
    static let inputs: [(String, String, Int, Bool)] = [
        (
            "numbers and names",
            "<html><body><p>Aaron&#x27;s family &amp; friends</p>\n<p>&nbsp;x&nbsp;</p><li>caf&eacute; &#233; &#X41; &#0065; &#x1F600;</li>"
                + "<td>&rsquo;quoted&rdquo;</td><h2>a &lt;b&gt; c &quot;d&quot;</h2><th>&#38;&#60;&#62;</th></body></html>",
            6, true
        ),
        (
            "in spans, next to marks, over lines",
            "<html><body><p class=MsoNormal><span lang=EN-GB>one\ntwo&#x27;s\nthree</span><o:p>&nbsp;</o:p></p>"
                + "<p>&amp;<span>x</span>&amp;<o:p></o:p>y&#39;</p>\n<p>\n&#39;\n</p><p>" + sentence + "&amp;\n" + sentence + "</p></body></html>",
            4, true
        ),
        (
            "long text around",
            "<html><body><p>" + String(repeating: "x", count: 850) + "&amp;" + String(repeating: "y", count: 850) + "</p><p>"
                + String(repeating: "x", count: 901) + "&amp;</p></body></html>",
            1, true
        ),
        // Left to libxml2: no semicolon, unknown or upper-case names, characters it reports
        // otherwise or not at all, too many digits, a bare '&' (and one plain paragraph, so
        // that there is something to compact).
        (
            "not plain",
            "<html><body><p>a &#x27 b</p><p>a &amp b</p><p>a &unknown; b</p><p>a &#0; b</p><p>a &#xD800; b</p><p>a &#x110000; b</p>"
                + "<p>a &#1; b</p><p>a &#x7F; b</p><p>a &#x85; b</p><p>a &#xFFFE; b</p><p>a &#xE000; b</p><p>a & b</p><p>a &; b</p>"
                + "<p>a &#; b</p><p>a &#x; b</p><p>a &AMP; b</p><p>a &nbsp b</p><p>a &#000000065; b</p><p>a &#x9; b</p>"
                + "<p>" + sentence + "</p></body></html>",
            1, true
        ),
    ]

    @Test func referencesGiveLibxml2sTree() throws {
        try CutTagTests.expectInputs(Self.inputs, counted: { $0.elements.count }, failure: "compaction failed: ")
    }

    /// The reference pieces: their characters, and the text pieces around them.
    @Test func referencePiecesHoldTheirCharacters() throws {
        let source = Array("<html><body><p>a&#x27;s &amp;&eacute;</p></body></html>".utf8)
        let compaction = try #require(HTMLTextCompaction(source: source))
        let pieces = compaction.pieces.map { ($0.kind, $0.kind == .reference ? $0.scalar : 0, String(decoding: source[$0.range], as: UTF8.self)) }
        #expect(pieces.map(\.0) == [.text, .reference, .text, .reference, .reference])
        #expect(pieces.map(\.1) == [0, 0x27, 0, 0x26, 0xE9])
        #expect(pieces.map(\.2) == ["a", "&#x27;", "s ", "&amp;", "&eacute;"])
    }

    /// Random paragraphs (seeded) of text, references well-formed and not, spans and marks,
    /// between open and misnested elements: libxml2's tree, the plain reader's document.
    @Test func randomReferenceSoupGivesLibxml2sTree() throws {
        let references = ["&amp;", "&#x27;", "&#39;", "&nbsp;", "&eacute;", "&amp", "&#x27", "&bogus;", "&#0;", "&", "&rsquo;", "&#x1F600;", "&lt;"]
        var generator = SeededGenerator(seed: 2026_1127_1205)
        var texts = ["<p>a &amp; b</p>", "<li>x&#39;s</li>", "\n", "<b>", "</b>", "<span>", "</span>", "<o:p></o:p>", "<!-- c -->", "<"]
        for _ in 0..<12 {
            var paragraph = ["<p>", "<p class=MsoNormal>", "<td>", "<h3>"][generator.below(4)]
            for _ in 0..<(1 + generator.below(5)) {
                paragraph += [Self.sentence, "word", " ", "\n", references[generator.below(references.count)]][generator.below(5)]
            }
            texts.append(paragraph + "</" + paragraph.dropFirst().prefix { $0.isLetter || $0.isNumber } + ">")
        }
        var holding = 0
        var count = 0
        for round in 0..<150 {
            let soup = HTMLTreeTests.randomSoup(
                tags: ["p", "b", "span", "li", "td", "h2", "div", "table", "tr"], attributes: ["", " class=MsoNormal"], texts: texts,
                pieces: 10...60, starts: 2, ends: 2, using: &generator)
            let source = "<html><body>" + soup
            count += HTMLTextCompaction(source: Array(source.utf8))?.pieces.filter { $0.kind == .reference }.count ?? 0
            if HTMLTreeTests.expectCompactedTree(source, "soup \(round): \(source)") { holding += 1 }
            try ShortcutTests.expectSameDocument(Array(source.utf8), name: "references\(round).htm")
        }
        #expect(holding > 100, "the compaction held on \(holding) of 150")
        #expect(count > 300, "\(count) references in left-out elements")
    }
}
