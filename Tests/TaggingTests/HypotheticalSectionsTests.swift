import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// Which blocks lie in a hypothetical section, against the plain way: each block's section path
/// (and a heading's own text) as strings, ASCII-lower-cased, searched for each word as a whole
/// word with no analysis word before it.
@Suite struct HypotheticalSectionsTests {
    static func reference(_ document: ReviewDocument, words: [String]) -> [Bool] {
        let lowered = words.map { Array($0.lowercased().utf8) }
        func isWordByte(_ byte: UInt8) -> Bool {
            byte >= 0x80 || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
        }
        func names(_ heading: String) -> Bool {
            let bytes = Array(heading.utf8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
            return lowered.contains { word in
                guard word.count <= bytes.count else { return false }
                return (0...(bytes.count - word.count)).contains { start in
                    let end = start + word.count
                    guard Array(bytes[start..<end]) == word else { return false }
                    if start > 0, isWordByte(bytes[start - 1]) { return false }
                    if end < bytes.count, isWordByte(bytes[end]) { return false }
                    let before = String(decoding: bytes[..<start], as: UTF8.self)
                        .split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
                    return !before.contains { HypotheticalSections.analysisWords.contains($0) }
                }
            }
        }
        return document.blocks.map { block in
            var path = block.section
            if block.kind == .heading { path.append(document.text(of: block)) }
            return path.contains(where: names)
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
        // heading of its level only when the heading ends): "# Findings of the Research" still
        // lies under "Terms Of Reference"; its paragraph lies in findings, not in research.
        #expect(flags == [false, false, true, true, true, true, true, true, true, false, false, false])
    }

    @Test("a section analysed against the terms of reference holds facts; the terms themselves do not",
          arguments: [
              ("8. ANALYSIS AGAINST THE TERMS OF REFERENCE", false), ("2. Terms of Reference", true),
              ("Findings and recommendations", false), ("Single agency recommendations", true),
              ("Summary of recommendations", true), ("Learning from previous reviews", true),
              ("The researcher's view", false), ("Appendix B: Research", true),
              ("Analysis by key lines of enquiry", false), ("Key lines of enquiry", true),
              ("2. The Review Panel", true), ("Findings of the review panel", false), ("Dissemination", true),
              ("5. The independent chair and the panel", true),
          ])
    func analysisHeadings(heading: String, hypothetical: Bool) throws {
        let document = makeDocument("# \(heading)\n\nShe had been drinking heavily.\n")
        let words = sharedTagger.codebook.context.hypotheticalSections
        let flags = HypotheticalSections(words).blocks(of: document)
        #expect(flags == [hypothetical, hypothetical])
        #expect(flags == Self.reference(document, words: words))
    }

    @Test("agencies listed as panel members are no agencies the people had contact with")
    func panelMembership() throws {
        let text = """
            # Domestic Homicide Review: Joan

            ## 1. Introduction

            1.1 Joan, 64, was killed by her husband, Mr F, at their home in 2024. Mr F was convicted of her murder. Joan was seen by her GP in 2023.

            ## 2. The Review Panel

            2.1 The panel members were:

            - Detective Inspector, Northshire Police
            - Head of Safeguarding, Northshire Adult Social Care
            - Service Manager, Northshire Women's Aid (IDVA service)
            - Housing Options Manager, Northshire Council
            - Probation Service representative
            """
        let result = sharedTagger.tag(try DocumentReader().read(bytes: Array(text.utf8), name: "joan.md"))
        let agencies = Set(result.suggestions.filter { $0.key.tag.facet == "agency" }.map { $0.key.tag.id })
        #expect(agencies == ["gp"])
    }
}
