import GRDB
import GRDBSQLite

/// Inserts suggestion rows through SQLite's own prepared statements, binding each value
/// directly: a bulk retag writes tens of thousands of rows, and GRDB's general argument
/// path (an array of boxed values per row) cost as much as SQLite's insert itself. The
/// strings are bound where they lie, in the document's prepared buffer (no copy), and rows
/// go up to 16 to a statement (one `INSERT ... VALUES (...), (...)`), so that SQLite opens its
/// cursors once for them; the rows and their ids are the same as one by one. A document's rows
/// are taken 16, 8, 4, 2 and 1 at a time (``rowsPerStatement``): its 45 rows are 5 steps, not
/// 2 of 16 and 13 of one row each.
/// The run and the document, the same in every row, are one parameter each (`?1`, `?2`),
/// bound once per statement rather than once per row.
/// Used inside one `write` closure only (the statements are finalised at its end).
struct SuggestionInserter: ~Copyable {
    private let connection: OpaquePointer
    /// A statement for each of ``rowsPerStatement``'s row counts, in the same order.
    private let statements: [OpaquePointer]
    /// The rows of the statements, largest first; each is half the one before, down to one.
    static let rowsPerStatement = [16, 8, 4, 2, 1]
    /// The parameters of a row after the shared `?1` (run) and `?2` (document).
    private static let rowParameters: Int32 = 5
    /// Static bytes for an empty string when the row buffer has none.
    private static let empty: StaticString = ""
    /// SQLite's `SQLITE_STATIC` (a null destructor): the bytes stay valid until the next bind.
    private static let `static`: sqlite3_destructor_type? = nil

    init(_ db: Database) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the database connection is closed")
        }
        var statements: [OpaquePointer] = []
        do {
            for rows in Self.rowsPerStatement { statements.append(try Self.prepare(connection, rows: rows)) }
        } catch {
            for statement in statements { sqlite3_finalize(statement) }
            throw error
        }
        self.connection = connection
        self.statements = statements
    }

    private static func prepare(_ connection: OpaquePointer, rows: Int) throws -> OpaquePointer {
        // A plain `?` takes the number after the largest so far: row r's are 3 + 5r ... 7 + 5r.
        let values = Array(repeating: "(?1, ?2, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
        let sql = "INSERT INTO suggestions (run_id, document_id, tag, subject, confidence, rule, evidence) VALUES \(values)"
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        return statement
    }

    deinit {
        for statement in statements { sqlite3_finalize(statement) }
    }

    /// Inserts a document's prepared rows, in order. Their strings are bound in place
    /// (`SQLITE_STATIC`: the buffer outlives each step, and every step binds all of them anew).
    func insert(run: Int64, document: Int64, _ prepared: PreparedRows) throws {
        try prepared.bytes.withUnsafeBufferPointer { bytes in
            try prepared.rows.withUnsafeBufferPointer { rows in
                var next = 0
                var size = 0
                while next < rows.count {
                    // The largest statement whose rows are all left.
                    while Self.rowsPerStatement[size] > rows.count - next { size += 1 }
                    let statement = statements[size]
                    let count = Self.rowsPerStatement[size]
                    sqlite3_bind_int64(statement, 1, run)
                    sqlite3_bind_int64(statement, 2, document)
                    for offset in 0..<count {
                        let row = rows[next + offset]
                        let base = 2 + Int32(offset) * Self.rowParameters
                        bind(statement, bytes, row.tag, at: base + 1)
                        bind(statement, bytes, row.subject, at: base + 2)
                        sqlite3_bind_double(statement, base + 3, row.confidence)
                        bind(statement, bytes, row.rule, at: base + 4)
                        bind(statement, bytes, row.evidence, at: base + 5)
                    }
                    let code = sqlite3_step(statement)
                    sqlite3_reset(statement)
                    guard code == SQLITE_DONE else {
                        throw DatabaseError(
                            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)),
                            sql: String(cString: sqlite3_sql(statement)))
                    }
                    next += count
                }
            }
        }
    }

    /// Binds a row's string in place. An empty one (most subjects) is bound as static bytes
    /// too, never as a nil pointer (that binds NULL, and an empty string is text): a transient
    /// empty string made SQLite allocate and free a copy of it for every row.
    private func bind(_ statement: OpaquePointer, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, at index: Int32) {
        let start = bytes.baseAddress.map { $0 + range.lowerBound } ?? Self.empty.utf8Start
        start.withMemoryRebound(to: CChar.self, capacity: range.count) { text in
            _ = sqlite3_bind_text(statement, index, text, Int32(range.count), Self.static)
        }
    }
}
