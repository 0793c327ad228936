import Foundation
import ReviewModel
@testable import ReviewParsing
import Testing
import TestSupport

@Suite struct PDFXMLTests {
    /// Two pages as `pdftohtml -xml -i` writes them: a running header and page numbers,
    /// a large-font title, hyphenated line ends, an indented second paragraph running over
    /// the page break, a bold heading and a bullet.
    static let twoPages = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE pdf2xml SYSTEM "pdf2xml.dtd">

        <pdf2xml producer="poppler" version="22.02.0">
        <page number="1" position="absolute" top="0" left="0" height="1263" width="892">
        \t<fontspec id="0" size="24" family="Times" color="#000000"/>
        \t<fontspec id="1" size="12" family="Times" color="#000000"/>
        <text top="40" left="100" width="300" height="14" font="1">Northshire DHR – Overview Report</text>
        <text top="120" left="100" width="500" height="28" font="0"><b>Domestic Homicide Review</b></text>
        <text top="200" left="100" width="690" height="14" font="1">The review considered the dom-</text>
        <text top="218" left="100" width="690" height="14" font="1">estic abuse history of Café owner and his well-</text>
        <text top="236" left="100" width="690" height="14" font="1">being was poor 😀 and multi-</text>
        <text top="254" left="100" width="690" height="14" font="1">agency work &amp; “care” by <i>Anglo-</i></text>
        <text top="272" left="100" width="300" height="14" font="1">Saxon agencies’ staff.</text>
        <text top="308" left="130" width="660" height="14" font="1">Second paragraph starts here with an indent and goes</text>
        <text top="326" left="100" width="690" height="14" font="1">on and on to the next</text>
        <text top="1200" left="440" width="20" height="14" font="1">1</text>
        </page>
        <page number="2" position="absolute" top="0" left="0" height="1263" width="892">
        <text top="40" left="100" width="300" height="14" font="1">Northshire DHR – Overview Report</text>
        <text top="100" left="100" width="690" height="14" font="1">page where it continues.</text>
        <text top="140" left="100" width="200" height="14" font="1"><b>Background</b></text>
        <text top="170" left="100" width="690" height="14" font="1">• A bullet item</text>
        <text top="188" left="112" width="690" height="14" font="1">wrapping onto a second line.</text>
        <text top="1200" left="410" width="80" height="14" font="1">Page 2 of 2</text>
        </page>
        </pdf2xml>
        """

    @Test func paragraphsHyphensHeadersAndHeadings() throws {
        let document = try parse(Self.twoPages, name: "report.xml")
        #expect(document.format == .pdfXML)
        #expect(texts(document) == [
            "Domestic Homicide Review",
            "The review considered the domestic abuse history of Café owner and his well-being was poor 😀 and multi-agency work & “care” by Anglo-Saxon agencies’ staff.",
            "Second paragraph starts here with an indent and goes on and on to the next page where it continues.",
            "Background",
            "A bullet item wrapping onto a second line.",
        ])
        #expect(document.blocks.map(\.kind) == [.heading, .paragraph, .paragraph, .heading, .listItem])
        #expect(document.blocks[0].level == 1)
        #expect(document.blocks[3].level == 2)
        #expect(document.blocks.map { $0.page! } == [1, 1, 1, 2, 2])
        #expect(document.metadata.reviewType?.id == "dhr")
        #expect(!document.text.contains("Northshire DHR"))
        expectExactMap(document, needles: ["é", "’", "😀", "estic", "dom"])
    }

    @Test func hyphenJoinMapsBothHalves() throws {
        let document = try parse(Self.twoPages, name: "report.xml")
        let text = Array(document.text.utf8)
        let word = Array("domestic".utf8)
        let at = try #require((0...(text.count - word.count)).first { Array(text[$0..<($0 + word.count)]) == word })
        let source = document.sourceMap.lines.bytes
        let dom = document.sourceMap.sourceOffset(ofText: at)
        let estic = document.sourceMap.sourceOffset(ofText: at + 3)
        #expect(String(decoding: source[dom..<(dom + 4)], as: UTF8.self) == "dom-")
        #expect(String(decoding: source[estic..<(estic + 5)], as: UTF8.self) == "estic")
        #expect(document.sourceMap.position(ofText: at + 3).line == document.sourceMap.position(ofText: at).line + 1)
    }

    @Test(arguments: [
        ("dom-", "estic abuse", "dropHyphen"),
        ("well-", "being", "keepHyphen"),
        ("multi-", "agency", "keepHyphen"),
        ("mother-in-", "law", "keepHyphen"),
        ("Anglo-", "Saxon", "keepHyphen"),
        ("the end.", "Next", "space"),
        ("safe-", "guarding", "dropHyphen"),
    ])
    func hyphenRule(line: String, next: String, expected: String) {
        let join = PDFXMLReader.join(Array(line.utf8), Array(next.utf8))
        #expect("\(join)" == expected)
    }

    @Test func singlePageKeepsItsTopLines() throws {
        // One page: nothing repeats, so nothing is a running header; a bare number in the
        // footer margin is still a page number.
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <pdf2xml>
            <page number="1" position="absolute" top="0" left="0" height="1000" width="800">
            <fontspec id="0" size="12" family="Times" color="#000000"/>
            <text top="30" left="100" width="300" height="14" font="0">Safeguarding Adults Review: Mr K</text>
            <text top="300" left="100" width="600" height="14" font="0">Body text of the review.</text>
            <text top="960" left="400" width="10" height="14" font="0">1</text>
            </page>
            </pdf2xml>
            """
        let document = try parse(xml, name: "one.xml")
        #expect(texts(document) == ["Safeguarding Adults Review: Mr K", "Body text of the review."])
        #expect(document.metadata.reviewType?.id == "sar")
    }
}

/// `MarkupReader.collapsedBytes` (titles, pdftohtml lines) writes into the result's storage
/// directly; it must still be "split on whitespace and no-break spaces, join with one space".
@Suite struct CollapseTests {
    @Test func collapsedBytesJoinsWordsWithOneSpace() {
        var generator = SeededGenerator(seed: 20_261_127)
        let pieces = ["a", "Word", " ", "  ", "\n", "\t", "\r\n", "\u{0C}", "\u{A0}", "\u{A0}\u{A0}", "¢", "Â", "é", "’", "😀", "12"]
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...12, using: &generator) { text += pieces.randomElement(using: &generator)! }
            let separators: Set<Unicode.Scalar> = [" ", "\n", "\t", "\r", "\u{0C}", "\u{A0}"]
            let words = text.unicodeScalars.split(whereSeparator: { separators.contains($0) }).map { String(String.UnicodeScalarView($0)) }
            let expected = words.joined(separator: " ")
            #expect(MarkupReader.collapse(Array(text.utf8)) == expected, "\(String(reflecting: text))")
        }
    }
}
