import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// Which blocks lie in a hypothetical section, against the plain way: each block's section path
/// (and a heading's own text) as strings, ASCII-lower-cased, searched for each word.
@Suite struct HypotheticalSectionsTests {
    static func reference(_ document: ReviewDocument, words: [String]) -> [Bool] {
        let lowered = words.map { Array($0.lowercased().utf8) }
        func containsWord(_ heading: String) -> Bool {
            let bytes = Array(heading.utf8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            return lowered.contains { word in
                word.count <= bytes.count && (0...(bytes.count - word.count)).contains { Array(bytes[$0..<$0 + word.count]) == word }
            }
        }
        return document.blocks.map { block in
            var path = block.section
            if block.kind == .heading { path.append(document.text(of: block)) }
            return path.contains(where: containsWord)
        }
    }

    @Test("blocks in hypothetical sections, on every corpus document", arguments: corpusPaths())
    func corpusDocument(path: String) throws {
        let document = try DocumentReader().read(path: path)
        let words = sharedTagger.codebook.context.hypotheticalSections
        #expect(HypotheticalSections(words).blocks(of: document) == Self.reference(document, words: words))
    }

    @Test("headings in any case, nested sections, a word at a heading's end, no match")
    func headings() throws {
        let text = """
            # Background

            She was seen.

            # RECOMMENDATIONS

            The agency should review.

            ## Training for staff

            Staff should be trained.

            # Terms Of Reference

            The panel asked.

            # Findings of the Research

            It was found.

            # Findings

            He was arrested.
            """
        let document = makeDocument(text)
        let words = ["recommendations", "terms of reference", "research", "action plan"]
        let flags = HypotheticalSections(words).blocks(of: document)
        #expect(flags == Self.reference(document, words: words))
        // A heading's section path is the one in force before it (the builder pops the previous
        // heading of its level only when the heading ends): "# Findings" still lies under
        // "Findings of the Research", its paragraph no longer does.
        #expect(flags == [false, false, true, true, true, true, true, true, true, true, true, false])
    }
}
