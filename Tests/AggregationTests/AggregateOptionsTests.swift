import Foundation
import Testing
import ReviewModel
@testable import Aggregation

private func tag(_ text: String) -> TagID { TagID(text)! }

private func record(
    _ document: String, category: String? = "intimate-partner-violence", type: String? = "dhr", coder: String? = "ann",
    tags: [(String, Subject?)] = [], people: [Person] = []
) -> CaseRecord {
    CaseRecord(
        document: document, reviewType: type, category: category, coder: coder,
        tags: tags.map { CaseRecord.TagEntry(tag: tag($0.0), subject: $0.1) }, people: people)
}

private let provenance = AggregateProvenance(codebookVersion: "1.0", decisions: 7, generatedAt: Date(timeIntervalSince1970: 0))

@Suite("Aggregate options and counting rules")
struct AggregateOptionsTests {
    @Test("--top N keeps every characteristic tied at the N-th count", arguments: [
        (1, [12]), (2, [12, 5]), (3, [12, 5, 4, 4, 4, 4]), (6, [12, 5, 4, 4, 4, 4]), (7, [12, 5, 4, 4, 4, 4, 3, 3]), (0, [12, 5, 4, 4, 4, 4, 3, 3]),
    ])
    func topWithTies(top: Int, counts: [Int]) throws {
        let report = AggregateReport(records: ReferenceTables.records(), provenance: provenance, options: AggregateOptions(top: top))
        let ipv = try #require(report.category("intimate-partner-violence"))
        #expect(ipv.victimCharacteristics.map(\.count) == counts)
    }

    @Test("--min-cases K moves the ticks")
    func minCases() throws {
        let report = AggregateReport(records: ReferenceTables.records(), provenance: provenance, options: AggregateOptions(minCases: 3))
        let ypv = try #require(report.category("youth-peer-violence"))
        let flagged = Set(ypv.escalation.filter(\.flagged).map(\.tag.id))
        #expect(flagged == ["escalating-offending", "going-missing", "carrying-weapons"])
        #expect(ypv.escalation.first { $0.tag.id == "self-harm" }?.count == 2)
        let everything = AggregateReport(records: ReferenceTables.records(), provenance: provenance, options: AggregateOptions(minCases: 1))
        #expect(everything.categories.allSatisfy { category in category.escalation.allSatisfy { $0.flagged } })
    }

    @Test("--review-type keeps only that type; the other categories show No information")
    func reviewType() throws {
        let report = AggregateReport(
            records: ReferenceTables.records(), provenance: provenance, options: AggregateOptions(reviewType: "iir"))
        #expect(report.categories.map(\.reviews) == [0, 0, 2, 4, 0, 0])
        #expect(report.recordsCounted == 6)
        let markdown = report.markdown()
        let gender = try MarkdownTable.row(startingWith: "Gender", in: markdown)
        #expect(gender[1] == "No information" && gender[2] == "No information" && gender[6] == "No information")
        #expect(gender[3] != "No information")
        #expect(markdown.contains("review type iir only"))
    }

    @Test("a category with no reviews says No information everywhere")
    func emptyCategory() throws {
        let report = AggregateReport(records: [], provenance: provenance)
        #expect(report.categories.count == 6)
        #expect(report.categories.allSatisfy { $0.isEmpty })
        let markdown = report.markdown()
        for row in ["Review types", "Outcomes", "Gender", "Age range", "Ethnicity", "Relationship of perpetrator to victim"] {
            let cells = try MarkdownTable.row(startingWith: row, in: markdown)
            #expect(cells.dropFirst().allSatisfy { $0 == "No information" }, "\(row)")
        }
        #expect(report.html().components(separatedBy: "No information").count > 6)
    }

    @Test("characteristics count once per review and per subject")
    func perReview() throws {
        let records = [
            record("a", tags: [("characteristic/alcohol-misuse", .victim), ("characteristic/alcohol-misuse", .victim),
                               ("characteristic/alcohol-misuse", .perpetrator), ("characteristic/unemployment", nil)]),
            record("b", tags: [("characteristic/alcohol-misuse", .perpetrator), ("escalation/self-harm", nil), ("escalation/self-harm", nil)]),
        ]
        let report = AggregateReport(records: records, provenance: provenance)
        let ipv = try #require(report.category("intimate-partner-violence"))
        #expect(ipv.victimCharacteristics == [TagCount(tag: tag("characteristic/alcohol-misuse"), count: 1)])
        #expect(ipv.perpetratorCharacteristics == [TagCount(tag: tag("characteristic/alcohol-misuse"), count: 2)])
        #expect(ipv.allCharacteristics.contains(CharacteristicCount(subject: .unknown, tag: tag("characteristic/unemployment"), count: 1)))
        #expect(ipv.escalation == [EscalationCount(tag: tag("escalation/self-harm"), count: 1, flagged: false)])
    }

    @Test("people are counted per person; not reported is counted, never hidden")
    func people() throws {
        let records = [
            record("a", people: [
                Person(subject: .victim, gender: .female, age: .years(30), ethnicity: .black),
                Person(subject: .victim),
                Person(subject: .perpetrator, gender: .male, age: .range(40, 49)),
                Person(subject: .unknown, gender: .male),
            ]),
            record("b", people: [Person(subject: .victim, gender: .female, age: .years(19))]),
        ]
        let report = AggregateReport(records: records, provenance: provenance)
        let ipv = try #require(report.category("intimate-partner-violence"))
        #expect(ipv.victims.people == 3)
        #expect(ipv.victims.count(.female) == 2 && ipv.victims.genderNotReported == 1)
        #expect(ipv.victims.count(.black) == 1 && ipv.victims.ethnicityNotReported == 2)
        #expect(ipv.victims.ageRange == 19...30 && ipv.victims.ageNotReported == 1)
        #expect(ipv.perpetrators.people == 1 && ipv.perpetrators.ageRange == 40...49)
        #expect(ipv.perpetrators.ethnicityNotReported == 1)

        let markdown = report.markdown()
        let gender = try MarkdownTable.row(startingWith: "Gender", in: markdown)
        #expect(gender[2] == "2 female, 1 not reported")
        let age = try MarkdownTable.row(startingWith: "Age range", in: markdown)
        #expect(age[2] == "19\u{2013}30; not reported (1)")
        #expect(markdown.contains("1 male, 0 not reported"))
        let json = report.json()
        #expect(json.contains("\"not-reported\": 0"))
    }

    @Test("--coder keeps one coder; without it a document coded twice counts once, with the union of tags")
    func coders() throws {
        let records = [
            record("a", coder: "bea", tags: [("characteristic/alcohol-misuse", .victim)], people: [Person(subject: .victim, gender: .male)]),
            record("a", coder: "ann", tags: [("characteristic/unemployment", .victim)], people: [Person(subject: .victim, gender: .female)]),
            record("b", coder: "bea", tags: [("characteristic/alcohol-misuse", .victim)]),
        ]
        let all = AggregateReport(records: records, provenance: provenance)
        let ipv = try #require(all.category("intimate-partner-violence"))
        #expect(ipv.reviews == 2)
        #expect(all.documentsWithSeveralCoders == ["a"])
        #expect(Set(ipv.victimCharacteristics.map(\.tag.id)) == ["alcohol-misuse", "unemployment"])
        #expect(ipv.victimCharacteristics.first { $0.tag.id == "alcohol-misuse" }?.count == 2)
        #expect(ipv.victims.people == 1 && ipv.victims.count(.female) == 1)
        #expect(all.markdown().contains("coded by several coders counted once"))

        let bea = AggregateReport(records: records, provenance: provenance, options: AggregateOptions(coder: "bea"))
        let beaIPV = try #require(bea.category("intimate-partner-violence"))
        #expect(beaIPV.reviews == 2 && bea.documentsWithSeveralCoders.isEmpty)
        #expect(beaIPV.victimCharacteristics.map(\.tag.id) == ["alcohol-misuse"])
    }

    @Test("records without a known category are left out and reported")
    func uncategorised() {
        let records = [
            record("a"), record("b", category: nil), record("c", category: "not-a-category"),
        ]
        let report = AggregateReport(records: records, provenance: provenance)
        #expect(report.recordsCounted == 1)
        #expect(report.uncategorised == ["b", "c"])
        #expect(report.markdown().contains("2 records without a category left out"))
    }

    @Test("labels come from the lookup, else the id is made readable")
    func labels() {
        let report = AggregateReport(
            records: [record("a", tags: [("characteristic/born-outside-uk", .victim), ("characteristic/alcohol-misuse", .victim)])],
            labels: { $0.description == "characteristic/alcohol-misuse" ? "Misuse of alcohol" : nil }, provenance: provenance)
        #expect(report.label(tag("characteristic/alcohol-misuse")) == "Misuse of alcohol")
        #expect(report.label(tag("characteristic/born-outside-uk")) == "Born outside UK")
        #expect(report.label(tag("category/adult-peer-violence")) == "Adult peer violence")
        #expect(report.markdown().contains("Misuse of alcohol (1)"))
    }
}
