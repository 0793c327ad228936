import Foundation
import GRDB
import ReviewModel

extension AnnotationStore {
    // MARK: - Human commands

    /// Confirms the latest run's suggestion of `key` in the document, anchored on its first
    /// evidence span. A decision already in force by the same coder is superseded (a
    /// correction, audited), never overwritten.
    /// - Throws: ``StoreError/unknownDocument(_:)``; ``StoreError/invalidRequest(_:)`` when the
    ///   latest run did not suggest `key` (add it with ``add(document:key:coder:note:anchor:origin:)``).
    @discardableResult
    public func confirm(
        document: String, key: TagKey, coder: String, note: String? = nil, origin: DecisionOrigin = .command
    ) throws(StoreError) -> Decision {
        try write { db in
            let documentID = try Self.documentID(db, path: document)
            guard let suggestion = try Self.latestSuggestionRow(db, documentID: documentID, key: key) else {
                let suggested = try Self.latestSuggestions(db, documentID: documentID, path: document).map(\.key.description)
                throw StoreError.invalidRequest(
                    "\(document): \(key) was not suggested by the latest run"
                        + (suggested.isEmpty ? " (no suggestions)" : "; suggested: \(suggested.joined(separator: ", "))")
                        + ". Use `revtag add` to add a tag by hand.")
            }
            return try Self.decide(
                db, documentID: documentID, path: document, key: key, status: .confirmed, coder: coder, note: note,
                anchor: Self.storedEvidence(suggestion).anchor, suggestionID: suggestion["id"], origin: origin)
        }
    }

    /// Rejects `key` in the document (anchored on the latest suggestion's evidence when
    /// there is one). Rejecting a tag that was not suggested is allowed: it records that the
    /// coder looked and said no.
    @discardableResult
    public func reject(
        document: String, key: TagKey, coder: String, note: String? = nil, origin: DecisionOrigin = .command
    ) throws(StoreError) -> Decision {
        try write { db in
            let documentID = try Self.documentID(db, path: document)
            let suggestion = try Self.latestSuggestionRow(db, documentID: documentID, key: key)
            return try Self.decide(
                db, documentID: documentID, path: document, key: key, status: .rejected, coder: coder, note: note,
                anchor: suggestion.flatMap { Self.storedEvidence($0).anchor }, suggestionID: suggestion?["id"],
                origin: origin)
        }
    }

    /// Adds `key` by hand, optionally anchored (build the anchor with ``Anchoring``).
    /// The document is registered by path when the store does not know it yet.
    @discardableResult
    public func add(
        document: String, key: TagKey, coder: String, note: String? = nil, anchor: TextAnchor? = nil,
        origin: DecisionOrigin = .command
    ) throws(StoreError) -> Decision {
        try write { db in
            let stored = try Self.ensureDocument(db, path: document)
            let suggestion = try Self.latestSuggestionRow(db, documentID: stored.id, key: key)
            return try Self.decide(
                db, documentID: stored.id, path: document, key: key, status: .added, coder: coder, note: note,
                anchor: anchor, suggestionID: suggestion?["id"], origin: origin)
        }
    }

    /// The subject of a suggestion was wrong: rejects (tag, `from`) and confirms (tag, `to`)
    /// on the same evidence, in one transaction. Returns the two new decisions.
    @discardableResult
    public func changeSubject(
        document: String, tag: TagID, from: Subject, to: Subject, coder: String, origin: DecisionOrigin = .command
    ) throws(StoreError) -> [Decision] {
        try write { db in
            let documentID = try Self.documentID(db, path: document)
            let oldKey = TagKey(tag: tag, subject: from)
            let newKey = TagKey(tag: tag, subject: to)
            let suggestion = try Self.latestSuggestionRow(db, documentID: documentID, key: oldKey)
            let anchor = suggestion.flatMap { Self.storedEvidence($0).anchor }
            let rejected = try Self.decide(
                db, documentID: documentID, path: document, key: oldKey, status: .rejected, coder: coder,
                note: "subject corrected to \(to.rawValue)", anchor: anchor, suggestionID: suggestion?["id"], origin: origin)
            let newSuggestion = try Self.latestSuggestionRow(db, documentID: documentID, key: newKey)
            let confirmed = try Self.decide(
                db, documentID: documentID, path: document, key: newKey, status: newSuggestion == nil ? .added : .confirmed,
                coder: coder, note: "subject corrected from \(from.rawValue)", anchor: anchor,
                suggestionID: newSuggestion?["id"] ?? suggestion?["id"], origin: origin)
            return [rejected, confirmed]
        }
    }

    /// Undoes a decision: records a compensating `withdrawn` decision that supersedes it
    /// (and an audit entry); the suggestion, if any, is pending again. Nothing is deleted.
    /// - Throws: ``StoreError/invalidRequest(_:)`` when the decision is already superseded.
    @discardableResult
    public func undo(decision id: Int64, coder: String, origin: DecisionOrigin = .command) throws(StoreError) -> Decision {
        try write { db in
            guard let row = try Row.fetchOne(
                db,
                sql: "SELECT d.*, doc.path AS document_path FROM decisions d JOIN documents doc ON doc.id = d.document_id WHERE d.id = ?",
                arguments: [id])
            else { throw StoreError.unknownDecision(id) }
            let previous = Self.decision(row)
            guard previous.isCurrent else {
                throw StoreError.invalidRequest("decision \(id) was already replaced by decision \(previous.supersededBy ?? 0); undo that one")
            }
            guard previous.status != .withdrawn else {
                throw StoreError.invalidRequest("decision \(id) is itself an undo; record a new decision instead")
            }
            return try Self.decide(
                db, documentID: row["document_id"], path: previous.document, key: previous.key, status: .withdrawn,
                coder: coder, note: "undo of decision \(id) (\(previous.status.rawValue))", anchor: previous.anchor,
                suggestionID: previous.suggestionID, origin: origin, action: "undo")
        }
    }

    // MARK: - Queries

    /// The document's decisions, oldest first: those in force only, or the whole history
    /// (superseded and withdrawn ones included) with `history`.
    public func decisions(document: String, coder: String? = nil, history: Bool = false) throws(StoreError) -> [Decision] {
        try read { db in
            let documentID = try Self.documentID(db, path: document)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT d.*, doc.path AS document_path FROM decisions d JOIN documents doc ON doc.id = d.document_id
                    WHERE d.document_id = ?1 AND (?2 IS NULL OR d.coder = ?2)
                      AND (?3 OR (d.superseded_by IS NULL AND d.status != 'withdrawn'))
                    ORDER BY d.id
                    """,
                arguments: [documentID, coder, history]
            ).map(Self.decision)
        }
    }

    /// Decisions in force whose anchor was lost (optionally of one document).
    public func orphanedDecisions(document: String? = nil) throws(StoreError) -> [Decision] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.*, doc.path AS document_path FROM decisions d JOIN documents doc ON doc.id = d.document_id
                    WHERE d.orphaned = 1 AND d.superseded_by IS NULL AND d.status != 'withdrawn'
                      AND (?1 IS NULL OR doc.path = ?1)
                    ORDER BY doc.path, d.id
                    """,
                arguments: [document]
            ).map(Self.decision)
        }
    }

    /// Number of decision rows ever recorded (history included): it only grows, and only
    /// through human commands.
    public func decisionCount() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM decisions") ?? 0 }
    }

    /// Pending, confirmed, rejected, added and orphaned counts per document (one document, or all).
    public func statusCounts(document: String? = nil, coder: String? = nil) throws(StoreError) -> [DocumentStatus] {
        try read { db in
            let documents = try Row.fetchAll(
                db, sql: "SELECT id, path FROM documents WHERE ?1 IS NULL OR path = ?1 ORDER BY path", arguments: [document])
            if let document, documents.isEmpty { throw StoreError.unknownDocument(document) }
            return try documents.map { row in
                let id: Int64 = row["id"]
                let path: String = row["path"]
                let pending = try Self.pending(db, documentID: id, path: path, coder: coder).count
                let counts = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT status, COUNT(*) AS n, SUM(orphaned) AS o FROM decisions
                        WHERE document_id = ?1 AND superseded_by IS NULL AND (?2 IS NULL OR coder = ?2) GROUP BY status
                        """,
                    arguments: [id, coder])
                var status = DocumentStatus(document: path, pending: pending, confirmed: 0, rejected: 0, added: 0, orphaned: 0)
                for count in counts {
                    let n: Int = count["n"]
                    let orphaned: Int = count["o"] ?? 0
                    switch DecisionStatus(rawValue: count["status"]) {
                    case .confirmed: status.confirmed = n
                    case .rejected: status.rejected = n
                    case .added: status.added = n
                    case .withdrawn, nil: continue
                    }
                    status.orphaned += orphaned
                }
                return status
            }
        }
    }

    // MARK: - Internals

    static func latestSuggestionRow(_ db: Database, documentID: Int64, key: TagKey) throws -> Row? {
        guard let run = try latestRun(db, documentID: documentID) else { return nil }
        return try Row.fetchOne(
            db,
            sql: "SELECT * FROM suggestions WHERE document_id = ? AND run_id = ? AND tag = ? AND subject = ? ORDER BY id LIMIT 1",
            arguments: [documentID, run, key.tag.description, subjectColumn(key)])
    }

    /// Inserts a decision; the coder's decision in force for the same key (if any) is
    /// marked superseded by it. Audited as `decide`, `correct` or `undo`.
    static func decide(
        _ db: Database, documentID: Int64, path: String, key: TagKey, status: DecisionStatus, coder: String, note: String?,
        anchor: TextAnchor?, suggestionID: Int64?, origin: DecisionOrigin, importID: Int64? = nil, action: String? = nil
    ) throws -> Decision {
        let previous = try db.fetchOneCached(
            sql: """
                SELECT id, status FROM decisions
                WHERE document_id = ? AND tag = ? AND subject = ? AND coder = ? AND superseded_by IS NULL
                ORDER BY id DESC LIMIT 1
                """,
            arguments: [documentID, key.tag.description, subjectColumn(key), coder])
        let now = Date()
        try db.executeCached(
            sql: """
                INSERT INTO decisions (document_id, tag, subject, status, coder, decided_at, note, quote_exact, quote_prefix,
                    quote_suffix, start_offset, end_offset, char_start, char_end, suggestion_id, origin, import_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                documentID, key.tag.description, subjectColumn(key), status.rawValue, coder, timestamp(now), note,
                anchor?.exact, anchor?.prefix, anchor?.suffix, anchor?.range.start, anchor?.range.end,
                anchor?.characterStart, anchor?.characterEnd, suggestionID, origin.rawValue, importID,
            ])
        let id = db.lastInsertedRowID
        var detail: [String: any Sendable] = [
            "tag": key.tag.description, "subject": subjectColumn(key), "status": status.rawValue, "origin": origin.rawValue,
        ]
        if let note { detail["note"] = note }
        if let previous {
            let previousID: Int64 = previous["id"]
            let previousStatus: String = previous["status"]
            try db.executeCached(sql: "UPDATE decisions SET superseded_by = ? WHERE id = ?", arguments: [id, previousID])
            detail["supersedes"] = previousID
            detail["previousStatus"] = previousStatus
        }
        try audit(
            db, actor: coder, action: action ?? (previous == nil ? "decide" : "correct"), documentID: documentID,
            decisionID: id, detail: detail)
        return Decision(
            id: id, document: path, key: key, status: status, coder: coder, time: date(timestamp(now)), note: note,
            anchor: anchor, orphaned: false, supersededBy: nil, suggestionID: suggestionID, origin: origin)
    }
}
