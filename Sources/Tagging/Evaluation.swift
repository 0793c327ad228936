import ReviewModel

/// Precision, recall and F1 of suggestions against gold annotations, counted over
/// (tag, subject) pairs per document, with category, review-type, subject-attribution and
/// demographic accuracy.
///
/// ```swift
/// let evaluation = Evaluation(cases: [(gold: record, result: tagger.tag(document))])
/// print(evaluation.micro.f1)
/// ```
public struct Evaluation: Sendable, Codable {
    /// True positives, false positives and false negatives, with the derived scores.
    public struct Counts: Sendable, Codable, Hashable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0

        public init() {}

        public var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        public var recall: Double {
            truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        }
        public var f1: Double {
            let p = precision
            let r = recall
            return p + r == 0 ? 0 : 2 * p * r / (p + r)
        }
        /// Gold pairs (true positives plus false negatives).
        public var support: Int { truePositives + falseNegatives }

        static func += (lhs: inout Counts, rhs: Counts) {
            lhs.truePositives += rhs.truePositives
            lhs.falsePositives += rhs.falsePositives
            lhs.falseNegatives += rhs.falseNegatives
        }
    }

    /// One wrong pair, for the confusion list.
    public struct Error: Sendable, Codable, Hashable {
        public var document: String
        public var key: String
        /// `missed` (false negative) or `spurious` (false positive).
        public var kind: String
    }

    /// Scores per tag key (`characteristic/alcohol-misuse (perpetrator)` counted under the tag).
    public var perTag: [String: Counts] = [:]
    /// Scores per facet.
    public var perFacet: [String: Counts] = [:]
    /// Micro-averaged scores over every (tag, subject) pair.
    public var micro = Counts()
    /// Characteristic pairs whose tag was suggested: how many had the gold subject.
    public var subjectCorrect = 0
    public var subjectTotal = 0
    /// Documents with a gold category, and how many the suggestion got right.
    public var categoryCorrect = 0
    public var categoryTotal = 0
    public var reviewTypeCorrect = 0
    public var reviewTypeTotal = 0
    /// Demographic values stated in the gold, and how many were found exactly.
    public var demographicsCorrect = 0
    public var demographicsTotal = 0
    /// Every wrong pair.
    public var errors: [Error] = []
    public var documents = 0

    /// Scores the results against the gold records.
    public init(cases: [(gold: CaseRecord, result: TaggingResult)]) {
        for (gold, result) in cases {
            documents += 1
            let goldKeys = Set(gold.tags.map(\.key).filter { $0.tag.facet != Taxonomy.reviewTypeFacet && $0.tag.facet != Taxonomy.categoryFacet })
            let suggested = Set(result.suggestions.map(\.key))
            // In a fixed order, so that the error list (and every report) is the same run after run.
            for key in goldKeys.union(suggested).sorted(by: { $0.description < $1.description }) {
                var counts = Counts()
                let inGold = goldKeys.contains(key)
                let inSuggested = suggested.contains(key)
                if inGold && inSuggested { counts.truePositives = 1 }
                if inGold && !inSuggested {
                    counts.falseNegatives = 1
                    errors.append(Error(document: gold.document, key: key.description, kind: "missed"))
                }
                if !inGold && inSuggested {
                    counts.falsePositives = 1
                    errors.append(Error(document: gold.document, key: key.description, kind: "spurious"))
                }
                perTag[key.tag.description, default: Counts()] += counts
                perFacet[key.tag.facet, default: Counts()] += counts
                micro += counts
            }
            // Subject attribution: gold characteristic pairs whose tag was suggested at all.
            for key in goldKeys where key.tag.takesSubject {
                let subjects = Set(result.suggestions.filter { $0.tag == key.tag }.compactMap(\.subject))
                guard !subjects.isEmpty else { continue }
                subjectTotal += 1
                if subjects.contains(key.subject ?? .unknown) { subjectCorrect += 1 }
            }
            if let category = gold.category {
                categoryTotal += 1
                if result.category?.id == category { categoryCorrect += 1 }
            }
            if let type = gold.reviewType {
                reviewTypeTotal += 1
                if result.reviewType?.id == type { reviewTypeCorrect += 1 }
            }
            for person in gold.people where person.subject != .unknown {
                // The suggested person of that subject with the gold name, else the first of it
                // (a review may have two victims or two perpetrators).
                let sameSubject = result.people.filter { $0.subject == person.subject }
                let found = sameSubject.first { found in
                    guard let name = person.name, let suggested = found.name else { return false }
                    return name.lowercased() == suggested.lowercased()
                } ?? sameSubject.first
                if let gender = person.gender {
                    demographicsTotal += 1
                    if found?.gender == gender { demographicsCorrect += 1 }
                }
                if let age = person.age {
                    demographicsTotal += 1
                    if found?.age == age { demographicsCorrect += 1 }
                }
                if let ethnicity = person.ethnicity {
                    demographicsTotal += 1
                    if found?.ethnicity == ethnicity { demographicsCorrect += 1 }
                }
            }
        }
    }

    /// Share of attributed characteristic tags with the gold subject.
    public var subjectAccuracy: Double { subjectTotal == 0 ? 1 : Double(subjectCorrect) / Double(subjectTotal) }
    /// Share of documents with the gold category.
    public var categoryAccuracy: Double { categoryTotal == 0 ? 1 : Double(categoryCorrect) / Double(categoryTotal) }
    /// Share of documents with the gold review type.
    public var reviewTypeAccuracy: Double { reviewTypeTotal == 0 ? 1 : Double(reviewTypeCorrect) / Double(reviewTypeTotal) }
    /// Share of gold demographic values found exactly.
    public var demographicsAccuracy: Double {
        demographicsTotal == 0 ? 1 : Double(demographicsCorrect) / Double(demographicsTotal)
    }

    /// The tags with the lowest F1 (ties broken by more errors), at most `limit`.
    public func worstTags(_ limit: Int = 15) -> [(tag: String, counts: Counts)] {
        perTag.map { ($0.key, $0.value) }
            .filter { $0.1.falsePositives + $0.1.falseNegatives > 0 }
            .sorted {
                if $0.1.f1 != $1.1.f1 { return $0.1.f1 < $1.1.f1 }
                let errors = ($0.1.falsePositives + $0.1.falseNegatives, $1.1.falsePositives + $1.1.falseNegatives)
                if errors.0 != errors.1 { return errors.0 > errors.1 }
                return $0.0 < $1.0
            }
            .prefix(limit)
            .map { (tag: $0.0, counts: $0.1) }
    }
}
