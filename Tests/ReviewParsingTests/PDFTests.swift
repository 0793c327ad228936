import Foundation
import ReviewModel
import ReviewParsing
import Testing

/// Real PDF input through poppler's pdftohtml (Fixtures/review.pdf, made by Fixtures/make-fixtures.py).
@Suite struct PDFTests {
    static let fixture = repositoryRoot.appendingPathComponent("Tests/ReviewParsingTests/Fixtures/review.pdf").path
    static let hasPdftohtml = ["/usr/bin/pdftohtml", "/usr/local/bin/pdftohtml"].contains {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: hasPdftohtml, "needs pdftohtml (apt-get install poppler-utils)"))
    func readsAPDF() throws {
        let document = try DocumentReader().read(path: Self.fixture)
        #expect(document.format == .pdf)
        #expect(texts(document) == [
            "Safeguarding Adults Review: Adult R",
            "Adult R, a retired café owner, lived alone. The review found that her domestic circumstances were known to three agencies but the GP’s concerns were not shared.",
            "Background",
            "Her son visited weekly and told the review that she had become withdrawn in the months before her death.",
            "Findings",
            "Agencies did not consider self-neglect. Zoë, her neighbour, raised the alarm when post built up behind the door.",
        ])
        #expect(document.blocks.map(\.kind) == [.heading, .paragraph, .heading, .paragraph, .heading, .paragraph])
        #expect(document.blocks.map { $0.page! } == [1, 1, 1, 1, 2, 2])
        #expect(document.metadata.reviewType?.id == "sar")
        // The source map refers to the XML pdftohtml produced.
        #expect(String(decoding: document.sourceMap.lines.bytes.prefix(5), as: UTF8.self) == "<?xml")
        expectExactMap(document, needles: ["é", "’", "ë", "estic"])
    }

    @Test(.enabled(if: hasPdftohtml, "needs pdftohtml (apt-get install poppler-utils)"))
    func readsPDFBytes() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.fixture)))
        let document = try DocumentReader().read(bytes: bytes, name: "in-memory.pdf")
        #expect(document.name == "in-memory.pdf")
        #expect(document.blocks.count == 6)
    }

    @Test func missingConverterNamesThePackage() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.fixture)))
        let reader = DocumentReader(options: ParseOptions(pdfConverter: "/nonexistent/pdftohtml"))
        #expect {
            try reader.read(bytes: bytes, name: "r.pdf")
        } throws: { error in
            guard let error = error as? ParseError, case .converterMissing(let name) = error else { return false }
            return name == "r.pdf" && error.description.contains("apt-get install poppler-utils")
        }
    }

    @Test(.enabled(if: hasPdftohtml, "needs pdftohtml (apt-get install poppler-utils)"))
    func brokenPDFIsAConverterError() throws {
        let bytes = Array("%PDF-1.4\nthis is not really a PDF\n%%EOF\n".utf8)
        #expect {
            try DocumentReader().read(bytes: bytes, name: "broken.pdf")
        } throws: { error in
            guard let error = error as? ParseError, case .converterFailed(let name, _) = error else { return false }
            return name == "broken.pdf"
        }
    }
}
