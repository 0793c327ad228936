import Foundation
import ReviewModel
import Testing
import TestSupport

@testable import ReviewParsing

/// Elements of simple content left out whole and read as empty comments
/// (``LeftOutElement``), which ``HTMLTreeBuilder`` builds when the comment arrives: the tree
/// must be the one libxml2 builds from the original, and the document the plain reader's.
@Suite struct LeftOutElementTests {
    static let sentence = HTMLTreeTests.sentence

    /// Inputs, how many elements are left out, and whether the compacted parse holds.
    static let inputs: [(String, String, Int, Bool)] = [
        (
            "plain",
            "<!DOCTYPE html><html><head><title>t</title></head><body>\n<h1>Title</h1>\n<p>" + sentence + "</p>\n<P CLASS=x\nid=y>\n" + sentence
                + "\n" + sentence + "</P>\n<ul>\n  <li>one;</li>\n  <LI>two</LI>\n</ul>\n<table><tr><th>a</th><td class=c>b</td><TD></TD></tr></table>\n</body></html>",
            8, true
        ),
        (
            "word",
            "<html><body lang=EN-GB><p class=MsoNormal style='text-align:justify'><span lang=EN-GB style='font-size:11.0pt'>" + sentence
                + "\n" + sentence + "</span><o:p></o:p></p>\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n<p class=MsoNormal><span>Date</span></p>"
                + "<p><span\nclass=a>x</span>y<span>z</span><o:p></o:p>w</p></body></html>", 4, true
        ),
        ("before body", "<html><p>" + sentence + "</p><body><p>x</p></body></html>", 1, true),
        ("no body", "<p>" + sentence + "</p><h2>x</h2>", 0, true),
        (
            "closing the open element",
            "<body><p>open <p>" + sentence + "</p><b>bold<p>x</p></b><li>a<li>b</li><td>c<td>d</td><th>e</th><h2>h<p>p</p></h2></body>", 6, true
        ),
        ("same heading inside", "<body><h2>a<h2>b</h2></h2></body>", 1, false),
        ("in a heading", "<body><h3>a<h4>b</h4></h3><table><tr><td>x<table><tr><td>y</td></tr></table></td></tr></table></body>", 2, true),
        (
            "not simple",
            "<body><p>a<b>b</b></p><p/>x<p>a</p ><p>a</P\n><p>\u{1}</p><p>a\u{FFFF}</p><p><span>a</span b></p>"
                + "<p><span>a<span>b</span></span></p><p><o:p>x</o:p></p><p>" + String(repeating: "x", count: 901) + "</p><p>a</pre>"
                + "<p title='a&amp;b'>x</p><p\u{0C}class=a>x</p><p/ >x</p><div>x</div></body>", 0, true
        ),
        ("crlf and blanks", "<body>\r\n<p>\r\n" + sentence + "\r\n</p>\r\n<p> </p><p></p><p>\t\n</p></body>", 4, true),
        ("in script and comments", "<body><script>var a = '<p>x</p>';</script><!-- <p>y</p> --><p>z</p></body>", 1, true),
        ("next to comments", "<body><!-- a --><p>x</p><!----><p>y</p><!-- b --></body>", 2, true),
        ("text around", "<body>before<p>x</p>between\n<p>y</p>after &amp; more<p>z</p>" + sentence + "</body>", 3, true),
        // (libxml2 opens a second <html> for the paragraph after </html>: the builder does not.)
        ("after the body", "<html><body><p>x</p></body></html><p>" + sentence + "</p><td>y</td>", 3, false),
        (
            "blanks between", "<body><p>a</p>\n \t<p>b</p>\r\n<h2>c</h2><p>d</p>   x<p>e</p>" + String(repeating: " ", count: 1000) + "<p>f</p>\n</body>", 6,
            true
        ),
        // (Blanks in <html> are not added: libxml2 may drop them.)
        ("blanks in html", "<html><body><p>a</p></body>\n<p>b</p>\n<p>c</p>\n<td>d</td> <li>e</li></html>", 5, false),
        ("blanks before an open element", "<body><p>a</p>\n<p>b\n<p>c</p>\n<li>d</li>\n<b>e</b>\n<td>f</td>\n</body>", 4, true),
        ("word marks", "<body><p class=MsoNormal><o:p></o:p></p><p><o:p>&nbsp;</o:p><o:p></o:p></p><h2><o:p></o:p></h2></body>", 3, true),
                // (The mark in the paragraph is not renamed: the document's own select does not matter.)
        ("select in source", "<body><select><option>a</select><p>" + sentence + "<o:p></o:p></p><p>x</p></body>", 2, true),
    ]

    @Test func leftOutElementsGiveLibxml2sTree() throws {
        try CutTagTests.expectInputs(Self.inputs, counted: { $0.elements.count }, failure: "compaction failed: ")
    }

    /// Elements with only blanks between them share one comment; the blanks go with the
    /// element after them.
    @Test func elementsWithBlanksBetweenShareAComment() throws {
        let source = Array("<body><p>a</p>\n<p>b</p> <p>c</p>x<p>d</p>\n\n<li>e</li></body>".utf8)
        let compaction = try #require(HTMLTextCompaction(source: source))
        let elements = compaction.elements
        #expect(elements.count == 5)
        #expect(Set(elements.map(\.compactEnd)).count == 2)
        #expect(elements.map { $0.blanks.map { Array(source[$0]) } ?? [] } == [[], [0x0A], [0x20], [], [0x0A, 0x0A]])
        #expect(elements.map(\.newlines) == [1, 0, 0, 2, 0])
        #expect(HTMLTreeTests.expectCompactedTree(String(decoding: source, as: UTF8.self), "shared"))
    }

    /// Near libxml2's depth limit an element is not added (libxml2 would stop there): the
    /// source is parsed again, and the document or the depth error is the same.
    @Test func leftOutElementsAtTheDepthLimit() throws {
        for depth in [250, 252, 253, 254, 255, 256] {
            let source = "<body>" + String(repeating: "<div>", count: depth) + "<p><span>x</span><o:p></o:p></p>" + String(repeating: "</div>", count: depth)
            WordParagraphMarkTests.expectSameResult(Array(source.utf8), "depth \(depth)")
        }
    }

    /// An element whose comment does not arrive where it was put (told to arrive one byte
    /// later) fails the compacted parse, and the reader reads the source.
    @Test func anElementThatDoesNotArriveFailsTheCompaction() throws {
        let source = Array(("<body><p class=MsoNormal>" + Self.sentence + "</p><p>" + Self.sentence + "</p></body>").utf8)
        let compaction = try CutTagTests.heldCompaction(source)
        #expect(compaction.elements.count == 2)
        var late = compaction
        late.elements[1].compactEnd += 1
        let parse = try #require(LibXML.HTMLParse(source, compaction: late))
        #expect(!parse.builder.compactionHeld)
        #expect(parse.builder.compactionFailure?.contains("1 of 2 elements left out arrived") == true)
        try ShortcutTests.expectSameDocument(source, name: "late.html")
    }

    /// Random soup (seeded) after a `<body>`, full of simple elements next to open and
    /// misnested ones, spans, marks, comments, references and newlines: libxml2's tree, the
    /// plain reader's document.
    @Test func randomElementSoupGivesLibxml2sTree() throws {
        let sentence = Self.sentence
        let texts = [
            "<p>" + sentence + "</p>", "<p class=MsoNormal>\n" + sentence + "</p>", "<P>x</P>", "<li>item</li>", "<td>cell</td>", "<th>head</th>",
            "<h2>2. Heading</h2>", "<h3 id=a>x</h3>", "<p class=MsoNormal><o:p>&nbsp;</o:p></p>",
            "<p class=MsoNormal style='x'><span lang=EN-GB style='font-size:11.0pt'>" + sentence + "\n" + sentence + "</span><o:p></o:p></p>",
            "<p><span>a</span>b<o:p></o:p></p>", "<p></p>", "<p> </p>", "<td></td>", sentence, "\n", "&amp;", "<!-- c -->", "<p>a &amp; b</p>",
            "<o:p></o:p>", "<![if !supportLists]>", "<",
        ]
        var generator = SeededGenerator(seed: 20_261_127_10)
        var holding = 0
        var count = 0
        for round in 0..<150 {
            let soup = HTMLTreeTests.randomSoup(
                tags: ["p", "b", "i", "span", "li", "ul", "table", "tr", "td", "th", "h2", "div", "head", "title", "font", "a", "select", "script"],
                attributes: ["", " class=MsoNormal"], texts: texts, pieces: 10...80, starts: 3, ends: 2, using: &generator)
            let source = (round % 5 == 0 ? "" : "<html><body>") + soup
            count += HTMLTextCompaction(source: Array(source.utf8))?.elements.count ?? 0
            if HTMLTreeTests.expectCompactedTree(source, "soup \(round): \(source)") { holding += 1 }
            try ShortcutTests.expectSameDocument(Array(source.utf8), name: "soup\(round).htm")
        }
        #expect(holding > 100, "the compaction held on \(holding) of 150")
        #expect(count > 1000, "\(count) elements left out")
    }
}
