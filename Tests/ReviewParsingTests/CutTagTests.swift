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
        ("word", "<p class=MsoNormal style='text-align:justify'><span lang=EN-GB style=\"font-size:11.0pt\">" + sentence + "</span></p>", 1),
        ("case", "<P CLASS=MsoTitle Style='x'>" + sentence + "</P><TD NoWrap VALIGN=top>a</TD>", 2),
        ("newlines", "<p\nclass=MsoNormal\nstyle='margin:0cm;\nline-height:\t12pt'\n>" + sentence + "</p>\n<p class=x>" + sentence + "</p>", 2),
        ("value-less", "<table><tr><td nowrap valign=top>a<td colspan=\"\" rowspan=''>b</table><input checked disabled><select multiple><option selected value=1>o</select>", 4),
        ("self-closed", "<p><img src=picture.png alt='a long description'/><br class=c/><br clear=all />" + sentence + "</p>", 3),
        ("quotes and >", "<p title=\"a > b\" data-x='say \"hi\"' data-y=a\"b>" + sentence + "</p><p a=\"x\"b='y'c=z>" + sentence + "</p>", 2),
        ("non-ASCII and names", "<p title='café – “quoted” 😀' _u=1 :v=2 .w=3 x-y.z_1=4>" + sentence + "</p>", 1),
        ("equals in unquoted value", "<p a=b='c>" + sentence + "'>x</p><p a=b=c>" + sentence + "</p>", 0),
        ("form feed", "<p\u{0C}class=a>" + sentence + "</p><p class=a\u{0C}>" + sentence + "</p>", 0),
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
                + sentence + "</p><body class=second><p>" + sentence + "</p></body></html>", 0  // (the paragraphs are left out whole)
        ),
        ("long name", "<p " + String(repeating: "a", count: 95) + "=1>" + sentence + "</p><p " + String(repeating: "b", count: 80) + "=1>x</p>", 1),
        ("implied", "<span class=s>" + sentence + "</span><td class=c>" + sentence + "<li class=l>x", 3),
    ]

    /// For each input (name, source, how many shortcuts `counted` finds, whether the compacted
    /// parse holds): the count, libxml2's tree or the failure `failure` starts, and the plain
    /// reader's document.
    static func expectInputs(
        _ inputs: [(String, String, Int, Bool)], counted: (HTMLTextCompaction) -> Int, failure: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for (name, source, expected, holds) in inputs {
            let bytes = Array(source.utf8)
            #expect((HTMLTextCompaction(source: bytes).map(counted) ?? 0) == expected, "\(name)", sourceLocation: sourceLocation)
            let outline = LibXML.htmlTreeOutline(bytes, .compacted)
            if holds {
                #expect(outline == LibXML.htmlTreeOutline(bytes, .libxml2), "\(name)", sourceLocation: sourceLocation)
            } else {
                #expect(outline.hasPrefix(failure), "\(name): \(outline)", sourceLocation: sourceLocation)
            }
            try ShortcutTests.expectSameDocument(bytes, name: name + ".htm", sourceLocation: sourceLocation)
        }
    }

    /// 150 random soups (``HTMLTreeTests/randomSoup(tags:attributes:texts:pieces:starts:ends:using:)``):
    /// libxml2's tree where the compacted parse holds (on more than `held`), the plain reader's
    /// document always, and more than `found` shortcuts `counted` in all.
    static func expectSoups(
        seed: UInt64, tags: [String], attributes: [String], texts: [String], counted: (HTMLTextCompaction) -> Int, held: Int,
        found: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var generator = SeededGenerator(seed: seed)
        var holding = 0
        var count = 0
        for round in 0..<150 {
            let source = HTMLTreeTests.randomSoup(
                tags: tags, attributes: attributes, texts: texts, pieces: 10...100, starts: 4, ends: 2, using: &generator)
            count += HTMLTextCompaction(source: Array(source.utf8)).map(counted) ?? 0
            if HTMLTreeTests.expectCompactedTree(source, "soup \(round): \(source)", sourceLocation: sourceLocation) { holding += 1 }
            try ShortcutTests.expectSameDocument(Array(source.utf8), name: "soup\(round).htm", sourceLocation: sourceLocation)
        }
        #expect(holding > held, "the compaction held on \(holding) of 150", sourceLocation: sourceLocation)
        #expect(count > found, "\(count) found", sourceLocation: sourceLocation)
    }

    /// The compaction of `source`, which must hold (before the tests break it).
    static func heldCompaction(_ source: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> HTMLTextCompaction {
        let compaction = try #require(HTMLTextCompaction(source: source), sourceLocation: sourceLocation)
        let held = try #require(LibXML.HTMLParse(source, compaction: compaction), sourceLocation: sourceLocation)
        #expect(held.builder.compactionHeld, sourceLocation: sourceLocation)
        return compaction
    }

    /// The scanner the reader locates text with ends every cut tag where the compaction did.
    static func expectScannerAgrees(_ compaction: HTMLTextCompaction, _ bytes: [UInt8], _ name: String) {
        let scanner = MarkupScanner(source: bytes, syntax: .html)
        for tag in compaction.tags {
            #expect(scanner.skipMarkup(tag.nameStart - 1) == tag.sourceEnd, "\(name): tag at \(tag.nameStart - 1)")
        }
    }

    @Test func cutTagsGiveLibxml2sTree() throws {
        for (name, source, expected) in Self.inputs {
            let bytes = Array(source.utf8)
            let compaction = HTMLTextCompaction(source: bytes)
            #expect((compaction?.tags.count ?? 0) == expected, "\(name)")
            if let compaction { Self.expectScannerAgrees(compaction, bytes, name) }
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
        let compaction = try Self.heldCompaction(source)
        #expect(compaction.tags.count == 2)
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
            " w='unclosed", " \"q\"", " 1x=2", " _a=1", " :b=2", " .c=3", " d-e.f:g=4", " z='é😀'", "/", " /", " e=f=g", " h=i='j>k'", "\u{0C}",
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
            if let compaction = HTMLTextCompaction(source: bytes) {
                cut += compaction.tags.count
                Self.expectScannerAgrees(compaction, bytes, "attribute soup \(round)")
            }
            if HTMLTreeTests.expectCompactedTree(source, "attribute soup \(round): \(source)") { held += 1 }
            try ShortcutTests.expectSameDocument(bytes, name: "soup\(round).html")
        }
        #expect(held > 110, "the compaction held on \(held) of 150")
        #expect(cut > 300, "\(cut) tags cut")
    }
}

/// Word's empty paragraph marks (`<o:p></o:p>`, `<o:p>&nbsp;</o:p>` between `>` and an end tag or comment),
/// which libxml2 does not read (``HTMLTextCompaction/WordParagraph``) and
/// ``HTMLTreeBuilder`` adds: the tree must be libxml2's, and the document the plain reader's.
@Suite struct WordParagraphMarkTests {
    static let sentence = HTMLTreeTests.sentence

    /// Inputs, how many marks are left out, and whether the compacted parse holds.
    static let inputs: [(String, String, Int, Bool)] = [
        (
            "word",
            "<html><body><p class=MsoNormal><span lang=EN-GB>" + sentence + "</span><o:p></o:p></p>\n<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n<p>"
                + sentence + "</p></body></html>", 0, true  // (the paragraphs are left out whole, marks and all)
        ),
        ("implied body", "<p><o:p></o:p></p><p>" + sentence + "<o:p>&nbsp;</o:p></p>", 1, true),
        ("before body", "<html><o:p></o:p><!-- c --><body><p>" + sentence + "</p></body></html>", 1, false),
        ("in head", "<html><head><title>t</title><o:p></o:p></head><body><p>" + sentence + "</p></body></html>", 1, false),
        ("not between markup", "<p>a<o:p></o:p><b>x</b><o:p></o:p>" + sentence + "<o:p></o:p> </p>", 0, true),
        (
            "next events",
            "<body><p>x</p><o:p></o:p><!-- c --><o:p></o:p><![if !supportLists]>y<o:p>&nbsp;</o:p></o:p><p>z</p><o:p></o:p><?pi x?><o:p></o:p><!DOCTYPE html><p>"
                + sentence + "</p></body>", 1, true
        ),
        ("newlines before the next event", "<body><p>a<b>x</b><o:p></o:p></p\n\n><p>b<o:p></o:p><!--\n\n--></p><o:p></o:p></body\n>", 2, true),
        ("end tags", "<body><ul><li>a</li><o:p></o:p></ul><table><tr><td>x</td><o:p></o:p></tr></table><p>y<b>z</b><o:p></o:p></i></p>", 3, true),
        ("start tags next", "<body><p>x<b>y</b><o:p></o:p><p>z</p><span>a</span><o:p>&nbsp;</o:p><td>b</td>", 0, true),
        ("other spellings", "<body><p>x<O:P></O:P><o:p ></o:p><o:p/><o:p>&#160;</o:p><o:p>x</o:p></p>" + sentence, 0, true),
        ("at the end", "<body><p>" + sentence + "</p><o:p></o:p></body></html>", 1, true),
        ("stray end tag last", "<p>" + sentence + "</p><o:p></o:p></b>", 1, true),
    ]

    @Test func marksGiveLibxml2sTree() throws {
        try CutTagTests.expectInputs(
            Self.inputs, counted: { $0.wordParagraphs.count }, failure: "compaction failed: 0 of 1 o:p elements left out were added")
    }

    /// Near libxml2's depth limit a mark is not added (libxml2 would stop there): the source
    /// is parsed again, and the depth error is the same.
    @Test func marksAtTheDepthLimit() throws {
        for depth in [250, 254, 255, 256] {
            let source = "<body>" + String(repeating: "<div>", count: depth) + "<b>x</b><o:p></o:p><i>y</i>" + String(repeating: "</div>", count: depth)
            Self.expectSameResult(Array(source.utf8), "depth \(depth)")
        }
    }

    /// Reads `bytes` with and without the shortcuts: the same document, or the same error.
    static func expectSameResult(_ bytes: [UInt8], _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        var plainReader = DocumentReader()
        plainReader.shortcuts = false
        let fast = Result { try DocumentReader().read(bytes: bytes, name: "deep.htm") }
        let plain = Result { try plainReader.read(bytes: bytes, name: "deep.htm") }
        switch (fast, plain) {
        case (.success(let a), .success(let b)): ShortcutTests.expectSame(a, b, name, sourceLocation: sourceLocation)
        case (.failure(let a), .failure(let b)): #expect("\(a)" == "\(b)", "\(name)", sourceLocation: sourceLocation)
        default: Issue.record("\(name): \(fast) and \(plain)", sourceLocation: sourceLocation)
        }
    }

    /// Random Word-like soup (seeded) full of marks next to tags, text, comments and
    /// references: libxml2's tree, the plain reader's document.
    @Test func randomMarkSoupGivesLibxml2sTree() throws {
        let texts = [
            Self.sentence, "<o:p></o:p>", "<o:p>&nbsp;</o:p>", "<o:p></o:p></p>", "<o:p>&nbsp;</o:p></p>", "<o:p></o:p></span>",
            "<o:p></o:p><!-- c -->", "<o:p>&nbsp;</o:p></td>", "<o:p></o:p></b>", "<o:p></o:p></li>", "\n", "  ", "&nbsp;", "<!-- c -->",
            "<![if !supportLists]>", "x", "<", "</o:p>",
        ]
        try CutTagTests.expectSoups(
            seed: 20_261_127_08,
            tags: ["p", "span", "b", "li", "ul", "table", "tr", "td", "h2", "br", "div", "html", "body", "head", "title", "o:p", "select"],
            attributes: ["", " class=MsoNormal", " style='mso-list:l0'"], texts: texts, counted: { $0.wordParagraphs.count }, held: 80,
            found: 100)
    }
}

/// `<span>` elements holding nothing but a run of text (Word wraps each paragraph's text in
/// one), left out with the run (``HTMLTextCompaction/Span``) and put back by
/// ``HTMLTreeBuilder`` when the run arrives: libxml2's tree, the plain reader's document.
@Suite struct SpanRunTests {
    static let sentence = HTMLTreeTests.sentence

    /// Inputs, how many spans are left out, and whether the compacted parse holds.
    static let inputs: [(String, String, Int, Bool)] = [
        (
            "word",
            "<html><body><p class=MsoNormal style='text-align:justify'><span lang=EN-GB style='font-size:11.0pt'>" + sentence
                + "\n" + sentence + "</span><o:p></o:p></p>\n<p><SPAN>" + sentence + "</SPAN></p><p><span class=cookie-banner>" + sentence
                + "</span></p></body></html>", 0, true  // (the paragraphs are left out whole, spans and all)
        ),
        ("leading newlines", "<body><p><span lang=EN-GB>\n\n  " + sentence + "\n</span></p>\n<p>" + sentence + "</p></body>", 0, true),
        (
            "not alone",
            "<body><p>a<span>" + sentence + "</span></p><p><span>" + sentence + "</span>b</p><p><span>" + sentence + "<b>x</b></span></p>"
                + "<p><span>short</span></p><p><span\nlang=a>" + sentence + "</span></p><p><span>" + sentence + "</span ></p></body>", 0, true
        ),
        ("in head", "<html><head><title>t</title><span>" + sentence + "</span><p>" + sentence + "</p></head></html>", 1, false),
        ("before body", "<html><span>" + sentence + "</span><p>" + sentence + "</p></html>", 1, false),
        ("after body", "<html><body><p>x</p></body><span>" + sentence + "</span></html>", 1, false),
        // (The cell is left out whole; the list item, not ended, is not.)
        ("in tables and lists", "<body><table><tr><td><span>" + sentence + "</span></td></tr></table><ul><li><span>" + sentence + "</span><li>x</ul></body>", 1, true),
        ("misnested", "<body><b><span>" + sentence + "</span></i><p>" + sentence + "</p></b></body>", 1, true),
    ]

    @Test func spansGiveLibxml2sTree() throws {
        try CutTagTests.expectInputs(Self.inputs, counted: { $0.spans.count }, failure: "compaction failed: a span")
    }

    /// Random Word-like soup (seeded): spans with attributes around long text, next to text,
    /// marks, misnested tags: libxml2's tree, the plain reader's document.
    @Test func randomSpanSoupGivesLibxml2sTree() throws {
        let texts = [
            Self.sentence, Self.sentence + "\n" + Self.sentence, "\n  " + Self.sentence, "<o:p></o:p>", "</span>", "</span><o:p></o:p>",
            "<span lang=EN-GB style='font-size:11.0pt'>" + Self.sentence + "</span>", "<span>" + Self.sentence + "</span><o:p></o:p>",
            "<SPAN class=x>\n" + Self.sentence + "\n</SPAN>",
            "\n", "  ", "&nbsp;", "<!-- c -->", "x", "<",
        ]
        try CutTagTests.expectSoups(
            seed: 20_261_127_09, tags: ["p", "span", "span", "b", "li", "ul", "table", "tr", "td", "h2", "div", "html", "body", "head", "title", "o:p"],
            attributes: ["", " class=MsoNormal", " lang=EN-GB style='font-size:11.0pt'", " style='mso-list:Ignore'", " class=banner"],
            texts: texts, counted: { $0.spans.count }, held: 80, found: 100)
    }
}
