import Foundation
import Testing
import ReviewModel
@testable import Aggregation

/// What one category of an aggregate says, read either from ``AggregateReport`` or from its
/// JSON, so both are checked against the reference tables by the same code.
struct ObservedCategory {
    var reviews: Int
    var reviewTypes: [String: Int]
    var outcomes: [String: Int]
    var victimGender: [String: Int]
    var victimEthnicity: [String: Int]
    var victimAge: ClosedRange<Int>?
    var victimAgeNotReported: Int
    var perpetratorGender: [String: Int]
    var perpetratorEthnicity: [String: Int]
    var perpetratorAge: ClosedRange<Int>?
    var perpetratorAgeNotReported: Int
    var victimTop: [(id: String, count: Int)]
    var perpetratorTop: [(id: String, count: Int)]
    var relationshipTypes: [String: Int]
    var relationshipTypesNotKnown: Int
    var relationship: [String: Int]
    var relationshipNotKnown: Int
    var escalation: [String: (count: Int, flagged: Bool)]

    init(_ category: CategoryAggregate) {
        func people(_ summary: PeopleSummary) -> (gender: [String: Int], ethnicity: [String: Int]) {
            var gender = Dictionary(uniqueKeysWithValues: Gender.allCases.map { ($0.rawValue, summary.count($0)) })
            gender["not-reported"] = summary.genderNotReported
            var ethnicity = Dictionary(uniqueKeysWithValues: Ethnicity.allCases.map { ($0.rawValue, summary.count($0)) })
            ethnicity["not-reported"] = summary.ethnicityNotReported
            return (gender.filter { $0.value > 0 }, ethnicity.filter { $0.value > 0 })
        }
        reviews = category.reviews
        reviewTypes = Dictionary(uniqueKeysWithValues: category.reviewTypes.map { ($0.id, $0.count) })
        outcomes = Dictionary(uniqueKeysWithValues: category.outcomes.map { ($0.tag.id, $0.count) })
        (victimGender, victimEthnicity) = people(category.victims)
        victimAge = category.victims.ageRange
        victimAgeNotReported = category.victims.ageNotReported
        (perpetratorGender, perpetratorEthnicity) = people(category.perpetrators)
        perpetratorAge = category.perpetrators.ageRange
        perpetratorAgeNotReported = category.perpetrators.ageNotReported
        victimTop = category.victimCharacteristics.map { ($0.tag.id, $0.count) }
        perpetratorTop = category.perpetratorCharacteristics.map { ($0.tag.id, $0.count) }
        relationshipTypes = Dictionary(uniqueKeysWithValues: category.relationshipTypes.map { ($0.tag.id, $0.count) })
        relationshipTypesNotKnown = category.relationshipTypesNotReported
        relationship = Dictionary(uniqueKeysWithValues: category.relationship.map { ($0.tag.id, $0.count) })
        relationshipNotKnown = category.relationshipNotReported
        escalation = Dictionary(uniqueKeysWithValues: category.escalation.map { ($0.tag.id, ($0.count, $0.flagged)) })
    }

    /// Reads one element of the JSON `categories` array (the interface of issue 5).
    init(json: [String: Any]) throws {
        func object(_ value: Any?) throws -> [String: Any] { try #require(value as? [String: Any]) }
        func int(_ value: Any?) throws -> Int { try #require(value as? Int) }
        func counts(_ value: Any?) throws -> [(id: String, count: Int)] {
            try #require(value as? [[String: Any]]).map { row in
                let text = try #require(row["tag"] as? String)
                let tag = try #require(TagID(text))
                return (tag.id, try int(row["count"]))
            }
        }
        func nonZero(_ value: Any?) throws -> [String: Int] {
            try object(value).mapValues { try int($0) }.filter { $0.value > 0 }
        }
        func range(_ value: Any?) throws -> ClosedRange<Int>? {
            if value is NSNull { return nil }
            let bounds = try #require(value as? [Int])
            try #require(bounds.count == 2)
            return bounds[0]...bounds[1]
        }
        reviews = try int(json["reviews"])
        reviewTypes = try object(json["reviewTypes"]).mapValues { try int($0) }
        outcomes = Dictionary(uniqueKeysWithValues: try counts(json["outcomes"]).map { ($0.id, $0.count) })
        let victims = try object(json["victims"])
        let perpetrators = try object(json["perpetrators"])
        victimGender = try nonZero(victims["gender"])
        victimEthnicity = try nonZero(victims["ethnicity"])
        victimAge = try range(victims["ageRange"])
        victimAgeNotReported = try int(victims["ageNotReported"])
        perpetratorGender = try nonZero(perpetrators["gender"])
        perpetratorEthnicity = try nonZero(perpetrators["ethnicity"])
        perpetratorAge = try range(perpetrators["ageRange"])
        perpetratorAgeNotReported = try int(perpetrators["ageNotReported"])
        victimTop = try counts(json["victimCharacteristics"])
        perpetratorTop = try counts(json["perpetratorCharacteristics"])
        relationshipTypes = Dictionary(uniqueKeysWithValues: try counts(json["relationshipTypes"]).map { ($0.id, $0.count) })
        relationshipTypesNotKnown = try int(json["relationshipTypesNotReported"])
        relationship = Dictionary(uniqueKeysWithValues: try counts(json["relationship"]).map { ($0.id, $0.count) })
        relationshipNotKnown = try int(json["relationshipNotReported"])
        var escalation: [String: (count: Int, flagged: Bool)] = [:]
        for row in try #require(json["escalation"] as? [[String: Any]]) {
            let text = try #require(row["tag"] as? String)
            let tag = try #require(TagID(text))
            escalation[tag.id] = (try int(row["count"]), try #require(row["flagged"] as? Bool))
        }
        self.escalation = escalation
    }
}

/// Checks one observed category against its column of the reference tables.
func expectMatches(_ observed: ObservedCategory, _ expected: ReferenceTables.Category, sourceLocation: SourceLocation = #_sourceLocation) {
    let id = expected.id
    func dictionary(_ counts: [ReferenceTables.Count]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: counts.filter { $0.count > 0 }.map { ($0.id, $0.count) })
    }
    #expect(observed.reviews == expected.reviews, "\(id): reviews", sourceLocation: sourceLocation)
    #expect(observed.reviewTypes == dictionary(expected.reviewTypes), "\(id): review types", sourceLocation: sourceLocation)
    #expect(observed.outcomes == dictionary(expected.outcomes), "\(id): outcomes", sourceLocation: sourceLocation)

    #expect(observed.victimGender == dictionary(expected.victims.gender), "\(id): victims' gender", sourceLocation: sourceLocation)
    #expect(observed.victimEthnicity == dictionary(expected.victims.ethnicity), "\(id): victims' ethnicity", sourceLocation: sourceLocation)
    #expect(observed.victimAge == expected.victims.age.range, "\(id): victims' age range", sourceLocation: sourceLocation)
    #expect(observed.victimAgeNotReported == expected.victims.age.notReported, "\(id): victims' age not reported", sourceLocation: sourceLocation)
    #expect(observed.perpetratorGender == dictionary(expected.perpetrators.gender), "\(id): perpetrators' gender", sourceLocation: sourceLocation)
    #expect(
        observed.perpetratorEthnicity == dictionary(expected.perpetrators.ethnicity), "\(id): perpetrators' ethnicity",
        sourceLocation: sourceLocation)
    #expect(observed.perpetratorAge == expected.perpetrators.age.range, "\(id): perpetrators' age range", sourceLocation: sourceLocation)
    #expect(
        observed.perpetratorAgeNotReported == expected.perpetrators.age.notReported, "\(id): perpetrators' age not reported",
        sourceLocation: sourceLocation)

    for (who, top, expectedTop, below) in [
        ("victim", observed.victimTop, expected.victimTop, expected.victimBelow),
        ("perpetrator", observed.perpetratorTop, expected.perpetratorTop, expected.perpetratorBelow),
    ] {
        // Exactly the table's characteristics with the table's counts: ties at the cut in,
        // those just below it out, nothing listed twice, largest first.
        #expect(top.count == expectedTop.count, "\(id): \(who) top has \(top.map(\.id))", sourceLocation: sourceLocation)
        #expect(
            Dictionary(top.map { ($0.id, $0.count) }, uniquingKeysWith: { _, _ in -1 }) == dictionary(expectedTop),
            "\(id): \(who) top characteristics", sourceLocation: sourceLocation)
        #expect(zip(top, top.dropFirst()).allSatisfy { $0.count >= $1.count }, "\(id): \(who) top order", sourceLocation: sourceLocation)
        for left in below {
            #expect(!top.contains { $0.id == left.id }, "\(id): \(who) \(left.id) is below the cut", sourceLocation: sourceLocation)
        }
    }

    #expect(observed.relationshipTypes == dictionary(expected.relationshipTypes), "\(id): relationship types", sourceLocation: sourceLocation)
    #expect(observed.relationshipTypesNotKnown == expected.relationshipTypesNotKnown, "\(id): relationship type not known", sourceLocation: sourceLocation)
    #expect(observed.relationship == dictionary(expected.relationship), "\(id): relationship characteristics", sourceLocation: sourceLocation)
    #expect(observed.relationshipNotKnown == expected.relationshipNotKnown, "\(id): relationship not known", sourceLocation: sourceLocation)

    #expect(
        Set(observed.escalation.keys) == Set((expected.escalationTicked + expected.escalationBelow).map(\.id)),
        "\(id): escalation features", sourceLocation: sourceLocation)
    for feature in expected.escalationTicked {
        #expect(observed.escalation[feature.id]?.count == feature.count, "\(id): \(feature.id) count", sourceLocation: sourceLocation)
        #expect(observed.escalation[feature.id]?.flagged == true, "\(id): \(feature.id) ticked", sourceLocation: sourceLocation)
    }
    for feature in expected.escalationBelow {
        #expect(observed.escalation[feature.id]?.count == feature.count, "\(id): \(feature.id) count", sourceLocation: sourceLocation)
        #expect(observed.escalation[feature.id]?.flagged == false, "\(id): \(feature.id) not ticked", sourceLocation: sourceLocation)
    }
}

/// Labels as a codebook would give them (a few differ from the ids, to show they are used).
let referenceLabels: TagLabelLookup = { tag in
    [
        "category/intimate-partner-violence": "Intimate partner violence",
        "characteristic/experiencing-domestic-abuse": "Experiencing domestic abuse",
        "characteristic/english-additional-language": "English as a second or additional language",
        "characteristic/domestic-abuse-perpetrator": "Domestic abuse (perpetrator)",
        "escalation/stopped-medication-or-discharged": "Perpetrator stopping mental health medication or being discharged from services",
    ][tag.description]
}

let referenceProvenance = AggregateProvenance(
    codebookVersion: "2026.11-test", decisions: 1234, generatedAt: Date(timeIntervalSince1970: 1_795_000_000))

@Suite("Reference report Tables 3 to 6")
struct ReferenceTablesTests {
    let report = AggregateReport(records: ReferenceTables.records(), labels: referenceLabels, provenance: referenceProvenance)

    @Test("the fixture describes all six categories and 64 reviews")
    func fixtureCoversTheTables() {
        #expect(ReferenceTables.categories.map(\.id).sorted() == Taxonomy.categoryOrder.sorted())
        #expect(ReferenceTables.records().count == 64)
    }

    @Test("the aggregate reproduces every number, tie and tick", arguments: ReferenceTables.categories)
    func reproducesTables(expected: ReferenceTables.Category) throws {
        let category = try #require(report.category(expected.id))
        expectMatches(ObservedCategory(category), expected)
    }

    @Test("the examples of the issue, spelled out")
    func issueExamples() throws {
        let ipv = try #require(report.category("intimate-partner-violence"))
        #expect(ipv.reviews == 17)
        #expect(ipv.victimCharacteristics.first == TagCount(tag: TagID("characteristic/experiencing-domestic-abuse")!, count: 12))
        #expect(ipv.victimCharacteristics.dropFirst().first?.count == 5)
        #expect(ipv.victimCharacteristics.filter { $0.count == 4 }.count == 4)
        #expect(ipv.perpetratorCharacteristics.map(\.count) == [10, 8, 7, 6, 6])
        #expect(ipv.victims.count(.female) == 15 && ipv.victims.count(.male) == 2 && ipv.victims.genderNotReported == 0)
        #expect(ipv.victims.ageRange == 18...44)
    }

    @Test("categories come in the reference order")
    func order() {
        #expect(report.categories.map(\.id) == Taxonomy.categoryOrder)
        #expect(report.recordsCounted == 64)
    }

    @Test("the JSON interface says the same", arguments: ReferenceTables.categories)
    func json(expected: ReferenceTables.Category) throws {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let categories = try #require(root["categories"] as? [[String: Any]])
        #expect(categories.compactMap { $0["id"] as? String } == Taxonomy.categoryOrder)
        let category = try #require(categories.first { $0["id"] as? String == expected.id })
        expectMatches(try ObservedCategory(json: category), expected)
    }

    @Test("Markdown Tables 3 and 4 list the top characteristics with their ties, labels from the codebook")
    func markdownTopCharacteristics() throws {
        let markdown = report.markdown()
        for (row, keyPath) in [
            ("Most commonly occurring victim characteristics", \ReferenceTables.Category.victimTop),
            ("Most commonly occurring perpetrator characteristics", \ReferenceTables.Category.perpetratorTop),
        ] {
            let cells = try MarkdownTable.row(startingWith: row, in: markdown)
            for (index, expected) in ReferenceTables.categories.enumerated() {
                let listed = expected[keyPath: keyPath]
                let wanted = listed.isEmpty
                    ? ["No information"]
                    : listed.map { "\(report.label(TagID(facet: "characteristic", id: $0.id))) (\($0.count))" }
                let column = cells[Taxonomy.categoryOrder.firstIndex(of: expected.id)! + 1]
                let shown = column.replacingOccurrences(of: "**", with: "").components(separatedBy: "<br>")
                #expect(Set(shown) == Set(wanted), "\(row), column \(index)")
            }
        }
        #expect(markdown.contains("**Experiencing domestic abuse** (12)"))
        #expect(markdown.contains("**English as a second or additional language** (4)"))
        #expect(markdown.contains("| Intimate partner violence<br>17 reviews |"))
    }

    @Test("characteristics among the most common of two or more categories are bold, as in the reference")
    func recurringInBold() throws {
        let markdown = report.markdown()
        for (row, keyPath, subject) in [
            ("Most commonly occurring victim characteristics", \ReferenceTables.Category.victimTop, Subject.victim),
            ("Most commonly occurring perpetrator characteristics", \ReferenceTables.Category.perpetratorTop, .perpetrator),
        ] {
            var categoriesPerTag: [String: Int] = [:]
            for category in ReferenceTables.categories {
                for entry in category[keyPath: keyPath] { categoriesPerTag[entry.id, default: 0] += 1 }
            }
            let expected = Set(categoriesPerTag.filter { $0.value >= 2 }.keys)
            #expect(Set(report.recurringCharacteristics(subject).map(\.id)) == expected)
            let cells = try MarkdownTable.row(startingWith: row, in: markdown).dropFirst()
            let bold = Set(cells.flatMap { $0.components(separatedBy: "<br>") }.compactMap { item -> String? in
                guard item.hasPrefix("**") else { return nil }
                return item.dropFirst(2).components(separatedBy: "**").first
            })
            let expectedLabels = Set(expected.map { report.label(TagID(facet: "characteristic", id: $0)) })
            #expect(bold == expectedLabels, "\(row)")
        }
        #expect(!report.recurringCharacteristics(.victim).isEmpty)
    }

    @Test("Markdown Table 6 ticks exactly the features present in at least two reviews")
    func markdownTicks() throws {
        let markdown = report.markdown()
        let section = try #require(markdown.components(separatedBy: "## Table 6.").last)
        for expected in ReferenceTables.categories {
            let column = Taxonomy.categoryOrder.firstIndex(of: expected.id)! + 1
            for feature in expected.escalationTicked {
                let label = report.label(TagID(facet: "escalation", id: feature.id))
                let cells = try MarkdownTable.row(startingWith: label, in: section)
                #expect(cells[column] == "\u{2713} (\(feature.count))", "\(expected.id) \(feature.id)")
            }
            for feature in expected.escalationBelow {
                let label = report.label(TagID(facet: "escalation", id: feature.id))
                let cells = try MarkdownTable.row(startingWith: label, in: section)
                #expect(cells[column] == "(\(feature.count))", "\(expected.id) \(feature.id)")
            }
            if expected.escalationTicked.isEmpty && expected.escalationBelow.isEmpty {
                let anyRow = try MarkdownTable.row(startingWith: report.label(TagID("escalation/adverse-life-event")!), in: section)
                #expect(anyRow[column] == "No information")
            }
        }
        let ticks = section.components(separatedBy: "\u{2713} (").count - 1
        #expect(ticks == ReferenceTables.categories.reduce(0) { $0 + $1.escalationTicked.count })
    }

    @Test("Markdown Table 5 shows relationships with not known, No information where nothing is coded")
    func markdownRelationships() throws {
        let markdown = report.markdown()
        let types = try MarkdownTable.row(startingWith: "Relationship of perpetrator to victim", in: markdown)
        let characteristics = try MarkdownTable.row(startingWith: "Characteristics of the relationship", in: markdown)
        let ypv = Taxonomy.categoryOrder.firstIndex(of: "youth-peer-violence")! + 1
        let ipv = Taxonomy.categoryOrder.firstIndex(of: "intimate-partner-violence")! + 1
        let csa = Taxonomy.categoryOrder.firstIndex(of: "child-sexual-abuse")! + 1
        #expect(characteristics[ypv] == "No information")
        #expect(characteristics[csa] == "No information")
        #expect(types[ipv] == "Partner (13)<br>Ex partner (4)")
        #expect(characteristics[ipv].hasPrefix("Domestic abuse (15)<br>Physical abuse (9)<br>Emotional abuse (8)"))
        #expect(characteristics[ipv].hasSuffix("Sexual abuse (2)<br>Not known (1)"))
        #expect(types[csa] == "Stranger (1)<br>Foster carer (1)<br>Not known (1)")  // ties in taxonomy order
        let outcomes = try MarkdownTable.row(startingWith: "Outcomes", in: markdown)
        #expect(outcomes[ypv] == "Homicide (5)<br>Suicide (3)")
        #expect(outcomes[csa] == "No information")
    }
}

/// Reads rows of the Markdown tables the report writes.
enum MarkdownTable {
    struct Missing: Error, CustomStringConvertible {
        var row: String
        var description: String { "no table row starts with '\(row)'" }
    }

    /// The cells of the first row whose first cell is `label`.
    static func row(startingWith label: String, in markdown: String) throws -> [String] {
        for line in markdown.split(separator: "\n") where line.hasPrefix("| ") {
            let cells = line.dropFirst(2).dropLast(2).components(separatedBy: " | ")
            if cells.first == label { return cells }
        }
        throw Missing(row: label)
    }
}

extension ReferenceTables.Category: CustomTestStringConvertible {
    var testDescription: String { id }
}
