import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// The numbers the tagger gives evidence spans for the store's encoding (``EvidenceNumbers``):
/// within one result, equal numbers for equal strings and different numbers for different ones.
@Suite struct EvidenceNumbersTests {
    /// Checks that `numbers` and `strings` (parallel) pair one to one, ignoring spans without a
    /// number; returns how many spans had one.
    static func checkOneToOne(_ numbers: [Int32], _ strings: [String], _ what: String, _ path: String) -> Int {
        var stringOfNumber: [Int32: String] = [:]
        var numberOfString: [[UInt8]: Int32] = [:]
        var numbered = 0
        for (number, string) in zip(numbers, strings) where number >= 0 {
            numbered += 1
            if let known = stringOfNumber[number] {
                #expect(Array(known.utf8) == Array(string.utf8), "\(path): \(what) \(number) is '\(known)' and '\(string)'")
            } else {
                stringOfNumber[number] = string
            }
            let key = Array(string.utf8)
            if let known = numberOfString[key] {
                #expect(known == number, "\(path): \(what) '\(string)' has numbers \(known) and \(number)")
            } else {
                numberOfString[key] = number
            }
        }
        return numbered
    }

    @Test(arguments: corpusPaths().prefix(12))
    func equalNumbersMeanEqualStringsAcrossSuggestions(path: String) throws {
        let document = try DocumentReader().read(path: path)
        let result = sharedTagger.tag(document)
        #expect(result.evidenceNumbered)
        let evidence = result.suggestions.flatMap(\.evidence) + result.suppressed.map(\.evidence)
        let rules = Self.checkOneToOne(evidence.map(\.numbers.rule), evidence.map(\.rule), "rule", path)
        let texts = Self.checkOneToOne(evidence.map(\.numbers.text), evidence.map(\.text), "text", path)
        // Nearly every span is numbered (only evidence added after the sweep, and spans whose ends
        // fall inside a character, are not).
        #expect(rules * 10 >= evidence.count * 9)
        #expect(texts * 10 >= evidence.count * 9)
    }

    @Test func changedSuggestionsAreNoLongerKnownNumbered() throws {
        let text = "The victim's partner was drunk and hit her. Her partner had an alcohol problem and was violent."
        var result = sharedTagger.tag(makeDocument(text))
        #expect(result.evidenceNumbered)
        #expect(!result.suggestions.isEmpty)
        result.suggestions[0].evidence.append(Evidence(text: "x", range: TextRange(start: 0, end: 1), rule: "r/1", line: 0, character: 0))
        #expect(!result.evidenceNumbered)
        // Results built otherwise (incremental tagging, decoding, by hand) are not numbered either.
        #expect(!TaggingResult(document: "d", reviewType: nil, category: nil, suggestions: [], people: []).evidenceNumbered)
    }

    @Test func numbersAreNotPartOfTheValue() throws {
        var numbered = Evidence(text: "drunk", range: TextRange(start: 3, end: 8), rule: "alcohol-misuse/1", line: 0, character: 3)
        let plain = numbered
        numbered.numbers = EvidenceNumbers(rule: 4, text: 7)
        #expect(numbered == plain)
        #expect(numbered.hashValue == plain.hashValue)
        #expect(Set([numbered, plain]).count == 1)
    }

    @Test func cutNumbersDistinctTextsInOrder() {
        var text = "her partner hit her partner"
        text.withUTF8 { bytes in
            var texts = EvidenceTexts(bytes, expected: 4)
            #expect(texts.cut(TextRange(start: 4, end: 11))?.number == 0)  // "partner"
            #expect(texts.cut(TextRange(start: 0, end: 3))?.number == 1)  // "her"
            #expect(texts.cut(TextRange(start: 20, end: 27))?.number == 0)  // "partner" again
            #expect(texts.cut(TextRange(start: 16, end: 19))?.number == 1)  // "her" again
            #expect(texts.cut(TextRange(start: 12, end: 15))?.number == 2)  // "hit"
        }
    }
}
