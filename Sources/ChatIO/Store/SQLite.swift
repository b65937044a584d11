import CSQLite

/// What SQLite said when a call failed: its extended result code and message.
struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String

    /// The primary result code (`SQLITE_BUSY`, `SQLITE_FULL`...), without the extended bits.
    var primary: Int32 { code & 0xFF }
    var description: String { "\(message) (SQLite code \(code))" }
}

/// One SQLite connection, used from the loop's thread only. It knows SQL, not rooms.
final class SQLiteDatabase {
    let handle: OpaquePointer

    init(path: String) throws(SQLiteFailure) {
        var db: OpaquePointer?
        // NOMUTEX: one thread uses the connection, so SQLite's own locking is pure cost.
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard let db else { throw SQLiteFailure(code: rc, message: "out of memory") }
        guard rc == SQLITE_OK else {
            let failure = SQLiteFailure(code: sqlite3_extended_errcode(db), message: String(cString: sqlite3_errmsg(db)))
            sqlite3_close_v2(db)
            throw failure
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { sqlite3_close_v2(handle) }

    var failure: SQLiteFailure {
        SQLiteFailure(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }

    /// Runs statements that return no rows (or whose rows do not matter).
    func execute(_ sql: String) throws(SQLiteFailure) {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw failure }
    }

    func prepare(_ sql: String) throws(SQLiteFailure) -> SQLiteStatement {
        var stmt: OpaquePointer?
        // PERSISTENT: these statements live as long as the log and are stepped many times.
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil) == SQLITE_OK,
              let stmt else { throw failure }
        return SQLiteStatement(stmt, database: self)
    }

    /// The first column of the first row, for one-number queries (`PRAGMA user_version`).
    func integer(_ sql: String) throws(SQLiteFailure) -> Int64? {
        let s = try prepare(sql)
        defer { s.reset() }
        return try s.step() ? s.int64(0) : nil
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }
    var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }
}

/// A prepared statement, reset after each use and kept for the next one.
final class SQLiteStatement {
    let handle: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(_ handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Ready for new bindings: the last run's row and bindings are gone.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// True when a row is ready, false when the statement is done.
    func step() throws(SQLiteFailure) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let f = database.failure
            sqlite3_reset(handle)
            throw f
        }
    }

    /// Steps a statement that returns no rows, then resets it.
    func run() throws(SQLiteFailure) {
        defer { reset() }
        _ = try step()
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bindNull(_ index: Int32) { sqlite3_bind_null(handle, index) }

    /// Binds bytes without a copy: valid until the statement is stepped and reset, so only
    /// inside `withUTF8` or `withBytes` blocks that also step it.
    func bindText(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else {
            // An empty string may have no storage; a null pointer would bind NULL, not "".
            sqlite3_bind_text(handle, index, "", 0, shim_sqlite3_transient())
            return
        }
        base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            _ = sqlite3_bind_text(handle, index, $0, Int32(bytes.count), shim_sqlite3_static())
        }
    }

    func bindBlob(_ index: Int32, _ bytes: UnsafeRawBufferPointer) {
        sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), shim_sqlite3_static())
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func text(_ column: Int32) -> String {
        String(decoding: textBytes(column), as: UTF8.self)
    }

    /// The column's UTF-8 bytes in SQLite's memory: valid until the next step or reset.
    func textBytes(_ column: Int32) -> UnsafeBufferPointer<UInt8> {
        let p = sqlite3_column_text(handle, column)
        return UnsafeBufferPointer(start: p, count: p == nil ? 0 : Int(sqlite3_column_bytes(handle, column)))
    }

    func blob(_ column: Int32) -> UnsafeRawBufferPointer {
        let n = Int(sqlite3_column_bytes(handle, column))
        guard let p = sqlite3_column_blob(handle, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: n)
    }
}

/// A string's UTF-8 bytes for the block, without a copy for a native string.
func withUTF8<R, E: Error>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) throws(E) -> R) throws(E) -> R {
    var s = s
    // String.withUTF8 rethrows untyped; a Result carries the typed error through it.
    let result = s.withUTF8 { buffer in Result { () throws(E) -> R in try body(buffer) } }
    return try result.get()
}
