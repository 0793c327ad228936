import GRDB
import GRDBSQLite

/// A query stepped on SQLite's own prepared statement, its columns read in place: for the
/// bulk reads of a retag, where GRDB's rows (a boxed value, or a string, per column) cost
/// more than SQLite's work. Used inside one `read`/`write` closure only; finalised at its end.
struct RawStatement: ~Copyable {
    private let connection: OpaquePointer
    private let statement: OpaquePointer

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the database connection is closed")
        }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.connection = connection
        self.statement = statement
    }

    deinit { sqlite3_finalize(statement) }

    /// Moves to the next row; false when there is none.
    func step() throws -> Bool {
        let code = sqlite3_step(statement)
        if code == SQLITE_ROW { return true }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)),
                sql: String(cString: sqlite3_sql(statement)))
        }
        return false
    }

    /// Runs a statement that returns no row, then resets it for the next bindings.
    func execute() throws {
        defer { sqlite3_reset(statement) }
        guard try !step() else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "a statement run for no row returned one", sql: String(cString: sqlite3_sql(statement)))
        }
    }

    /// Makes the statement ready to run again (bindings are kept until replaced).
    func reset() { sqlite3_reset(statement) }

    func bind(_ value: Int64, at index: Int32) { sqlite3_bind_int64(statement, index, value) }

    /// Binds a string's UTF-8 (SQLite copies it).
    func bind(_ value: String, at index: Int32) {
        var value = value
        value.withUTF8 { utf8 in
            guard let base = utf8.baseAddress, !utf8.isEmpty else {
                // An empty string is text, not NULL (a nil pointer would bind NULL).
                _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
                return
            }
            base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { text in
                _ = sqlite3_bind_text(statement, index, text, Int32(utf8.count), Self.transient)
            }
        }
    }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    /// A column's text as UTF-8 bytes, valid until the next step (empty for NULL).
    func text(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let text = sqlite3_column_text(statement, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, column)))
    }
}
