import ReviewModel

/// Tables 3 to 6 of the reference analysis (`shared/reference/000_791c5352290e0476.txt`,
/// lines 890-1000) written down compactly: per category, the number of reviews, the counts
/// the tables print, and (`*-below`) characteristics or features just below the cut that the
/// aggregate must leave out. ``ReferenceTables/records()`` turns it into case records; the
/// tests compare the aggregate of those records with these same numbers.
///
/// Line grammar: `category ID`, then `key value...` lines where values are `id:count` pairs.
/// `age MIN-MAX [as-range] [not-reported:K]`: the first person gets MIN, the second MAX,
/// the others the midpoint (or each the range MIN-MAX when `as-range`), the last K none.
/// `not-known:K` on relationship lines: reviews with no tag of that facet.
///
/// Where the reference cannot be reproduced exactly, the fixture says so:
/// - Table 4 prints "15 female, 2 male" for the perpetrators of intimate partner violence
///   (apparently copied from Table 3; the text says nearly all perpetrators were men). Kept as printed.
/// - Table 4, within-family violence towards children: 23 perpetrators but ethnicities summing
///   to 22 (not reported 14); counted per person, every perpetrator has an ethnicity or none,
///   so not reported is 15 here.
/// - Outcomes are not in Tables 3 to 6; youth peer violence's 5 homicides and 3 suicides are
///   from their headings, intimate partner violence's 17 homicides from the text.
/// - Youth peer violence splits homicide and suicide; the tags count all 8 reviews (victims
///   4 male, 4 female; "unclear or unknown" relationship covers the 3 suicides too: 6).
/// - Table 5's "Other (3)" (intimate partner violence) and "None (1)" (within-family violence,
///   merged into not known: 7) have no tag in the taxonomy. Adult family violence's "85+" is 85.
enum ReferenceTables {
    static let description = """
        category youth-peer-violence
        reviews 8
        review-types scr:5 sar:3
        outcomes homicide:5 suicide:3
        victim-gender male:4 female:4
        victim-ethnicity not-reported:5 black:3
        victim-age 13-25
        victim-top absent-parent:5 childhood-abuse-neglect:5 experiencing-domestic-abuse:5 mental-health:5 substance-misuse:5
        victim-below school-exclusion:4 gang-involvement:4
        perpetrator-gender male:1 not-reported:4
        perpetrator-ethnicity not-reported:5
        perpetrator-age not-reported:5
        perpetrator-top
        perpetrator-below
        relationship-types acquaintance:2 not-known:6
        relationship not-known:8
        escalation-ticked escalating-offending:3 going-missing:4 carrying-weapons:3 self-harm:2
        escalation-below intoxication-before-incident:1 threats-or-property-damage:1

        category intimate-partner-violence
        reviews 17
        review-types dhr:17
        outcomes homicide:17
        victim-gender female:15 male:2
        victim-ethnicity white:5 asian:3 black:2 mixed:1 other:1 not-reported:5
        victim-age 18-44
        victim-top experiencing-domestic-abuse:12 alcohol-misuse:5 domestic-abuse-in-pregnancy:4 substance-misuse:4 english-additional-language:4 born-outside-uk:4
        victim-below insecure-immigration:3 mental-health:3
        perpetrator-gender female:15 male:2
        perpetrator-ethnicity white:3 asian:4 black:4 other:2 not-reported:4
        perpetrator-age 18-44
        perpetrator-top alcohol-misuse:10 unemployment:8 history-of-violence:7 substance-misuse:6 mental-health:6
        perpetrator-below domestic-abuse-perpetrator:5 history-of-offending:5
        relationship-types partner:13 ex-partner:4 not-known:0
        relationship domestic-abuse:15 physical-abuse:9 emotional-abuse:8 coercive-control:6 strain-or-separation:6 financial-abuse:4 stalking:3 sexual-abuse:2 not-known:1
        escalation-ticked stopped-medication-or-discharged:2 police-or-ambulance-callouts:6 released-from-custody:3 adverse-life-event:5 threats-or-property-damage:7 intoxication-before-incident:4
        escalation-below carrying-weapons:1

        category adult-family-violence
        reviews 9
        review-types dhr:7 iir:2
        victim-gender female:5 male:4
        victim-ethnicity white:3 asian:3 black:2 not-reported:1
        victim-age 35-85
        victim-top caring-responsibilities:6 chronic-illness:6 experiencing-domestic-abuse:4 english-additional-language:4 adult-abuse-neglect:3
        victim-below social-isolation:2 disability:2
        perpetrator-gender male:8 female:1
        perpetrator-ethnicity white:4 asian:3 black:2
        perpetrator-age 25-54
        perpetrator-top mental-health:8 caring-responsibilities:5 substance-misuse:5 medication-non-compliance:5 alcohol-misuse:4 social-isolation:4
        perpetrator-below unemployment:3
        relationship-types adult-child:7 sibling:2 not-known:0
        relationship carer:6 domestic-abuse:3 emotional-abuse:2 financial-abuse:2 strain-or-separation:2 coercive-control:1 neglect:1 physical-abuse:1 not-known:0
        escalation-ticked stopped-medication-or-discharged:4 adverse-life-event:3 threats-or-property-damage:3 intoxication-before-incident:2
        escalation-below police-or-ambulance-callouts:1

        category adult-peer-violence
        reviews 9
        review-types sar:5 iir:4
        victim-gender male:6 female:3
        victim-ethnicity not-reported:8 white:1
        victim-age 25-74
        victim-top chronic-illness:3 disability:2 unemployment:2
        victim-below
        perpetrator-gender male:6 female:3
        perpetrator-ethnicity not-reported:8 white:1
        perpetrator-age 25-44
        perpetrator-top chronic-illness:3 disability:2 unemployment:1
        perpetrator-below
        relationship-types acquaintance:7 stranger:2 not-known:0
        relationship emotional-abuse:1 financial-abuse:1 physical-abuse:1 debt-conflict:1 not-known:6
        escalation-ticked stopped-medication-or-discharged:3
        escalation-below threats-or-property-damage:1 adverse-life-event:1

        category within-family-violence-towards-children
        reviews 18
        review-types scr:18
        victim-gender male:10 female:9 not-reported:4
        victim-ethnicity not-reported:9 mixed:7 black:6 asian:1
        victim-age 0-18
        victim-top experiencing-domestic-abuse:9 childhood-abuse-neglect:8 parental-mental-health:8 household-substance-misuse:7 absent-parent:3
        victim-below care-experienced:2 disability:2
        perpetrator-gender female:12 male:11
        perpetrator-ethnicity not-reported:15 white:2 black:3 mixed:1 asian:1 other:1
        perpetrator-age 25-54
        perpetrator-top mental-health:10 domestic-abuse-perpetrator:9 history-of-offending:9 substance-misuse:6 born-outside-uk:5
        perpetrator-below alcohol-misuse:4 unemployment:4
        relationship-types parent:17 partner-of-parent:1 not-known:0
        relationship physical-abuse:11 emotional-abuse:5 neglect:3 domestic-abuse:2 financial-abuse:2 coercive-control:1 not-known:7
        escalation-ticked adverse-life-event:4 intoxication-before-incident:3
        escalation-below police-or-ambulance-callouts:1 stopped-medication-or-discharged:1

        category child-sexual-abuse
        reviews 3
        review-types scr:3
        victim-gender female:2 not-reported:1
        victim-ethnicity not-reported:3
        victim-age 8-9 as-range not-reported:2
        victim-top absent-parent:2 childhood-abuse-neglect:2 care-experienced:2
        victim-below
        perpetrator-gender male:2 not-reported:1
        perpetrator-ethnicity not-reported:3
        perpetrator-age not-reported:3
        perpetrator-top
        perpetrator-below
        relationship-types foster-carer:1 stranger:1 not-known:1
        relationship not-known:3
        escalation-ticked
        escalation-below
        """

    /// One `id:count` pair.
    struct Count: Hashable {
        var id: String
        var count: Int
    }

    /// The age line of one side.
    struct AgeSpec: Hashable {
        var range: ClosedRange<Int>?
        var asRange = false
        var notReported = 0
    }

    /// One side's demographics.
    struct People: Hashable {
        var gender: [Count] = []
        var ethnicity: [Count] = []
        var age = AgeSpec()

        var genderCount: Int { gender.reduce(0) { $0 + $1.count } }
        var ethnicityCount: Int { ethnicity.reduce(0) { $0 + $1.count } }
        func count(_ key: String, in list: [Count]) -> Int { list.first { $0.id == key }?.count ?? 0 }
    }

    /// One column of the tables.
    struct Category: Hashable {
        var id: String
        var reviews = 0
        var reviewTypes: [Count] = []
        var outcomes: [Count] = []
        var victims = People()
        var perpetrators = People()
        var victimTop: [Count] = []
        var victimBelow: [Count] = []
        var perpetratorTop: [Count] = []
        var perpetratorBelow: [Count] = []
        var relationshipTypes: [Count] = []
        var relationshipTypesNotKnown = 0
        var relationship: [Count] = []
        var relationshipNotKnown = 0
        var escalationTicked: [Count] = []
        var escalationBelow: [Count] = []
    }

    /// The parsed description, in its order.
    static let categories: [Category] = parse(description)

    static func parse(_ text: String) -> [Category] {
        var result: [Category] = []
        for rawLine in text.split(separator: "\n") {
            let words = rawLine.split(separator: " ").map(String.init)
            guard let key = words.first else { continue }
            let values = Array(words.dropFirst())
            if key == "category" {
                result.append(Category(id: values[0]))
                continue
            }
            var category = result.removeLast()
            let pairs = values.compactMap { word -> Count? in
                let parts = word.split(separator: ":")
                guard parts.count == 2, let count = Int(parts[1]) else { return nil }
                return Count(id: String(parts[0]), count: count)
            }
            let notKnown = pairs.first { $0.id == "not-known" }?.count ?? 0
            let tags = pairs.filter { $0.id != "not-known" }
            switch key {
            case "reviews": category.reviews = Int(values[0])!
            case "review-types": category.reviewTypes = pairs
            case "outcomes": category.outcomes = pairs
            case "victim-gender": category.victims.gender = pairs
            case "victim-ethnicity": category.victims.ethnicity = pairs
            case "victim-age": category.victims.age = age(values)
            case "victim-top": category.victimTop = pairs
            case "victim-below": category.victimBelow = pairs
            case "perpetrator-gender": category.perpetrators.gender = pairs
            case "perpetrator-ethnicity": category.perpetrators.ethnicity = pairs
            case "perpetrator-age": category.perpetrators.age = age(values)
            case "perpetrator-top": category.perpetratorTop = pairs
            case "perpetrator-below": category.perpetratorBelow = pairs
            case "relationship-types":
                category.relationshipTypes = tags
                category.relationshipTypesNotKnown = notKnown
            case "relationship":
                category.relationship = tags
                category.relationshipNotKnown = notKnown
            case "escalation-ticked": category.escalationTicked = pairs
            case "escalation-below": category.escalationBelow = pairs
            default: preconditionFailure("fixture: unknown key \(key)")
            }
            result.append(category)
        }
        return result
    }

    private static func age(_ values: [String]) -> AgeSpec {
        var spec = AgeSpec()
        for value in values {
            if value == "as-range" {
                spec.asRange = true
            } else if value.hasPrefix("not-reported:") {
                spec.notReported = Int(value.dropFirst("not-reported:".count))!
            } else {
                let bounds = value.split(separator: "-").map { Int($0)! }
                spec.range = bounds[0]...bounds[1]
            }
        }
        return spec
    }

    /// Case records whose counts are those of the description (coder "fixture" unless given).
    static func records(coder: String = "fixture") -> [CaseRecord] {
        categories.flatMap { records(for: $0, coder: coder) }
    }

    static func records(for category: Category, coder: String) -> [CaseRecord] {
        let reviews = category.reviews
        let types = category.reviewTypes.flatMap { Array(repeating: $0.id, count: $0.count) }
        precondition(types.count == reviews, "fixture: review types of \(category.id) do not add up")
        var records = (0..<reviews).map { index in
            CaseRecord(
                document: "corpus/fixture/\(category.id)-\(index + 1).html", reviewType: types[index],
                category: category.id, coder: coder)
        }

        /// Gives each of `counts` to `count` distinct reviews among the first `window`,
        /// continuing where the previous one stopped, so every review of the window gets one
        /// when the counts add up to at least the window.
        func spread(_ counts: [Count], facet: String, subject: Subject? = nil, window: Int) {
            var next = 0
            for entry in counts {
                precondition(entry.count <= window, "fixture: \(entry.id) in \(category.id) exceeds its reviews")
                precondition(Taxonomy.contains(TagID(facet: facet, id: entry.id)), "fixture: \(facet)/\(entry.id) is no contract id")
                for step in 0..<entry.count {
                    let index = (next + step) % window
                    records[index].tags.append(CaseRecord.TagEntry(tag: TagID(facet: facet, id: entry.id), subject: subject))
                }
                next = (next + entry.count) % window
            }
        }
        spread(category.victimTop + category.victimBelow, facet: "characteristic", subject: .victim, window: reviews)
        spread(category.perpetratorTop + category.perpetratorBelow, facet: "characteristic", subject: .perpetrator, window: reviews)
        spread(category.relationshipTypes, facet: "relationship-type", window: reviews - category.relationshipTypesNotKnown)
        spread(category.relationship, facet: "relationship", window: reviews - category.relationshipNotKnown)
        spread(category.escalationTicked + category.escalationBelow, facet: "escalation", window: reviews)
        spread(category.outcomes, facet: "outcome", window: reviews)

        for (subject, people) in [(Subject.victim, category.victims), (.perpetrator, category.perpetrators)] {
            let persons = makePeople(people, subject: subject, category: category.id)
            for (index, person) in persons.enumerated() {
                records[index % reviews].people.append(person)
            }
        }
        return records
    }

    static func makePeople(_ people: People, subject: Subject, category: String) -> [Person] {
        let total = max(people.genderCount, people.ethnicityCount, people.age.notReported)
        precondition(
            people.genderCount == total && people.ethnicityCount == total,
            "fixture: \(subject) counts of \(category) do not add up")
        for entry in people.gender {
            precondition(entry.id == "not-reported" || Gender(rawValue: entry.id) != nil, "fixture: gender \(entry.id)")
        }
        for entry in people.ethnicity {
            precondition(entry.id == "not-reported" || Ethnicity(rawValue: entry.id) != nil, "fixture: ethnicity \(entry.id)")
        }
        let genders = people.gender.flatMap { Array(repeating: Gender(rawValue: $0.id), count: $0.count) }
        let ethnicities = people.ethnicity.flatMap { Array(repeating: Ethnicity(rawValue: $0.id), count: $0.count) }
        return (0..<total).map { index in
            var age: Age?
            if let range = people.age.range, index < total - people.age.notReported {
                if people.age.asRange {
                    age = .range(range.lowerBound, range.upperBound)
                } else {
                    age = .years(index == 0 ? range.lowerBound : index == 1 ? range.upperBound : (range.lowerBound + range.upperBound) / 2)
                }
            }
            return Person(
                subject: subject, name: "\(subject.rawValue.capitalized) \(index + 1)",
                gender: genders[index], age: age, ethnicity: ethnicities[index])
        }
    }
}
