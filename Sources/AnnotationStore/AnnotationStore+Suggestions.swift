import Foundation
import GRDB
import ReviewModel

/// One evidence span as stores before the compact encoding (``EvidenceCodec``) hold it, a
/// JSON array of these per suggestion: the span, plus the quote context that a decision
/// anchored on it needs. Read only.
struct StoredEvidence: Codable {
    var text: String
    var start: Int
    var end: Int
    var rule: String
    var line: Int
    var character: Int
    var prefix: String
    var suffix: String
    var characterStart: Int
    var characterEnd: Int

    var evidence: Evidence {
        Evidence(text: text, range: TextRange(start: start, end: max(start, end)), rule: rule, line: line, character: character)
    }

    var anchor: TextAnchor {
        TextAnchor(
            exact: text, prefix: prefix, suffix: suffix, range: TextRange(start: start, end: max(start, end)),
            characterStart: characterStart, characterEnd: characterEnd)
    }
}

extension AnnotationStore {
    /// Starts a suggestion run and returns its id. Recording a run never touches decisions.
    public func beginSuggestionRun(
        codebookVersion: String, codebookHash: String, revtagVersion: String = RevtagInfo.version
    ) throws(StoreError) -> Int64 {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO suggestion_runs (codebook_version, codebook_hash, revtag_version, started_at, status)
                    VALUES (?, ?, ?, ?, 'running')
                    """,
                arguments: [codebookVersion, codebookHash, revtagVersion, Self.timestamp(Date())])
            return db.lastInsertedRowID
        }
    }

    /// Marks a run finished (or failed).
    public func finishSuggestionRun(_ run: Int64, status: RunStatus = .finished) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: "UPDATE suggestion_runs SET finished_at = ?, status = ? WHERE id = ?",
                arguments: [Self.timestamp(Date()), status.rawValue, run])
        }
    }

    /// Records a document's suggestions for a run in one transaction: registers the
    /// document (re-anchoring decisions if its text changed), then stores every suggestion
    /// with its evidence, plus the suggested category as a `category/<id>` suggestion.
    /// Decisions are never touched (other than re-anchoring, which is audited).
    @discardableResult
    public func recordSuggestions(run: Int64, document: ReviewDocument, result: TaggingResult) throws(StoreError) -> DocumentRegistration {
        try write { db in
            let registration = try Self.register(db, document)
            let documentID = registration.document.id
            try db.execute(
                sql: "INSERT OR IGNORE INTO run_documents (run_id, document_id, content_hash) VALUES (?, ?, ?)",
                arguments: [run, documentID, registration.document.contentHash ?? ""])
            // A document recorded twice in one run keeps its first suggestions (decisions may refer to them).
            guard db.changesCount > 0 else { return registration }
            let statement = try db.makeStatement(sql: """
                INSERT INTO suggestions (run_id, document_id, tag, subject, confidence, rule, evidence)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for row in Self.suggestionRows(result, text: Array(document.text.utf8)) {
                try statement.execute(arguments: [
                    run, documentID, row.tag, row.subject, row.confidence, row.rule, row.evidence,
                ])
            }
            return registration
        }
    }

    /// Begins a run, records one document's suggestions and finishes the run.
    @discardableResult
    public func recordSuggestionRun(
        document: ReviewDocument, result: TaggingResult, codebookVersion: String, codebookHash: String
    ) throws(StoreError) -> (run: Int64, registration: DocumentRegistration) {
        let run = try beginSuggestionRun(codebookVersion: codebookVersion, codebookHash: codebookHash)
        do {
            let registration = try recordSuggestions(run: run, document: document, result: result)
            try finishSuggestionRun(run)
            return (run, registration)
        } catch {
            try? finishSuggestionRun(run, status: .failed)
            throw error
        }
    }

    /// Every run, oldest first.
    public func suggestionRuns() throws(StoreError) -> [SuggestionRun] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM suggestion_runs ORDER BY id").map { row in
                SuggestionRun(
                    id: row["id"], codebookVersion: row["codebook_version"], codebookHash: row["codebook_hash"],
                    revtagVersion: row["revtag_version"], started: Self.date(row["started_at"]),
                    finished: (row["finished_at"] as String?).map { Self.date($0) },
                    status: RunStatus(rawValue: row["status"]) ?? .failed)
            }
        }
    }

    /// The suggestions of the latest run that covered the document (empty when none did).
    public func latestSuggestions(document: String) throws(StoreError) -> [StoredSuggestion] {
        try read { db in
            let documentID = try Self.documentID(db, path: document)
            return try Self.latestSuggestions(db, documentID: documentID, path: document)
        }
    }

    /// Suggestions of the latest run without a decision in force (confirmed, rejected or
    /// added) by `coder` (by anyone when nil), in the order they were recorded.
    public func pending(document: String, coder: String?) throws(StoreError) -> [StoredSuggestion] {
        try read { db in
            let documentID = try Self.documentID(db, path: document)
            return try Self.pending(db, documentID: documentID, path: document, coder: coder)
        }
    }

    static func latestRun(_ db: Database, documentID: Int64) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT MAX(run_id) FROM run_documents WHERE document_id = ?", arguments: [documentID])
    }

    static func latestSuggestions(_ db: Database, documentID: Int64, path: String) throws -> [StoredSuggestion] {
        guard let run = try latestRun(db, documentID: documentID) else { return [] }
        return try Row.fetchAll(
            db, sql: "SELECT * FROM suggestions WHERE document_id = ? AND run_id = ? ORDER BY id", arguments: [documentID, run]
        ).map { suggestion($0, path: path) }
    }

    static func pending(_ db: Database, documentID: Int64, path: String, coder: String?) throws -> [StoredSuggestion] {
        guard let run = try latestRun(db, documentID: documentID) else { return [] }
        return try Row.fetchAll(
            db,
            sql: """
                SELECT s.* FROM suggestions s
                WHERE s.document_id = ?1 AND s.run_id = ?2 AND NOT EXISTS (
                    SELECT 1 FROM decisions d
                    WHERE d.document_id = s.document_id AND d.tag = s.tag AND d.subject = s.subject
                      AND d.superseded_by IS NULL AND d.status != 'withdrawn' AND (?3 IS NULL OR d.coder = ?3))
                ORDER BY s.id
                """,
            arguments: [documentID, run, coder]
        ).map { suggestion($0, path: path) }
    }

    /// A suggestion row's evidence and the anchor of its first span (either encoding).
    static func storedEvidence(_ row: Row) -> EvidenceCodec.Decoded {
        (row["evidence"] as String?).flatMap(EvidenceCodec.decode) ?? EvidenceCodec.Decoded(evidence: [], anchor: nil)
    }

    static func suggestion(_ row: Row, path: String) -> StoredSuggestion {
        StoredSuggestion(
            id: row["id"], runID: row["run_id"], document: path, key: tagKey(tag: row["tag"], subject: row["subject"]),
            confidence: row["confidence"], rule: row["rule"], evidence: storedEvidence(row).evidence)
    }
}

extension AnnotationStore {
    /// The id of the latest run that covered the document, or nil when none did (or the
    /// document is unknown).
    public func latestRun(document: String) throws(StoreError) -> Int64? {
        try read { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM documents WHERE path = ?", arguments: [document]) else {
                return nil
            }
            return try Self.latestRun(db, documentID: id)
        }
    }

    /// The content hash the store computes for a normalised text (SHA-256, hex): compare it
    /// with ``StoredDocument/contentHash`` to know whether a document changed.
    public static func contentHash(of text: String) -> String { contentHash(text) }
}
