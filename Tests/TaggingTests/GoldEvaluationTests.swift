import Foundation
import ReviewModel
import ReviewParsing
import Testing
@testable import Tagging

/// Runs suggest over the corpus and scores it against the gold annotations; fails below
/// floors set under measured values (0.904 micro-F1, 0.988 category (79/80), subject 0.97,
/// 1.000 review type, 0.915 demographics on 80 gold documents, 2026-11-28 10:05 UTC).
/// Forty-nine of them were written by writers who never saw the codebook (each batch scored
/// 0.74-0.86 micro-F1 on arrival; the last four, added that session at 0.74 and now 0.84, pull
/// the floor down). Issue 3's targets are 0.85 micro-F1 and 0.9 category accuracy.
@Suite struct GoldEvaluationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func evaluate() throws -> Evaluation {
        let goldDirectory = root.appendingPathComponent("annotations/gold")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: goldDirectory.path))?.filter { $0.hasSuffix(".json") }.sorted() ?? []
        var cases: [(gold: CaseRecord, result: TaggingResult)] = []
        let reader = DocumentReader()
        for file in files {
            let data = try Data(contentsOf: goldDirectory.appendingPathComponent(file))
            let gold = try JSONDecoder().decode(CaseRecord.self, from: data)
            let document = try reader.read(path: root.appendingPathComponent(gold.document).path)
            cases.append((gold, sharedTagger.tag(document)))
        }
        return Evaluation(cases: cases)
    }

    @Test func suggestionsMeetTheFloors() throws {
        let evaluation = try Self.evaluate()
        try #require(evaluation.documents >= 20, "the gold corpus is missing")
        #expect(evaluation.micro.f1 >= 0.900, "micro-F1 \(evaluation.micro.f1)")
        #expect(evaluation.categoryAccuracy >= 0.96, "category accuracy \(evaluation.categoryAccuracy)")
        #expect(evaluation.subjectAccuracy >= 0.96, "subject accuracy \(evaluation.subjectAccuracy)")
        #expect(evaluation.reviewTypeAccuracy >= 0.96, "review type accuracy \(evaluation.reviewTypeAccuracy)")
        #expect(evaluation.demographicsAccuracy >= 0.90, "demographics accuracy \(evaluation.demographicsAccuracy)")
    }

    @Test func evaluationCountsPairs() {
        let gold = CaseRecord(
            document: "d", reviewType: "dhr", category: "intimate-partner-violence",
            tags: [
                .init(tag: TagID("characteristic/alcohol-misuse")!, subject: .perpetrator),
                .init(tag: TagID("weapon/knife")!),
            ])
        let result = TaggingResult(
            document: "d", reviewType: ReviewTypeDetection(id: "dhr", evidence: "x"),
            category: CategorySuggestion(id: "adult-family-violence", confidence: 0.5, evidence: []),
            suggestions: [
                Suggestion(key: TagKey(tag: TagID("characteristic/alcohol-misuse")!, subject: .victim), confidence: 1, evidence: []),
                Suggestion(key: TagKey(tag: TagID("weapon/knife")!, subject: nil), confidence: 1, evidence: []),
            ], people: [])
        let evaluation = Evaluation(cases: [(gold, result)])
        #expect(evaluation.micro.truePositives == 1)
        #expect(evaluation.micro.falsePositives == 1)
        #expect(evaluation.micro.falseNegatives == 1)
        #expect(evaluation.subjectTotal == 1 && evaluation.subjectCorrect == 0)
        #expect(evaluation.categoryAccuracy == 0)
        #expect(evaluation.reviewTypeAccuracy == 1)
    }

    @Test func demographicsMatchThePersonOfTheSameName() {
        let gold = CaseRecord(
            document: "d", reviewType: "scr", category: nil, tags: [],
            people: [
                Person(subject: .perpetrator, name: "Ms K", gender: .female, age: .years(23)),
                Person(subject: .perpetrator, name: "Mr J", gender: .male, age: .years(26)),
            ])
        let result = TaggingResult(
            document: "d", reviewType: nil, category: nil, suggestions: [],
            people: [
                Person(subject: .perpetrator, name: "Mr J", gender: .male, age: .years(26)),
                Person(subject: .perpetrator, name: "Ms K", gender: .female, age: .years(23)),
            ])
        let evaluation = Evaluation(cases: [(gold, result)])
        #expect(evaluation.demographicsTotal == 4)
        #expect(evaluation.demographicsCorrect == 4)
    }
}
