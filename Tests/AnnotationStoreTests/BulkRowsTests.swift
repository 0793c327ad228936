import Foundation
import GRDB
import ReviewModel
import TestSupport
import Testing
@testable import AnnotationStore

/// Retag writes a document's rows from one buffer (strings bound in place, several rows to
/// an INSERT, anchor context taken from the text's bytes): the rows must be exactly those
/// the string-by-string encoding of each suggestion gives, in order.
@Suite("Bulk-written rows of many suggestions")
struct BulkRowsTests {
    /// Non-ASCII text, so that scalar offsets differ from byte offsets and some ranges can split a scalar.
    static let text = String(
        repeating: "Zoë told the GP — twice — that “Tom” drank; the health visitor in Brønshøj noted it. ", count: 12)

    /// `count` suggestions over the text: one to three spans each, spans on scalar boundaries
    /// and (every seventh suggestion) a span that starts or ends inside a scalar, one at the
    /// text's very end, and one without evidence.
    static func suggestions(_ count: Int) -> [Suggestion] {
        let bytes = Array(text.utf8)
        var result: [Suggestion] = []
        for number in 0..<count {
            var evidence: [Evidence] = []
            for span in 0..<(1 + number % 3) {
                var start = (number * 131 + span * 17) % (bytes.count - 20)
                var end = start + 3 + (number + span) % 9
                if number % 7 == 3 {
                    // Inside "ë", "—", "“" or "ø": the anchor's strings are repaired.
                    let inside = bytes.indices.filter { bytes[$0] & 0xC0 == 0x80 }
                    start = inside[(number * 5) % inside.count]
                    end = inside[(number * 5 + 3) % inside.count]
                    if end < start { swap(&start, &end) }
                }
                evidence.append(Evidence(
                    text: "quote \(number % 5) ✓", range: TextRange(start: start, end: end), rule: "rule/\(number % 4)",
                    line: number % 3, character: start))
            }
            if number == count - 2 {
                evidence = [Evidence(text: "end", range: TextRange(start: bytes.count, end: bytes.count), rule: "r", line: 0, character: 0)]
            }
            if number == count - 1 { evidence = [] }
            let tags = ["characteristic/alcohol-misuse", "agency/police", "characteristic/mental-health", "agency/gp"]
            let tag = tags[number % tags.count]
            result.append(Suggestion(
                key: TagKey(tag: TagID(tag)!, subject: tag.hasPrefix("characteristic/") ? Subject.allCases[number % 3] : nil),
                confidence: Double(number) / Double(count), evidence: evidence))
        }
        return result
    }

    @Test(arguments: [0, 1, 15, 16, 17, 37, 48])
    func rowsEqualEachSuggestionEncodedOnItsOwn(count: Int) throws {
        let document = textDocument("corpus/bulk.txt", Self.text)
        let tagging = result(document, Self.suggestions(count), category: count % 2 == 0 ? "intimate-partner-violence" : nil)
        let bytes = Array(Self.text.utf8)
        var expected: [[DatabaseValue]] = []
        for suggestion in tagging.suggestions {
            let anchor = suggestion.evidence.first.map { Anchoring.anchor(bytes: bytes, range: $0.range) }
            expected.append([
                suggestion.tag.description.databaseValue, (suggestion.key.subject?.rawValue ?? "").databaseValue,
                suggestion.confidence.databaseValue, (suggestion.evidence.first?.rule ?? "").databaseValue,
                EvidenceCodec.encode(suggestion.evidence, anchor: anchor).databaseValue,
            ])
        }
        if let category = tagging.category {
            expected.append([
                "category/\(category.id)".databaseValue, "".databaseValue, category.confidence.databaseValue, "category".databaseValue,
                EvidenceCodec.encode([], anchor: nil).databaseValue,
            ])
        }

        let temporary = try TemporaryStore()
        let run = try temporary.store.beginRetagRun(codebookVersion: "test-1", codebookHash: "abc", scope: "corpus")
        let prepared = try AnnotationStore.prepare(document: document, result: tagging)
        let file = RetagFileRecord(path: document.name, size: 1, modifiedNanoseconds: 2, byteHash: "0", codebookHash: "abc", run: 0)
        _ = try temporary.store.recordRetagBatch(run: run, writes: [RetagWrite(suggestions: prepared, file: file)])
        let rows = try temporary.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, tag, subject, confidence, rule, evidence, typeof(subject) FROM suggestions ORDER BY id")
        }
        #expect(rows.count == expected.count)
        #expect(rows.map { [$0[1], $0[2], $0[3], $0[4], $0[5]] as [DatabaseValue] } == expected)
        // Ids follow the suggestions' order, one after another; an empty subject is text, not NULL.
        #expect(rows.map { $0[0] as Int64 } == Array(1...Int64(max(1, rows.count))).prefix(rows.count).map { $0 })
        #expect(rows.allSatisfy { ($0[6] as String) == "text" })
    }
}

/// A retag batch is written with SQLite's foreign-key checks off (its rows reference the run
/// it checks and the documents it registers): the rows it writes still satisfy every key,
/// the checks are on again for every other write, and a run that does not exist is refused.
@Suite("Retag batches without foreign-key checks")
struct RetagBatchForeignKeyTests {
    @Test func batchRowsSatisfyTheKeysAndTheChecksComeBack() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let run = try store.beginRetagRun(codebookVersion: "test-1", codebookHash: "abc", scope: "corpus")
        var writes: [RetagWrite] = []
        for number in 0..<3 {
            let document = textDocument("corpus/keys-\(number).txt", BulkRowsTests.text)
            let prepared = try AnnotationStore.prepare(document: document, result: result(document, BulkRowsTests.suggestions(5 + number)))
            writes.append(RetagWrite(
                suggestions: prepared,
                file: RetagFileRecord(path: document.name, size: 1, modifiedNanoseconds: 2, byteHash: "0", codebookHash: "abc", run: 0)))
        }
        #expect(try store.recordRetagBatch(run: run, writes: writes).allSatisfy(\.recorded))
        // A batch only refreshing the file records (no run): their run is the file's.
        var refreshed = writes.map { RetagWrite(suggestions: nil, file: $0.file) }
        for index in refreshed.indices { refreshed[index].file.run = run }
        _ = try store.recordRetagBatch(run: nil, writes: refreshed)
        // A file record naming a run that does not exist is refused (SQLite would have).
        var stray = refreshed[0]
        stray.file.run = run + 100
        #expect(throws: StoreError.self) { try store.recordRetagBatch(run: nil, writes: [stray]) }
        let (violations, suggestions, checking) = try store.pool.write { db in
            (try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count, try Int.fetchOne(db, sql: "SELECT count(*) FROM suggestions"),
             try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(violations == 0)
        #expect(suggestions == 5 + 6 + 7)
        #expect(checking == 1)
        // Checked again: a suggestion of a document that does not exist is refused.
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in
                try db.execute(
                    sql: "INSERT INTO suggestions (run_id, document_id, tag, subject, confidence, rule, evidence) VALUES (?, 9999, 't/x', '', 1, '', '')",
                    arguments: [run])
            }
        }
    }

    @Test func aRunThatIsNotInTheStoreIsRefusedWithNothingWritten() throws {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let document = textDocument("corpus/keys.txt", BulkRowsTests.text)
        let prepared = try AnnotationStore.prepare(document: document, result: result(document, BulkRowsTests.suggestions(4)))
        let file = RetagFileRecord(path: document.name, size: 1, modifiedNanoseconds: 2, byteHash: "0", codebookHash: "abc", run: 0)
        #expect(throws: StoreError.self) { try store.recordRetagBatch(run: 42, writes: [RetagWrite(suggestions: prepared, file: file)]) }
        let (suggestions, documents) = try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM suggestions"), try Int.fetchOne(db, sql: "SELECT count(*) FROM documents"))
        }
        #expect(suggestions == 0 && documents == 0)
        #expect(try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") } == 1)
    }
}
