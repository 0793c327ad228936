import Foundation
import ReviewModel
import ReviewParsing
import Testing

@testable import Tagging

/// ``Tagger/tag(_:includeSuppressed:)``: without the suppressed matches the result is the full
/// result with an empty `suppressed` list, byte for byte once encoded; with them, the same as
/// ``Tagger/tag(_:)``.
@Suite struct SuppressedOptionTests {
    static func encoded(_ result: TaggingResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(result)
    }

    /// Every corpus document (all formats but PDF): the same suggestions, evidence, category,
    /// review type and people with or without the suppressed matches.
    @Test func withoutSuppressedIsTheFullResultLessItsSuppressedMatches() throws {
        let paths = corpusPaths()
        #expect(paths.count > 20)
        var reasons = Set<String>()
        var suppressedTotal = 0
        for path in paths {
            let document = try DocumentReader().read(path: path)
            var full = sharedTagger.tag(document)
            let explicit = sharedTagger.tag(document, includeSuppressed: true)
            let lean = sharedTagger.tag(document, includeSuppressed: false)
            #expect(try Self.encoded(explicit) == Self.encoded(full), "\(path): includeSuppressed: true")
            #expect(lean.suppressed.isEmpty, "\(path)")
            suppressedTotal += full.suppressed.count
            for match in full.suppressed { reasons.insert("\(match.reason)") }
            full.suppressed = []
            #expect(try Self.encoded(lean) == Self.encoded(full), "\(path): includeSuppressed: false")
        }
        // The documents drop matches for every reason (negated, hypothetical, third party,
        // historical, excluded), so the skipped paths are all taken.
        #expect(suppressedTotal > 1000)
        #expect(reasons.count >= 5, "reasons seen: \(reasons.sorted())")
    }

    /// A child victim's review: the finishing steps drop adult-relationship tags and secondary
    /// methods (suppressed matches recorded after the sweep), and the lean result still equals
    /// the full one less its suppressed matches.
    @Test func finishingDropsAreLeftOutToo() throws {
        let document = makeDocument(
            """
            # Background

            Child T was two years old. Her mother's partner, Mr K, was violent to her mother and there was domestic abuse in the household. He had been controlling and coercive towards her mother.

            Mr K hit Child T with a hammer and also stabbed her with a knife at the family home. Child T died. The post-mortem found she had been punched and kicked.

            There was no evidence of drug use. It is recommended that agencies should consider training on alcohol misuse.
            """, reviewType: "scr")
        var full = sharedTagger.tag(document)
        let lean = sharedTagger.tag(document, includeSuppressed: false)
        #expect(!full.suppressed.isEmpty)
        #expect(lean.suppressed.isEmpty)
        full.suppressed = []
        #expect(try Self.encoded(lean) == Self.encoded(full))
    }
}
