import Foundation
import GRDB
import ReviewModel

/// The annotation store: one SQLite file (WAL) holding documents, suggestion runs and their
/// suggestions, coders' decisions with their anchors, people's demographics, imports and
/// an append-only audit log.
///
/// Only explicit human commands (``confirm(document:key:coder:note:origin:)``,
/// ``reject(document:key:coder:note:origin:)``, ``add(document:key:coder:note:anchor:origin:)``,
/// ``undo(decision:coder:origin:)``, ``recordPerson(document:person:coder:origin:)``, and an
/// import) create decisions; nothing updates or deletes one, except that a later decision
/// marks the one it replaces as superseded and re-anchoring moves offsets (both audited).
/// Triggers in the schema refuse any other change.
///
/// ```swift
/// let store = try AnnotationStore(path: "annotations/revtag.sqlite")
/// let run = try store.beginSuggestionRun(codebookVersion: codebook.version, codebookHash: codebook.hash)
/// try store.recordSuggestions(run: run, document: document, result: tagger.tag(document))
/// try store.finishSuggestionRun(run)
/// try store.confirm(document: document.name, key: key, coder: "amira")
/// ```
///
/// One store per file per process (GRDB's rule); the class is `Sendable` because GRDB's
/// `DatabasePool` serialises writes and isolates reads. Other processes may write at the
/// same time: writes wait up to ``busyTimeout`` for the lock.
public final class AnnotationStore: Sendable {
    /// The file.
    public let path: String
    let pool: DatabasePool

    /// How long a write waits for another process's transaction to finish.
    public static let busyTimeout: TimeInterval = 5

    /// Opens (creating the file and its folder when missing) and migrates the store.
    public init(path: String) throws(StoreError) {
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "revtag.store"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .database(path: path, message: "cannot open: \(error); check that the folder exists and is writable")
        }
        // Two processes opening a new store at once may race to migrate it; the loser
        // finds the migrations applied on its next attempt.
        var attempt = 0
        while true {
            do {
                try Schema.migrator.migrate(pool)
                break
            } catch {
                attempt += 1
                if attempt >= 3 {
                    throw .database(path: path, message: "cannot migrate the schema: \(error)")
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    // MARK: - Access

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database(path: path, message: "\(error)")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .database(path: path, message: "\(error)")
        }
    }

    /// A textual dump of every table's content (schema objects excluded), in a stable
    /// order: two dumps are equal exactly when the stored content is.
    public func contentDump() throws(StoreError) -> String {
        try read { db in
            let output = DumpBuffer()
            try db.dumpContent(format: .json(), to: output)
            return output.text
        }
    }

    /// Runs `PRAGMA integrity_check` and returns its answer ("ok" when sound).
    public func integrityCheck() throws(StoreError) -> String {
        try read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
        }
    }

    // MARK: - Documents

    /// Registers a parsed document (or updates its hash and metadata). When the stored text
    /// hash differs, every decision in force is re-anchored in the new text; decisions
    /// whose quote is gone are marked orphaned (and kept).
    @discardableResult
    public func registerDocument(_ document: ReviewDocument) throws(StoreError) -> DocumentRegistration {
        try write { db in try Self.register(db, document) }
    }

    /// Registers a document known only by its path or id (as imports name them); no-op
    /// when it exists.
    @discardableResult
    public func registerDocument(path: String) throws(StoreError) -> StoredDocument {
        try write { db in try Self.ensureDocument(db, path: path) }
    }

    /// The document stored under `path`, if any.
    public func document(path: String) throws(StoreError) -> StoredDocument? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM documents WHERE path = ?", arguments: [path]).map(Self.storedDocument)
        }
    }

    /// Every document, by path.
    public func documents() throws(StoreError) -> [StoredDocument] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM documents ORDER BY path").map(Self.storedDocument)
        }
    }

    static func register(_ db: Database, _ document: ReviewDocument) throws -> DocumentRegistration {
        let hash = contentHash(document.text)
        let metadata = MetadataJSON.encode(document.metadata)
        let now = timestamp(Date())
        let length = document.text.utf8.count
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM documents WHERE path = ?", arguments: [document.name]) else {
            try db.executeCached(
                sql: """
                    INSERT INTO documents (path, content_hash, metadata, text_length, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [document.name, hash, metadata, length, now, now])
            let stored = StoredDocument(
                id: db.lastInsertedRowID, path: document.name, contentHash: hash, metadata: document.metadata, textLength: length)
            return DocumentRegistration(document: stored, textChanged: false, reanchor: ReanchorReport())
        }
        let previous = storedDocument(row)
        let changed = previous.contentHash != hash
        try db.executeCached(
            sql: "UPDATE documents SET content_hash = ?, metadata = ?, text_length = ?, updated_at = ? WHERE id = ?",
            arguments: [hash, metadata, length, now, previous.id])
        var report = ReanchorReport()
        if changed {
            report = try reanchor(db, documentID: previous.id, text: document.text, previousHash: previous.contentHash, newHash: hash)
        }
        let stored = StoredDocument(id: previous.id, path: document.name, contentHash: hash, metadata: document.metadata, textLength: length)
        return DocumentRegistration(document: stored, textChanged: changed, reanchor: report)
    }

    static func ensureDocument(_ db: Database, path: String) throws -> StoredDocument {
        if let row = try db.fetchOneCached(sql: "SELECT * FROM documents WHERE path = ?", arguments: [path]) {
            return storedDocument(row)
        }
        let now = timestamp(Date())
        try db.executeCached(
            sql: "INSERT INTO documents (path, created_at, updated_at) VALUES (?, ?, ?)", arguments: [path, now, now])
        return StoredDocument(id: db.lastInsertedRowID, path: path, contentHash: nil, metadata: nil, textLength: nil)
    }

    static func documentID(_ db: Database, path: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM documents WHERE path = ?"), arguments: [path]) else {
            throw StoreError.unknownDocument(path)
        }
        return id
    }

    /// Re-anchors the decisions in force of a document in its new text (see ``Anchoring``).
    static func reanchor(_ db: Database, documentID: Int64, text: String, previousHash: String?, newHash: String) throws -> ReanchorReport {
        var report = ReanchorReport()
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT d.*, doc.path AS document_path FROM decisions d JOIN documents doc ON doc.id = d.document_id
                WHERE d.document_id = ? AND d.superseded_by IS NULL AND d.status != 'withdrawn'
                  AND d.quote_exact IS NOT NULL
                ORDER BY d.id
                """,
            arguments: [documentID])
        for row in rows {
            let decision = self.decision(row)
            guard let anchor = decision.anchor else { continue }
            let found = Anchoring.locate(anchor, in: text)
            guard let found else {
                if !decision.orphaned {
                    try db.executeCached(sql: "UPDATE decisions SET orphaned = 1 WHERE id = ?", arguments: [decision.id])
                    try audit(
                        db, actor: "revtag", action: "orphan", documentID: documentID, decisionID: decision.id,
                        detail: [
                            "quote": anchor.exact, "lastStart": anchor.range.start, "lastEnd": anchor.range.end,
                            "previousHash": previousHash ?? "", "newHash": newHash,
                        ])
                }
                report.orphaned.append(decision.id)
                continue
            }
            let moved = found.anchor.range != anchor.range || found.anchor.prefix != anchor.prefix || found.anchor.suffix != anchor.suffix
                || found.anchor.characterStart != anchor.characterStart || found.anchor.characterEnd != anchor.characterEnd
            if !moved && !decision.orphaned {
                report.unchanged.append(decision.id)
                continue
            }
            let new = found.anchor
            try db.executeCached(
                sql: """
                    UPDATE decisions SET start_offset = ?, end_offset = ?, char_start = ?, char_end = ?,
                        quote_prefix = ?, quote_suffix = ?, orphaned = 0 WHERE id = ?
                    """,
                arguments: [new.range.start, new.range.end, new.characterStart, new.characterEnd, new.prefix, new.suffix, decision.id])
            try audit(
                db, actor: "revtag", action: "reanchor", documentID: documentID, decisionID: decision.id,
                detail: [
                    "method": found.method.rawValue, "fromStart": anchor.range.start, "fromEnd": anchor.range.end,
                    "toStart": new.range.start, "toEnd": new.range.end, "wasOrphaned": decision.orphaned,
                    "previousHash": previousHash ?? "", "newHash": newHash,
                ])
            if decision.orphaned { report.recovered.append(decision.id) } else { report.moved.append(decision.id) }
        }
        return report
    }

    // MARK: - Audit log

    /// The audit log, oldest first (optionally of one document).
    public func auditLog(document: String? = nil) throws(StoreError) -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.*, doc.path AS document_path FROM audit_log a LEFT JOIN documents doc ON doc.id = a.document_id
                    WHERE ?1 IS NULL OR doc.path = ?1 ORDER BY a.id
                    """,
                arguments: [document]
            ).map { row in
                AuditEntry(
                    id: row["id"], time: Self.date(row["at"]), actor: row["actor"], action: row["action"],
                    document: row["document_path"], decisionID: row["decision_id"], personID: row["person_id"],
                    detail: row["detail"])
            }
        }
    }

    static func audit(
        _ db: Database, actor: String, action: String, documentID: Int64?, decisionID: Int64? = nil,
        personID: Int64? = nil, detail: [String: any Sendable] = [:]
    ) throws {
        let json = auditJSON(detail)
        try db.executeCached(
            sql: """
                INSERT INTO audit_log (at, actor, action, document_id, decision_id, person_id, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [timestamp(Date()), actor, action, documentID, decisionID, personID, json])
    }

    /// A flat JSON object with sorted keys (strings, integers, booleans); the audit log's
    /// details are small and written for every human action, so this avoids Foundation's
    /// general serializer.
    static func auditJSON(_ detail: [String: any Sendable]) -> String {
        func quoted(_ string: String) -> String { JSONString.quoted(string) }
        let fields = detail.keys.sorted().map { key -> String in
            let value: String
            switch detail[key] {
            case let bool as Bool: value = bool ? "true" : "false"
            case let int as Int: value = String(int)
            case let int as Int64: value = String(int)
            case let string as String: value = quoted(string)
            case let other?: value = quoted("\(other)")
            case nil: value = "null"
            }
            return quoted(key) + ":" + value
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    // MARK: - Conversions

    static func contentHash(_ text: String) -> String { SHA256.hex(text) }

    private static let timestampStyle = Date.ISO8601FormatStyle(
        includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC") ?? .current)

    static func timestamp(_ date: Date) -> String { timestampStyle.format(date) }

    static func date(_ string: String?) -> Date {
        guard let string else { return Date(timeIntervalSince1970: 0) }
        if let date = try? timestampStyle.parse(string) { return date }
        return (try? Date.ISO8601FormatStyle().parse(string)) ?? Date(timeIntervalSince1970: 0)
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ string: String?) -> T? {
        guard let string else { return nil }
        return try? JSONDecoder().decode(type, from: Data(string.utf8))
    }

    static func storedDocument(_ row: Row) -> StoredDocument {
        StoredDocument(
            id: row["id"], path: row["path"], contentHash: row["content_hash"],
            metadata: decode(DocumentMetadata.self, row["metadata"]), textLength: row["text_length"])
    }

    static func tagKey(tag: String, subject: String) -> TagKey {
        TagKey(tag: TagID(tag) ?? TagID(facet: "unknown", id: tag), subject: Subject(rawValue: subject))
    }

    static func subjectColumn(_ key: TagKey) -> String { key.subject?.rawValue ?? "" }

    static func decision(_ row: Row) -> Decision {
        var anchor: TextAnchor?
        if let exact: String = row["quote_exact"], let start: Int = row["start_offset"], let end: Int = row["end_offset"] {
            anchor = TextAnchor(
                exact: exact, prefix: row["quote_prefix"] ?? "", suffix: row["quote_suffix"] ?? "",
                range: TextRange(start: start, end: max(start, end)),
                characterStart: row["char_start"] ?? 0, characterEnd: row["char_end"] ?? 0)
        }
        let orphaned: Int = row["orphaned"]
        return Decision(
            id: row["id"], document: row["document_path"], key: tagKey(tag: row["tag"], subject: row["subject"]),
            status: DecisionStatus(rawValue: row["status"]) ?? .withdrawn, coder: row["coder"], time: date(row["decided_at"]),
            note: row["note"], anchor: anchor, orphaned: orphaned != 0, supersededBy: row["superseded_by"],
            suggestionID: row["suggestion_id"], origin: DecisionOrigin(rawValue: row["origin"]) ?? .command)
    }
}

/// Collects a dump; GRDB writes through a reference to the stream. Used by one reader
/// closure only, never shared.
private final class DumpBuffer: TextOutputStream {
    var text = ""
    func write(_ string: String) { text += string }
}

extension Database {
    /// Executes a statement kept in the connection's statement cache (hot paths run the
    /// same few statements thousands of times in an import).
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Fetches one row through the statement cache.
    func fetchOneCached(sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try Row.fetchOne(cachedStatement(sql: sql), arguments: arguments)
    }
}
