import Foundation
import GRDB
import GRDBSQLite
import ReviewModel

// What bulk re-tagging (`revtag retag`, module Retagging) needs from the store: per-file
// records for the incremental check, run state for resuming, documents prepared off the
// writer thread and written many to a transaction. Nothing here touches a decision: the
// only decision-related effect is the store's own re-anchoring when a document's text
// changed (``AnnotationStore/registerDocument(_:)`` does the same, and audits it).

/// The retag tables (migration "v2-retag", registered in ``Schema``).
enum RetagSchema {
    static let v2 = """
        CREATE TABLE retag_runs (
            run_id INTEGER PRIMARY KEY REFERENCES suggestion_runs(id),
            scope TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('running', 'interrupted', 'finished')),
            updated_at TEXT NOT NULL
        );
        CREATE INDEX retag_runs_scope ON retag_runs(scope, state);

        CREATE TABLE retag_files (
            document_id INTEGER PRIMARY KEY REFERENCES documents(id),
            size INTEGER NOT NULL,
            modified_ns INTEGER NOT NULL,
            byte_hash TEXT NOT NULL,
            codebook_hash TEXT NOT NULL,
            run_id INTEGER NOT NULL REFERENCES suggestion_runs(id)
        );
        """
}

/// What the store remembers of a file the last time retag recorded (or checked) it.
public struct RetagFileRecord: Hashable, Sendable {
    /// The document's stored name (see ``AnnotationStore/documentPath(_:relativeTo:)``).
    public var path: String
    /// File size in bytes.
    public var size: Int64
    /// Modification time, nanoseconds since 1970.
    public var modifiedNanoseconds: Int64
    /// Fast hash of the file's bytes (16 hex digits, XXH64).
    public var byteHash: String
    /// The hash of the codebook the suggestions were made with.
    public var codebookHash: String
    /// The run that recorded the suggestions.
    public var run: Int64

    public init(path: String, size: Int64, modifiedNanoseconds: Int64, byteHash: String, codebookHash: String, run: Int64) {
        self.path = path
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.byteHash = byteHash
        self.codebookHash = codebookHash
        self.run = run
    }
}

/// The state of a retag run.
public enum RetagRunState: String, Sendable, Hashable, Codable {
    /// Started and not finished (or killed: nothing could mark it).
    case running
    /// Stopped by the user; what was done is committed.
    case interrupted
    /// Every document was processed (some may have failed).
    case finished
}

/// A retag run that did not finish and can be resumed.
public struct UnfinishedRetagRun: Hashable, Sendable {
    public var run: Int64
    public var state: RetagRunState
    public var codebookHash: String
}

/// A document's suggestions made ready for writing: evidence anchored and encoded, text
/// hashed. Built on worker threads by ``AnnotationStore/prepare(document:result:textHash:)``
/// so that the single writer only inserts rows. The rows' strings (tag, subject, rule,
/// evidence) are the UTF-8 bytes of one buffer, bound to SQLite in place: no string per row.
public struct PreparedSuggestions: Sendable {
    /// One suggestion row: its strings as ranges of ``PreparedRows/bytes``.
    struct Row: Sendable {
        var tag: Range<Int>
        var subject: Range<Int>
        var confidence: Double
        var rule: Range<Int>
        var evidence: Range<Int>
    }

    /// The document's stored name.
    public let path: String
    let text: String
    let textHash: String
    let metadata: String
    let textLength: Int
    let prepared: PreparedRows

    var rows: [Row] { prepared.rows }

    /// Number of suggestion rows (the category counts as one).
    public var suggestionCount: Int { prepared.rows.count }
    /// Approximate memory held (for batching by size).
    public var approximateBytes: Int {
        text.utf8.count + prepared.rows.reduce(0) { $0 + $1.evidence.count + 64 }
    }
}

/// A document's suggestion rows, their strings back to back in one buffer (see
/// ``AnnotationStore/preparedRows(_:text:)``).
struct PreparedRows: Sendable {
    /// The UTF-8 of every row's strings.
    var bytes: [UInt8] = []
    var rows: [PreparedSuggestions.Row] = []

    /// A row's strings (tests and single-document writes).
    func strings(_ row: PreparedSuggestions.Row) -> (tag: String, subject: String, rule: String, evidence: String) {
        func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        return (string(row.tag), string(row.subject), string(row.rule), string(row.evidence))
    }
}

/// One document to write in a retag batch.
public struct RetagWrite: Sendable {
    /// The prepared suggestions; nil when the file's bytes were found unchanged and only
    /// its size and time are refreshed.
    public var suggestions: PreparedSuggestions?
    /// The file record to keep (its `run` is replaced by the batch's run when suggestions are written).
    public var file: RetagFileRecord

    public init(suggestions: PreparedSuggestions?, file: RetagFileRecord) {
        self.suggestions = suggestions
        self.file = file
    }
}

/// What writing one document did.
public struct RetagWriteOutcome: Hashable, Sendable {
    public var path: String
    /// False when the run had already recorded the document (nothing was written again).
    public var recorded: Bool
    /// The store's re-anchoring of decisions, when the document's text changed.
    public var reanchor: ReanchorReport
}

/// A document's id in the store and the latest run that covered it.
public struct LatestRun: Hashable, Sendable {
    public var documentID: Int64
    public var run: Int64
}

/// A decision in force that bears on a suggestion (confirmed or rejected), for the change report.
public struct DecisionInForce: Hashable, Sendable {
    public var id: Int64
    public var document: String
    public var key: TagKey
    public var status: DecisionStatus
    public var coder: String
}

extension AnnotationStore {
    // MARK: - Reading state

    /// Every file record, by document name, in one query.
    public func retagFileRecords() throws(StoreError) -> [String: RetagFileRecord] {
        try read { db in
            var records: [String: RetagFileRecord] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT doc.path, f.size, f.modified_ns, f.byte_hash, f.codebook_hash, f.run_id
                    FROM retag_files f JOIN documents doc ON doc.id = f.document_id
                    """)
            while let row = try rows.next() {
                let path: String = row[0]
                records[path] = RetagFileRecord(
                    path: path, size: row[1], modifiedNanoseconds: row[2], byteHash: row[3], codebookHash: row[4], run: row[5])
            }
            return records
        }
    }

    /// The latest retag run over `scope` that is neither finished nor superseded by a later
    /// run over the same scope, if any.
    public func unfinishedRetagRun(scope: String) throws(StoreError) -> UnfinishedRetagRun? {
        try read { db in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT r.run_id, r.state, s.codebook_hash FROM retag_runs r JOIN suggestion_runs s ON s.id = r.run_id
                    WHERE r.scope = ? ORDER BY r.run_id DESC LIMIT 1
                    """,
                arguments: [scope])
            else { return nil }
            let state = RetagRunState(rawValue: row[1]) ?? .finished
            guard state != .finished else { return nil }
            return UnfinishedRetagRun(run: row[0], state: state, codebookHash: row[2])
        }
    }

    /// The names of the documents a run has recorded.
    public func documentsRecorded(run: Int64) throws(StoreError) -> Set<String> {
        try read { db in
            Set(try String.fetchAll(
                db,
                sql: "SELECT doc.path FROM run_documents r JOIN documents doc ON doc.id = r.document_id WHERE r.run_id = ?",
                arguments: [run]))
        }
    }

    /// For every document some run covered: its id and the latest run that covered it, in
    /// one query (retag reads each document's previous tags by these, without a lookup by name).
    public func latestRuns() throws(StoreError) -> [String: LatestRun] {
        try read { db in
            var result: [String: LatestRun] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT doc.path, r.document_id, MAX(r.run_id) FROM run_documents r
                    JOIN documents doc ON doc.id = r.document_id GROUP BY r.document_id
                    """)
            while let row = try rows.next() {
                result[row[0]] = LatestRun(documentID: row[1], run: row[2])
            }
            return result
        }
    }

    /// The suggestion keys a run recorded for a document known by its id.
    public func suggestionKeys(_ latest: LatestRun) throws(StoreError) -> [TagKey] {
        try read { db in try Self.keys(db, documentID: latest.documentID, run: latest.run) }
    }

    /// The suggestion keys (tag and subject) of the latest run before `run` (any run when
    /// nil) that covered the document; nil when no such run covered it.
    public func suggestionKeys(document: String, before run: Int64? = nil) throws(StoreError) -> [TagKey]? {
        try read { db in
            guard let documentID = try Int64.fetchOne(db, sql: "SELECT id FROM documents WHERE path = ?", arguments: [document]),
                let previous = try Int64.fetchOne(
                    db, sql: "SELECT MAX(run_id) FROM run_documents WHERE document_id = ? AND run_id < ?",
                    arguments: [documentID, run ?? Int64.max])
            else { return nil }
            return try Self.keys(db, documentID: documentID, run: previous)
        }
    }

    /// The suggestion keys a run recorded for the document (empty when it recorded none).
    public func suggestionKeys(document: String, run: Int64) throws(StoreError) -> [TagKey] {
        try read { db in
            guard let documentID = try Int64.fetchOne(db, sql: "SELECT id FROM documents WHERE path = ?", arguments: [document])
            else { return [] }
            return try Self.keys(db, documentID: documentID, run: run)
        }
    }

    static func keys(_ db: Database, documentID: Int64, run: Int64) throws -> [TagKey] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT tag, subject FROM suggestions WHERE document_id = ? AND run_id = ? ORDER BY id"),
            arguments: [documentID, run]
        ).map { Self.tagKey(tag: $0[0], subject: $0[1]) }
    }

    /// Confirmed and rejected decisions in force, by document name, in one query.
    public func decisionsInForce() throws(StoreError) -> [String: [DecisionInForce]] {
        try read { db in
            var result: [String: [DecisionInForce]] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, doc.path, d.tag, d.subject, d.status, d.coder FROM decisions d
                    JOIN documents doc ON doc.id = d.document_id
                    WHERE d.superseded_by IS NULL AND d.status IN ('confirmed', 'rejected') ORDER BY d.id
                    """)
            for row in rows {
                let path: String = row[1]
                result[path, default: []].append(DecisionInForce(
                    id: row[0], document: path, key: Self.tagKey(tag: row[2], subject: row[3]),
                    status: DecisionStatus(rawValue: row[4]) ?? .rejected, coder: row[5]))
            }
            return result
        }
    }

    /// A dump of the human side of the store (decisions, people, imports and the audit
    /// log), in a stable order: equal dumps mean no decision changed. Tests compare dumps
    /// taken before and after retag runs.
    public func humanRecordsDump() throws(StoreError) -> String {
        try read { db in
            let output = RetagDumpBuffer()
            try db.dumpTables(
                ["decisions", "people", "imports", "audit_log"], format: .json(), tableHeader: .always, stableOrder: true, to: output)
            return output.text
        }
    }

    // MARK: - Writing

    /// Starts a retag run over `scope` (a suggestion run plus its retag state).
    public func beginRetagRun(
        codebookVersion: String, codebookHash: String, scope: String, revtagVersion: String = RevtagInfo.version
    ) throws(StoreError) -> Int64 {
        try write { db in
            let now = Self.timestamp(Date())
            try db.execute(
                sql: """
                    INSERT INTO suggestion_runs (codebook_version, codebook_hash, revtag_version, started_at, status)
                    VALUES (?, ?, ?, ?, 'running')
                    """,
                arguments: [codebookVersion, codebookHash, revtagVersion, now])
            let run = db.lastInsertedRowID
            try db.execute(
                sql: "INSERT INTO retag_runs (run_id, scope, state, updated_at) VALUES (?, ?, 'running', ?)",
                arguments: [run, scope, now])
            return run
        }
    }

    /// Records a retag run's state; `finished` also finishes its suggestion run.
    public func setRetagRunState(_ run: Int64, _ state: RetagRunState) throws(StoreError) {
        try write { db in
            let now = Self.timestamp(Date())
            try db.execute(sql: "UPDATE retag_runs SET state = ?, updated_at = ? WHERE run_id = ?", arguments: [state.rawValue, now, run])
            if state == .finished {
                try db.execute(
                    sql: "UPDATE suggestion_runs SET finished_at = ?, status = 'finished' WHERE id = ?", arguments: [now, run])
            }
        }
    }

    /// Prepares a document's suggestions for ``recordRetagBatch(run:writes:)`` (pure; call
    /// it on any thread). The stored rows are the same as
    /// ``recordSuggestions(run:document:result:)`` writes.
    /// - Parameter textHash: the text's ``contentHash(of:)`` when the caller already has it
    ///   (retag keeps it with a cached parse), so that the text is not hashed again; it must
    ///   be the hash of this text.
    public static func prepare(document: ReviewDocument, result: TaggingResult, textHash: String? = nil) throws(StoreError)
        -> PreparedSuggestions
    {
        // (Nothing in it fails any more since the encodings are hand-written; the signature
        // stays for the callers.) The rows read the text's UTF-8 in the string's own storage.
        var text = document.text
        let (textLength, prepared) = text.withUTF8 { bytes in (bytes.count, preparedRows(result, text: bytes)) }
        return PreparedSuggestions(
            path: document.name, text: document.text, textHash: textHash ?? contentHash(document.text),
            metadata: MetadataJSON.encode(document.metadata), textLength: textLength, prepared: prepared)
    }

    /// The suggestion rows of one tagging result (the category as one more row), the
    /// evidence encoded by ``EvidenceCodec`` with the first span's anchor in `text` (the
    /// document's UTF-8): the anchor a confirm or reject records.
    static func suggestionRows(_ result: TaggingResult, text bytes: [UInt8])
        -> [(tag: String, subject: String, confidence: Double, rule: String, evidence: String)]
    {
        let prepared = bytes.withUnsafeBufferPointer { preparedRows(result, text: $0) }
        return prepared.rows.map { row in
            let strings = prepared.strings(row)
            return (strings.tag, strings.subject, row.confidence, strings.rule, strings.evidence)
        }
    }

    /// ``suggestionRows(_:text:)`` with the rows' strings written into one buffer.
    static func preparedRows(_ result: TaggingResult, text: UnsafeBufferPointer<UInt8>) -> PreparedRows {
        // One scalar-count index for all the document's spans (see ScalarCounter).
        let counter = ScalarCounter(text)
        var prepared = PreparedRows()
        prepared.rows.reserveCapacity(result.suggestions.count + 1)
        prepared.bytes.reserveCapacity(1024 + result.suggestions.count * 512)
        // One set of encoding tables for all the document's rows.
        var scratch = EvidenceCodec.Scratch()
        // Rows straight from the result (appending the category to a copy of the
        // suggestions would copy, retain and release every one of them).
        result.suggestions.withUnsafeBufferPointer { suggestions in
            for index in suggestions.indices {
                appendRow(
                    suggestions[index].key, suggestions[index].confidence, suggestions[index].evidence, numbered: result.evidenceNumbered,
                    counter, text, &scratch, to: &prepared)
            }
        }
        if let category = result.category {
            appendRow(
                TagKey(tag: TagID(facet: Taxonomy.categoryFacet, id: category.id), subject: nil), category.confidence, [],
                numbered: false, counter, text, &scratch, to: &prepared)
        }
        return prepared
    }

    private static func appendRow(
        _ key: TagKey, _ confidence: Double, _ evidence: [Evidence], numbered: Bool, _ counter: ScalarCounter,
        _ text: UnsafeBufferPointer<UInt8>, _ scratch: inout EvidenceCodec.Scratch, to prepared: inout PreparedRows
    ) {
        func append(_ string: String) -> Range<Int> {
            let start = prepared.bytes.count
            var string = string
            string.withUTF8 { prepared.bytes.append(contentsOf: $0) }
            return start..<prepared.bytes.count
        }
        // The tag as `facet/id` (TagID.description) without building the string.
        let tagStart = prepared.bytes.count
        _ = append(key.tag.facet)
        prepared.bytes.append(UInt8(ascii: "/"))
        let tag = tagStart..<append(key.tag.id).upperBound
        let subject = append(subjectColumn(key))
        let rule = append(evidence.first?.rule ?? (key.tag.facet == Taxonomy.categoryFacet ? "category" : ""))
        let evidenceStart = prepared.bytes.count
        if let first = evidence.first {
            if let context = counter.context(first.range) {
                EvidenceCodec.append(
                    evidence,
                    context: EvidenceCodec.Context(
                        prefix: UnsafeBufferPointer(rebasing: text[context.prefix]),
                        suffix: UnsafeBufferPointer(rebasing: text[context.suffix]), characterStart: context.characterStart,
                        characterEnd: context.characterEnd),
                    numbered: numbered, to: &prepared.bytes, scratch: &scratch)
            } else {
                EvidenceCodec.append(evidence, anchor: counter.anchor(first.range), to: &prepared.bytes, scratch: &scratch)
            }
        } else {
            EvidenceCodec.append(evidence, context: nil, to: &prepared.bytes, scratch: &scratch)
        }
        prepared.rows.append(PreparedSuggestions.Row(
            tag: tag, subject: subject, confidence: confidence, rule: rule, evidence: evidenceStart..<prepared.bytes.count))
    }

    /// Writes a batch of documents into `run` in one transaction: registers each document
    /// (the store re-anchors decisions when its text changed), records its suggestions
    /// once per run, and keeps its file record for the incremental check. Entries without
    /// suggestions only refresh their file record (`run` may be nil when every entry is such).
    public func recordRetagBatch(run: Int64?, writes: [RetagWrite]) throws(StoreError) -> [RetagWriteOutcome] {
        try writeWithoutForeignKeyChecks { db in
            // The runs the rows reference are the caller's: each is checked once (see
            // writeWithoutForeignKeyChecks); documents are the batch's own.
            var knownRuns: Set<Int64> = []
            func check(_ run: Int64) throws {
                guard !knownRuns.contains(run) else { return }
                guard try Int64.fetchOne(db, sql: "SELECT id FROM suggestion_runs WHERE id = ?", arguments: [run]) != nil else {
                    throw StoreError.invalidRequest("retag run \(run) is not in the store")
                }
                knownRuns.insert(run)
            }
            if let run { try check(run) }
            var outcomes: [RetagWriteOutcome] = []
            outcomes.reserveCapacity(writes.count)
            // One time for the batch: its rows are committed together.
            let now = Self.timestamp(Date())
            let statements = try RetagBatchStatements(db)
            for write in writes {
                let file = write.file
                guard let prepared = write.suggestions else {
                    guard let stored = try statements.document(path: file.path) else { continue }
                    try check(file.run)
                    try statements.keepFile(file, document: stored.id, run: file.run)
                    continue
                }
                guard let run else { throw StoreError.invalidRequest("a retag batch with suggestions needs a run") }
                let (documentID, reanchor) = try Self.registerPrepared(db, statements, prepared, now: now)
                guard try statements.recordRunDocument(run: run, document: documentID, contentHash: prepared.textHash) else {
                    outcomes.append(RetagWriteOutcome(path: prepared.path, recorded: false, reanchor: reanchor))
                    continue
                }
                try statements.suggestions.insert(run: run, document: documentID, prepared.prepared)
                try statements.keepFile(file, document: documentID, run: run)
                outcomes.append(RetagWriteOutcome(path: prepared.path, recorded: true, reanchor: reanchor))
            }
            if let run {
                try db.execute(sql: "UPDATE retag_runs SET updated_at = ? WHERE run_id = ?", arguments: [now, run])
            }
            return outcomes
        }
    }

    /// ``write(_:)`` with SQLite's foreign-key checks off for the transaction, and on again
    /// after it whatever happened (the setting is the connection's, and SQLite changes it only
    /// outside a transaction). For ``recordRetagBatch(run:writes:)`` only: every row it writes
    /// references a run it checked (once per batch) or a document it found or registered in
    /// the same transaction; SQLite's checks (two lookups per suggestion row) were a fifth of
    /// the SQLite work of a retag's inserts. Tests check the rows against the keys.
    private func writeWithoutForeignKeyChecks<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                let result: Result<T, any Error>
                do {
                    var value: T?
                    try db.inTransaction {
                        value = try body(db)
                        return .commit
                    }
                    result = .success(value!)
                } catch {
                    result = .failure(error)
                }
                try db.execute(sql: "PRAGMA foreign_keys = ON")
                return try result.get()
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database(path: path, message: "\(error)")
        }
    }

    /// ``register(_:_:)`` for a prepared document (same rules: insert, or update the hash
    /// and metadata and re-anchor decisions when the text changed); `now` is the batch's time.
    static func registerPrepared(_ db: Database, _ statements: borrowing RetagBatchStatements, _ prepared: PreparedSuggestions, now: String)
        throws -> (Int64, ReanchorReport)
    {
        guard let stored = try statements.document(path: prepared.path) else {
            return (try statements.insertDocument(prepared, now: now), ReanchorReport())
        }
        let (documentID, previousHash) = stored
        try statements.updateDocument(documentID, prepared, now: now)
        guard previousHash != prepared.textHash else { return (documentID, ReanchorReport()) }
        let report = try reanchor(db, documentID: documentID, text: prepared.text, previousHash: previousHash, newHash: prepared.textHash)
        return (documentID, report)
    }
}

/// The statements a retag batch runs for each document, prepared once per batch and stepped
/// on SQLite's own statements (GRDB's argument arrays cost more than these small statements).
struct RetagBatchStatements: ~Copyable {
    let suggestions: SuggestionInserter
    private let selectDocument: RawStatement
    private let insertDocumentRow: RawStatement
    private let updateDocumentRow: RawStatement
    private let insertRunDocument: RawStatement
    private let upsertFile: RawStatement
    private let connection: OpaquePointer

    init(_ db: Database) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the database connection is closed")
        }
        let suggestions = try SuggestionInserter(db)
        let selectDocument = try RawStatement(db, sql: "SELECT id, content_hash FROM documents WHERE path = ?")
        let insertDocumentRow = try RawStatement(db, sql: """
            INSERT INTO documents (path, content_hash, metadata, text_length, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        let updateDocumentRow = try RawStatement(
            db, sql: "UPDATE documents SET content_hash = ?, metadata = ?, text_length = ?, updated_at = ? WHERE id = ?")
        let insertRunDocument = try RawStatement(
            db, sql: "INSERT OR IGNORE INTO run_documents (run_id, document_id, content_hash) VALUES (?, ?, ?)")
        let upsertFile = try RawStatement(db, sql: """
            INSERT INTO retag_files (document_id, size, modified_ns, byte_hash, codebook_hash, run_id)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(document_id) DO UPDATE SET size = excluded.size, modified_ns = excluded.modified_ns,
                byte_hash = excluded.byte_hash, codebook_hash = excluded.codebook_hash, run_id = excluded.run_id
            """)
        self.connection = connection
        self.suggestions = suggestions
        self.selectDocument = selectDocument
        self.insertDocumentRow = insertDocumentRow
        self.updateDocumentRow = updateDocumentRow
        self.insertRunDocument = insertRunDocument
        self.upsertFile = upsertFile
    }

    /// A stored document's id and content hash, by name.
    func document(path: String) throws -> (id: Int64, contentHash: String?)? {
        selectDocument.bind(path, at: 1)
        defer { selectDocument.reset() }
        guard try selectDocument.step() else { return nil }
        let hash = selectDocument.isNull(1) ? nil : String(decoding: selectDocument.text(1), as: UTF8.self)
        return (selectDocument.int64(0), hash)
    }

    /// Adds a document; returns its id.
    func insertDocument(_ prepared: PreparedSuggestions, now: String) throws -> Int64 {
        insertDocumentRow.bind(prepared.path, at: 1)
        insertDocumentRow.bind(prepared.textHash, at: 2)
        insertDocumentRow.bind(prepared.metadata, at: 3)
        insertDocumentRow.bind(Int64(prepared.textLength), at: 4)
        insertDocumentRow.bind(now, at: 5)
        insertDocumentRow.bind(now, at: 6)
        try insertDocumentRow.execute()
        return sqlite3_last_insert_rowid(connection)
    }

    func updateDocument(_ id: Int64, _ prepared: PreparedSuggestions, now: String) throws {
        updateDocumentRow.bind(prepared.textHash, at: 1)
        updateDocumentRow.bind(prepared.metadata, at: 2)
        updateDocumentRow.bind(Int64(prepared.textLength), at: 3)
        updateDocumentRow.bind(now, at: 4)
        updateDocumentRow.bind(id, at: 5)
        try updateDocumentRow.execute()
    }

    /// Records that `run` covered the document; false when it already had (nothing written).
    func recordRunDocument(run: Int64, document: Int64, contentHash: String) throws -> Bool {
        insertRunDocument.bind(run, at: 1)
        insertRunDocument.bind(document, at: 2)
        insertRunDocument.bind(contentHash, at: 3)
        try insertRunDocument.execute()
        return sqlite3_changes(connection) > 0
    }

    /// Keeps the file's record for the incremental check, with `run` as its run.
    func keepFile(_ file: RetagFileRecord, document: Int64, run: Int64) throws {
        upsertFile.bind(document, at: 1)
        upsertFile.bind(file.size, at: 2)
        upsertFile.bind(file.modifiedNanoseconds, at: 3)
        upsertFile.bind(file.byteHash, at: 4)
        upsertFile.bind(file.codebookHash, at: 5)
        upsertFile.bind(run, at: 6)
        try upsertFile.execute()
    }
}

/// ``Anchoring/anchor(bytes:range:)`` for many ranges of one text: scalar counts come from
/// checkpoints every 256 bytes instead of a scan from the start (the same results; a test
/// compares the two). It reads the text's UTF-8 where it lies (a string's own storage, see
/// ``with(_:_:)``), so it is valid only inside the closure that lends those bytes.
struct ScalarCounter {
    let bytes: UnsafeBufferPointer<UInt8>
    private var checkpoints: [Int] = []
    private static let stride = 256

    /// A counter over `bytes` for the duration of `body`.
    static func with<Result>(_ bytes: [UInt8], _ body: (ScalarCounter) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBufferPointer { try body(ScalarCounter($0)) }
    }

    /// A counter over bytes that must stay valid (and unchanged) while it is used.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        var checkpoints: [Int] = []
        checkpoints.reserveCapacity(bytes.count / Self.stride + 1)
        let buffer = UnsafeRawBufferPointer(bytes)
        var count = 0
        var chunk = 0
        while chunk < buffer.count {
            checkpoints.append(count)
            let end = min(chunk + Self.stride, buffer.count)
            let continuations = end - chunk == Self.stride
                ? Self.continuationBytesInStride(buffer, from: chunk)
                : Self.continuationBytes(buffer, from: chunk, to: end)
            count += end - chunk - continuations
            chunk = end
        }
        self.checkpoints = checkpoints
    }

    /// ``continuationBytes(_:from:to:)`` of the whole stride at `start`, 32 bytes a step
    /// (four independent words, so the loop is not one long dependency chain).
    static func continuationBytesInStride(_ buffer: UnsafeRawBufferPointer, from start: Int) -> Int {
        let high: UInt64 = 0x8080_8080_8080_8080
        var index = start
        let end = start + Self.stride
        var count = 0
        while index < end {
            let a = buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            let b = buffer.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
            let c = buffer.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
            let d = buffer.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
            // ASCII-only words (the common case) have no high bits at all.
            if (a | b | c | d) & high != 0 {
                count &+= (a & ~(a << 1) & high).nonzeroBitCount &+ (b & ~(b << 1) & high).nonzeroBitCount
                    &+ (c & ~(c << 1) & high).nonzeroBitCount &+ (d & ~(d << 1) & high).nonzeroBitCount
            }
            index &+= 32
        }
        return count
    }

    /// UTF-8 continuation bytes (10xxxxxx) in `start..<end`, eight bytes at a time.
    static func continuationBytes(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        let high: UInt64 = 0x8080_8080_8080_8080
        var index = start
        var count = 0
        while index + 8 <= end {
            let word = buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // Bit 7 set and bit 6 clear, in every byte lane.
            count += (word & ~(word << 1) & high).nonzeroBitCount
            index += 8
        }
        while index < end {
            if buffer[index] & 0xC0 == 0x80 { count += 1 }
            index += 1
        }
        return count
    }

    /// Scalars in `start..<end` (both within the text).
    private func scalars(from start: Int, to end: Int) -> Int {
        end - start - Self.continuationBytes(UnsafeRawBufferPointer(bytes), from: start, to: end)
    }

    /// Scalars before `offset`.
    func scalars(upTo offset: Int) -> Int {
        let offset = min(offset, bytes.count)
        guard offset > 0 else { return 0 }
        let slot = min(offset / Self.stride, checkpoints.count - 1)
        let from = slot * Self.stride
        return checkpoints[slot] + scalars(from: from, to: offset)
    }

    /// ``anchor(_:)``'s context as byte ranges of the text (prefix, suffix) and scalar
    /// offsets, without making strings; nil when the range splits a scalar (``anchor(_:)``
    /// then repairs its strings, and those are the ones to keep).
    func context(_ range: TextRange) -> (prefix: Range<Int>, suffix: Range<Int>, characterStart: Int, characterEnd: Int)? {
        let (start, end, prefixStart, suffixEnd) = bounds(range)
        // The context's ends are scalar starts by construction; the quote's may not be. A
        // slice of valid UTF-8 between scalar starts is valid: its bytes are its string's.
        guard start == bytes.count || bytes[start] & 0xC0 != 0x80, end == bytes.count || bytes[end] & 0xC0 != 0x80 else { return nil }
        let characterStart = scalars(upTo: start)
        return (prefixStart..<start, end..<suffixEnd, characterStart, characterStart + scalars(from: start, to: end))
    }

    func anchor(_ range: TextRange) -> TextAnchor {
        let (start, end, prefixStart, suffixEnd) = bounds(range)
        let characterStart = scalars(upTo: start)
        return TextAnchor(
            exact: string(start, end), prefix: string(prefixStart, start), suffix: string(end, suffixEnd),
            range: TextRange(start: start, end: end), characterStart: characterStart,
            characterEnd: characterStart + scalars(from: start, to: end))
    }

    /// The range clamped to the text, and its context: ``TextAnchor/contextLength`` scalars either side.
    private func bounds(_ range: TextRange) -> (start: Int, end: Int, prefixStart: Int, suffixEnd: Int) {
        let start = min(max(0, range.start), bytes.count)
        let end = min(max(start, range.end), bytes.count)
        let length = TextAnchor.contextLength
        var prefixStart = start
        var remaining = length
        // The context is usually ASCII: then it is `length` bytes, each a scalar of its own
        // (the general walk below would step back one byte at a time and skip nothing).
        if start >= length, Self.isASCII(bytes, from: start - length, count: length) {
            prefixStart = start - length
            remaining = 0
        }
        while prefixStart > 0, remaining > 0 {
            prefixStart -= 1
            while prefixStart > 0, bytes[prefixStart] & 0xC0 == 0x80 { prefixStart -= 1 }
            remaining -= 1
        }
        var suffixEnd = end
        remaining = length
        if length <= bytes.count - end, Self.isASCII(bytes, from: end, count: length) {
            // `length` scalars of one byte; the walk's last step would then skip the
            // continuation bytes that follow (none in valid UTF-8 after an ASCII byte).
            suffixEnd = end + length
            remaining = 0
            while suffixEnd < bytes.count, bytes[suffixEnd] & 0xC0 == 0x80 { suffixEnd += 1 }
        }
        while suffixEnd < bytes.count, remaining > 0 {
            suffixEnd += 1
            while suffixEnd < bytes.count, bytes[suffixEnd] & 0xC0 == 0x80 { suffixEnd += 1 }
            remaining -= 1
        }
        return (start, end, prefixStart, suffixEnd)
    }

    /// Whether `count` bytes from `start` (within the buffer) are all ASCII, eight at a time.
    @inline(__always)
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, count: Int) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var high: UInt64 = 0
        var index = start
        let end = start + count
        while index + 8 <= end {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < end {
            high |= UInt64(raw[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    private func string(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}

/// Collects a dump; used by one reader closure only, never shared.
private final class RetagDumpBuffer: TextOutputStream {
    var text = ""
    func write(_ string: String) { text += string }
}
