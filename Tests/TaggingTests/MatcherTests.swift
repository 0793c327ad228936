import Foundation
import ReviewModel
import Testing
@testable import Tagging

/// A tagger over a one-facet test codebook.
func testTagger(_ rules: [String: [String]], near: [String: [Codebook.ProximityRule]] = [:], exclude: [String: [String]] = [:]) throws -> Tagger {
    let entries = rules.keys.sorted().map { id in
        Codebook.Entry(
            tag: TagID(facet: "test", id: id), label: id, definition: id, phrases: rules[id] ?? [], near: near[id] ?? [],
            exclude: exclude[id] ?? [])
    }
    return try Tagger(codebook: Codebook(version: "test", entries: entries))
}

extension Tagger {
    func found(_ id: String, in text: String) -> Bool {
        tag(makeDocument(text)).suggestions.contains { $0.tag.id == id }
    }
}

@Suite struct MatcherTests {
    @Test func wholeWordsOnly() throws {
        let tagger = try testTagger(["men": ["men"], "rape": ["rape"]])
        #expect(!tagger.found("men", in: "She had mental health problems."))
        #expect(tagger.found("men", in: "Two men attended."))
        #expect(!tagger.found("rape", in: "They ate grapes."))
    }

    @Test func caseInsensitiveAndCurlyApostrophes() throws {
        let tagger = try testTagger(["pop": ["mother's partner"]])
        #expect(tagger.found("pop", in: "Her MOTHER’S PARTNER moved in."))
        #expect(tagger.found("pop", in: "Her mother's partner moved in."))
    }

    @Test(arguments: ["He stabbed her.", "He stabs her.", "The stabbing happened at night.", "A stab wound."])
    func inflections(_ text: String) throws {
        let tagger = try testTagger(["knife": ["stab"]])
        #expect(tagger.found("knife", in: text))
    }

    @Test func exactWordsDoNotInflect() throws {
        let tagger = try testTagger(["gun": ["=gun"]])
        #expect(tagger.found("gun", in: "He had a gun."))
        #expect(!tagger.found("gun", in: "He was gunning for her."))
    }

    @Test func boundedGaps() throws {
        let tagger = try testTagger(["hov": ["history of {0,3} violence"]])
        #expect(tagger.found("hov", in: "He had a history of violence."))
        #expect(tagger.found("hov", in: "He had a history of serious domestic violence."))
        #expect(!tagger.found("hov", in: "He had a history of one two three four violence."))
    }

    @Test func optionalWordsAndChoices() throws {
        let tagger = try testTagger(["threat": ["threatened (to) kill"], "drink": ["[drank|drinking] heavily"]])
        #expect(tagger.found("threat", in: "He threatened to kill her."))
        #expect(tagger.found("threat", in: "He threatened kill."))
        #expect(tagger.found("drink", in: "He was drinking heavily."))
        #expect(!tagger.found("drink", in: "He heavily."))
    }

    @Test func wordEndings() throws {
        let tagger = try testTagger(["rec": ["no record(s) of"], "phys": ["physical(ly) abused"]])
        #expect(tagger.found("rec", in: "There were no records of it."))
        #expect(tagger.found("rec", in: "There was no record of it."))
        #expect(tagger.found("phys", in: "She was physically abused."))
        #expect(tagger.found("phys", in: "Physical abused."))
    }

    @Test func wordStartWildcards() throws {
        let tagger = try testTagger(["alc": ["alcohol*"]])
        #expect(tagger.found("alc", in: "He was an alcoholic."))
        #expect(tagger.found("alc", in: "Alcoholism ran in the family."))
        #expect(!tagger.found("alc", in: "He drank beer."))
    }

    @Test func hyphensSeparateWords() throws {
        let tagger = try testTagger(["ar": ["alcohol related"]])
        #expect(tagger.found("ar", in: "An alcohol-related seizure."))
        #expect(tagger.found("ar", in: "An alcohol related seizure."))
    }

    @Test func proximityWithinASentence() throws {
        let near = ["preg": [Codebook.ProximityRule(a: ["pregnant"], b: ["assaulted"], within: 4)]]
        let tagger = try testTagger(["preg": []], near: near)
        #expect(tagger.found("preg", in: "He assaulted her while she was pregnant."))
        #expect(tagger.found("preg", in: "When she was pregnant he assaulted her."))
        #expect(!tagger.found("preg", in: "She was pregnant in 2019 and many months later, long after the birth, he assaulted her."))
        #expect(!tagger.found("preg", in: "She was pregnant. He assaulted her."))
        let result = tagger.tag(makeDocument("He assaulted her while she was pregnant."))
        #expect(result.suggestions.first?.evidence.first?.rule == "preg/1")
    }

    @Test func exclusionsSuppressWithReason() throws {
        let tagger = try testTagger(["mh": ["mental health"]], exclude: ["mh": ["mental health services"]])
        let result = tagger.tag(makeDocument("She was referred to mental health services."))
        #expect(result.suggestions.isEmpty)
        #expect(result.suppressed.first?.reason == .excluded)
        #expect(tagger.found("mh", in: "Her mental health declined."))
    }

    @Test func evidenceCarriesRuleAndUTF16Position() throws {
        let tagger = try testTagger(["knife": ["knife", "stab"]])
        let text = "Intro line.\n\n“Quoted” café text: he used a knife."
        let result = tagger.tag(makeDocument(text))
        let evidence = try #require(result.suggestions.first?.evidence.first)
        #expect(evidence.rule == "knife/1")
        #expect(evidence.text == "knife")
        #expect(evidence.line == 2)
        // UTF-16 column: “ and é are one unit each.
        let line = "“Quoted” café text: he used a knife."
        let column = line.utf16.distance(from: line.utf16.startIndex, to: line.range(of: "knife")!.lowerBound.samePosition(in: line.utf16)!)
        #expect(evidence.character == column)
    }

    @Test func oneSuggestionPerTagWithAllEvidence() throws {
        let tagger = try testTagger(["knife": ["knife", "stab"]])
        let result = tagger.tag(makeDocument("He had a knife. He stabbed her. The knife was found."))
        #expect(result.suggestions.count == 1)
        #expect(result.suggestions[0].evidence.count == 3)
    }

    @Test func badPhraseNamesTheRule() {
        #expect(throws: CodebookError.self) { try testTagger(["bad": ["fine", "broken (group"]]) }
        do {
            _ = try testTagger(["bad": ["fine", "broken (group"]])
        } catch {
            #expect("\(error)".contains("bad/2"))
        }
    }

    @Test func tokenizerSplitsOnUTF8Punctuation() throws {
        let compiled = try CompiledCodebook(codebook: Codebook(version: "t", entries: []))
        let text = "victim’s—partner\u{00A0}said “no”"
        let tokens = compiled.matcher.tokenize(text)
        let words = (0..<tokens.count).map { index in
            String(decoding: Array(text.utf8)[Int(tokens.starts[index])..<Int(tokens.ends[index])], as: UTF8.self)
        }
        #expect(words == ["victim", "s", "partner", "said", "no"])
    }
}
