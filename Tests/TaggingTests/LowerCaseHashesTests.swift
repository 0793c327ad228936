import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// The lower-case word hashes the tokenizer collects (``Tokens/lowerCaseHashes``), which people
/// discovery reads instead of a pass over every token to learn whether a capitalised word also
/// occurs in lower case.
@Suite struct LowerCaseHashesTests {
    /// Exactly the hashes of the tokens not capitalised: the cache answers a repeated spelling,
    /// so each distinct spelling must have been added when first read.
    static func expectExact(_ tokens: Tokens, _ label: String) {
        guard let collected = tokens.lowerCaseHashes else {
            Issue.record("no lower-case hashes collected: \(label)")
            return
        }
        var expected = Set<UInt64>()
        for index in 0..<tokens.count where tokens.flags[index] & Tokens.capitalised == 0 { expected.insert(tokens.hashes[index]) }
        #expect(collected.count == expected.count, "\(label)")
        #expect(expected.allSatisfy { collected.contains($0) }, "\(label)")
        // Capitalised words that never occur in lower case are not members.
        for index in 0..<tokens.count where tokens.flags[index] & Tokens.capitalised != 0 && !expected.contains(tokens.hashes[index]) {
            #expect(!collected.contains(tokens.hashes[index]), "\(label): token \(index)")
        }
    }

    @Test("collected hashes and proper names equal the token pass, on every corpus document", arguments: corpusPaths())
    func corpusDocument(path: String) throws {
        let document = try DocumentReader().read(path: path)
        var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
        run.tokenizeAndMatch()
        LowerCaseHashesTests.expectExact(run.tokens, path)
        // Through the 8-byte and byte loops alone as well.
        LowerCaseHashesTests.expectExact(sharedTagger.compiled.matcher.tokenize(document.text, windows: false), path + " (no windows)")
        let capitals = CapitalIndex(run.tokens, sentences: run.sentences)
        let fast = run.properNames(capitals: capitals)
        run.tokens.lowerCaseHashes = nil
        let reference = run.properNames(capitals: capitals)
        #expect(fast.map(\.hash) == reference.map(\.hash), "\(path)")
        #expect(fast.map(\.first) == reference.map(\.first), "\(path)")
    }

    /// Proper names in a text where some capitalised words also occur in lower case (in every
    /// path of the tokenizer: short, 9-15 byte and longer words, with non-ASCII letters): a word
    /// the text mostly spells in lower case is no name; one it spells in lower case once in a
    /// while still is ("Frank" and "a frank discussion").
    @Test func namesSeenInLowerCaseAreNoNames() throws {
        var text = ""
        for round in 0..<40 {
            text += "Carol was at home. Marlowe said that Carol had left. Brightwaterington told the panel. "
            text += "Zoë was there and Zoë said so. Intercontinentalisation was discussed. "
            text += "The marlowe estate and the brightwaterington account were sold. "
            if round == 20 { text += "And zoë. " }
        }
        let document = makeDocument(text)
        var run = TaggingRun(compiled: sharedTagger.compiled, document: document)
        run.tokenizeAndMatch()
        LowerCaseHashesTests.expectExact(run.tokens, "names")
        let capitals = CapitalIndex(run.tokens, sentences: run.sentences)
        let names = Set(run.properNames(capitals: capitals).map(\.hash))
        #expect(names.contains(Vocabulary.hash(Array("carol".utf8))))
        #expect(!names.contains(Vocabulary.hash(Array("marlowe".utf8))))
        #expect(!names.contains(Vocabulary.hash(Array("brightwaterington".utf8))))
        #expect(names.contains(Vocabulary.hash(Array("zoë".utf8))))
        run.tokens.lowerCaseHashes = nil
        #expect(Set(run.properNames(capitals: capitals).map(\.hash)) == names)
    }

    /// Changing the flags or hashes column drops the collected set (it would no longer hold).
    @Test func changedColumnsDropTheSet() {
        let matcher = sharedTagger.compiled.matcher
        var tokens = matcher.tokenize("the victim said that Carol was there")
        #expect(tokens.lowerCaseHashes != nil)
        tokens.hashes[0] = 1
        #expect(tokens.lowerCaseHashes == nil)
        tokens = matcher.tokenize("the victim said that Carol was there")
        tokens.flags.append(0)
        #expect(tokens.lowerCaseHashes == nil)
        tokens = matcher.tokenize("the victim said that Carol was there")
        tokens.starts[0] = 0  // offsets do not matter to the set
        #expect(tokens.lowerCaseHashes != nil)
    }

    /// The growing set against `Set<UInt64>` over seeded inserts (0 included, many growths).
    @Test func growingSetAgreesWithSet() {
        var random = XorShift(state: 0x5DEE_CE66_D1CE_4E5B)
        var set = GrowingWordSet(capacity: 4)
        var reference = Set<UInt64>()
        for step in 0..<20_000 {
            let value: UInt64 = step % 997 == 0 ? 0 : UInt64(random.next(30_000)) &* 0x9E37_79B9_7F4A_7C15
            set.insert(value)
            reference.insert(value)
        }
        #expect(set.count == reference.count)
        #expect(reference.allSatisfy { set.contains($0) })
        for _ in 0..<20_000 {
            let value = UInt64(random.next(60_000)) &* 0x9E37_79B9_7F4A_7C15
            #expect(set.contains(value) == reference.contains(value))
        }
    }
}
