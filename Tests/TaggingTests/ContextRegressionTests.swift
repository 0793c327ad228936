import Foundation
import ReviewModel
import Testing
@testable import Tagging

/// One line of the fixture: a tag, a negated or hypothetical sentence, and its positive twin.
struct ContextCase: CustomTestStringConvertible, Sendable {
    var tag: String
    var suppressed: String
    var twin: String
    var line: Int

    var testDescription: String { "line \(line): \(tag)" }

    static let all: [ContextCase] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/context-regression.txt")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var cases: [ContextCase] = []
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.components(separatedBy: " | ")
            guard parts.count == 3 else { continue }
            cases.append(ContextCase(tag: parts[0], suppressed: parts[1], twin: parts[2], line: index + 1))
        }
        return cases
    }()
}

@Suite struct ContextRegressionTests {
    @Test func fixtureHasAtLeastOneHundredPairs() {
        #expect(ContextCase.all.count >= 100)
    }

    /// Each sentence follows one that introduces a person, so that a characteristic has
    /// someone to belong to and only the context decides.
    static let lead = "Adult A was the victim. "

    @Test(arguments: ContextCase.all)
    func negatedOrHypotheticalIsNotSuggestedButTwinIs(_ item: ContextCase) {
        let negative = sharedTagger.tag(makeDocument(Self.lead + item.suppressed))
        #expect(!negative.has(item.tag), "suggested from: \(item.suppressed)")
        #expect(
            negative.suppressed.contains { $0.tag.description == item.tag } || !negative.has(item.tag),
            "the suppressed match should be explained")
        let positive = sharedTagger.tag(makeDocument(Self.lead + item.twin))
        #expect(positive.has(item.tag), "not found in twin: \(item.twin)")
    }

    @Test func suppressedMatchesCarryReasonAndTrigger() throws {
        let result = sharedTagger.tag(makeDocument("There was no history of violence. She should be offered help with debt."))
        let negated = try #require(result.suppressed.first { $0.tag.id == "history-of-violence" })
        #expect(negated.reason == .negated)
        #expect(negated.trigger.lowercased() == "no history of")
        let hypothetical = try #require(result.suppressed.first { $0.tag.id == "financial-difficulties" })
        #expect(hypothetical.reason == .hypothetical)
    }

    @Test func terminationEndsTheScope() {
        let result = sharedTagger.tag(makeDocument("He denied any violence, but he admitted drinking heavily every day."))
        #expect(result.has("characteristic/alcohol-misuse"))
    }

    /// A semicolon ends a negation's scope: the next item of a list stands on its own; the
    /// negation still reaches its own item, and a negation after the semicolon still works.
    @Test func semicolonEndsTheScope() {
        let listed = sharedTagger.tag(makeDocument("Mr T had not kept his appointments; he was drinking heavily every day."))
        #expect(listed.has("characteristic/alcohol-misuse"))
        let within = sharedTagger.tag(makeDocument("He had moved twice; there was no evidence that he was drinking heavily."))
        #expect(!within.has("characteristic/alcohol-misuse"))
        let before = sharedTagger.tag(makeDocument("There was no evidence that he was drinking heavily; he had moved twice."))
        #expect(!before.has("characteristic/alcohol-misuse"))
    }

    /// "The dispute" is a noun, not the verb that negates ("he disputed that he had been drinking").
    @Test func aDisputeIsNotANegation() {
        let noun = sharedTagger.tag(makeDocument("Mr T attacked Patrick. The housing officer handled the dispute between Patrick and Mr T as a neighbour nuisance case."))
        #expect(noun.has("relationship-type/acquaintance"))
        let verb = sharedTagger.tag(makeDocument("Mr T disputed that he had been drinking heavily."))
        #expect(!verb.has("characteristic/alcohol-misuse"))
    }

    @Test func pseudoTriggerIsNotANegation() {
        let result = sharedTagger.tag(makeDocument("She was not only depressed but also isolated."))
        #expect(result.has("characteristic/mental-health"))
        #expect(result.has("characteristic/social-isolation"))
    }

    @Test func recommendationSectionsAreHypothetical() {
        let text = "# Recommendations\n\nAgencies must train staff to recognise alcohol misuse and coercive control."
        let result = sharedTagger.tag(makeDocument(text))
        #expect(!result.has("characteristic/alcohol-misuse"))
        #expect(!result.has("relationship/coercive-control"))
        #expect(result.suppressed.contains { $0.reason == .hypothetical && $0.trigger == "recommendations section" })
    }

    @Test func monthMayIsNotHypothetical() {
        let result = sharedTagger.tag(makeDocument("In May 2019 she disclosed domestic abuse to her GP."))
        #expect(result.has("characteristic/experiencing-domestic-abuse"))
    }
}
