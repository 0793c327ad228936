import GRDB
import GRDBSQLite

/// Inserts suggestion rows through SQLite's own prepared statement, binding each value
/// directly: a bulk retag writes tens of thousands of rows, and GRDB's general argument
/// path (an array of boxed values per row) cost as much as SQLite's insert itself.
/// Used inside one `write` closure only (the statement is finalised at its end).
struct SuggestionInserter: ~Copyable {
    private let connection: OpaquePointer
    private let statement: OpaquePointer
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ db: Database) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the database connection is closed")
        }
        var statement: OpaquePointer?
        let sql = "INSERT INTO suggestions (run_id, document_id, tag, subject, confidence, rule, evidence) VALUES (?, ?, ?, ?, ?, ?, ?)"
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.connection = connection
        self.statement = statement
    }

    deinit { sqlite3_finalize(statement) }

    /// Inserts one row.
    func insert(run: Int64, document: Int64, tag: String, subject: String, confidence: Double, rule: String, evidence: String) throws {
        sqlite3_bind_int64(statement, 1, run)
        sqlite3_bind_int64(statement, 2, document)
        bind(tag, at: 3)
        bind(subject, at: 4)
        sqlite3_bind_double(statement, 5, confidence)
        bind(rule, at: 6)
        bind(evidence, at: 7)
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)),
                sql: String(cString: sqlite3_sql(statement)))
        }
    }

    private func bind(_ string: String, at index: Int32) {
        // A native string's UTF-8 in place (no copy of the string, which would retain it).
        if let done = string.utf8.withContiguousStorageIfAvailable({ bind($0, at: index) }) { return done }
        var string = string
        string.withUTF8 { bind($0, at: index) }
    }

    private func bind(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int32) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            // An empty text, not NULL (a nil pointer would bind NULL).
            _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
            return
        }
        base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { text in
            _ = sqlite3_bind_text(statement, index, text, Int32(bytes.count), Self.transient)
        }
    }
}
