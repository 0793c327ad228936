import Foundation
import ReviewModel

/// Looks up the human label of a tag (from the codebook), or nil when it has none.
///
/// A closure rather than a `Codebook` so that Aggregation depends only on ReviewModel:
/// `AggregateReport(records: records, labels: { codebook.label(for: $0) }, provenance: ...)`.
public typealias TagLabelLookup = @Sendable (TagID) -> String?

/// What the report counts and how (`revtag aggregate --top --min-cases --review-type --coder`).
public struct AggregateOptions: Sendable, Hashable {
    /// How many victim and perpetrator characteristics each category lists; every
    /// characteristic tied at the N-th count is listed too. 0 lists all of them.
    public var top: Int
    /// An escalation feature is flagged (ticked) in a category when present in at least
    /// this many of its reviews.
    public var minCases: Int
    /// Only count reviews of this review type (a `review-type` id such as `dhr`); nil counts all.
    public var reviewType: String?
    /// Only count records of this coder; nil counts every coder (a document coded by
    /// several coders is then counted once, see ``AggregateReport/documentsWithSeveralCoders``).
    public var coder: String?

    /// Creates options; the defaults are those of the reference tables (top 5, ticks at 2 reviews).
    public init(top: Int = 5, minCases: Int = 2, reviewType: String? = nil, coder: String? = nil) {
        self.top = top
        self.minCases = minCases
        self.reviewType = reviewType
        self.coder = coder
    }
}

/// Where a report's numbers come from: printed in every rendering.
public struct AggregateProvenance: Sendable, Hashable {
    /// The codebook version whose labels (and rules) the report uses.
    public var codebookVersion: String
    /// The codebook's content hash, when known (two codebooks with one version can differ).
    public var codebookHash: String?
    /// How many human decisions the store held when the report was made.
    public var decisions: Int
    /// When the report was made.
    public var generatedAt: Date

    /// Creates provenance.
    public init(codebookVersion: String, codebookHash: String? = nil, decisions: Int, generatedAt: Date = Date()) {
        self.codebookVersion = codebookVersion
        self.codebookHash = codebookHash
        self.decisions = decisions
        self.generatedAt = generatedAt
    }

    /// "2026.1" or "2026.1 (hash 3fa94c0e12ab)": the version with the first 12 characters of the hash.
    public var codebookText: String {
        guard let codebookHash, !codebookHash.isEmpty else { return codebookVersion }
        return "\(codebookVersion) (hash \(codebookHash.prefix(12)))"
    }

    /// `generatedAt` as ISO 8601 in UTC (`2026-11-26T17:30:00Z`).
    public var generatedAtText: String {
        generatedAt.formatted(.iso8601)
    }
}

/// A tag and the number of reviews it occurs in.
public struct TagCount: Sendable, Hashable {
    /// The tag.
    public var tag: TagID
    /// Number of reviews of the category that carry it.
    public var count: Int

    /// Creates a count.
    public init(tag: TagID, count: Int) {
        self.tag = tag
        self.count = count
    }
}

/// An escalation feature, its number of reviews and whether it reaches the tick threshold.
public struct EscalationCount: Sendable, Hashable {
    /// The `escalation/*` tag.
    public var tag: TagID
    /// Number of reviews of the category that carry it.
    public var count: Int
    /// Whether `count >= minCases` (a tick in Table 6).
    public var flagged: Bool

    /// Creates a count.
    public init(tag: TagID, count: Int, flagged: Bool) {
        self.tag = tag
        self.count = count
        self.flagged = flagged
    }
}

/// The demographics of the victims (or of the perpetrators) of one category, counted per person.
public struct PeopleSummary: Sendable, Hashable {
    /// Number of people counted.
    public var people: Int
    /// People per gender; those whose gender the text does not state are in ``genderNotReported``.
    public var gender: [Gender: Int]
    /// People whose gender is not reported.
    public var genderNotReported: Int
    /// People per ethnicity; those whose ethnicity is not stated are in ``ethnicityNotReported``.
    public var ethnicity: [Ethnicity: Int]
    /// People whose ethnicity is not reported.
    public var ethnicityNotReported: Int
    /// Youngest and oldest stated age (a stated range counts with both ends); nil when no age is stated.
    public var ageRange: ClosedRange<Int>?
    /// People whose age is not reported.
    public var ageNotReported: Int

    /// Counts the given people.
    public init(people: [Person]) {
        self.people = people.count
        var gender: [Gender: Int] = [:]
        var ethnicity: [Ethnicity: Int] = [:]
        var genderNotReported = 0
        var ethnicityNotReported = 0
        var ageNotReported = 0
        var low: Int?
        var high: Int?
        for person in people {
            if let value = person.gender { gender[value, default: 0] += 1 } else { genderNotReported += 1 }
            if let value = person.ethnicity { ethnicity[value, default: 0] += 1 } else { ethnicityNotReported += 1 }
            if let age = person.age {
                low = min(low ?? age.lowerBound, age.lowerBound)
                high = max(high ?? age.upperBound, age.upperBound)
            } else {
                ageNotReported += 1
            }
        }
        self.gender = gender
        self.genderNotReported = genderNotReported
        self.ethnicity = ethnicity
        self.ethnicityNotReported = ethnicityNotReported
        self.ageNotReported = ageNotReported
        if let low, let high { self.ageRange = low...high } else { self.ageRange = nil }
    }

    /// The count of one gender (0 when none).
    public func count(_ value: Gender) -> Int { gender[value] ?? 0 }
    /// The count of one ethnicity (0 when none).
    public func count(_ value: Ethnicity) -> Int { ethnicity[value] ?? 0 }
}

/// The figures of one category (one column of Tables 3 to 6).
public struct CategoryAggregate: Sendable, Hashable {
    /// The category id (`intimate-partner-violence`).
    public var id: String
    /// The category as a tag (`category/intimate-partner-violence`), for its label.
    public var tag: TagID { TagID(facet: Taxonomy.categoryFacet, id: id) }
    /// Number of reviews (case records) of the category.
    public var reviews: Int
    /// Victims' demographics (Table 3).
    public var victims: PeopleSummary
    /// Perpetrators' demographics (Table 4).
    public var perpetrators: PeopleSummary
    /// The most common victim characteristics, per review, ties at the cut included (Table 3).
    public var victimCharacteristics: [TagCount]
    /// The most common perpetrator characteristics, per review, ties at the cut included (Table 4).
    public var perpetratorCharacteristics: [TagCount]
    /// Every characteristic with its subject and number of reviews (no cut), for tidy output.
    public var allCharacteristics: [CharacteristicCount]
    /// Relationship of the perpetrator to the victim (Table 5).
    public var relationshipTypes: [TagCount]
    /// Reviews with no `relationship-type` tag ("not known").
    public var relationshipTypesNotReported: Int
    /// Characteristics of the relationship (Table 5).
    public var relationship: [TagCount]
    /// Reviews with no `relationship` tag ("not known").
    public var relationshipNotReported: Int
    /// Escalation features present in any review, flagged at the threshold (Table 6).
    public var escalation: [EscalationCount]
    /// Reviews per review-type id, in taxonomy order (types without reviews left out).
    public var reviewTypes: [ReviewTypeCount]
    /// Outcomes (`outcome/*`: homicide, suicide ...) per review, largest first.
    public var outcomes: [TagCount]
    /// Reviews with no review type.
    public var reviewTypeNotReported: Int

    /// Whether the category has no reviews ("No information" in every table).
    public var isEmpty: Bool { reviews == 0 }
}

/// A characteristic, whose it is, and the number of reviews it occurs in.
public struct CharacteristicCount: Sendable, Hashable {
    /// Victim, perpetrator, or unknown.
    public var subject: Subject
    /// The `characteristic/*` tag.
    public var tag: TagID
    /// Number of reviews of the category that carry it with this subject.
    public var count: Int

    /// Creates a count.
    public init(subject: Subject, tag: TagID, count: Int) {
        self.subject = subject
        self.tag = tag
        self.count = count
    }
}

/// A review type and its number of reviews.
public struct ReviewTypeCount: Sendable, Hashable {
    /// The review-type id (`dhr`).
    public var id: String
    /// Number of reviews.
    public var count: Int

    /// Creates a count.
    public init(id: String, count: Int) {
        self.id = id
        self.count = count
    }
}

/// Tables 3 to 6 of the reference analysis computed from coded reviews: per category
/// (the six of ``Taxonomy/categoryOrder``), demographics, top characteristics with ties,
/// relationships, escalation with ticks and review types.
///
/// ```swift
/// let report = AggregateReport(
///     records: try store.caseRecords(coder: nil),
///     labels: { codebook.label(for: $0) },
///     provenance: AggregateProvenance(codebookVersion: codebook.version, decisions: try store.decisionCount()))
/// let markdown = report.markdown()
/// ```
public struct AggregateReport: Sendable {
    /// The six categories in report order, each present even without reviews.
    public var categories: [CategoryAggregate]
    /// Codebook version, decisions, time.
    public var provenance: AggregateProvenance
    /// The options the report was made with.
    public var options: AggregateOptions
    /// Number of case records counted (after the review-type and coder filters, one per document).
    public var recordsCounted: Int
    /// Records left out because they have no category or one outside the six.
    public var uncategorised: [String]
    /// Documents coded by more than one coder (no `--coder` given): counted once, with the
    /// union of the coders' tags and the people of the first coder in name order.
    public var documentsWithSeveralCoders: [String]
    /// Labels of every tag the report mentions (codebook label, else the id made readable).
    public var labels: [TagID: String]

    /// Computes the report.
    /// - Parameters:
    ///   - records: Case records, typically `AnnotationStore.caseRecords(coder:)`.
    ///   - labels: The codebook's label lookup; tags without a label are shown as their id made readable.
    ///   - provenance: Codebook version, number of decisions and time, printed in every output.
    ///   - options: Top N, tick threshold, review-type and coder filters.
    public init(
        records: [CaseRecord], labels: TagLabelLookup = { _ in nil }, provenance: AggregateProvenance,
        options: AggregateOptions = AggregateOptions()
    ) {
        self.provenance = provenance
        self.options = options

        var filtered = records
        if let coder = options.coder { filtered = filtered.filter { $0.coder == coder } }
        if let reviewType = options.reviewType { filtered = filtered.filter { $0.reviewType == reviewType } }
        let (merged, several) = Self.oneRecordPerDocument(filtered)
        self.documentsWithSeveralCoders = several

        let known = Set(Taxonomy.categoryOrder)
        var byCategory: [String: [CaseRecord]] = [:]
        var uncategorised: [String] = []
        for record in merged {
            if let category = record.category, known.contains(category) {
                byCategory[category, default: []].append(record)
            } else {
                uncategorised.append(record.document)
            }
        }
        self.uncategorised = uncategorised
        self.recordsCounted = merged.count - uncategorised.count
        self.categories = Taxonomy.categoryOrder.map { id in
            Self.aggregate(category: id, records: byCategory[id] ?? [], options: options)
        }

        var labelTable: [TagID: String] = [:]
        var mentioned = Set<TagID>(Taxonomy.categoryOrder.map { TagID(facet: Taxonomy.categoryFacet, id: $0) })
        mentioned.formUnion(Taxonomy.reviewTypes.map { TagID(facet: Taxonomy.reviewTypeFacet, id: $0) })
        for category in categories {
            mentioned.formUnion(category.allCharacteristics.map(\.tag))
            mentioned.formUnion(category.relationshipTypes.map(\.tag))
            mentioned.formUnion(category.relationship.map(\.tag))
            mentioned.formUnion(category.escalation.map(\.tag))
            mentioned.formUnion(category.outcomes.map(\.tag))
        }
        for tag in mentioned {
            labelTable[tag] = labels(tag) ?? Self.readable(tag)
        }
        self.labels = labelTable
    }

    /// The label of a tag: the codebook's, else its id made readable (`alcohol-misuse` -> `Alcohol misuse`).
    public func label(_ tag: TagID) -> String {
        labels[tag] ?? Self.readable(tag)
    }

    /// The characteristics among the most common (the top lists) of two or more categories
    /// for this subject: printed in bold, as the reference tables do.
    public func recurringCharacteristics(_ subject: Subject) -> Set<TagID> {
        var seen: [TagID: Int] = [:]
        for category in categories {
            let top = subject == .victim ? category.victimCharacteristics : category.perpetratorCharacteristics
            for entry in top { seen[entry.tag, default: 0] += 1 }
        }
        return Set(seen.filter { $0.value >= 2 }.keys)
    }

    /// The aggregate of one category id, or nil for an id outside the six.
    public func category(_ id: String) -> CategoryAggregate? {
        categories.first { $0.id == id }
    }

    /// An id made readable: `born-outside-uk` -> `Born outside UK`.
    static func readable(_ tag: TagID) -> String {
        let words = tag.id.split(separator: "-").map(String.init)
        let shaped = words.enumerated().map { index, word -> String in
            if ["uk", "dhr", "scr", "sar", "iir"].contains(word) { return word.uppercased() }
            return index == 0 ? word.prefix(1).uppercased() + word.dropFirst() : word
        }
        return shaped.joined(separator: " ")
    }

    /// Merges records of the same document (several coders) into one: tag union, people of the
    /// first coder in name order. Keeps the first-seen order of documents.
    static func oneRecordPerDocument(_ records: [CaseRecord]) -> (records: [CaseRecord], several: [String]) {
        var order: [String] = []
        var groups: [String: [CaseRecord]] = [:]
        for record in records {
            if groups[record.document] == nil { order.append(record.document) }
            groups[record.document, default: []].append(record)
        }
        var several: [String] = []
        let merged = order.map { document -> CaseRecord in
            let group = groups[document]!.sorted { ($0.coder ?? "\u{10FFFF}") < ($1.coder ?? "\u{10FFFF}") }
            guard group.count > 1 else { return group[0] }
            several.append(document)
            var record = group[0]
            var seen = Set(record.tags.map(\.key))
            for other in group.dropFirst() {
                record.reviewType = record.reviewType ?? other.reviewType
                record.category = record.category ?? other.category
                for entry in other.tags where seen.insert(entry.key).inserted {
                    record.tags.append(entry)
                }
            }
            return record
        }
        return (merged, several)
    }

    static func aggregate(category id: String, records: [CaseRecord], options: AggregateOptions) -> CategoryAggregate {
        // Per review: each distinct (tag, subject) counts once per record.
        var counts: [TagKey: Int] = [:]
        var withRelationshipType = 0
        var withRelationship = 0
        var reviewTypeCounts: [String: Int] = [:]
        var reviewTypeNotReported = 0
        var victims: [Person] = []
        var perpetrators: [Person] = []
        for record in records {
            let keys = Set(record.tags.map(\.key))
            for key in keys { counts[key, default: 0] += 1 }
            if keys.contains(where: { $0.tag.facet == "relationship-type" }) { withRelationshipType += 1 }
            if keys.contains(where: { $0.tag.facet == "relationship" }) { withRelationship += 1 }
            if let reviewType = record.reviewType {
                reviewTypeCounts[reviewType, default: 0] += 1
            } else {
                reviewTypeNotReported += 1
            }
            victims += record.people.filter { $0.subject == .victim }
            perpetrators += record.people.filter { $0.subject == .perpetrator }
        }

        func counted(facet: String, subject: Subject? = nil) -> [TagCount] {
            let rows = counts.compactMap { key, count -> TagCount? in
                guard key.tag.facet == facet, key.subject == subject else { return nil }
                return TagCount(tag: key.tag, count: count)
            }
            return rows.sorted(by: Self.byCountThenTaxonomy)
        }

        var all: [CharacteristicCount] = []
        for subject in Subject.allCases {
            all += counted(facet: Taxonomy.characteristicFacet, subject: subject).map {
                CharacteristicCount(subject: subject, tag: $0.tag, count: $0.count)
            }
        }
        let reviewTypeIDs = Taxonomy.reviewTypes + reviewTypeCounts.keys.filter { !Taxonomy.reviewTypes.contains($0) }.sorted()
        return CategoryAggregate(
            id: id,
            reviews: records.count,
            victims: PeopleSummary(people: victims),
            perpetrators: PeopleSummary(people: perpetrators),
            victimCharacteristics: topWithTies(counted(facet: Taxonomy.characteristicFacet, subject: .victim), top: options.top),
            perpetratorCharacteristics: topWithTies(
                counted(facet: Taxonomy.characteristicFacet, subject: .perpetrator), top: options.top),
            allCharacteristics: all,
            relationshipTypes: counted(facet: "relationship-type"),
            relationshipTypesNotReported: records.count - withRelationshipType,
            relationship: counted(facet: "relationship"),
            relationshipNotReported: records.count - withRelationship,
            escalation: counted(facet: "escalation").map {
                EscalationCount(tag: $0.tag, count: $0.count, flagged: $0.count >= options.minCases)
            },
            reviewTypes: reviewTypeIDs.compactMap { id in
                reviewTypeCounts[id].map { ReviewTypeCount(id: id, count: $0) }
            },
            outcomes: counted(facet: "outcome"),
            reviewTypeNotReported: reviewTypeNotReported
        )
    }

    /// The first `top` rows of a list sorted by count, plus every row tied with the last of
    /// them; `top <= 0` keeps all rows.
    static func topWithTies(_ sorted: [TagCount], top: Int) -> [TagCount] {
        guard top > 0, sorted.count > top else { return sorted }
        let cut = sorted[top - 1].count
        return sorted.filter { $0.count >= cut }
    }

    /// Count descending, then the order of the taxonomy (codebook additions after, by id).
    static func byCountThenTaxonomy(_ lhs: TagCount, _ rhs: TagCount) -> Bool {
        if lhs.count != rhs.count { return lhs.count > rhs.count }
        let left = taxonomyRank(lhs.tag)
        let right = taxonomyRank(rhs.tag)
        if left != right { return left < right }
        return lhs.tag < rhs.tag
    }

    private static let ranks: [TagID: Int] = Dictionary(
        uniqueKeysWithValues: Taxonomy.allTags.enumerated().map { ($1, $0) })

    static func taxonomyRank(_ tag: TagID) -> Int { ranks[tag] ?? Int.max }
}
