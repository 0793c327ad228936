import Foundation
import ReviewModel
import ReviewParsing
import Testing

@Suite struct XMLTests {
    @Test func xhtmlReadsLikeHTML() throws {
        let xhtml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
            <html xmlns="http://www.w3.org/1999/xhtml"><head><title>Child Safeguarding Practice Review: Child K</title></head>
            <body><nav><p>Menu</p></nav>
            <h1>Child K</h1>
            <p>Zoë’s teacher &amp; the school nurse 😀 met.<![CDATA[ Raw <text> here.]]></p>
            <ul><li>Item &#233;</li></ul>
            <p>Undeclared&nbsp;entity &rsquo; here.</p>
            </body></html>
            """
        let document = try parse(xhtml, name: "k.xhtml")
        #expect(document.format == .xml)
        #expect(texts(document) == [
            "Child K", "Zoë’s teacher & the school nurse 😀 met. Raw <text> here.", "Item é", "Undeclared entity ’ here.",
        ])
        #expect(document.metadata.reviewType?.id == "scr")
        expectExactMap(document, needles: ["é", "😀", "<text>"])
    }

    @Test func docBook() throws {
        let xml = """
            <?xml version="1.0"?>
            <article xmlns="http://docbook.org/ns/docbook">
              <info><title>Safeguarding Adults Review: Mrs Evans</title></info>
              <section><title>Background</title>
                <para>Mrs Evans, referred to as <emphasis>Adult E</emphasis>, lived alone in Brøndby.</para>
                <itemizedlist><listitem><para>She had a carer.</para></listitem></itemizedlist>
                <section><title>Chronology</title><para>In 2019 she fell.</para></section>
              </section>
              <informaltable><tgroup cols="2"><tbody>
                <row><entry>Date</entry><entry>Event</entry></row>
                <row><entry>2019</entry><entry>Fall</entry></row>
              </tbody></tgroup></informaltable>
            </article>
            """
        let document = try parse(xml, name: "evans.xml")
        #expect(document.metadata.title == "Safeguarding Adults Review: Mrs Evans")
        #expect(document.metadata.reviewType?.id == "sar")
        #expect(texts(document) == [
            "Background", "Mrs Evans, referred to as Adult E, lived alone in Brøndby.", "She had a carer.", "Chronology",
            "In 2019 she fell.", "Date", "Event", "2019", "Fall",
        ])
        let chronology = try #require(block(document, containing: "she fell"))
        #expect(chronology.section == ["Background", "Chronology"])
        #expect(document.blocks[0].level == 2)  // the article is level 1
        #expect(document.blocks[3].level == 3)
        let cells = document.blocks.filter { $0.kind == .tableCell }
        #expect(cells.map { [$0.row!, $0.column!] } == [[0, 0], [0, 1], [1, 0], [1, 1]])
        expectExactMap(document, needles: ["ø"])
    }

    @Test func tei() throws {
        let xml = """
            <TEI xmlns="http://www.tei-c.org/ns/1.0">
              <teiHeader><fileDesc><titleStmt><title>Domestic Homicide Review into the death of Ana</title></titleStmt></fileDesc></teiHeader>
              <text><body>
                <div><head>Introduction</head>
                  <p>Ana’s family <hi rend="italic">contributed</hi> to the review.</p>
                  <list><item>Police</item><item>Health</item></list>
                  <quote>She was frightened of him.</quote>
                  <fw type="header">Running header</fw>
                </div>
              </body></text>
            </TEI>
            """
        let document = try parse(xml, name: "ana.xml")
        #expect(document.metadata.reviewType?.id == "dhr")
        #expect(texts(document) == [
            "Introduction", "Ana’s family contributed to the review.", "Police", "Health", "She was frightened of him.",
        ])
        #expect(document.blocks.map(\.kind) == [.heading, .paragraph, .listItem, .listItem, .quote])
        expectExactMap(document, needles: ["’"])
    }

    @Test func unknownVocabularyFallsBack() throws {
        let xml = """
            <report><reportTitle>Learning Review: Sam</reportTitle>
              <part><sectionHeading>Findings</sectionHeading>
                <finding id="1">The GP did not refer Sam 😀.</finding>
                <finding id="2"><label>2</label> Mixed <em>content</em> text.</finding>
              </part>
            </report>
            """
        let document = try parse(xml, name: "sam.xml")
        #expect(texts(document) == ["Learning Review: Sam", "Findings", "The GP did not refer Sam 😀.", "2 Mixed content text."])
        #expect(document.blocks.map(\.kind) == [.heading, .heading, .paragraph, .paragraph])
        #expect(document.metadata.reviewType?.id == "other")
        expectExactMap(document, needles: ["😀"])
    }

    @Test func malformedXMLIsAnErrorWithItsLine() throws {
        let xml = "<doc>\n<p>one</p>\n<p>two</q>\n</doc>\n"
        #expect {
            try parse(xml, name: "bad.xml")
        } throws: { error in
            guard let error = error as? ParseError, case .malformed(let name, let line, _) = error else { return false }
            return name == "bad.xml" && line == 3
        }
        let recovered = try parse(xml, name: "bad.xml", options: ParseOptions(lenient: true))
        #expect(texts(recovered).first == "one")
    }

    @Test func brokenXHTMLFallsBackToTheHTMLParser() throws {
        let xhtml = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>Open <br> paragraph<p>Next</body></html>"
        let document = try parse(xhtml, name: "broken.xhtml")
        #expect(texts(document) == ["Open paragraph", "Next"])
        #expect(document.format == .html)
    }
}

@Suite struct HostileXMLTests {
    @Test func externalEntityIsNeverRead() throws {
        let secretPath = temporaryPath("secret.txt")
        try "TOP-SECRET-MARKER".write(toFile: secretPath, atomically: true, encoding: .utf8)
        for target in ["file:///etc/passwd", "file://\(secretPath)", secretPath] {
            let xml = """
                <?xml version="1.0"?>
                <!DOCTYPE r [<!ENTITY leak SYSTEM "\(target)">]>
                <r><p>Before &leak; after</p></r>
                """
            // Either refused or read without the file: never its content.
            if let document = try? parse(xml, name: "xxe.xml") {
                #expect(!document.text.contains("TOP-SECRET"))
                #expect(!document.text.contains("root:"))
                #expect(document.text.contains("Before"))
            }
            if let document = try? parse(xml, name: "xxe.xml", options: ParseOptions(lenient: true)) {
                #expect(!document.text.contains("TOP-SECRET"))
                #expect(!document.text.contains("root:"))
            }
        }
    }

    @Test func externalDTDIsNotFetched() throws {
        let secretPath = temporaryPath("evil.dtd")
        try "<!ENTITY injected \"INJECTED-MARKER\">".write(toFile: secretPath, atomically: true, encoding: .utf8)
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE r SYSTEM "file://\(secretPath)">
            <r><p>Text &injected; end</p></r>
            """
        let document = try parse(xml, name: "dtd.xml", options: ParseOptions(lenient: true))
        #expect(!document.text.contains("INJECTED"))
    }

    @Test func entityExpansionBombFailsFast() throws {
        var declarations = "<!ENTITY a \"aaaaaaaaaa\">\n"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i", "j"] {
            declarations += "<!ENTITY \(name) \"" + String(repeating: "&\(previous);", count: 10) + "\">\n"
            previous = name
        }
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n\(declarations)]>\n<r>" + String(repeating: "&j;", count: 20) + "</r>\n"
        let started = Date()
        for options in [ParseOptions(), ParseOptions(lenient: true)] {
            #expect {
                try parse(xml, name: "bomb.xml", options: options)
            } throws: { error in
                guard let error = error as? ParseError, case .hostile(let name, _, let message) = error else { return false }
                return name == "bomb.xml" && message.contains("expansion")
            }
        }
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func parameterEntitiesAreRefused() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY % remote SYSTEM "http://example.invalid/x.dtd"> %remote;]>
            <r>x</r>
            """
        #expect(throws: ParseError.self) { try parse(xml, name: "pe.xml") }
    }

    @Test func internalEntitiesAreLeftUnexpanded() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE r [<!ENTITY org "Northshire Council">]>
            <r><p>Commissioned by &org; in 2020.</p></r>
            """
        let document = try parse(xml, name: "org.xml")
        #expect(texts(document) == ["Commissioned by in 2020."])
    }
}

@Suite struct OtherVocabularyTests {
    @Test func openDocumentFlatXML() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
              xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
              xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
              xmlns:dc="http://purl.org/dc/elements/1.1/">
              <office:meta><dc:title>Safeguarding Adults Review: Mr Ó</dc:title></office:meta>
              <office:automatic-styles><style:style xmlns:style="s" style:name="P1"/></office:automatic-styles>
              <office:body><office:text>
                <text:h text:outline-level="1">Safeguarding Adults Review</text:h>
                <text:h text:outline-level="2">Background</text:h>
                <text:p text:style-name="P1">Mr Ó lived alone in Café Row.</text:p>
                <text:list><text:list-item><text:p>He had a carer.</text:p></text:list-item></text:list>
                <table:table><table:table-row><table:table-cell><text:p>2019</text:p></table:table-cell>
                  <table:table-cell><text:p>Fall</text:p></table:table-cell></table:table-row></table:table>
              </office:text></office:body>
            </office:document>
            """
        let document = try parse(xml, name: "sar.fodt.xml")
        #expect(document.metadata.title == "Safeguarding Adults Review: Mr Ó")
        #expect(texts(document) == ["Safeguarding Adults Review", "Background", "Mr Ó lived alone in Café Row.", "He had a carer.", "2019", "Fall"])
        #expect(document.blocks.map(\.kind) == [.heading, .heading, .paragraph, .listItem, .tableCell, .tableCell])
        #expect(document.blocks[1].level == 2)
        #expect(document.blocks[5].column == 1)
        expectExactMap(document, needles: ["Ó", "é"])
    }
}
