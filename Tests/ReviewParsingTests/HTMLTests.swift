import Foundation
import ReviewModel
import ReviewParsing
import Testing

@Suite struct HTMLTests {
    static let page = """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>Domestic Homicide Review – Adult A</title>
        <script>var x = "<p>script text</p>";</script><style>p { color: red }</style></head>
        <body>
        <header><p>Site header text</p></header>
        <nav><a href="/">Home</a> Navigation text</nav>
        <div id="cookie-notice"><p>We use cookies on this site</p></div>
        <div class="consent-box">Accept all</div>
        <a class="skip-link" href="#main">Skip to main content</a>
        <ol class="govuk-breadcrumbs"><li>Home</li><li>Reviews</li></ol>
        <div role="navigation"><p>Menu</p></div>
        <main>
        <h1>Overview Report</h1>
        <h2>1. Introduction</h2>
        <p>Café owner Zoë’s “friend”
           said &amp; did &#8217;things&rsquo;&nbsp;&nbsp; 😀 here.</p>
        <h3>1.1 Scope</h3>
        <p>Scope text.</p>
        <h2>2. Background</h2>
        <p>Background text.</p>
        </main>
        <form><p>Search this site</p></form>
        <aside><p>Related pages</p></aside>
        <footer><p>Footer text</p></footer>
        </body></html>
        """

    @Test func keepsContentAndDropsChrome() throws {
        let document = try parse(Self.page, name: "page.html")
        let all = texts(document)
        #expect(all == [
            "Overview Report", "1. Introduction", "Café owner Zoë’s “friend” said & did ’things’ 😀 here.", "1.1 Scope",
            "Scope text.", "2. Background", "Background text.",
        ])
        #expect(document.metadata.title == "Domestic Homicide Review – Adult A")
        #expect(document.format == .html)
    }

    @Test func headingLevelsAndSections() throws {
        let document = try parse(Self.page, name: "page.html")
        let scope = try #require(block(document, containing: "Scope text"))
        #expect(scope.section == ["Overview Report", "1. Introduction", "1.1 Scope"])
        let background = try #require(block(document, containing: "Background text"))
        #expect(background.section == ["Overview Report", "2. Background"])
        #expect(document.blocks[0].kind == .heading && document.blocks[0].level == 1)
        #expect(document.blocks[3].level == 3)
    }

    @Test func sourceMapIsExactOnNonASCIIText() throws {
        let document = try parse(Self.page, name: "page.html")
        expectExactMap(document)
        // The paragraph's line is the line of its first character.
        let paragraph = try #require(block(document, containing: "Café"))
        #expect(paragraph.sourceLine == 14)
        // An entity maps to the whole reference.
        let amp = Array(document.text.utf8).firstIndex(of: UInt8(ascii: "&"))!
        let start = document.sourceMap.sourceOffset(ofText: amp)
        let end = document.sourceMap.sourceOffset(ofText: amp + 1)
        #expect(String(decoding: document.sourceMap.lines.bytes[start..<end], as: UTF8.self) == "&amp;")
    }

    @Test func nestedLists() throws {
        let html = """
            <ul>
              <li>Agencies involved
                <ul><li>Police</li><li>GP <em>surgery</em></li></ul>
                and others</li>
              <li><p>Second item</p><p>continues</p></li>
            </ul>
            <ol><li>One</li></ol>
            """
        let document = try parse(html, name: "lists.html")
        #expect(texts(document) == ["Agencies involved", "Police", "GP surgery", "and others", "Second item continues", "One"])
        #expect(document.blocks.allSatisfy { $0.kind == .listItem })
        expectExactMap(document, needles: ["surgery", "continues"])
    }

    @Test func tablesHaveRowsAndColumns() throws {
        let html = """
            <table>
              <tr><th>Date</th><th colspan="2">Event</th><th>Agency</th></tr>
              <tr><td><p class=MsoNormal>3 May</p></td><td>GP visit<br>and review</td><td></td><td>Police</td></tr>
            </table>
            <p>After the table.</p>
            """
        let document = try parse(html, name: "table.html")
        let cells = document.blocks.filter { $0.kind == .tableCell }
        #expect(cells.map { document.text(of: $0) } == ["Date", "Event", "Agency", "3 May", "GP visit and review", "Police"])
        #expect(cells.map { $0.row! } == [0, 0, 0, 1, 1, 1])
        #expect(cells.map { $0.column! } == [0, 1, 3, 0, 1, 3])
        #expect(texts(document).last == "After the table.")
    }

    @Test func brokenMarkupIsReadLeniently() throws {
        let html = """
            <html><body><div><p>First <b>bold <i>both</p>
            <p>Second &copy 2020 & more < less</div></span></em>
            <li>stray item
            <p>Unclosed at end 😀
            """
        let document = try parse(html, name: "broken.html")
        let all = texts(document)
        #expect(all.first == "First bold both")
        #expect(all.contains { $0.hasPrefix("Second") && $0.contains("less") })
        // libxml2 keeps the unclosed <li> open, so the paragraph after it is part of the item.
        #expect(all.last == "stray item Unclosed at end 😀")
        expectExactMap(document, needles: ["😀", "bold"])
    }

    @Test func wordExportWithWindows1252() throws {
        // A Word "Save as Web Page" export: windows-1252 bytes, MsoNormal paragraphs, span soup.
        var bytes = Array("""
            <html xmlns:o="urn:schemas-microsoft-com:office:office">
            <head><meta http-equiv=Content-Type content="text/html; charset=windows-1252">
            <title>Safeguarding Adults Review</title></head>
            <body lang=EN-GB><div class=WordSection1>
            <p class=MsoTitle><span style='font-size:20.0pt'>Safeguarding Adults Review: Mr X</span></p>
            <p class=MsoNormal><span lang=EN-GB>He said </span>
            """.utf8)
        bytes += [0x93] + Array("I".utf8) + [0x92] + Array("m fine".utf8) + [0x94] + Array(" caf".utf8) + [0xE9]
        bytes += Array("""
            .<o:p></o:p></p>
            <p class=MsoListParagraphCxSpFirst>Item one</p>
            <p class=MsoNormal>&nbsp;</p>
            Loose text in the section
            </div></body></html>
            """.utf8)
        let document = try DocumentReader().read(bytes: bytes, name: "word.htm")
        #expect(texts(document) == ["Safeguarding Adults Review: Mr X", "He said “I’m fine” café.", "Item one", "Loose text in the section"])
        #expect(document.blocks[0].kind == .heading)
        #expect(document.blocks[2].kind == .listItem)
        #expect(document.metadata.reviewType?.id == "sar")
        expectExactMap(document, needles: ["’", "é", "“"])
    }

    @Test func undeclaredInvalidUTF8FallsBackToWindows1252() throws {
        let bytes = Array("<p>".utf8) + [0x93] + Array("quoted".utf8) + [0x94] + Array("</p>".utf8)
        let document = try DocumentReader().read(bytes: bytes, name: "old.html")
        #expect(texts(document) == ["“quoted”"])
    }

    @Test func deepNestingIsRefused() throws {
        func nested(_ depth: Int) -> String {
            String(repeating: "<div>", count: depth) + "deep" + String(repeating: "</div>", count: depth)
        }
        // Past libxml2's own limit (256) and past ours.
        #expect(throws: ParseError.self) { try parse(nested(400), name: "deep.html") }
        #expect(throws: ParseError.self) { try parse(nested(400), name: "deep.html", options: ParseOptions(maxDepth: 1000)) }
        #expect(throws: ParseError.self) { try parse(nested(100), name: "deep.html", options: ParseOptions(maxDepth: 50)) }
        #expect(texts(try parse(nested(100), name: "deep.html")) == ["deep"])
    }
}

@Suite struct WordHeadingTests {
    @Test func boldParagraphsAreHeadings() throws {
        let html = """
            <div class=WordSection1>
            <p class=MsoNormal><b><span lang=EN-GB>3. Chronology<o:p></o:p></span></b></p>
            <p class=MsoNormal><b><u>2019</u></b></p>
            <p class=MsoNormal>In May she saw the GP.</p>
            <p class=MsoNormal><b>This whole sentence is bold for emphasis.</b></p>
            <p class=MsoNormal><b>Partly</b> bold</p>
            <table><tr><td><p class=MsoNormal><b>When</b></p></td></tr></table>
            </div>
            """
        let document = try parse(html, name: "word.html")
        #expect(texts(document) == [
            "3. Chronology", "2019", "In May she saw the GP.", "This whole sentence is bold for emphasis.", "Partly bold", "When",
        ])
        #expect(document.blocks.map(\.kind) == [.heading, .heading, .paragraph, .paragraph, .paragraph, .tableCell])
        #expect(document.blocks[0].level == 2)
        #expect(document.blocks[1].level == 3)
        #expect(document.blocks[2].section == ["3. Chronology", "2019"])
    }
}

@Suite struct HTMLEdgeTests {
    @Test func nestedTablesAndNumericReferences() throws {
        let html = """
            <table>
              <tr><td>Outer &#x1F600; cell<table><tr><td>Inner A</td><td>Inner B</td></tr></table>after inner</td>
                  <td>Second &#233;</td></tr>
            </table>
            """
        let document = try parse(html, name: "nested.html")
        #expect(texts(document) == ["Outer 😀 cell", "Inner A", "Inner B", "after inner", "Second é"])
        let cells = document.blocks.map { [$0.row ?? -1, $0.column ?? -1] }
        #expect(cells == [[0, 0], [0, 0], [0, 1], [0, 0], [0, 1]])
        // Characters from references map to the whole reference.
        expectExactMap(document, needles: ["😀", "é"])
        let text = Array(document.text.utf8)
        let emoji = text.firstIndex(of: 0xF0)!
        let start = document.sourceMap.sourceOffset(ofText: emoji)
        let end = document.sourceMap.sourceOffset(ofText: emoji + 4)
        #expect(String(decoding: document.sourceMap.lines.bytes[start..<end], as: UTF8.self) == "&#x1F600;")
    }

    @Test func emptyAndWhitespaceDocuments() throws {
        #expect(try parse("", name: "empty.html").blocks.isEmpty)
        #expect(try parse("   \n\t", name: "blank.html").blocks.isEmpty)
        #expect(try parse("", name: "empty.txt").blocks.isEmpty)
        #expect(throws: ParseError.self) { try parse("", name: "empty.xml") }
    }
}
