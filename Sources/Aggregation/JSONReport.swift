import ReviewModel

extension AggregateReport {
    /// The report as JSON (an interface other tools read):
    /// `{"categories": [{"id", "reviews", "victims": {"people", "gender", "ethnicity", "ageRange",
    /// "ageNotReported"}, "perpetrators", "victimCharacteristics": [{"tag", "count"}],
    /// "perpetratorCharacteristics", "relationshipTypes", "relationshipTypesNotReported",
    /// "relationship", "relationshipNotReported", "escalation": [{"tag", "count", "flagged"}],
    /// "reviewTypes": {"dhr": 17}, "outcomes": [{"tag", "count"}]}], "provenance": {"codebookVersion", "codebookHash", "decisions",
    /// "generatedAt", "reviews", "uncategorised", "documentsWithSeveralCoders"},
    /// "options": {...}, "labels": {"tag": "label"}}`. Keys are in a fixed order.
    public func json() -> String {
        var output = ""
        jsonValue().write(to: &output, indent: 0)
        return output + "\n"
    }

    func jsonValue() -> ReportJSON {
        .object([
            ("categories", .array(categories.map(Self.json(category:)))),
            ("provenance", .object([
                ("codebookVersion", .string(provenance.codebookVersion)),
                ("codebookHash", provenance.codebookHash.map(ReportJSON.string) ?? .null),
                ("decisions", .int(provenance.decisions)),
                ("generatedAt", .string(provenance.generatedAtText)),
                ("reviews", .int(recordsCounted)),
                ("uncategorised", .int(uncategorised.count)),
                ("documentsWithSeveralCoders", .int(documentsWithSeveralCoders.count)),
            ])),
            ("options", .object([
                ("top", .int(options.top)),
                ("minCases", .int(options.minCases)),
                ("reviewType", options.reviewType.map(ReportJSON.string) ?? .null),
                ("coder", options.coder.map(ReportJSON.string) ?? .null),
            ])),
            ("labels", .object(labels.keys.sorted().map { ($0.description, .string(labels[$0]!)) })),
        ])
    }

    static func json(category: CategoryAggregate) -> ReportJSON {
        func counts(_ rows: [TagCount]) -> ReportJSON {
            .array(rows.map { .object([("tag", .string($0.tag.description)), ("count", .int($0.count))]) })
        }
        var reviewTypes = category.reviewTypes.map { ($0.id, ReportJSON.int($0.count)) }
        if category.reviewTypeNotReported > 0 { reviewTypes.append(("not-reported", .int(category.reviewTypeNotReported))) }
        return .object([
            ("id", .string(category.id)),
            ("reviews", .int(category.reviews)),
            ("victims", json(people: category.victims)),
            ("perpetrators", json(people: category.perpetrators)),
            ("victimCharacteristics", counts(category.victimCharacteristics)),
            ("perpetratorCharacteristics", counts(category.perpetratorCharacteristics)),
            ("relationshipTypes", counts(category.relationshipTypes)),
            ("relationshipTypesNotReported", .int(category.relationshipTypesNotReported)),
            ("relationship", counts(category.relationship)),
            ("relationshipNotReported", .int(category.relationshipNotReported)),
            ("escalation", .array(category.escalation.map {
                .object([("tag", .string($0.tag.description)), ("count", .int($0.count)), ("flagged", .bool($0.flagged))])
            })),
            ("reviewTypes", .object(reviewTypes)),
            ("outcomes", counts(category.outcomes)),
        ])
    }

    static func json(people: PeopleSummary) -> ReportJSON {
        .object([
            ("people", .int(people.people)),
            ("gender", .object(Gender.allCases.map { ($0.rawValue, .int(people.count($0))) }
                + [("not-reported", .int(people.genderNotReported))])),
            ("ethnicity", .object(Ethnicity.allCases.map { ($0.rawValue, .int(people.count($0))) }
                + [("not-reported", .int(people.ethnicityNotReported))])),
            ("ageRange", people.ageRange.map { .array([.int($0.lowerBound), .int($0.upperBound)]) } ?? .null),
            ("ageNotReported", .int(people.ageNotReported)),
        ])
    }
}

/// A JSON value whose objects keep their key order, so the report's JSON is stable and diffable.
enum ReportJSON: Sendable {
    case object([(String, ReportJSON)])
    case array([ReportJSON])
    case string(String)
    case int(Int)
    case bool(Bool)
    case null

    func write(to output: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch self {
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{\n"
            for (index, (key, value)) in members.enumerated() {
                output += pad + Self.quoted(key) + ": "
                value.write(to: &output, indent: indent + 1)
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            output += closePad + "}"
        case .array(let items):
            guard !items.isEmpty else { output += "[]"; return }
            if items.allSatisfy(\.isScalar) {
                output += "[" + items.map { item in
                    var text = ""
                    item.write(to: &text, indent: 0)
                    return text
                }.joined(separator: ", ") + "]"
                return
            }
            output += "[\n"
            for (index, item) in items.enumerated() {
                output += pad
                item.write(to: &output, indent: indent + 1)
                output += index == items.count - 1 ? "\n" : ",\n"
            }
            output += closePad + "]"
        case .string(let text): output += Self.quoted(text)
        case .int(let value): output += String(value)
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .object, .array: false
        default: true
        }
    }

    static func quoted(_ text: String) -> String { JSONString.quoted(text) }
}
