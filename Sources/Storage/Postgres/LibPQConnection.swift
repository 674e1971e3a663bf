#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import CLibPQ

/// One libpq connection: the C API wrapped once. Not thread-safe by design (libpq allows one
/// thread per PGconn at a time); each is confined to one `PostgresConnection` actor.
final class LibPQConnection {
    private let handle: OpaquePointer
    /// Names of the statements prepared on this connection, by their SQL text's address.
    private var prepared: [UnsafeRawPointer: String] = [:]

    /// Connects with `conninfo` (a `postgres://` URL or libpq `key=value` pairs); our defaults
    /// come first so that anything the operator wrote wins.
    init(conninfo: String) throws(StoreError) {
        let keywords = ["connect_timeout", "application_name", "client_encoding", "dbname"]
        let values = ["10", "chargereg", "UTF8", conninfo]
        let connection = withCStrings(keywords) { keywordPointers in
            withCStrings(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection else { throw StoreError.unavailable("libpq could not allocate a connection") }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw StoreError.unavailable(
                "cannot connect to PostgreSQL \(PostgresConninfo.redacted(conninfo)): \(message)")
        }
        handle = connection
        // NOTICEs (e.g. "relation already exists, skipping") would go straight to stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        // Floats as text in their shortest exact form (PostgreSQL 12's default, which a server's
        // configuration could lower to 15 digits): stored scores read back bit for bit.
        PQclear(PQexec(handle, "SET extra_float_digits = 1"))
    }

    deinit { PQfinish(handle) }

    /// False once the server has gone away or the socket broke.
    var isUsable: Bool { PQstatus(handle) == CONNECTION_OK }

    /// True inside an explicit transaction block (committed or rolled back not yet).
    var inTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Runs one or more statements (simple query protocol) without parameters.
    func execute(_ sql: String) throws(StoreError) {
        _ = try check(PQexec(handle, sql), sql: sql)
    }

    /// Runs static SQL with `$1…` parameters as a prepared statement, prepared once per connection.
    @discardableResult
    func query(_ sql: StaticString, _ parameters: [PostgresValue] = []) throws(StoreError) -> PostgresResult {
        let key = UnsafeRawPointer(sql.utf8Start)
        let name: String
        if let known = prepared[key] {
            name = known
        } else {
            name = "s\(prepared.count)"
            let text = sql.description
            _ = try check(PQprepare(handle, name, text, 0, nil), sql: text)
            prepared[key] = name
        }
        let result = PostgresValue.withParameters(parameters) { values, lengths, formats in
            PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 0)
        }
        return try check(result, sql: sql.description)
    }

    /// Runs dynamic SQL with `$1…` parameters, unprepared.
    @discardableResult
    func query(dynamic sql: String, _ parameters: [PostgresValue] = []) throws(StoreError) -> PostgresResult {
        let result = PostgresValue.withParameters(parameters) { values, lengths, formats in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, lengths, formats, 0)
        }
        return try check(result, sql: sql)
    }

    /// Streams rows into `COPY … FROM STDIN` (text format); the fastest way in (swift-notes.md §3).
    func copy(_ sql: StaticString, rows: PostgresCopyRows) throws(StoreError) {
        let start = PQexec(handle, sql.description)
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            _ = try check(start, sql: sql.description)
            throw StoreError.query("'\(sql)' did not start a COPY")
        }
        PQclear(start)
        let sent = rows.bytes.withUnsafeBufferPointer { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let count = min(buffer.count - offset, 1 << 20)
                let pointer = UnsafeRawPointer(buffer.baseAddress! + offset).assumingMemoryBound(to: CChar.self)
                guard PQputCopyData(handle, pointer, Int32(count)) == 1 else { return false }
                offset += count
            }
            return true
        }
        if !sent || PQputCopyEnd(handle, nil) != 1 {
            throw failure(message: Self.trimmed(PQerrorMessage(handle)), sqlState: nil)
        }
        var firstError: StoreError?
        while let result = PQgetResult(handle) {
            do { _ = try check(result, sql: sql.description) } catch { firstError = firstError ?? error }
        }
        if let firstError { throw firstError }
    }

    /// Wraps a result, or turns an error result into a `StoreError` naming what failed.
    private func check(_ result: OpaquePointer?, sql: String) throws(StoreError) -> PostgresResult {
        guard let result else { throw failure(message: Self.trimmed(PQerrorMessage(handle)), sqlState: nil) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_EMPTY_QUERY:
            return PostgresResult(result)
        default:
            // The primary message without its "ERROR:" prefix; libpq's own text when the server sent none.
            let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = primary ?? Self.trimmed(PQresultErrorMessage(result))
            PQclear(result)
            throw failure(message: message.isEmpty ? Self.trimmed(PQerrorMessage(handle)) : message, sqlState: sqlState)
        }
    }

    /// Connection failures (the socket broke, the server shut down, class 08, 57P0x) become
    /// `.disconnected`, which callers may retry on a fresh connection; the rest are query errors.
    private func failure(message: String, sqlState: String?) -> StoreError {
        let lost =
            !isUsable || sqlState.map { $0.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains($0) } ?? false
        if lost { return .disconnected(message) }
        if sqlState == "40P01" || sqlState == "55P03" { return .busy(message) }
        if sqlState == "23505" { return .conflict(message) }
        return .query(message)
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        return String(cString: message).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
    }
}

/// Calls `body` with a NULL-terminated C array of C strings, valid only during the call.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
