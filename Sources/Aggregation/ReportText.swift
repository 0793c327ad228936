import ReviewModel

/// The output formats of `revtag aggregate`.
public enum AggregateFormat: String, CaseIterable, Sendable {
    case markdown
    case csv
    case json
    case html

    /// The usual file extension of the format.
    public var fileExtension: String {
        switch self {
        case .markdown: "md"
        case .csv: "csv"
        case .json: "json"
        case .html: "html"
        }
    }
}

extension AggregateReport {
    /// Renders the report in one of the formats.
    public func render(_ format: AggregateFormat) -> String {
        switch format {
        case .markdown: markdown()
        case .csv: csv()
        case .json: json()
        case .html: html()
        }
    }
}

/// Wording shared by the Markdown and HTML renderers (one place, so both say the same).
enum ReportText {
    static let noInformation = "No information"
    static let notReported = "Not reported"
    static let tick = "\u{2713}"
    static let recurringNote = "**Bold**: among the most common characteristics in two or more categories. "
        + "Characteristics count reviews; gender, age and ethnicity count people."

    static func genderLabel(_ gender: Gender) -> String {
        switch gender {
        case .female: "female"
        case .male: "male"
        }
    }

    static func ethnicityLabel(_ ethnicity: Ethnicity) -> String {
        switch ethnicity {
        case .white: "White"
        case .asian: "Asian/Asian British"
        case .black: "Black/Black British"
        case .mixed: "Mixed"
        case .other: "Other"
        }
    }

    /// "15 female, 2 male, 0 not reported": largest first, not reported always shown last.
    static func gender(_ people: PeopleSummary) -> String {
        genderParts(people).joined(separator: ", ")
    }

    /// The parts of ``gender(_:)``.
    static func genderParts(_ people: PeopleSummary) -> [String] {
        let parts = Gender.allCases
            .map { (label: genderLabel($0), count: people.count($0)) }
            .filter { $0.count > 0 }
            .sorted { $0.count > $1.count }
            .map { "\($0.count) \($0.label)" }
        return parts + ["\(people.genderNotReported) not reported"]
    }

    /// "White (5), Asian/Asian British (3), Not reported (5)": largest first, not reported always shown last.
    static func ethnicity(_ people: PeopleSummary) -> String {
        ethnicityParts(people).joined(separator: ", ")
    }

    /// The parts of ``ethnicity(_:)``.
    static func ethnicityParts(_ people: PeopleSummary) -> [String] {
        let parts = Ethnicity.allCases
            .map { (label: ethnicityLabel($0), count: people.count($0)) }
            .filter { $0.count > 0 }
            .sorted { $0.count > $1.count }
            .map { "\($0.label) (\($0.count))" }
        return parts + ["\(notReported) (\(people.ethnicityNotReported))"]
    }

    /// "18–44", "18–44; not reported (2)" or "Not reported (3)".
    static func age(_ people: PeopleSummary) -> String {
        guard let range = people.ageRange else { return "\(notReported) (\(people.ageNotReported))" }
        let span = range.lowerBound == range.upperBound
            ? "\(range.lowerBound)" : "\(range.lowerBound)\u{2013}\(range.upperBound)"
        return people.ageNotReported > 0 ? "\(span); not reported (\(people.ageNotReported))" : span
    }

    /// "SCR (5), SAR (3)".
    static func reviewTypes(_ category: CategoryAggregate, report: AggregateReport) -> String {
        var parts = category.reviewTypes.map {
            "\(report.label(TagID(facet: Taxonomy.reviewTypeFacet, id: $0.id))) (\($0.count))"
        }
        if category.reviewTypeNotReported > 0 { parts.append("\(notReported) (\(category.reviewTypeNotReported))") }
        return parts.joined(separator: ", ")
    }

    /// One line saying what the report was made from.
    static func provenanceSentence(_ report: AggregateReport) -> String {
        let provenance = report.provenance
        let records = report.recordsCounted
        var sentence = "Made from \(records) review\(records == 1 ? "" : "s") with codebook version "
            + "\(provenance.codebookText) and \(provenance.decisions) decision\(provenance.decisions == 1 ? "" : "s") "
            + "in the store, generated at \(provenance.generatedAtText)."
        sentence += " " + optionsSentence(report.options)
        if !report.uncategorised.isEmpty {
            sentence += " \(report.uncategorised.count) record\(report.uncategorised.count == 1 ? "" : "s") without a category "
                + "left out."
        }
        if !report.documentsWithSeveralCoders.isEmpty {
            sentence += " \(report.documentsWithSeveralCoders.count) document\(report.documentsWithSeveralCoders.count == 1 ? "" : "s") "
                + "coded by several coders counted once (tags of all coders); use --coder to choose one."
        }
        return sentence
    }

    static func optionsSentence(_ options: AggregateOptions) -> String {
        var parts: [String] = []
        parts.append(options.top > 0
            ? "Top \(options.top) characteristics per category, every characteristic tied at the cut included"
            : "All characteristics listed")
        parts.append("escalation ticked when present in at least \(options.minCases) review\(options.minCases == 1 ? "" : "s")")
        if let reviewType = options.reviewType { parts.append("review type \(reviewType) only") }
        if let coder = options.coder { parts.append("coder \(coder) only") }
        return parts.joined(separator: "; ") + ". Counts in brackets are numbers of reviews, except gender, age and ethnicity (people)."
    }
}
