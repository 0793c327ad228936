import AnnotationStore
import Foundation
import TestSupport
import Testing
import ReviewModel
@testable import Aggregation

/// The reference tables' records written as JSONL, imported into a real store, read back
/// with `caseRecords(coder:)` and aggregated: the same checks as at the library level.
@Suite("Reference tables through the annotation store")
struct StoreEndToEndTests {
    /// A fresh store in a temporary folder, removed afterwards by the caller.
    static func temporaryStore() throws -> (store: AnnotationStore, folder: URL) {
        let folder = try TestPaths.scratchDirectory("revtag-agg")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return (try AnnotationStore(path: folder.appendingPathComponent("store.sqlite").path), folder)
    }

    /// The records as JSON lines (the format of `revtag annotations import`).
    static func jsonLines(_ records: [CaseRecord]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
    }

    @Test("import, then aggregate: every number, tie and tick of Tables 3 to 6")
    func importThenAggregate() throws {
        let (store, folder) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let records = ReferenceTables.records(coder: "amira")
        let summary = try store.importRecords(
            try Self.jsonLines(records), file: "reference-tables.jsonl", defaultCoder: nil, actor: "test")
        #expect(summary.records == 64)

        let stored = try store.caseRecords(coder: nil)
        #expect(stored.count == 64)
        let decisions = try store.decisionCount()
        // One decision per tag, plus the category and the review type of each record.
        #expect(decisions == records.reduce(0) { $0 + $1.tags.count + 2 })

        let report = AggregateReport(
            records: stored, labels: referenceLabels,
            provenance: AggregateProvenance(codebookVersion: "2026.11-test", decisions: decisions))
        #expect(report.recordsCounted == 64)
        for expected in ReferenceTables.categories {
            let category = try #require(report.category(expected.id))
            expectMatches(ObservedCategory(category), expected)
        }
        #expect(report.markdown().contains("\(decisions) decisions"))
    }

    @Test("a second coder's records: --coder picks one, without it each document counts once")
    func twoCoders() throws {
        let (store, folder) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        try store.importRecords(
            try Self.jsonLines(ReferenceTables.records(coder: "amira")), file: "amira.jsonl", defaultCoder: nil, actor: "test")
        // A second coder who coded only the intimate partner violence reviews, all as alcohol misuse by the victim.
        let ipv = ReferenceTables.records(coder: "ben").filter { $0.category == "intimate-partner-violence" }.map { record in
            var copy = record
            copy.tags = [CaseRecord.TagEntry(tag: TagID("characteristic/alcohol-misuse")!, subject: .victim)]
            return copy
        }
        try store.importRecords(try Self.jsonLines(ipv), file: "ben.jsonl", defaultCoder: nil, actor: "test")
        let provenance = AggregateProvenance(codebookVersion: "t", decisions: try store.decisionCount())

        let amira = AggregateReport(
            records: try store.caseRecords(coder: "amira"), provenance: provenance, options: AggregateOptions(coder: "amira"))
        for expected in ReferenceTables.categories {
            expectMatches(ObservedCategory(try #require(amira.category(expected.id))), expected)
        }

        let ben = AggregateReport(records: try store.caseRecords(coder: "ben"), provenance: provenance)
        #expect(ben.categories.map(\.reviews) == [0, 17, 0, 0, 0, 0])
        #expect(ben.category("intimate-partner-violence")?.victimCharacteristics.first?.count == 17)

        let both = AggregateReport(records: try store.caseRecords(coder: nil), provenance: provenance)
        #expect(both.recordsCounted == 64)
        #expect(both.documentsWithSeveralCoders.count == 17)
        #expect(both.category("intimate-partner-violence")?.victimCharacteristics.first
            == TagCount(tag: TagID("characteristic/alcohol-misuse")!, count: 17))
    }
}
