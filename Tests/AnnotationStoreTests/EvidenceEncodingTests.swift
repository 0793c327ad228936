import Foundation
import GRDB
import ReviewModel
import TestSupport
import Testing
@testable import AnnotationStore

/// The old encoding of a suggestion's evidence (a JSON array of ``StoredEvidence``, every
/// item with its anchor context), exactly as stores written before ``EvidenceCodec`` hold it.
func legacyEvidenceJSON(_ evidence: [Evidence], text: String) throws -> String {
    let bytes = Array(text.utf8)
    let items = evidence.map { item in
        let anchor = Anchoring.anchor(bytes: bytes, range: item.range)
        return StoredEvidence(
            text: item.text, start: item.range.start, end: item.range.end, rule: item.rule, line: item.line,
            character: item.character, prefix: anchor.prefix, suffix: anchor.suffix, characterStart: anchor.characterStart,
            characterEnd: anchor.characterEnd)
    }
    return try AnnotationStore.json(items)
}

@Suite("The compact evidence encoding")
struct EvidenceEncodingTests {
    static let awkward = [
        "", "plain words", "1:2|3;4,5-6", "e1|", "A5:", "quote \" and back\\slash", "line\nbreak\r\ttab",
        "\u{01}\u{1F}\u{0}", "Zoë — “curly” ‘quotes’ Brønshøj", "emoji 👩🏽‍⚕️ and CJK 漢字",
    ]

    @Test func roundTripsAwkwardTextsRulesAndOrders() throws {
        // Unsorted starts and lines (negative deltas), repeated and distinct texts and rules.
        var items: [Evidence] = []
        for (index, text) in Self.awkward.enumerated() {
            let start = (index * 7_919) % 50_000
            items.append(Evidence(
                text: text, range: TextRange(start: start, end: start + text.utf8.count), rule: Self.awkward[(index + 3) % Self.awkward.count],
                line: (index * 37) % 11, character: index * 3))
            items.append(Evidence(text: text, range: TextRange(start: start + 9, end: start + 9), rule: "r/1", line: 0, character: 0))
        }
        items.append(Evidence(
            text: "far", range: TextRange(start: 9_000_000_000, end: 9_000_000_100), rule: "r/1", line: 1_000_000_007,
            character: 99_999_999_999))
        let anchor = TextAnchor(
            exact: items[0].text, prefix: "e1|9:ab", suffix: "\n;,|", range: items[0].range, characterStart: 123_456, characterEnd: 123_456)
        let encoded = EvidenceCodec.encode(items, anchor: anchor)
        #expect(encoded.hasPrefix("e1|"))
        let decoded = try #require(EvidenceCodec.decode(encoded))
        #expect(decoded.evidence == items)
        #expect(decoded.anchor == anchor)

        #expect(EvidenceCodec.decode(EvidenceCodec.encode([], anchor: nil)) == EvidenceCodec.Decoded(evidence: [], anchor: nil))
        let unanchored = try #require(EvidenceCodec.decode(EvidenceCodec.encode(items, anchor: nil)))
        #expect(unanchored.evidence == items)
        #expect(unanchored.anchor == nil)
    }

    /// Spans the tagger numbered (``EvidenceNumbers``, equal numbers for equal strings) encode
    /// exactly as the same spans compared string by string, through one set of tables reused
    /// for many suggestions (numbers growing, repeating and skipping); a suggestion with a span
    /// without numbers falls back to comparing.
    @Test func numberedSpansEncodeAsComparedOnes() throws {
        var generator = SeededGenerator(seed: 29)
        var scratch = EvidenceCodec.Scratch()
        let texts = (0..<300).map { Self.awkward[$0 % Self.awkward.count] + "#\($0)" }
        let rules = (0..<40).map { "rule-\($0)/\($0 % 7)" }
        for round in 0..<80 {
            let textRange = [1, 3, 12, 300][round % 4]
            let ruleRange = [1, 2, 9, 40][(round / 4) % 4]
            var items: [Evidence] = []
            for _ in 0..<Int.random(in: 1...60, using: &generator) {
                let text = Int.random(in: 0..<textRange, using: &generator)
                let rule = Int.random(in: 0..<ruleRange, using: &generator)
                let start = Int.random(in: 0...90_000, using: &generator)
                var item = Evidence(
                    text: texts[text], range: TextRange(start: start, end: start + texts[text].utf8.count), rule: rules[rule],
                    line: Int.random(in: 0...3_000, using: &generator), character: Int.random(in: 0...200, using: &generator))
                item.numbers = EvidenceNumbers(rule: Int32(rule), text: Int32(text))
                items.append(item)
            }
            if round % 10 == 9 { items[items.count / 2].numbers = .none }
            var compared: [UInt8] = []
            var plain = EvidenceCodec.Scratch()
            EvidenceCodec.append(items, context: nil, to: &compared, scratch: &plain)
            var numbered: [UInt8] = []
            EvidenceCodec.append(items, context: nil, numbered: true, to: &numbered, scratch: &scratch)
            #expect(numbered == compared, "round \(round)")
            #expect(EvidenceCodec.decode(String(decoding: numbered, as: UTF8.self))?.evidence == items, "round \(round)")
        }
    }

    /// One set of encoding tables serves a document's suggestions one after another: each
    /// encodes exactly as with tables of its own, whatever the one before left in them (many
    /// strings, which switch the interner to its dictionary, then few, then none).
    @Test func reusedTablesEncodeEverySuggestionAsFreshOnes() throws {
        var generator = SeededGenerator(seed: 11)
        var scratch = EvidenceCodec.Scratch()
        for round in 0..<60 {
            let distinct = [0, 1, 3, 8, 9, 20][round % 6]
            var items: [Evidence] = []
            for index in 0..<Int.random(in: 0...40, using: &generator) {
                let pick = distinct == 0 ? 0 : Int.random(in: 0..<distinct, using: &generator)
                let text = Self.awkward[pick % Self.awkward.count] + String(repeating: "w", count: pick)
                let start = Int.random(in: 0...90_000, using: &generator)
                items.append(Evidence(
                    text: text, range: TextRange(start: start, end: start + text.utf8.count),
                    rule: "rule-\(Int.random(in: 0..<max(1, distinct), using: &generator))/\(index % 3)",
                    line: Int.random(in: 0...3_000, using: &generator), character: Int.random(in: 0...200, using: &generator)))
            }
            let anchor = items.first.map {
                TextAnchor(exact: $0.text, prefix: "before ", suffix: " after", range: $0.range, characterStart: $0.range.start, characterEnd: $0.range.end)
            }
            let fresh = EvidenceCodec.encode(items, anchor: anchor)
            #expect(EvidenceCodec.encode(items, anchor: anchor, scratch: &scratch) == fresh, "round \(round)")
            #expect(EvidenceCodec.decode(fresh)?.evidence == items, "round \(round)")
        }
    }

    @Test func numbersAroundTheDigitFastPathsEncodeAsBefore() throws {
        // The exact bytes stores hold: one- and two-digit numbers, their edges, negatives.
        let items = [
            Evidence(text: "x", range: TextRange(start: 9, end: 19), rule: "r/1", line: 99, character: 100),
            Evidence(text: "x", range: TextRange(start: 8, end: 18), rule: "r/1", line: 89, character: 0),
        ]
        let encoded = EvidenceCodec.encode(items, anchor: nil)
        #expect(encoded == "e1|1|3:r/11|1:x-|9,10,99,100,0,0;-1,10,-10,0,0,0;")
        #expect(EvidenceCodec.decode(encoded)?.evidence == items)
    }

    /// Numbers of every width (written two digits at a time from the
    /// right) are their decimal digits, as `String(value)` writes them, negatives included.
    @Test func numbersOfEveryWidthAreTheirDecimalDigits() throws {
        var generator = SeededGenerator(seed: 23)
        var values: [Int] = [0, 9, 10, 99, 100, 101, 999, 1_000, 9_999, 10_000, 65_535, Int.max, Int.min + 1, Int.min, -1, -9, -10, -100]
        var scale = 1
        for _ in 0..<18 {
            scale *= 10
            values += [scale - 1, scale, scale + 1, -scale, Int.random(in: 0..<scale, using: &generator), -Int.random(in: 0..<scale, using: &generator)]
        }
        for _ in 0..<500 { values.append(Int.random(in: Int.min...Int.max, using: &generator) >> Int.random(in: 0...62, using: &generator)) }
        // Each value as a span's start delta, length, line delta and character.
        var items: [Evidence] = []
        var expected = "e1|1|3:r/11|1:x-|"
        var previousStart = 0
        var previousLine = 0
        for (index, value) in values.enumerated() {
            var start = index % 2 == 0 ? value : previousStart
            var end = start
            if index % 3 == 0, value >= 0 { (start, end) = (0, value) }
            let line = index % 4 == 0 ? value : previousLine
            items.append(Evidence(text: "x", range: TextRange(start: start, end: end), rule: "r/1", line: line, character: value))
            expected += "\(start &- previousStart),\(end &- start),\(line &- previousLine),\(value),0,0;"
            previousStart = start
            previousLine = line
        }
        var scratch = EvidenceCodec.Scratch()
        #expect(EvidenceCodec.encode(items, anchor: nil, scratch: &scratch) == expected)
    }

    @Test func strideContinuationCountEqualsTheWordByWordCount() {
        var generator = SeededGenerator(seed: 7)
        let pieces = ["plain ascii text ", "Zoë ", "— ", "“q” ", "👩🏽‍⚕️ ", "漢字 "]
        for round in 0..<40 {
            var text = ""
            while text.utf8.count < 1_024 { text += pieces[Int.random(in: 0..<(round % 3 == 0 ? 1 : pieces.count), using: &generator)] }
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { buffer in
                for start in stride(from: 0, through: buffer.count - 256, by: 64) {
                    #expect(ScalarCounter.continuationBytesInStride(buffer, from: start)
                        == ScalarCounter.continuationBytes(buffer, from: start, to: start + 256))
                }
            }
        }
    }

    @Test func damagedValuesDecodeToNothingInsteadOfGarbage() throws {
        let items = [Evidence(text: "drank heavily", range: TextRange(start: 40, end: 53), rule: "alcohol-misuse/1", line: 2, character: 5)]
        let encoded = EvidenceCodec.encode(items, anchor: Anchoring.anchor(text: String(repeating: "x", count: 40) + "drank heavily", range: items[0].range))
        #expect(EvidenceCodec.decode(encoded) != nil)
        for cut in 3..<encoded.utf8.count {
            let truncated = String(decoding: Array(encoded.utf8)[0..<cut], as: UTF8.self)
            #expect(EvidenceCodec.decode(truncated) == nil, "\(truncated)")
        }
        #expect(EvidenceCodec.decode("e1|1|3:abc1|1:x-|0,1,0,0,1,0;") == nil)  // rule index out of range
        #expect(EvidenceCodec.decode("not evidence") == nil)
    }

    @Test func legacyJSONDecodesToTheSameEvidenceAndAnchor() throws {
        let text = Fixture.text
        for suggestion in Fixture.suggestions {
            let legacy = try #require(EvidenceCodec.decode(try legacyEvidenceJSON(suggestion.evidence, text: text)))
            let anchor = Anchoring.anchor(text: text, range: suggestion.evidence[0].range)
            let compact = try #require(EvidenceCodec.decode(EvidenceCodec.encode(suggestion.evidence, anchor: anchor)))
            #expect(legacy == compact)
            #expect(compact.anchor == anchor)
        }
    }

    /// A store written before the compact encoding (its rows rewritten to the old JSON)
    /// reads the same suggestions, and a confirm anchors the same way, as one written now.
    @Test func aStoreWithOldEvidenceRowsReadsAndAnchorsTheSame() throws {
        let current = try TemporaryStore()
        try current.store.recordFixture()
        let old = try TemporaryStore()
        try old.store.recordFixture()
        try old.store.pool.write { db in
            for row in try Row.fetchAll(db, sql: "SELECT id, evidence FROM suggestions") {
                let evidence = try #require(EvidenceCodec.decode(row["evidence"])).evidence
                try db.execute(
                    sql: "UPDATE suggestions SET evidence = ? WHERE id = ?",
                    arguments: [try legacyEvidenceJSON(evidence, text: Fixture.text), row["id"] as Int64])
            }
        }
        let stored = try old.store.pool.read { db in try String.fetchAll(db, sql: "SELECT evidence FROM suggestions") }
        #expect(stored.allSatisfy { $0.hasPrefix("[") })

        #expect(try old.store.latestSuggestions(document: Fixture.name) == current.store.latestSuggestions(document: Fixture.name))
        for key in [Fixture.alcohol, Fixture.mood, Fixture.police] {
            let then = try old.store.confirm(document: Fixture.name, key: key, coder: "amira")
            let now = try current.store.confirm(document: Fixture.name, key: key, coder: "amira")
            #expect(then.anchor != nil)
            #expect(then.anchor == now.anchor)
        }
        let rejectedThen = try old.store.reject(document: Fixture.name, key: Fixture.mood, coder: "tomas")
        let rejectedNow = try current.store.reject(document: Fixture.name, key: Fixture.mood, coder: "tomas")
        #expect(rejectedThen.anchor == rejectedNow.anchor)
    }
}

@Suite("Document metadata JSON")
struct MetadataJSONTests {
    @Test func handWrittenEncodingEqualsJSONEncoderByteForByte() throws {
        let strings = [
            "", "Domestic Homicide Review into the death of “Adult A” (Brønshøj)", "quote \" back\\slash a/b",
            "line\nbreak\r\ttab\u{08}\u{0C}", "\u{01}\u{1F}\u{7F}", "emoji 👩🏽‍⚕️ 漢字",
        ]
        var cases: [DocumentMetadata] = [DocumentMetadata()]
        for (index, string) in strings.enumerated() {
            let other = strings[(index + 1) % strings.count]
            cases.append(DocumentMetadata(
                title: string, reviewType: ReviewTypeDetection(id: "dhr/\(index)", evidence: other), publicationDate: other,
                area: string))
            cases.append(DocumentMetadata(title: nil, reviewType: nil, publicationDate: string, area: nil))
            cases.append(DocumentMetadata(title: other, reviewType: ReviewTypeDetection(id: string, evidence: string)))
        }
        for metadata in cases {
            #expect(MetadataJSON.encode(metadata) == (try AnnotationStore.json(metadata)))
        }
    }
}

@Suite("A store written by the schema before v4")
struct SchemaV4MigrationTests {
    @Test func anOldStoreOpensMigratesAndReadsItsSuggestions() throws {
        let directory = try TestPaths.scratchDirectory("revtag-v3")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.sqlite").path

        // The schema as it was (migrations up to v3), with a run written the old way: JSON evidence.
        do {
            let queue = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(queue, upTo: "v3-coded-documents")
            try queue.write { db in
                #expect(try db.indexes(on: "suggestions").contains { $0.name == "suggestions_run" })
                try db.execute(
                    sql: """
                        INSERT INTO documents (id, path, content_hash, text_length, created_at, updated_at)
                        VALUES (1, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                        INSERT INTO suggestion_runs (id, codebook_version, codebook_hash, revtag_version, started_at, status)
                        VALUES (1, 'old', 'abc', '0.0.9', '2026-01-01T00:00:00Z', 'finished');
                        INSERT INTO run_documents (run_id, document_id, content_hash) VALUES (1, 1, ?);
                        """,
                    arguments: [Fixture.name, AnnotationStore.contentHash(of: Fixture.text), Fixture.text.utf8.count,
                                AnnotationStore.contentHash(of: Fixture.text)])
                for suggestion in Fixture.suggestions {
                    try db.execute(
                        sql: """
                            INSERT INTO suggestions (run_id, document_id, tag, subject, confidence, rule, evidence)
                            VALUES (1, 1, ?, ?, ?, ?, ?)
                            """,
                        arguments: [suggestion.tag.description, suggestion.subject?.rawValue ?? "", suggestion.confidence,
                                    suggestion.evidence[0].rule, try legacyEvidenceJSON(suggestion.evidence, text: Fixture.text)])
                }
            }
        }

        let store = try AnnotationStore(path: path)
        let indexes = try store.pool.read { db in try db.indexes(on: "suggestions").map(\.name) }
        #expect(!indexes.contains("suggestions_run"))
        #expect(indexes.contains("suggestions_document_run"))
        let stored = try store.latestSuggestions(document: Fixture.name)
        #expect(stored.map(\.key) == Fixture.suggestions.map(\.key))
        #expect(stored.map(\.evidence) == Fixture.suggestions.map(\.evidence))
        let decision = try store.confirm(document: Fixture.name, key: Fixture.alcohol, coder: "amira")
        #expect(decision.anchor == Anchoring.anchor(text: Fixture.text, range: Fixture.suggestions[0].evidence[0].range))

        // A new run on the migrated store writes compact rows beside the old ones.
        try store.recordFixture()
        let rows = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT evidence FROM suggestions ORDER BY id") }
        #expect(rows.count == 2 * Fixture.suggestions.count + 1)
        #expect(rows.prefix(Fixture.suggestions.count).allSatisfy { $0.hasPrefix("[") })
        #expect(rows.dropFirst(Fixture.suggestions.count).allSatisfy { $0.hasPrefix("e1|") })
        #expect(try store.latestSuggestions(document: Fixture.name).prefix(3).map(\.evidence) == Fixture.suggestions.map(\.evidence))
        #expect(try store.decisions(document: Fixture.name).map(\.id) == [decision.id])
    }
}

@Suite("Bulk-written suggestion rows")
struct BulkSuggestionRowsTests {
    /// The retag batch writer binds values itself; its rows are the ones the ordinary path
    /// writes, value for value and type for type (an empty subject is '' and never NULL).
    @Test func batchRowsEqualTheOrdinaryPathsRows() throws {
        let ordinary = try TemporaryStore()
        try ordinary.store.recordFixture()
        let bulk = try TemporaryStore()
        let run = try bulk.store.beginRetagRun(codebookVersion: "test-1", codebookHash: "abc", scope: "corpus")
        let prepared = try AnnotationStore.prepare(document: Fixture.document, result: Fixture.tagging)
        let file = RetagFileRecord(path: Fixture.name, size: 1, modifiedNanoseconds: 2, byteHash: "0", codebookHash: "abc", run: 0)
        let outcomes = try bulk.store.recordRetagBatch(run: run, writes: [RetagWrite(suggestions: prepared, file: file)])
        #expect(outcomes.map(\.recorded) == [true])
        let sql = """
            SELECT tag, typeof(tag), subject, typeof(subject), confidence, typeof(confidence), rule, evidence, typeof(evidence)
            FROM suggestions ORDER BY id
            """
        let expected = try ordinary.store.pool.read { db in try Row.fetchAll(db, sql: sql) }
        let written = try bulk.store.pool.read { db in try Row.fetchAll(db, sql: sql) }
        #expect(written.count == Fixture.suggestions.count + 1)
        #expect(written == expected)
        #expect(try bulk.store.latestSuggestions(document: Fixture.name).map(\.evidence) == ordinary.store.latestSuggestions(document: Fixture.name).map(\.evidence))
    }
}
