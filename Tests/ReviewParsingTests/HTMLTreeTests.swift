import Foundation
import ReviewModel
import Testing
import TestSupport

@testable import ReviewParsing

/// HTML is read through libxml2's SAX interface into ``HTMLTreeBuilder``'s arena instead of
/// libxml2's own tree; the reader depends on getting exactly the tree libxml2 would build.
/// These tests build both trees for the same input and compare them node by node.
@Suite struct HTMLTreeTests {
    static func expectSameTree(_ source: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let bytes = Array(source.utf8)
        let ours = LibXML.htmlTreeOutline(bytes, libxml2Tree: false)
        let libxml2 = LibXML.htmlTreeOutline(bytes, libxml2Tree: true)
        #expect(ours == libxml2, "\(name): the arena tree differs from libxml2's", sourceLocation: sourceLocation)
    }

    /// Inputs where libxml2's tree builder has rules of its own: content after `</html>` with
    /// and without a DOCTYPE or a leading comment, a misplaced DOCTYPE, Word's prefixed
    /// elements (`o:p` is an element named `p`), boolean and value-less attributes, text split
    /// by comments and processing instructions, script and style content, empty text.
    static let tricky: [(String, String)] = [
        ("comment first", "<!-- c --><html><body><p>One.</p></body></html>\n<p>After html.</p>\n"),
        ("doctype, content after html", "<!DOCTYPE html><html><body><p>One.</p></body></html><p>After.</p> tail text"),
        ("content after html", "<html><body><p>One.</p></body></html><p>After.</p> tail"),
        ("misplaced doctype", "<html><body><p>One.</p><!DOCTYPE html><p>Two.</p></body></html><p>Three.</p>"),
        ("text before any element", "Leading text <b>bold</b><p>Para</p>"),
        ("comments and PIs split text", "<html><body><p>A<?php echo 1 ?>B</p><p>C<!-- x -->D</p></body></html>"),
        ("script and style", "<p>Hello <script>var a = \"<p>no</p>\";</script> world</p><style>p{}</style><p>x</p>"),
        (
            "Word export",
            "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><body><p class=MsoNormal><b>2. Background<o:p></o:p></b></p>"
                + "<p class=MsoListParagraph style=\"mso-list:l0\"><![if !supportLists]>·<![endif]>Item one<o:p></o:p></p>"
                + "<p class=MsoNormal>Text &nbsp; with&rsquo;s<o:p>&nbsp;</o:p></p><v:shape id=x></v:shape><:odd>q</:odd><o:>e</o:></body></html>"
        ),
        (
            "attributes",
            "<div hidden><p>hidden</p></div><p id=main role=NAVIGATION title=\"a &amp; b\">nav</p><p class=\"x\" class=\"cookie\">dup</p>"
                + "<table><tr><td colspan=2>a</td><td colspan=\"\">b</td></tr></table><input checked><select disabled><option selected>o</select>"
        ),
        ("unclosed", "<ul><li>one<li>two<ul><li>nested</ul><li>three</ul><p>p1<p>p2<div>d<p>p3</div><table><tr><td>x<td>y<tr><td>z</table>"),
        ("entities", "<p>a &amp; b &lt; c &#8217; d &#x1F600; &bogus; &amp e</p>"),
        ("empty text", "<p></p><p> </p><p>\n</p><b></b><p>x</p>"),
        ("nested html", "<html><head><title>Tt</title></head><body><html><body><p>inner</p></body></html></body></html>"),
        ("frames and svg", "<frameset><frame src=a></frameset><noframes><p>nf</p></noframes><p>x<svg><text>in svg</text></svg>y</p>"),
    ]

    @Test func trickyInputsGiveLibxml2sTree() {
        for (name, source) in Self.tricky { Self.expectSameTree(source, name) }
    }

    /// Up to libxml2's depth limit the trees agree; past it both stop.
    @Test func deepNestingGivesLibxml2sTree() {
        for depth in [200, 255, 256, 257] {
            Self.expectSameTree(String(repeating: "<div>", count: depth) + "deep" + String(repeating: "</div>", count: depth), "depth \(depth)")
        }
    }

    /// Random tag soup (seeded): unbalanced, misnested and stray end tags, comments, PIs,
    /// references and Word's prefixed elements.
    @Test func randomTagSoupGivesLibxml2sTree() {
        var generator = SeededGenerator(seed: 20_251_126)
        let tags = [
            "p", "div", "span", "b", "li", "ul", "table", "tr", "td", "h2", "br", "blockquote", "o:p", "a", "html", "body", "head",
            "title", "script", "style", "o:", ":x", "v:shape", "P", "TD", "select", "option", "input", "frameset", "noscript",
        ]
        let attributes = [
            "", " class=MsoNormal", " hidden", " checked", " class=\"a &amp; b\"", " id=x id=y", " colspan=2", " role=navigation",
            " style='mso-list:l0'", " selected",
        ]
        let texts = [
            "Hello world. ", "  ", "\n", "The café’s owner. ", "x", "<", "&amp;", "&nbsp;", "é😀 ", "<!-- c -->", "<?pi x?>",
            "<![if !supportLists]>", "<![endif]>", "<!DOCTYPE html>", "&#8217;", "&bogus;", ">",
        ]
        for round in 0..<200 {
            let source = Self.randomSoup(
                tags: tags, attributes: attributes, texts: texts, pieces: 10...150, starts: 4, ends: 2, using: &generator)
            Self.expectSameTree(source, "soup \(round): \(source)")
        }
    }

    /// A random tag soup: maybe a DOCTYPE, then pieces each a start tag (with one of
    /// `attributes`, when given), an end tag or one of `texts`: start tags on `starts` of ten
    /// draws, end tags on the next `ends`.
    static func randomSoup(
        tags: [String], attributes: [String]?, texts: [String], pieces: ClosedRange<Int>, starts: Int, ends: Int,
        using generator: inout SeededGenerator
    ) -> String {
        var source = Bool.random(using: &generator) ? "<!DOCTYPE html>" : ""
        for _ in 0..<Int.random(in: pieces, using: &generator) {
            let tag = tags.randomElement(using: &generator)!
            let draw = Int.random(in: 0..<10, using: &generator)
            if draw < starts {
                source += "<\(tag)" + (attributes.map { $0.randomElement(using: &generator)! } ?? "") + ">"
            } else if draw < starts + ends {
                source += "</\(tag)>"
            } else {
                source += texts.randomElement(using: &generator)!
            }
        }
        return source
    }

    @Test func corpusHTMLGivesLibxml2sTree() throws {
        let directory = repositoryRoot.appendingPathComponent("corpus").path
        for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() where name.hasSuffix(".html") {
            let raw = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))
            let decoded = try SourceDecoder.decode(raw, format: .html, name: name, lenient: false).bytes
            let ours = LibXML.htmlTreeOutline(decoded, libxml2Tree: false)
            #expect(ours == LibXML.htmlTreeOutline(decoded, libxml2Tree: true), "\(name)")
            #expect(ours.count > 1000, "\(name)")
            // With its text compacted, and without falling back to the whole source.
            let compacted = LibXML.htmlTreeOutline(decoded, .compacted)
            #expect(compacted == ours, "\(name): compacted: \(compacted.prefix(100))")
        }
    }

    // MARK: Compacted text

    /// The compacted parse either gives libxml2's tree or reports that a run did not come
    /// back as text (the reader then parses the whole source); returns whether it held.
    @discardableResult
    static func expectCompactedTree(_ source: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let bytes = Array(source.utf8)
        let compacted = LibXML.htmlTreeOutline(bytes, .compacted)
        if compacted.hasPrefix("compaction failed") || compacted == "no compaction" { return false }
        #expect(compacted == LibXML.htmlTreeOutline(bytes, .libxml2), "\(name): the compacted tree differs", sourceLocation: sourceLocation)
        return true
    }

    static let sentence = "The practitioners did not share what they knew about the risk. "

    /// Long text where libxml2 opens implied elements (text first, text in `<head>` and after
    /// `</html>`), next to references, literal `<`, comments, script, attribute values with
    /// `>` in them, and newlines (line numbers).
    static let compactionInputs: [(String, String)] = [
        ("text first", sentence + "<p>" + sentence + "</p>"),
        ("text in head", "<html><head>" + sentence + "<title>" + sentence + "</title></head><body>" + sentence + "</body></html>"),
        ("after html", "<html><body><p>x</p></body></html>" + sentence + "\n\n" + sentence),
        ("references", "<p>" + sentence + "&amp;" + sentence + "&nbsp;" + sentence + "&#8217;" + sentence + "&bogus;" + sentence + "& " + sentence + "</p>"),
        ("literal less-than", "<p>" + sentence + "< " + sentence + "<3" + sentence + "</p>"),
        ("newlines", "<div>\n" + sentence + "\n" + sentence + "\n\n</div><p\nclass=x>\n" + sentence + "</p>\n<p>" + sentence + "</p>"),
        ("comment", "<p>" + sentence + "<!-- " + sentence + " -->" + sentence + "</p><!-- a > b " + sentence + "-->"),
        ("script", "<p>" + sentence + "<script>if (a > b) { x = '" + sentence + "' }</script>" + sentence + "</p>"),
        ("attribute with >", "<p title=\"a > " + sentence + "\">" + sentence + "</p><p title='x>" + sentence + "'>y</p>"),
        ("unclosed quote", "<p title=\"a>" + sentence + "<p>" + sentence + "</p>\">" + sentence),
        ("controls", "<p>" + sentence + "\u{1}" + sentence + "</p><p>" + sentence + "\u{FFFE}</p>"),
        ("placeholder in source", "<p>" + sentence + "\u{E000}" + sentence + "</p>"),
        ("doctype mid-document", "<p>" + sentence + "</p><!DOCTYPE html>" + sentence),
        ("tables and lists", "<table><tr><td>" + sentence + "<td>" + sentence + "</table><ul><li>" + sentence + "<li>" + sentence + "</ul>"),
        ("crlf", "<p>\r\n" + sentence + "\r\n" + sentence + "</p>\r\n"),
        ("long run", "<p>" + String(repeating: sentence, count: 100) + "</p>"),
        ("many newlines", "<p>" + sentence + String(repeating: "\n", count: 1200) + sentence + "</p><p>" + sentence + "</p>"),
    ]

    @Test func compactedTextGivesLibxml2sTree() {
        var held = 0
        for (name, source) in Self.compactionInputs where Self.expectCompactedTree(source, name) { held += 1 }
        #expect(held >= Self.compactionInputs.count - 3, "the compaction should hold on most of these inputs")
        // A source holding the placeholder is not compacted.
        #expect(LibXML.htmlTreeOutline(Array(Self.compactionInputs[11].1.utf8), .compacted) == "no compaction")
    }

    /// Which runs are replaced: long text after markup or a known reference, with its
    /// leading blanks and newlines kept; not text with a character libxml2 drops (wherever it
    /// stands in the run, the scan reading eight bytes at a time), nor text after `&bogus;`.
    @Test func compactionReplacesCleanRunsOnly() throws {
        let sentence = Self.sentence
        for position in 0..<24 {
            for bad in ["\u{1}", "\u{1F}", "\u{FFFE}", "\u{FFFF}"] {
                var run = Array(sentence)
                run.insert(contentsOf: bad, at: position)
                let source = "<p>" + sentence + "</p><p>" + String(run) + "</p>"
                let compaction = try #require(HTMLTextCompaction(source: Array(source.utf8)))
                #expect(compaction.runs.count == 1, "\(position) \(bad.unicodeScalars.first!.value)")
                #expect(compaction.runs.first?.sourceStart == 3)
            }
        }
        let source = "<div>\n  " + sentence + "\n" + sentence + "</div>&amp;" + sentence + "&bogus;" + sentence + "<p>short</p>"
        let compaction = try #require(HTMLTextCompaction(source: Array(source.utf8)))
        #expect(compaction.runs.map { $0.sourceStart } == [5, 5 + 3 + 1 + 2 * sentence.utf8.count + 6 + 5])
        let first = compaction.runs[0]
        #expect(first.placeholderOffset == 3 && first.compactLength == 3 + 3 + 1)
        #expect(Array(compaction.bytes[(first.compactEnd - first.compactLength)..<first.compactEnd]) == Array("\n  \u{E000}\n".utf8))
        #expect(compaction.bytes.count < source.utf8.count - sentence.utf8.count * 2)
    }

    /// The depth limit holds with compacted text: nesting past libxml2's 256 elements, with
    /// long text (replaced runs) on every line, stops libxml2 at the same line as without
    /// compaction (line numbers are kept), and the reader refuses the document naming it.
    @Test func depthLimitHoldsWithCompactedText() throws {
        var source = ""
        for depth in 0..<300 { source += "<div>" + Self.sentence + "\(depth)\n" }
        let bytes = Array(source.utf8)
        let compaction = try #require(HTMLTextCompaction(source: bytes))
        #expect(compaction.runs.count == 300)
        let compacted = try #require(LibXML.HTMLParse(bytes, compaction: compaction))
        let whole = try #require(LibXML.HTMLParse(bytes, compaction: nil))
        let stoppedAt = try #require(whole.builder.tooDeepLine)
        #expect(compacted.builder.tooDeepLine == stoppedAt)
        #expect(!compacted.builder.compactionHeld, "the runs after the stop never arrive, so the reader parses again")
        #expect(throws: ParseError.self) { try DocumentReader().read(bytes: bytes, name: "deep.html") }
        do {
            _ = try DocumentReader().read(bytes: bytes, name: "deep.html")
        } catch {
            guard case .tooDeep(let name, let line, let limit) = error else {
                Issue.record("expected tooDeep, got \(error)")
                return
            }
            #expect(name == "deep.html" && limit == 256)
            #expect(line == stoppedAt)
        }
        // Below the limit the same text reads whole.
        var shallow = ""
        for depth in 0..<200 { shallow += "<div>" + Self.sentence + "\(depth)\n" }
        let document = try DocumentReader().read(bytes: Array(shallow.utf8), name: "shallow.html")
        #expect(document.blocks.count == 200)
    }

    /// A run the scanner takes for text but libxml2 does not read as text where it stands
    /// (it skips the blanks after a DOCTYPE before text) makes the compacted
    /// parse report failure; the reader's document is still the one libxml2's tree gives.
    @Test func compactionFailureFallsBackToTheSource() throws {
        let source = "<!DOCTYPE html>\n  " + Self.sentence + "<p>" + Self.sentence + "</p>"
        #expect(LibXML.htmlTreeOutline(Array(source.utf8), .compacted).hasPrefix("compaction failed at run 0 of 2"))
        let document = try DocumentReader().read(bytes: Array(source.utf8), name: "t.html")
        let texts = document.blocks.map { document.text(of: $0) }
        let sentence = Self.sentence.trimmingCharacters(in: .whitespaces)
        #expect(texts == [sentence, sentence])
    }

    /// Random tag soup with long text (seeded), as ``randomTagSoupGivesLibxml2sTree()``.
    @Test func randomTagSoupWithLongTextGivesLibxml2sTree() {
        var generator = SeededGenerator(seed: 20_261_127)
        let tags = ["p", "div", "span", "b", "li", "ul", "table", "tr", "td", "h2", "br", "o:p", "html", "body", "head", "title", "script", "style", "select", "frameset"]
        let texts = [
            Self.sentence, Self.sentence + "\n", "  ", "\n", "The café’s owner, é😀. ", "<", "&amp;", "&nbsp;", "<!-- c -->", "<?pi x?>",
            "<![if !supportLists]>", "<!DOCTYPE html>", "&#8217;", "&bogus;", ">", "& ", "<p title='" + Self.sentence + "'>",
        ]
        var held = 0
        for round in 0..<150 {
            let source = Self.randomSoup(tags: tags, attributes: nil, texts: texts, pieces: 10...120, starts: 3, ends: 2, using: &generator)
            if Self.expectCompactedTree(source, "long soup \(round): \(source)") { held += 1 }
        }
        #expect(held > 100, "the compaction held on \(held) of 150")
    }
}

