#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CSQLite

/// One SQLite connection: the C API wrapped once. Not thread-safe by design; each connection
/// is confined to one actor with its own serial executor (`SQLiteConnection`), as GRDB does.
final class SQLiteDatabase {
    let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]
    /// Statements of static SQL, keyed by the text's address: no hashing of long SQL per call.
    private var staticStatements: [UnsafeRawPointer: SQLiteStatement] = [:]

    init(path: String, readOnly: Bool = false) throws(StoreError) {
        if !readOnly { Self.createPrivately(path) }
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw StoreError.unavailable("cannot open SQLite database '\(path)': \(message)")
        }
        self.handle = handle
        sqlite3_busy_timeout(handle, 10_000)
        sqlite3_extended_result_codes(handle, 1)
    }

    /// A new database file is created readable by its owner only (0600): it holds the peers'
    /// OCPI tokens, which the registry must present and so keeps in clear. SQLite gives its
    /// `-wal` and `-shm` files the database file's permissions. An existing file keeps the
    /// permissions its administrator chose.
    private static func createPrivately(_ path: String) {
        guard !path.isEmpty, !path.hasPrefix(":"), !path.hasPrefix("file:") else { return }
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
    }

    deinit {
        statements.removeAll()
        staticStatements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &error)
        if code != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error \(code)"
            sqlite3_free(error)
            throw StoreError.query(message)
        }
    }

    /// A prepared statement, cached by its SQL text.
    func statement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        let statement = try SQLiteStatement(database: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// A prepared statement of static SQL, cached by the text's address.
    func prepared(_ sql: StaticString) throws(StoreError) -> SQLiteStatement {
        let key = UnsafeRawPointer(sql.utf8Start)
        if let cached = staticStatements[key] {
            cached.reset()
            return cached
        }
        let statement = try SQLiteStatement(database: self, sql: sql.description)
        staticStatements[key] = statement
        return statement
    }

    /// Resets every statement left mid-result. A statement that stepped to a row and was left
    /// there holds its read transaction open, so later reads on this connection would keep
    /// seeing that old snapshot (and WAL checkpoints could not finish).
    func resetActiveStatements() {
        var statement = sqlite3_next_stmt(handle, nil)
        while let current = statement {
            if sqlite3_stmt_busy(current) != 0 { sqlite3_reset(current) }
            statement = sqlite3_next_stmt(handle, current)
        }
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    /// Rows changed by the last statement.
    var changes: Int { Int(sqlite3_changes(handle)) }
    /// True inside an explicit transaction (autocommit off).
    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A value bound to or read from SQLite.
enum SQLiteValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    /// UTF-8 text already in bytes (stored documents), bound without a String round trip.
    case utf8([UInt8])
    case blob([UInt8])

    init(_ value: LocationListSQL.Value) {
        switch value {
        case .text(let text): self = .text(text)
        case .integer(let integer): self = .integer(integer)
        case .real(let real): self = .real(real)
        }
    }
}

/// A prepared statement of one connection.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(database: SQLiteDatabase, sql: String) throws(StoreError) {
        var handle: OpaquePointer?
        let code = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &handle, nil)
        guard code == SQLITE_OK, let handle else {
            throw StoreError.query("cannot prepare '\(sql.prefix(80))': \(database.errorMessage)")
        }
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds values to `?1, ?2, …` in order.
    @discardableResult
    func bind(_ values: SQLiteValue...) -> SQLiteStatement { bind(values) }

    @discardableResult
    func bind(_ values: [SQLiteValue]) -> SQLiteStatement {
        for (offset, value) in values.enumerated() { bind(value, at: Int32(offset + 1)) }
        return self
    }

    /// Binds values to the parameters named `$1, $2, …`, wherever they appear in the text.
    @discardableResult
    func bindNumbered(_ values: [SQLiteValue]) -> SQLiteStatement {
        for (offset, value) in values.enumerated() {
            let index = sqlite3_bind_parameter_index(handle, "$\(offset + 1)")
            if index > 0 { bind(value, at: index) }
        }
        return self
    }

    private func bind(_ value: SQLiteValue, at index: Int32) {
        switch value {
        case .null: sqlite3_bind_null(handle, index)
        case .integer(let int): sqlite3_bind_int64(handle, index, int)
        case .real(let double): sqlite3_bind_double(handle, index, double)
        case .text(var text):
            // Bound with its byte length, never as a C string: a NUL inside must not end it.
            text.withUTF8 { bytes in
                _ = sqlite3_bind_text64(
                    handle, index, UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self),
                    UInt64(bytes.count), csqlite_transient(), UInt8(SQLITE_UTF8))
            }
        case .utf8(let bytes):
            bytes.withUnsafeBytes { raw in
                _ = sqlite3_bind_text64(
                    handle, index, raw.baseAddress?.assumingMemoryBound(to: CChar.self), UInt64(raw.count),
                    csqlite_transient(), UInt8(SQLITE_UTF8))
            }
        case .blob(let bytes):
            bytes.withUnsafeBytes { raw in
                _ = sqlite3_bind_blob64(handle, index, raw.baseAddress, UInt64(raw.count), csqlite_transient())
            }
        }
    }

    var columnCount: Int32 { sqlite3_column_count(handle) }

    /// Steps once; true when a row is available.
    func step() throws(StoreError) -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code:
            let message = database.errorMessage
            sqlite3_reset(handle)
            if (code & 0xFF) == SQLITE_BUSY || (code & 0xFF) == SQLITE_LOCKED { throw StoreError.busy(message) }
            // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY (function-like macros in sqlite3.h).
            if code == SQLITE_CONSTRAINT | (8 << 8) || code == SQLITE_CONSTRAINT | (6 << 8) {
                throw StoreError.conflict(message)
            }
            throw StoreError.query(message)
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws(StoreError) {
        while try step() {}
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func optionalInt(_ column: Int32) -> Int64? { isNull(column) ? nil : int(column) }
    func optionalReal(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(handle, column) }

    /// The column as text; a REAL in the shortest form that reads back as the same `Double`
    /// (SQLite's own text keeps 15 significant digits), as PostgreSQL writes one.
    func text(_ column: Int32) -> String? {
        if sqlite3_column_type(handle, column) == SQLITE_FLOAT { return String(sqlite3_column_double(handle, column)) }
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: pointer)
    }

    /// The column's bytes without a String round trip (stored documents on export paths).
    func bytes(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
