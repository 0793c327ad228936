import Foundation
import ReviewModel
import Testing
import TestSupport

@testable import ReviewParsing

/// Start tags read without their attributes (``HTMLTextCompaction/Tag``), which
/// ``HTMLTreeBuilder`` adds back from the source: the tree must be the one libxml2 builds from
/// the original, and the document the one the plain reader gives.
@Suite struct CutTagTests {
    static let sentence = HTMLTreeTests.sentence

    /// Inputs and how many of their tags are cut: Word's attributes, names in any case,
    /// blanks and newlines between and inside values, value-less and boolean attributes, empty
    /// values, `/>`, values with `>` or quotes, no blank after a quoted value; and tags left
    /// whole: a reference, a carriage return or a control character in the tag, a name
    /// given twice, a bogus attribute, a missing quote, `html`/`head`/`body`/`meta`.
    static let inputs: [(String, String, Int)] = [
        ("word", "<p class=MsoNormal style='text-align:justify'><span lang=EN-GB style=\"font-size:11.0pt\">" + sentence + "</span></p>", 2),
        ("case", "<P CLASS=MsoTitle Style='x'>" + sentence + "</P><TD NoWrap VALIGN=top>a</TD>", 2),
        ("newlines", "<p\nclass=MsoNormal\nstyle='margin:0cm;\nline-height:\t12pt'\n>" + sentence + "</p>\n<p class=x>" + sentence + "</p>", 2),
        ("value-less", "<table><tr><td nowrap valign=top>a<td colspan=\"\" rowspan=''>b</table><input checked disabled><select multiple><option selected value=1>o</select>", 4),
        ("self-closed", "<p><img src=picture.png alt='a long description'/><br class=c/><br clear=all />" + sentence + "</p>", 3),
        ("quotes and >", "<p title=\"a > b\" data-x='say \"hi\"' data-y=a\"b>" + sentence + "</p><p a=\"x\"b='y'c=z>" + sentence + "</p>", 2),
        ("non-ASCII and names", "<p title='café – “quoted” 😀' _u=1 :v=2 .w=3 x-y.z_1=4>" + sentence + "</p>", 1),
        ("spaces around =", "<p class = MsoNormal style\n=\n'x'>" + sentence + "</p>", 1),
        ("reference", "<p title='a &amp; b'>" + sentence + "</p><p title=a&b>" + sentence + "</p>", 0),
        ("carriage return", "<p class=a\r\nstyle=b>" + sentence + "</p><p title='x\ry'>" + sentence + "</p>", 0),
        ("control", "<p title='a\u{1}b'>" + sentence + "</p><p title='a\u{FFFF}b'>" + sentence + "</p>", 0),
        ("named twice", "<p class=first CLASS=second>" + sentence + "</p><p id=a id=b>" + sentence + "</p>", 0),
        ("bogus", "<p class=x \"quoted\">" + sentence + "</p><p 1x=abc>" + sentence + "</p><p a/b>" + sentence + "</p><p a=>x</p>", 0),
        ("missing quote", "<p class='unclosed value>" + sentence + "</p><p>" + sentence + "</p>", 0),
        (
            "kept whole",
            "<html lang=en><head class=h><meta http-equiv=Content-Type content='text/html'></head><body lang=EN-GB style='x'><p class=a>"
                + sentence + "</p><body class=second><p>" + sentence + "</p></body></html>", 1
        ),
        ("long name", "<p " + String(repeating: "a", count: 95) + "=1>" + sentence + "</p><p " + String(repeating: "b", count: 80) + "=1>x</p>", 1),
        ("implied", "<span class=s>" + sentence + "</span><td class=c>" + sentence + "<li class=l>x", 3),
    ]

    @Test func cutTagsGiveLibxml2sTree() throws {
        for (name, source, expected) in Self.inputs {
            let bytes = Array(source.utf8)
            let compaction = HTMLTextCompaction(source: bytes)
            #expect((compaction?.tags.count ?? 0) == expected, "\(name)")
            if expected > 0 {
                #expect(LibXML.htmlTreeOutline(bytes, .compacted) == LibXML.htmlTreeOutline(bytes, .libxml2), "\(name)")
            } else {
                #expect(HTMLTreeTests.expectCompactedTree(source, name) || compaction == nil, "\(name)")
            }
            try ShortcutTests.expectSameDocument(bytes, name: name + ".html")
        }
    }

    /// A cut tag that does not arrive where it was put (here: told to arrive one byte later,
    /// or under another name) fails the compacted parse, and the reader reads the source.
    @Test func aTagThatDoesNotArriveFailsTheCompaction() throws {
        let source = Array(("<p class=MsoNormal>" + Self.sentence + "</p><p class=x>" + Self.sentence + "</p>").utf8)
        let compaction = try #require(HTMLTextCompaction(source: source))
        #expect(compaction.tags.count == 2)
        let held = try #require(LibXML.HTMLParse(source, compaction: compaction))
        #expect(held.builder.compactionHeld)
        var late = compaction
        late.tags[0].compactEnd += 1
        var renamed = compaction
        renamed.tags[1].nameStart = 3  // "c" (of "class"): the element is "p"
        for (name, broken) in [("late", late), ("renamed", renamed)] {
            let parse = try #require(LibXML.HTMLParse(source, compaction: broken))
            #expect(!parse.builder.compactionHeld, "\(name)")
            #expect(parse.builder.compactionFailure?.contains("tags without attributes arrived") == true, "\(name)")
        }
        try ShortcutTests.expectSameDocument(source, name: "cut.html")
    }

    /// An `o:p` tag in a comment or raw text turns the renaming off: libxml2 reads a
    /// `<script>` whose text starts with an end tag as that end tag, where this scanner skips
    /// the script's text.
    @Test func wordParagraphsInRawTextAreNotRenamed() throws {
        let source = "<div class=d><p><o:p>x<script></P><!-- c --></o:p><a colspan=2>" + Self.sentence + "</p>"
        let compaction = try #require(HTMLTextCompaction(source: Array(source.utf8)))
        #expect(compaction.renamedStarts == 0 && compaction.tags.count == 1)
        #expect(HTMLTreeTests.expectCompactedTree(source, "script"))
        try ShortcutTests.expectSameDocument(Array(source.utf8), name: "script.html")
        let comment = "<p><o:p>x</o:p><!-- <o:p> --!> -->" + Self.sentence + "</p>"
        #expect(try #require(HTMLTextCompaction(source: Array(comment.utf8))).renamedStarts == 0)
    }

    /// Random tag soup (seeded) whose tags carry random attribute lists, plain and not: the
    /// compacted parse gives libxml2's tree of the original, and the documents agree.
    @Test func randomAttributeSoupGivesLibxml2sTree() throws {
        var generator = SeededGenerator(seed: 20_261_127_07)
        let tags = ["p", "P", "div", "span", "b", "li", "ul", "table", "tr", "td", "h2", "br", "img", "o:p", "a", "font", "v:shape", "html", "body", "script"]
        let pieces = [
            " class=MsoNormal", " CLASS=MsoListParagraph", " style='mso-list:l0 level1 lfo1'", " style=\"font-size:\n11.0pt\"", " lang=EN-GB",
            " hidden", " nowrap", " checked", " selected", " id=x", " ID=y", " role=navigation", " colspan=2", " title=''", " a=\"\"",
            " title='a > b'", " title=\"it's\"", " data-x=a\"b", " x = y", "\n", "\t", " \r\n", " t='a&amp;b'", " u=a&b", " v='\u{1}'",
            " w='unclosed", " \"q\"", " 1x=2", " _a=1", " :b=2", " .c=3", " d-e.f:g=4", " z='é😀'", "/", " /",
        ]
        let texts = [Self.sentence, Self.sentence + "\n", "  ", "\n", "&nbsp;", "<![if !supportLists]>", "<!-- c -->", "&amp;", "x", "<", "é😀"]
        var held = 0
        var cut = 0
        for round in 0..<150 {
            var source = ""
            for _ in 0..<Int.random(in: 10...80, using: &generator) {
                let tag = tags.randomElement(using: &generator)!
                let draw = Int.random(in: 0..<10, using: &generator)
                if draw < 4 {
                    source += "<" + tag
                    for _ in 0..<Int.random(in: 0...4, using: &generator) { source += pieces.randomElement(using: &generator)! }
                    source += ">"
                } else if draw < 6 {
                    source += "</\(tag)>"
                } else {
                    source += texts.randomElement(using: &generator)!
                }
            }
            let bytes = Array(source.utf8)
            cut += HTMLTextCompaction(source: bytes)?.tags.count ?? 0
            if HTMLTreeTests.expectCompactedTree(source, "attribute soup \(round): \(source)") { held += 1 }
            try ShortcutTests.expectSameDocument(bytes, name: "soup\(round).html")
        }
        #expect(held > 110, "the compaction held on \(held) of 150")
        #expect(cut > 500, "\(cut) tags cut")
    }
}
