import TestSupport
import Testing

@testable import Tagging

/// The byte answers of ``PhraseBytes`` against the Character and Foundation operations they stand
/// for in ``CompiledCodebook/init(codebook:)``: `lastIndex(of: "@")`, `contains("subject")` and
/// the lower-cased, trimmed comparison with the case-sensitive trigger words.
@Suite struct PhraseBytesTests {
    static let triggerWords = ["may", "will", "should", "must", "might", "future"]

    /// The answers the codebook compile used to compute for every phrase.
    static func general(_ phrase: String) -> (at: Bool, subject: Bool, trigger: Bool) {
        let lower = String(phrase.lowercased().drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        return (phrase.lastIndex(of: "@") != nil, phrase.contains("subject"), triggerWords.contains(lower))
    }

    /// Counts of phrases whose answers differ, and of phrases with each answer true.
    static func compare(_ phrases: [String]) -> (mismatches: [String], at: Int, subject: Int, trigger: Int) {
        var mismatches: [String] = []
        var counts = (at: 0, subject: 0, trigger: 0)
        for phrase in phrases {
            let bytes = PhraseBytes(phrase)
            let expected = general(phrase)
            let subject = bytes.mentionsSubject ?? phrase.contains("subject")
            // A phrase the bytes rule out must be no trigger word.
            let trigger = bytes.mayBeCaseSensitiveTrigger ? expected.trigger : false
            // No '@' byte must mean no "@" Character (an '@' byte with a combining mark after it is
            // no "@" Character: the compile searches the Characters when the byte is there).
            let at = bytes.hasAt && expected.at
            if at != expected.at || subject != expected.subject || trigger != expected.trigger { mismatches.append(phrase) }
            if expected.at { counts.at += 1 }
            if expected.subject { counts.subject += 1 }
            if expected.trigger { counts.trigger += 1 }
        }
        return (mismatches, counts.at, counts.subject, counts.trigger)
    }

    @Test func shippedCodebookPhrases() throws {
        let codebook = try Codebook.loadDefault()
        var phrases: [String] = []
        for entry in codebook.entries {
            phrases += entry.phrases + entry.exclude
            for rule in entry.near { phrases += rule.a + rule.b }
        }
        let context = codebook.context
        phrases += context.negationPre + context.negationPost + context.pseudo + context.termination
        phrases += context.hypotheticalPre + context.hypotheticalPost + context.incident
        let people = codebook.people
        phrases += people.victim + people.perpetrator + people.child + people.declare + people.female + people.male
        phrases += people.victimAfter + people.victimBefore + people.perpetratorAfter + people.perpetratorBefore
        for kin in people.kin { phrases += kin.phrases }
        for list in people.ethnicity.values { phrases += list }
        let result = PhraseBytesTests.compare(phrases)
        #expect(phrases.count > 3000)
        #expect(result.mismatches.isEmpty, "\(result.mismatches.prefix(10))")
        // Each answer is true for some phrase: the comparison covers both outcomes.
        #expect(result.at > 0)
        #expect(result.subject > 0)
        #expect(result.trigger > 0)
    }

    /// Random phrases from pieces that make near misses ("subjec t", "Subject", "subjsubject"),
    /// padded and cased trigger words, '@' scopes and non-ASCII letters (a Kelvin sign lower-cases
    /// to "k"; a combining accent after "t" makes another Character).
    @Test func randomPhrases() {
        let pieces = [
            "sub", "ject", "subject", "Subject", "subj", "s", "t", "@", " @12", " ", "  ", "may", "MAY", "Will", "should",
            "future", "might", "must", "x", "é", "\u{212A}", "\u{301}", "İ", "30", "=", "*", "\u{1F600}",
        ]
        var numbers = SeededGenerator(seed: 11)
        var phrases: [String] = []
        for _ in 0..<20_000 {
            var phrase = ""
            for _ in 0..<(1 + numbers.below(5)) { phrase += pieces[numbers.below(pieces.count)] }
            phrases.append(phrase)
        }
        let result = PhraseBytesTests.compare(phrases)
        #expect(result.mismatches.isEmpty, "\(result.mismatches.prefix(10))")
        #expect(result.at > 1000)
        #expect(result.subject > 1000)
        #expect(result.trigger > 100)
        // Near misses the bytes alone would get wrong: "subjec" + "t" + a combining accent is no
        // "subject" as Characters.
        #expect(PhraseBytes("the subject\u{301} of").mentionsSubject == nil)
        #expect(PhraseBytes("x @\u{301}").hasAt)
        #expect(PhraseBytesTests.compare(["the subject\u{301} of", "\u{212A}ay", " May  "]).mismatches.isEmpty)
    }
}
