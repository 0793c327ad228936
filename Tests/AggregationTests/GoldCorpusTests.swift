import Foundation
import Testing
import ReviewModel
@testable import Aggregation

/// The corpus's gold annotations (`annotations/gold/*.json`), aggregated, checked against a
/// plain count of the same JSON files read as untyped dictionaries.
@Suite("Gold annotations of the corpus")
struct GoldCorpusTests {
    static let goldFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("annotations/gold")

    static func goldFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: goldFolder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.path < $1.path }
    }

    @Test("per category: reviews, characteristic counts per review and subject, people per gender")
    func countsMatchTheFiles() throws {
        let files = try Self.goldFiles()
        try #require(!files.isEmpty, "no gold annotations under \(Self.goldFolder.path)")
        var records: [CaseRecord] = []
        var raw: [[String: Any]] = []
        for file in files {
            let data = try Data(contentsOf: file)
            records.append(try JSONDecoder().decode(CaseRecord.self, from: data))
            raw.append(try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]))
        }
        let report = AggregateReport(
            records: records, provenance: AggregateProvenance(codebookVersion: "gold", decisions: 0),
            options: AggregateOptions(top: 0))
        #expect(report.recordsCounted + report.uncategorised.count == files.count)

        for category in report.categories {
            let mine = raw.filter { $0["category"] as? String == category.id }
            #expect(category.reviews == mine.count, "\(category.id)")
            // Characteristic (tag, subject) -> number of files listing it at least once.
            var expected: [String: Int] = [:]
            for file in mine {
                var keys = Set<String>()
                for entry in file["tags"] as? [[String: Any]] ?? [] {
                    guard let tag = entry["tag"] as? String, tag.hasPrefix("characteristic/") else { continue }
                    keys.insert("\(tag) \(entry["subject"] as? String ?? "unknown")")
                }
                for key in keys { expected[key, default: 0] += 1 }
            }
            let observed = Dictionary(uniqueKeysWithValues: category.allCharacteristics.map {
                ("\($0.tag) \($0.subject.rawValue)", $0.count)
            })
            #expect(observed == expected, "\(category.id)")
            // With --top 0 the victim list is every victim characteristic.
            #expect(category.victimCharacteristics.count == expected.keys.filter { $0.hasSuffix(" victim") }.count)

            let victims = mine.flatMap { ($0["people"] as? [[String: Any]] ?? []).filter { $0["subject"] as? String == "victim" } }
            #expect(category.victims.people == victims.count, "\(category.id)")
            #expect(category.victims.count(.female) == victims.filter { $0["gender"] as? String == "female" }.count)
            #expect(category.victims.genderNotReported == victims.filter { $0["gender"] == nil }.count)
            #expect(category.victims.ethnicityNotReported == victims.filter { $0["ethnicity"] == nil }.count)
        }
    }
}
