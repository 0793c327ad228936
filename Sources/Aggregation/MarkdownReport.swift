import ReviewModel

extension AggregateReport {
    /// The report as Markdown shaped like Tables 3 to 6 of the reference analysis: one column
    /// per category, codebook labels, counts in brackets, ticks for flagged escalation.
    public func markdown() -> String {
        var lines: [String] = []
        lines.append("# Case review aggregate")
        lines.append("")
        lines.append(ReportText.provenanceSentence(self))
        lines.append("")

        let header = ["Category"] + categories.map { "\(label($0.tag))<br>\($0.reviews) review\($0.reviews == 1 ? "" : "s")" }

        lines.append("## Reviews by type and outcome")
        lines.append("")
        lines += table(header: header, rows: [
            ["Review types"] + categories.map { $0.isEmpty ? ReportText.noInformation : ReportText.reviewTypes($0, report: self) },
            ["Outcomes"] + categories.map { $0.isEmpty || $0.outcomes.isEmpty ? ReportText.noInformation : countList($0.outcomes, bold: []) },
        ])

        for (title, subject) in [("Table 3. Victim characteristics", Subject.victim), ("Table 4. Perpetrator characteristics", .perpetrator)] {
            lines.append("## \(title)")
            lines.append("")
            let people = { (category: CategoryAggregate) in subject == .victim ? category.victims : category.perpetrators }
            let top = { (category: CategoryAggregate) in
                subject == .victim ? category.victimCharacteristics : category.perpetratorCharacteristics
            }
            let recurring = recurringCharacteristics(subject)
            lines += table(header: header, rows: [
                ["Gender"] + categories.map { peopleCell($0, people($0), ReportText.gender) },
                ["Age range"] + categories.map { peopleCell($0, people($0), ReportText.age) },
                ["Ethnicity"] + categories.map { peopleCell($0, people($0), ReportText.ethnicity) },
                ["Most commonly occurring \(subject.rawValue) characteristics"] + categories.map { category in
                    category.isEmpty ? ReportText.noInformation : countList(top(category), bold: recurring)
                },
            ])
            lines.append(ReportText.recurringNote)
            lines.append("")
        }

        lines.append("## Table 5. Relationship between victim and perpetrator")
        lines.append("")
        lines += table(header: header, rows: [
            ["Relationship of perpetrator to victim"] + categories.map {
                relationshipCell($0, rows: $0.relationshipTypes, notKnown: $0.relationshipTypesNotReported)
            },
            ["Characteristics of the relationship"] + categories.map {
                relationshipCell($0, rows: $0.relationship, notKnown: $0.relationshipNotReported)
            },
        ])

        lines.append("## Table 6. Events occurring in progression towards incidents")
        lines.append("")
        let escalationHeader = ["Feature of escalation towards incident"] + header.dropFirst()
        lines += table(header: escalationHeader, rows: escalationRows().map { tag in
            [label(tag)] + categories.map { escalationCell($0, tag: tag) }
        })
        lines.append("\(ReportText.tick): present in at least \(options.minCases) reviews of the category; "
            + "numbers in brackets count reviews.")
        lines.append("")
        return lines.joined(separator: "\n")
    }

    /// The escalation tags present in any category, in taxonomy order.
    func escalationRows() -> [TagID] {
        let present = Set(categories.flatMap { $0.escalation.map(\.tag) })
        return present.sorted { Self.taxonomyRank($0) != Self.taxonomyRank($1)
            ? Self.taxonomyRank($0) < Self.taxonomyRank($1) : $0 < $1 }
    }

    private func table(header: [String], rows: [[String]]) -> [String] {
        var lines = ["| " + header.map(markdownCell).joined(separator: " | ") + " |"]
        lines.append("|" + String(repeating: "---|", count: header.count))
        for row in rows {
            lines.append("| " + row.map(markdownCell).joined(separator: " | ") + " |")
        }
        lines.append("")
        return lines
    }

    private func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    private func peopleCell(_ category: CategoryAggregate, _ people: PeopleSummary, _ render: (PeopleSummary) -> String) -> String {
        category.isEmpty || people.people == 0 ? ReportText.noInformation : render(people)
    }

    private func countList(_ rows: [TagCount], bold: Set<TagID>) -> String {
        guard !rows.isEmpty else { return ReportText.noInformation }
        return rows.map { bold.contains($0.tag) ? "**\(label($0.tag))** (\($0.count))" : "\(label($0.tag)) (\($0.count))" }
            .joined(separator: "<br>")
    }

    private func relationshipCell(_ category: CategoryAggregate, rows: [TagCount], notKnown: Int) -> String {
        guard !category.isEmpty, !rows.isEmpty else { return ReportText.noInformation }
        let listed = rows.map { "\(label($0.tag)) (\($0.count))" } + (notKnown > 0 ? ["Not known (\(notKnown))"] : [])
        return listed.joined(separator: "<br>")
    }

    private func escalationCell(_ category: CategoryAggregate, tag: TagID) -> String {
        guard !category.escalation.isEmpty else { return ReportText.noInformation }
        guard let row = category.escalation.first(where: { $0.tag == tag }) else { return "" }
        return row.flagged ? "\(ReportText.tick) (\(row.count))" : "(\(row.count))"
    }
}
