import ReviewModel

extension AggregateReport {
    /// The report as one self-contained HTML file: Tables 3 to 6 and an SVG bar chart of the
    /// victim and perpetrator characteristics of each category. No scripts, no fonts, no
    /// network access; a print style sheet lays it out on landscape A4.
    public func html() -> String {
        var body: [String] = []
        body.append("<header>")
        body.append("<h1>Case review aggregate</h1>")
        body.append("<p class=\"provenance\">Codebook version <strong>\(escape(provenance.codebookText))</strong>"
            + " &middot; <strong>\(provenance.decisions)</strong> decision\(provenance.decisions == 1 ? "" : "s") in the store"
            + " &middot; <strong>\(recordsCounted)</strong> review\(recordsCounted == 1 ? "" : "s") counted"
            + " &middot; generated <time>\(escape(provenance.generatedAtText))</time></p>")
        body.append("<p class=\"note\">\(escape(ReportText.provenanceSentence(self)))</p>")
        body.append("</header>")
        body.append("<main>")

        for (title, subject) in [("Table 3. Victim characteristics", Subject.victim), ("Table 4. Perpetrator characteristics", .perpetrator)] {
            let people = { (category: CategoryAggregate) in subject == .victim ? category.victims : category.perpetrators }
            let top = { (category: CategoryAggregate) in
                subject == .victim ? category.victimCharacteristics : category.perpetratorCharacteristics
            }
            func peopleCell(_ category: CategoryAggregate, _ render: (PeopleSummary) -> [String]) -> String {
                guard !category.isEmpty, people(category).people > 0 else { return none() }
                return "<ul class=\"counts\">" + render(people(category)).map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
            }
            let recurring = recurringCharacteristics(subject)
            body.append(section(title: title, table: tableHTML(rowHeader: "", rows: [
                ("Gender", categories.map { peopleCell($0, ReportText.genderParts) }),
                ("Age range", categories.map { peopleCell($0, { [ReportText.age($0)] }) }),
                ("Ethnicity", categories.map { peopleCell($0, ReportText.ethnicityParts) }),
                ("Most commonly occurring \(subject.rawValue) characteristics", categories.map {
                    $0.isEmpty || top($0).isEmpty ? none() : countList(top($0), notKnown: 0, bold: recurring)
                }),
            ]), caption: ReportText.recurringNote.replacingOccurrences(of: "**", with: "")))
        }

        body.append(section(title: "Table 5. Relationship between victim and perpetrator", table: tableHTML(rowHeader: "", rows: [
            ("Relationship of perpetrator to victim", categories.map {
                $0.isEmpty || $0.relationshipTypes.isEmpty ? none() : countList($0.relationshipTypes, notKnown: $0.relationshipTypesNotReported)
            }),
            ("Characteristics of the relationship", categories.map {
                $0.isEmpty || $0.relationship.isEmpty ? none() : countList($0.relationship, notKnown: $0.relationshipNotReported)
            }),
        ])))

        let escalationTable = tableHTML(
            rowHeader: "Feature of escalation towards incident",
            rows: escalationRows().map { tag in
                (label(tag), categories.map { category -> String in
                    guard !category.escalation.isEmpty else { return none() }
                    guard let row = category.escalation.first(where: { $0.tag == tag }) else { return "" }
                    return row.flagged
                        ? "<span class=\"tick\" title=\"present in \(row.count) reviews\">\(ReportText.tick)</span> <span class=\"n\">(\(row.count))</span>"
                        : "<span class=\"n\" title=\"below the threshold of \(options.minCases)\">(\(row.count))</span>"
                })
            },
            cellClass: "mark")
        body.append(section(
            title: "Table 6. Events occurring in progression towards incidents",
            table: escalationRows().isEmpty ? "<p class=\"none\">No information</p>" : escalationTable,
            caption: "\(ReportText.tick): present in at least \(options.minCases) reviews of the category; numbers in brackets count reviews."))

        body.append(section(title: "Reviews by type and outcome", table: tableHTML(
            rowHeader: "Category", rows: [
                ("Review types", categories.map { $0.isEmpty ? none() : escape(ReportText.reviewTypes($0, report: self)) }),
                ("Outcomes", categories.map { $0.isEmpty || $0.outcomes.isEmpty ? none() : countList($0.outcomes, notKnown: 0) }),
            ])))

        body.append("<section class=\"charts-section\">")
        body.append("<h2>Characteristics per category</h2>")
        body.append("<p class=\"note\">Bars show the share of the category's reviews in which the characteristic is recorded; "
            + "the number is the count of reviews. "
            + "<span class=\"key victim\">Victim</span> <span class=\"key perpetrator\">Perpetrator</span></p>")
        body.append("<div class=\"charts\">")
        for category in categories {
            body.append(chartFigure(category))
        }
        body.append("</div>")
        body.append("</section>")
        body.append("</main>")
        body.append("<footer>revtag aggregate &middot; codebook version \(escape(provenance.codebookText)) &middot; "
            + "\(provenance.decisions) decisions &middot; \(escape(provenance.generatedAtText))</footer>")

        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Case review aggregate (codebook \(escape(provenance.codebookVersion)))</title>
            <style>
            \(Self.styleSheet)
            </style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    private func none() -> String { "<span class=\"none\">\(ReportText.noInformation)</span>" }

    private func escape(_ text: String) -> String { HTMLText.escape(text) }

    private func section(title: String, table: String, caption: String? = nil) -> String {
        var parts = ["<section>", "<h2>\(escape(title))</h2>", table]
        if let caption { parts.append("<p class=\"note\">\(escape(caption))</p>") }
        parts.append("</section>")
        return parts.joined(separator: "\n")
    }

    private func tableHTML(rowHeader: String, rows: [(String, [String])], cellClass: String? = nil) -> String {
        var html = ["<table>", "<colgroup><col class=\"rowhead\">"
            + String(repeating: "<col>", count: categories.count) + "</colgroup>", "<thead><tr>"]
        html.append("<th scope=\"col\">\(escape(rowHeader))</th>")
        for category in categories {
            html.append("<th scope=\"col\">\(escape(label(category.tag)))"
                + "<span class=\"reviews\">\(category.reviews) review\(category.reviews == 1 ? "" : "s")</span></th>")
        }
        html.append("</tr></thead>")
        html.append("<tbody>")
        for (header, cells) in rows {
            let cellOpen = cellClass.map { "<td class=\"\($0)\">" } ?? "<td>"
            html.append("<tr><th scope=\"row\">\(escape(header))</th>"
                + cells.map { cellOpen + $0 + "</td>" }.joined() + "</tr>")
        }
        html.append("</tbody>")
        html.append("</table>")
        return html.joined(separator: "\n")
    }

    private func countList(_ rows: [TagCount], notKnown: Int, bold: Set<TagID> = []) -> String {
        var items = rows.map { row in
            let text = bold.contains(row.tag) ? "<strong>\(escape(label(row.tag)))</strong>" : escape(label(row.tag))
            return "<li>\(text) <span class=\"n\">(\(row.count))</span></li>"
        }
        if notKnown > 0 { items.append("<li class=\"unknown\">Not known <span class=\"n\">(\(notKnown))</span></li>") }
        return "<ul class=\"counts\">" + items.joined() + "</ul>"
    }

    private func chartFigure(_ category: CategoryAggregate) -> String {
        var parts = ["<figure class=\"category\">"]
        parts.append("<figcaption><strong>\(escape(label(category.tag)))</strong> "
            + "<span class=\"reviews\">\(category.reviews) review\(category.reviews == 1 ? "" : "s")</span></figcaption>")
        if category.isEmpty {
            parts.append("<p class=\"none\">\(ReportText.noInformation)</p>")
        } else {
            parts.append(barChart(title: "Victims", rows: category.victimCharacteristics, reviews: category.reviews, kind: "victim"))
            parts.append(barChart(
                title: "Perpetrators", rows: category.perpetratorCharacteristics, reviews: category.reviews, kind: "perpetrator"))
        }
        parts.append("</figure>")
        return parts.joined(separator: "\n")
    }

    /// A horizontal bar chart: label, bar scaled to the category's reviews, count.
    private func barChart(title: String, rows: [TagCount], reviews: Int, kind: String) -> String {
        guard !rows.isEmpty else {
            return "<h3>\(escape(title))</h3><p class=\"none\">\(ReportText.noInformation)</p>"
        }
        let width = 530
        let labelWidth = 290
        let barSpace = 200
        let rowHeight = 22
        let top = 4
        let height = top + rows.count * rowHeight + 20
        let fill = kind == "victim" ? "#2f6690" : "#b4533a"
        var svg: [String] = []
        let summary = rows.map { "\(label($0.tag)) \($0.count)" }.joined(separator: ", ")
        svg.append("<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "role=\"img\" aria-label=\"\(escape("\(title) characteristics: \(summary), of \(reviews) reviews"))\">")
        // The full-scale track (all reviews of the category) behind each bar.
        for (index, row) in rows.enumerated() {
            let y = top + index * rowHeight
            let barWidth = max(2, Int((Double(row.count) / Double(max(reviews, 1)) * Double(barSpace)).rounded()))
            let fullLabel = label(row.tag)
            let shown = fullLabel.count > 46 ? String(fullLabel.prefix(45)) + "\u{2026}" : fullLabel
            svg.append("<g><title>\(escape("\(fullLabel): \(row.count) of \(reviews) reviews"))</title>")
            svg.append("<text x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\" class=\"label\">\(escape(shown))</text>")
            svg.append("<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(barSpace)\" height=\"16\" fill=\"#eef1f4\"/>")
            svg.append("<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(barWidth)\" height=\"16\" fill=\"\(fill)\"/>")
            svg.append("<text x=\"\(labelWidth + barSpace + 6)\" y=\"\(y + 15)\" class=\"count\">\(row.count)</text>")
            svg.append("</g>")
        }
        let axisY = top + rows.count * rowHeight + 14
        svg.append("<text x=\"\(labelWidth)\" y=\"\(axisY)\" class=\"axis\">0</text>")
        svg.append("<text x=\"\(labelWidth + barSpace)\" y=\"\(axisY)\" text-anchor=\"end\" class=\"axis\">\(reviews) reviews</text>")
        svg.append("</svg>")
        return "<h3>\(escape(title))</h3>\n" + svg.joined(separator: "\n")
    }

    static let styleSheet = """
        :root { --ink: #1d232b; --muted: #5b6570; --rule: #cfd6dd; --head: #eef2f6; --tick: #1d7a46; }
        * { box-sizing: border-box; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          color: var(--ink); background: #fff; margin: 0 auto; max-width: 1240px; padding: 24px 32px 48px;
          font-size: 15px; line-height: 1.4; }
        h1 { font-size: 1.7em; margin: 0 0 4px; }
        h2 { font-size: 1.2em; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
        h3 { font-size: 0.95em; margin: 10px 0 2px; color: var(--muted); font-weight: 600; }
        .provenance { margin: 4px 0; font-size: 1.05em; }
        .note { color: var(--muted); font-size: 0.88em; margin: 6px 0; }
        table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 13px; }
        col.rowhead { width: 14%; }
        th, td { border: 1px solid var(--rule); padding: 6px 8px; vertical-align: top; text-align: left;
          overflow-wrap: anywhere; }
        thead th { background: var(--head); font-weight: 600; }
        thead th .reviews { display: block; font-weight: normal; color: var(--muted); font-size: 0.92em; }
        tbody th { background: #f7f9fb; font-weight: 600; }
        ul.counts { list-style: none; margin: 0; padding: 0; }
        ul.counts li + li { margin-top: 3px; }
        li.unknown { color: var(--muted); }
        .n { color: var(--muted); white-space: nowrap; }
        .none { color: var(--muted); font-style: italic; }
        td.mark { text-align: center; vertical-align: middle; }
        td.mark:has(.tick) { background: #eaf5ee; }
        .tick { color: var(--tick); font-weight: 700; font-size: 1.15em; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
        figure.category { margin: 0; padding: 10px 14px 12px; border: 1px solid var(--rule); border-radius: 6px;
          break-inside: avoid; page-break-inside: avoid; }
        figcaption { font-size: 1.02em; }
        figure.category .none { font-size: 0.9em; margin: 4px 0 8px; }
        figcaption .reviews { color: var(--muted); margin-left: 6px; }
        svg.chart { display: block; max-width: 100%; height: auto; font-size: 12px; }
        svg.chart .label { fill: var(--ink); }
        svg.chart .count { fill: var(--ink); font-weight: 600; }
        svg.chart .axis { fill: var(--muted); font-size: 10px; }
        .key::before { content: ""; display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px;
          vertical-align: baseline; }
        .key.victim::before { background: #2f6690; }
        .key.perpetrator::before { background: #b4533a; }
        footer { margin-top: 32px; color: var(--muted); font-size: 0.85em; border-top: 1px solid var(--rule); padding-top: 8px; }
        @media print {
          @page { size: A4 landscape; margin: 12mm; }
          body { max-width: none; padding: 0; font-size: 10pt; }
          table { font-size: 8.5pt; }
          th, td { padding: 3px 5px; }
          h2 { margin-top: 14px; }
          section { break-inside: avoid; page-break-inside: avoid; }
          .charts-section { break-before: page; page-break-before: always; }
          .charts { grid-template-columns: 1fr 1fr; gap: 8px; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """
}

/// HTML escaping for text and attribute values.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
