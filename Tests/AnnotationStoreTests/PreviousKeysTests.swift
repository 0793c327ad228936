import Foundation
import ReviewModel
import Testing
@testable import AnnotationStore

@Suite("Previous suggestion keys for retag")
struct PreviousKeysTests {
    /// Three documents over three runs: one covered twice (latest run wins), one whose latest
    /// run recorded nothing (empty, not absent), one covered once; plus a name no run covered.
    func populatedStore() throws -> TemporaryStore {
        let temporary = try TemporaryStore()
        let store = temporary.store
        let text = Fixture.text
        let first = textDocument("corpus/a.txt", text)
        try store.recordFixture(first, result(first, Fixture.suggestions, category: "intimate-partner-violence"))
        let second = textDocument("corpus/b.txt", text)
        try store.recordFixture(second, result(second, Array(Fixture.suggestions.prefix(2))))
        // Later runs: a.txt now has only the police suggestion; b.txt has nothing.
        try store.recordFixture(first, result(first, [Fixture.suggestions[2]]))
        try store.recordFixture(second, result(second, []))
        let third = textDocument("corpus/c.txt", text)
        try store.recordFixture(third, result(third, Array(Fixture.suggestions.reversed())))
        return temporary
    }

    @Test func bothStrategiesEqualTheLatestRunsKeys() throws {
        let temporary = try populatedStore()
        let store = temporary.store
        let names = ["corpus/a.txt", "corpus/b.txt", "corpus/c.txt", "corpus/never.txt"]
        // The per-document reads retag made before: latest run, then that run's keys.
        let latest = try store.latestRuns()
        var expected: [String: [TagKey]] = [:]
        for name in names { if let run = latest[name] { expected[name] = try store.suggestionKeys(run) } }
        #expect(expected["corpus/a.txt"] == [Fixture.police])
        #expect(expected["corpus/b.txt"] == [])
        #expect(expected["corpus/c.txt"] == [Fixture.police, Fixture.mood, Fixture.alcohol])
        #expect(expected["corpus/never.txt"] == nil)

        #expect(try store.previousSuggestionKeys(documents: names, scan: true) == expected)
        #expect(try store.previousSuggestionKeys(documents: names, scan: false) == expected)
        #expect(try store.previousSuggestionKeys(documents: names) == expected)
        // Only the documents asked for are returned.
        let some = ["corpus/c.txt", "corpus/b.txt"]
        let subset = expected.filter { some.contains($0.key) }
        #expect(try store.previousSuggestionKeys(documents: some, scan: true) == subset)
        #expect(try store.previousSuggestionKeys(documents: some, scan: false) == subset)
        #expect(try store.previousSuggestionKeys(documents: []).isEmpty)
    }

    /// A retag batch's own rows count as the document's latest run once written.
    @Test func retagBatchRunsAreLatest() throws {
        let temporary = try populatedStore()
        let store = temporary.store
        let run = try store.beginRetagRun(codebookVersion: "test-1", codebookHash: "abc", scope: "corpus")
        let document = textDocument("corpus/b.txt", Fixture.text)
        let prepared = try AnnotationStore.prepare(document: document, result: result(document, [Fixture.suggestions[1]]))
        let file = RetagFileRecord(path: document.name, size: 1, modifiedNanoseconds: 2, byteHash: "0", codebookHash: "abc", run: 0)
        _ = try store.recordRetagBatch(run: run, writes: [RetagWrite(suggestions: prepared, file: file)])
        for scan in [true, false] {
            let keys = try store.previousSuggestionKeys(documents: ["corpus/b.txt", "corpus/a.txt"], scan: scan)
            #expect(keys == ["corpus/b.txt": [Fixture.mood], "corpus/a.txt": [Fixture.police]])
        }
    }
}
