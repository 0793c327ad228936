import ReviewModel

extension AggregateReport {
    /// The report in tidy form for R and spreadsheets: one count per row,
    /// `category,table,tag,subject,count`, after `#` comment lines giving the provenance
    /// (read with `readr::read_csv(file, comment = "#")`).
    ///
    /// Tables: `reviews`, `review-type`, `gender`, `ethnicity`, `age` (tags `min`, `max`,
    /// `not-reported`), `characteristic` (every characteristic, subject victim, perpetrator
    /// or unknown), `top-characteristic` (the report's top N with ties), `relationship-type`,
    /// `relationship` (each with a `not-reported` row), `outcome`, `escalation` and `escalation-flagged`.
    public func csv() -> String {
        var rows: [[String]] = [["category", "table", "tag", "subject", "count"]]
        for category in categories {
            let id = category.id
            rows.append([id, "reviews", "", "", String(category.reviews)])
            for entry in category.reviewTypes {
                rows.append([id, "review-type", "\(Taxonomy.reviewTypeFacet)/\(entry.id)", "", String(entry.count)])
            }
            if category.reviewTypeNotReported > 0 {
                rows.append([id, "review-type", "not-reported", "", String(category.reviewTypeNotReported)])
            }
            for (subject, people) in [(Subject.victim, category.victims), (.perpetrator, category.perpetrators)] {
                let who = subject.rawValue
                for gender in Gender.allCases {
                    rows.append([id, "gender", gender.rawValue, who, String(people.count(gender))])
                }
                rows.append([id, "gender", "not-reported", who, String(people.genderNotReported)])
                for ethnicity in Ethnicity.allCases {
                    rows.append([id, "ethnicity", ethnicity.rawValue, who, String(people.count(ethnicity))])
                }
                rows.append([id, "ethnicity", "not-reported", who, String(people.ethnicityNotReported)])
                if let range = people.ageRange {
                    rows.append([id, "age", "min", who, String(range.lowerBound)])
                    rows.append([id, "age", "max", who, String(range.upperBound)])
                }
                rows.append([id, "age", "not-reported", who, String(people.ageNotReported)])
            }
            for entry in category.allCharacteristics {
                rows.append([id, "characteristic", entry.tag.description, entry.subject.rawValue, String(entry.count)])
            }
            for (subject, top) in [(Subject.victim, category.victimCharacteristics), (.perpetrator, category.perpetratorCharacteristics)] {
                for entry in top {
                    rows.append([id, "top-characteristic", entry.tag.description, subject.rawValue, String(entry.count)])
                }
            }
            for entry in category.outcomes {
                rows.append([id, "outcome", entry.tag.description, "", String(entry.count)])
            }
            for entry in category.relationshipTypes {
                rows.append([id, "relationship-type", entry.tag.description, "", String(entry.count)])
            }
            rows.append([id, "relationship-type", "not-reported", "", String(category.relationshipTypesNotReported)])
            for entry in category.relationship {
                rows.append([id, "relationship", entry.tag.description, "", String(entry.count)])
            }
            rows.append([id, "relationship", "not-reported", "", String(category.relationshipNotReported)])
            for entry in category.escalation {
                rows.append([id, "escalation", entry.tag.description, "", String(entry.count)])
            }
            for entry in category.escalation where entry.flagged {
                rows.append([id, "escalation-flagged", entry.tag.description, "", String(entry.count)])
            }
        }
        let comments = [
            "# revtag aggregate: codebook version \(Self.csvCommentSafe(provenance.codebookText)), "
                + "\(provenance.decisions) decisions, \(recordsCounted) reviews, generated at \(provenance.generatedAtText)",
            "# top \(options.top) (ties included), escalation flagged at \(options.minCases) reviews"
                + (options.reviewType.map { ", review type \(Self.csvCommentSafe($0))" } ?? "")
                + (options.coder.map { ", coder \(Self.csvCommentSafe($0))" } ?? ""),
        ]
        return (comments + rows.map { $0.map(Self.csvField).joined(separator: ",") }).joined(separator: "\n") + "\n"
    }

    /// Quotes a field when it holds a comma, quote or line break (RFC 4180).
    static func csvField(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func csvCommentSafe(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }
}
