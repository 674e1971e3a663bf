/// One transaction's worth of SQL on either backend. The party register's tables are small and
/// change one request at a time, so their statements are written once, in the SQL that SQLite
/// and PostgreSQL share, with `$1, $2, …` parameters; only bulk paths (ingest, lists) are
/// written per dialect.
protocol SQLSession {
    /// Runs a statement and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> Int
    /// Runs a query and returns its rows.
    func rows(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow]
}

extension SQLSession {
    func row(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> SQLRow? {
        try rows(sql, parameters).first
    }
}

/// A parameter of register SQL.
enum SQLValue: Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    static func optional(_ text: String?) -> SQLValue { text.map { .text($0) } ?? .null }
    static func optional(_ integer: Int64?) -> SQLValue { integer.map { .integer($0) } ?? .null }
}

/// A row of register SQL, every column as text (both backends render integers alike).
struct SQLRow: Sendable {
    let columns: [String?]

    func text(_ index: Int) -> String? { columns[index] }
    func string(_ index: Int) -> String { columns[index] ?? "" }
    func int(_ index: Int) -> Int64? { columns[index].flatMap { Int64($0) } }
}

/// Runs register transactions; each backend provides it.
protocol SQLTransactions: Sendable {
    /// Whose SQL: where the dialects differ (spatial indexes), statements are written per dialect.
    var dialect: LocationListSQL.Dialect { get }
    /// Runs `body` in one transaction that sees a consistent register and serialises with other
    /// writers of the same rows: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T
    /// Runs `body`, which only reads, on one consistent snapshot without waiting for writers
    /// (SQLite: a deferred transaction, which WAL lets read while an ingest holds the write lock).
    func readOnly<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T
    /// Runs `body`, a long read (a scan's pass over an index table), where no request waits
    /// behind it (SQLite: on a connection of its own).
    func bulkRead<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T
}

extension SQLTransactions {
    /// `bulkRead` for a long read, `readOnly` for a short one.
    func read<T: Sendable>(bulk: Bool, _ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        bulk ? try await bulkRead(body) : try await readOnly(body)
    }
}
