import Foundation
import ReviewModel
import ReviewParsing
import Testing

@Suite struct PlainTextTests {
    /// Unicode bullets start list items when a space or tab follows them; other text starting
    /// with their lead byte (0xE2: a dash, a quotation mark) does not.
    @Test func unicodeBulletsStartListItems() throws {
        let text = "Agencies involved\n\n• Police attended twice.\n\n◦\tThe GP saw her.\n\n▪ Housing.\n\n‣ Probation.\n\n● Social care.\n\n"
            + "•No space after this bullet.\n\n– An en dash starts this paragraph.\n\n“Quoted” paragraph here.\n"
        let document = try parse(text, name: "bullets.txt")
        #expect(document.blocks.map(\.kind) == [.heading, .listItem, .listItem, .listItem, .listItem, .listItem, .paragraph, .paragraph, .paragraph])
        #expect(texts(document)[1] == "Police attended twice.")
        #expect(texts(document)[2] == "The GP saw her.")
    }

    static let report = """
        DOMESTIC HOMICIDE REVIEW
        Overview Report into the death of Zoë

        Northshire Community Safety Partnership
        Published: June 2022

        1. Introduction

        1.1 This review examines the contact agencies
            had with Zoë’s family 😀 before her death.
        1.2 The review panel met six times.

        Background

        - Police attended twice.
        - The GP saw her
          in May.
        (a) first lettered point
        ii) a roman item

        2.1 Contact with the GP
        """

    @Test func paragraphsHeadingsAndItems() throws {
        let document = try parse(Self.report, name: "zoe.txt")
        #expect(document.format == .text)
        #expect(texts(document) == [
            "DOMESTIC HOMICIDE REVIEW Overview Report into the death of Zoë",
            "Northshire Community Safety Partnership Published: June 2022",
            "1. Introduction",
            "1.1 This review examines the contact agencies had with Zoë’s family 😀 before her death. 1.2 The review panel met six times.",
            "Background",
            "Police attended twice.", "The GP saw her in May.", "first lettered point", "a roman item",
            "2.1 Contact with the GP",
        ])
        let kinds = document.blocks.map(\.kind)
        #expect(kinds == [.paragraph, .paragraph, .heading, .paragraph, .heading, .listItem, .listItem, .listItem, .listItem, .heading])
        #expect(document.blocks[2].level == 2)
        #expect(document.blocks[9].level == 3)
        #expect(document.blocks[9].section == ["Background"])
        #expect(document.metadata.reviewType?.id == "dhr")
        #expect(document.metadata.area == "Northshire Community Safety Partnership")
        #expect(document.metadata.publicationDate == "June 2022")
        expectExactMap(document, needles: ["ë", "’", "😀"])
        // Line of the wrapped paragraph's first character.
        #expect(block(document, containing: "This review")?.sourceLine == 8)
    }

    @Test func shortFirstLineIsTheTitle() throws {
        let document = try parse("Safeguarding Adult Review: Mr Patel\n\nMr Patel was 67.\n", name: "p.txt")
        #expect(document.blocks[0].kind == .heading)
        #expect(document.metadata.title == "Safeguarding Adult Review: Mr Patel")
        #expect(document.metadata.reviewType?.id == "sar")
    }

    @Test func formFeedsAreBlank() throws {
        let document = try parse("Title\n\nFirst page text\n\u{0C}\nSecond page text é\n", name: "ff.txt")
        #expect(texts(document) == ["Title", "First page text", "Second page text é"])
        expectExactMap(document, needles: ["é"])
    }

    @Test func crlfLineEnds() throws {
        let document = try parse("Title line\r\n\r\nFirst line\r\nsecond line é.\r\n", name: "crlf.txt")
        #expect(texts(document) == ["Title line", "First line second line é."])
        expectExactMap(document, needles: ["é"])
        #expect(document.blocks[1].sourceLine == 2)
    }
}

@Suite struct MarkdownTests {
    static let markdown = """
        # Serious Case Review: Child L

        Published **March 2019** by the _Eastmoor_ Safeguarding Children Board.

        ## 1. Background

        Child L’s mother, referred to as *Mother*, had a [history](http://example.org/x) of `depression` 😀.
        She was well\\-supported.

        * First item
          continued
        - Second item
        1. Numbered item

        > A quote from
        > the father.

        | Date | Agency |
        |------|:------:|
        | 3 May | Police é |

        Setext heading
        --------------

        Final paragraph with 2 * 3 = 6 and snake_case_name.
        """

    @Test func blocksAndInlineMarkup() throws {
        let document = try parse(Self.markdown, name: "l.md")
        #expect(document.format == .markdown)
        #expect(texts(document) == [
            "Serious Case Review: Child L",
            "Published March 2019 by the Eastmoor Safeguarding Children Board.",
            "1. Background",
            "Child L’s mother, referred to as Mother, had a history of depression 😀. She was well-supported.",
            "First item continued", "Second item", "Numbered item",
            "A quote from the father.",
            "Date", "Agency", "3 May", "Police é",
            "Setext heading",
            "Final paragraph with 2 * 3 = 6 and snake_case_name.",
        ])
        let kinds = document.blocks.map(\.kind)
        #expect(kinds == [
            .heading, .paragraph, .heading, .paragraph, .listItem, .listItem, .listItem, .quote, .tableCell, .tableCell,
            .tableCell, .tableCell, .heading, .paragraph,
        ])
        let cells = document.blocks.filter { $0.kind == .tableCell }
        #expect(cells.map { [$0.row!, $0.column!] } == [[0, 0], [0, 1], [1, 0], [1, 1]])
        #expect(document.blocks[12].level == 2)
        #expect(document.metadata.reviewType?.id == "scr")
        #expect(document.metadata.publicationDate == "March 2019")
        #expect(document.metadata.area == "Eastmoor Safeguarding Children Board")
        expectExactMap(document, needles: ["é", "’", "😀", "history", "depression"])
    }
}

@Suite struct EncodingTests {
    @Test func utf8BOMIsNotPartOfTheSource() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("café ’ 😀\n".utf8)
        let document = try DocumentReader().read(bytes: bytes, name: "bom.txt")
        #expect(texts(document) == ["café ’ 😀"])
        expectExactMap(document)
        #expect(document.sourceMap.sourceOffset(ofText: 0) == 0)
    }

    @Test func utf16WithBOM() throws {
        let text = "<p>Zoë’s café 😀</p>"
        var little: [UInt8] = [0xFF, 0xFE]
        var big: [UInt8] = [0xFE, 0xFF]
        for unit in text.utf16 {
            little += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            big += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        for bytes in [little, big] {
            let document = try DocumentReader().read(bytes: bytes, name: "u16.html")
            #expect(texts(document) == ["Zoë’s café 😀"])
            expectExactMap(document)
        }
    }

    @Test func xmlDeclarationEncoding() throws {
        let bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<doc><p>caf".utf8) + [0xE9] + Array(" ".utf8) + [0x92]
            + Array("ok</p></doc>".utf8)
        let document = try DocumentReader().read(bytes: bytes, name: "latin.xml")
        #expect(texts(document) == ["café ’ok"])
        expectExactMap(document, needles: ["é"])
    }

    @Test func metaCharsetWindows1252() throws {
        let bytes = Array("<html><head><meta charset=\"windows-1252\"></head><body><p>".utf8) + [0x93, 0x41, 0x94, 0x20, 0x96, 0x20, 0x80]
            + Array("</p></body></html>".utf8)
        let document = try DocumentReader().read(bytes: bytes, name: "w.html")
        #expect(texts(document) == ["“A” – €"])
    }

    @Test func invalidUTF8IsAnErrorNamingTheOffset() throws {
        let bytes = Array("<p>fine</p>\n<p>bad ".utf8) + [0xC3, 0x28] + Array(" byte</p>".utf8)
        #expect {
            try DocumentReader().read(bytes: bytes, name: "bad.xhtml")
        } throws: { error in
            guard let error = error as? ParseError, case .invalidEncoding(let name, _, let offset) = error else { return false }
            return name == "bad.xhtml" && offset == 19 && error.description.contains("byte offset 19")
        }
        // Declared UTF-8 HTML too.
        let html = Array("<meta charset=utf-8><p>x ".utf8) + [0xFF] + Array("</p>".utf8)
        #expect(throws: ParseError.self) { try DocumentReader().read(bytes: html, name: "bad.html") }
        // Text files are UTF-8.
        #expect(throws: ParseError.self) { try DocumentReader().read(bytes: [0x61, 0xE9, 0x62], name: "bad.txt") }
        let lenient = try DocumentReader(options: ParseOptions(lenient: true)).read(bytes: html, name: "bad.html")
        #expect(texts(lenient) == ["x \u{FFFD}"])
    }

    @Test func unsupportedEncodingIsNamed() throws {
        let html = Array("<meta charset=\"shift_jis\"><p>x</p>".utf8)
        #expect {
            try DocumentReader().read(bytes: html, name: "sj.html")
        } throws: { error in
            (error as? ParseError)?.description.contains("shift_jis") == true
        }
    }
}

@Suite struct LimitTests {
    @Test func binaryInputIsRefused() throws {
        let inputs: [(String, [UInt8])] = [
            ("image.html", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]),
            ("photo.txt", [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]),
            ("anim.html", Array("GIF89a".utf8) + [0, 1]),
            ("report.docx", [0x50, 0x4B, 0x03, 0x04, 0x14, 0]),
            ("page.html.gz", [0x1F, 0x8B, 0x08, 0]),
            ("nul.txt", Array("text with a ".utf8) + [0] + Array(" byte".utf8)),
        ]
        for (name, bytes) in inputs {
            #expect {
                try DocumentReader().read(bytes: bytes, name: name)
            } throws: { error in
                guard let error = error as? ParseError, case .binary(let errorName, _) = error else { return false }
                return errorName == name
            }
        }
    }

    @Test func sizeLimit() throws {
        let big = String(repeating: "word ", count: 1000)
        #expect {
            try parse(big, name: "big.txt", options: ParseOptions(maxInputBytes: 1000))
        } throws: { error in
            guard let error = error as? ParseError, case .tooLarge(_, let bytes, let limit) = error else { return false }
            return bytes == 5000 && limit == 1000
        }
        let path = temporaryPath("big.txt")
        try big.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: ParseError.tooLarge(name: path, bytes: 5000, limit: 1000)) {
            try DocumentReader(options: ParseOptions(maxInputBytes: 1000)).read(path: path)
        }
    }

    @Test func missingFileAndDirectory() throws {
        #expect(throws: ParseError.fileNotFound(name: "/no/such/review.html")) {
            try DocumentReader().read(path: "/no/such/review.html")
        }
        #expect(ParseError.fileNotFound(name: "x.html").isMissingInput)
        let directory = FileManager.default.temporaryDirectory.path
        #expect {
            try DocumentReader().read(path: directory)
        } throws: { error in
            (error as? ParseError)?.isMissingInput == true && (error as? ParseError)?.name == directory
        }
    }

    @Test func readsFromAPath() throws {
        let path = temporaryPath("review.md")
        try "# Domestic Homicide Review\n\nText é.\n".write(toFile: path, atomically: true, encoding: .utf8)
        let document = try DocumentReader().read(path: path)
        #expect(document.name == path)
        #expect(texts(document) == ["Domestic Homicide Review", "Text é."])
    }

    @Test func formatDetection() {
        #expect(DocumentReader.format(forName: "a.HTM", bytes: []) == .html)
        #expect(DocumentReader.format(forName: "a.xhtml", bytes: Array("<html/>".utf8)) == .xml)
        #expect(DocumentReader.format(forName: "a.xml", bytes: Array("<?xml version=\"1.0\"?>\n<pdf2xml>".utf8)) == .pdfXML)
        #expect(DocumentReader.format(forName: "a.bin", bytes: Array("%PDF-1.4".utf8)) == .pdf)
        #expect(DocumentReader.format(forName: "notes.markdown", bytes: []) == .markdown)
        #expect(DocumentReader.format(forName: "notes.txt", bytes: []) == .text)
        #expect(DocumentReader.format(forName: "untitled", bytes: Array("<!DOCTYPE html><p>x".utf8)) == .html)
        #expect(DocumentReader.format(forName: "data.csv", bytes: Array("a,b".utf8)) == nil)
        #expect(throws: ParseError.unsupportedFormat(name: "data.csv")) {
            try DocumentReader().read(bytes: Array("a,b".utf8), name: "data.csv")
        }
    }
}

@Suite struct MetadataTests {
    @Test(arguments: [
        ("Domestic Homicide Review: Overview Report", "dhr"),
        ("Domestic Abuse Related Death Review – Ms B", "dhr"),
        ("Serious Case Review: Baby M", "scr"),
        ("Local Child Safeguarding Practice Review: Child T", "scr"),
        ("Child Safeguarding Practice Review into Jay", "scr"),
        ("Safeguarding Adults Review: Adult C", "sar"),
        ("Safeguarding Adult Review – Mr D", "sar"),
        ("An Independent Investigation into the Care and Treatment of Mr E", "iir"),
        ("Mental Health Homicide Review: F", "iir"),
        ("Thematic Review of Self-Neglect", "other"),
        ("Learning Review: Family G", "other"),
        ("SAR Overview Report: Joan", "sar"),
        ("Child Practice Review: Child A", "scr"),
        ("Adult Practice Review APR 3/2023", "sar"),
        ("Single Unified Safeguarding Review – Ms K", "other"),
        ("Significant Case Review: Child D", "scr"),
        ("Case Management Review: Child Z", "scr"),
        ("Serious Case Review: Adult B", "sar"),
        ("Serious Case Review (Adults) – Mr C", "sar"),
    ])
    func reviewTypeFromTitle(title: String, expected: String) throws {
        let document = try parse("<title>\(title)</title><p>Some text.</p>", name: "t.html")
        #expect(document.metadata.reviewType?.id == expected)
        #expect(document.metadata.reviewType?.evidence == title)
    }

    @Test func reviewTypeFromAHeadingOrOpeningText() throws {
        let heading = try parse("# Overview\n\n## The Safeguarding Adults Review process\n\nText.\n", name: "h.md")
        #expect(heading.metadata.reviewType?.id == "sar")
        #expect(heading.metadata.reviewType?.evidence == "The Safeguarding Adults Review process")
        let opening = try parse("Overview report\n\nThis domestic homicide review was commissioned in 2020.\n", name: "o.txt")
        #expect(opening.metadata.reviewType?.id == "dhr")
        let none = try parse("Minutes\n\nThe panel met.\n", name: "n.txt")
        #expect(none.metadata.reviewType == nil)
    }

    @Test func dateAndArea() throws {
        let html = """
            <h1>Safeguarding Adults Review</h1><p>Commissioned by Riverton and Dale Safeguarding Adults Board</p>
            <p>Final version, 14 September 2023</p><h2>Chronology</h2><p>On 2 January 2020 she moved.</p>
            """
        let document = try parse(html, name: "d.html")
        #expect(document.metadata.publicationDate == "14 September 2023")
        #expect(document.metadata.area == "Riverton and Dale Safeguarding Adults Board")
    }
}
