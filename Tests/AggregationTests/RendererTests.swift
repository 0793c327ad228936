import Foundation
import Testing
import ReviewModel
@testable import Aggregation

@Suite("Renderers")
struct RendererTests {
    let report = AggregateReport(records: ReferenceTables.records(), labels: referenceLabels, provenance: referenceProvenance)

    @Test("every format states the codebook version and the number of decisions", arguments: AggregateFormat.allCases)
    func provenance(format: AggregateFormat) {
        let text = report.render(format)
        #expect(text.contains("2026.11-test"))
        #expect(text.contains("1234"))
        #expect(text.contains(referenceProvenance.generatedAtText))
    }

    @Test("the codebook hash, when given, is printed with the version", arguments: AggregateFormat.allCases)
    func codebookHash(format: AggregateFormat) {
        let hashed = AggregateReport(
            records: [], provenance: AggregateProvenance(codebookVersion: "3.1", codebookHash: "0123456789abcdef0123", decisions: 5))
        let text = hashed.render(format)
        #expect(text.contains(format == .json ? "0123456789abcdef0123" : "3.1 (hash 0123456789ab)"))
    }

    @Test("JSON has the interface's keys and provenance")
    func jsonShape() throws {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let provenance = try #require(root["provenance"] as? [String: Any])
        #expect(provenance["codebookVersion"] as? String == "2026.11-test")
        #expect(provenance["decisions"] as? Int == 1234)
        #expect(provenance["reviews"] as? Int == 64)
        let categories = try #require(root["categories"] as? [[String: Any]])
        let keys: Set<String> = [
            "id", "reviews", "victims", "perpetrators", "victimCharacteristics", "perpetratorCharacteristics",
            "relationshipTypes", "relationship", "escalation", "reviewTypes",
        ]
        for category in categories {
            #expect(keys.isSubset(of: Set(category.keys)))
            let victims = try #require(category["victims"] as? [String: Any])
            let gender = try #require(victims["gender"] as? [String: Int])
            #expect(Set(gender.keys) == ["female", "male", "not-reported"])
            let ethnicity = try #require(victims["ethnicity"] as? [String: Int])
            #expect(Set(ethnicity.keys) == ["white", "asian", "black", "mixed", "other", "not-reported"])
        }
        let csa = try #require(categories.last)
        #expect((csa["perpetrators"] as? [String: Any])?["ageRange"] is NSNull)
        let labels = try #require(root["labels"] as? [String: String])
        #expect(labels["characteristic/english-additional-language"] == "English as a second or additional language")
    }

    @Test("JSON strings are escaped")
    func jsonEscaping() throws {
        let odd = AggregateReport(
            records: [], provenance: AggregateProvenance(codebookVersion: "v\"1\\\n\u{1}", decisions: 0),
            options: AggregateOptions(coder: "Zoë \"Z\""))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(odd.json().utf8)) as? [String: Any])
        #expect((root["provenance"] as? [String: Any])?["codebookVersion"] as? String == "v\"1\\\n\u{1}")
        #expect((root["options"] as? [String: Any])?["coder"] as? String == "Zoë \"Z\"")
    }

    @Test("CSV is tidy: five columns, one count per row, matching the tables")
    func csv() throws {
        let lines = report.csv().split(separator: "\n").map(String.init)
        let comments = lines.prefix { $0.hasPrefix("#") }
        #expect(comments.count == 2)
        #expect(comments[0].contains("codebook version 2026.11-test, 1234 decisions, 64 reviews"))
        let rows = lines.dropFirst(comments.count).map { $0.components(separatedBy: ",") }
        #expect(rows.first == ["category", "table", "tag", "subject", "count"])
        #expect(rows.allSatisfy { $0.count == 5 })
        let data = rows.dropFirst()
        #expect(data.allSatisfy { Int($0[4]) != nil })
        for expected in ReferenceTables.categories {
            let mine = data.filter { $0[0] == expected.id }
            #expect(mine.first { $0[1] == "reviews" }?[4] == String(expected.reviews))
            let topVictim = mine.filter { $0[1] == "top-characteristic" && $0[3] == "victim" }
            #expect(
                Set(topVictim.map { "\($0[2]):\($0[4])" }) == Set(expected.victimTop.map { "characteristic/\($0.id):\($0.count)" }),
                "\(expected.id)")
            let flagged = mine.filter { $0[1] == "escalation-flagged" }
            #expect(Set(flagged.map { $0[2] }) == Set(expected.escalationTicked.map { "escalation/\($0.id)" }), "\(expected.id)")
            let below = expected.victimBelow.map { "characteristic/\($0.id)" }
            let belowRows = mine.filter { $0[1] == "characteristic" && $0[3] == "victim" && below.contains($0[2]) }
            #expect(belowRows.count == below.count, "\(expected.id)")
            #expect(!topVictim.contains { below.contains($0[2]) }, "\(expected.id)")
            let notReported = mine.first { $0[1] == "gender" && $0[2] == "not-reported" && $0[3] == "victim" }
            #expect(notReported?[4] == String(expected.victims.gender.first { $0.id == "not-reported" }?.count ?? 0))
        }
    }

    @Test("CSV fields with commas or quotes are quoted")
    func csvQuoting() {
        #expect(AggregateReport.csvField("plain") == "plain")
        #expect(AggregateReport.csvField("a,b") == "\"a,b\"")
        #expect(AggregateReport.csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
    }

    @Test("Markdown escapes pipes in labels")
    func markdownPipes() {
        let piped = AggregateReport(
            records: ReferenceTables.records(), labels: { $0.id == "alcohol-misuse" ? "Alcohol | drink" : nil },
            provenance: referenceProvenance)
        #expect(piped.markdown().contains("**Alcohol \\| drink** (10)"))
    }

    @Test("HTML is one self-contained file with tables, SVG charts and a print style")
    func htmlSelfContained() throws {
        let html = report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        for forbidden in ["http://", "https://", "<script", "<link", "@import", "url(", "@font-face", "<img", "<iframe"] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.contains("@media print"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        // One chart per side for each category with characteristics; YPV and CSA have no perpetrator ones.
        let charts = ReferenceTables.categories.reduce(0) { $0 + ($1.victimTop.isEmpty ? 0 : 1) + ($1.perpetratorTop.isEmpty ? 0 : 1) }
        #expect(html.components(separatedBy: "<svg").count - 1 == charts)
        #expect(html.contains("Perpetrators characteristics: Alcohol misuse 10, Unemployment 8"))
        let ticks = ReferenceTables.categories.reduce(0) { $0 + $1.escalationTicked.count }
        #expect(html.components(separatedBy: "class=\"tick\"").count - 1 == ticks)
        #expect(html.contains("<table>"))
        #expect(html.components(separatedBy: "<table>").count == html.components(separatedBy: "</table>").count)
    }

    @Test("HTML bars are scaled to the category's reviews")
    func htmlBars() throws {
        let html = report.html()
        // IPV: 17 reviews; alcohol misuse in 10 of them -> 10/17 of the 200-unit track.
        let expectedWidth = Int((10.0 / 17.0 * 200).rounded())
        let chart = try #require(html.components(separatedBy: "<svg").first { $0.contains("Perpetrators characteristics: Alcohol misuse 10") })
        #expect(chart.contains("width=\"\(expectedWidth)\" height=\"16\""))
    }

    @Test("HTML escapes labels and options")
    func htmlEscaping() {
        let html = AggregateReport(
            records: ReferenceTables.records(coder: "<script>"), labels: { $0.id == "alcohol-misuse" ? "<b>Drink & drugs</b>" : nil },
            provenance: referenceProvenance, options: AggregateOptions(coder: "<script>")
        ).html()
        #expect(html.contains("&lt;b&gt;Drink &amp; drugs&lt;/b&gt;"))
        #expect(!html.contains("<b>Drink"))
        #expect(!html.contains("<script>"))
    }
}
