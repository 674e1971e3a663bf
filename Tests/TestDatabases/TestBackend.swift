import Foundation
import TestFixtures

@testable import Storage

/// The store backends every storage test runs on: SQLite always, PostgreSQL when it can run
/// here (see `PostgresTestServer.unavailableReason`).
public enum TestBackend: String, Sendable, CustomStringConvertible, CaseIterable {
    case sqlite, postgres

    public static let available: [TestBackend] =
        PostgresTestServer.unavailableReason == nil ? [.sqlite, .postgres] : [.sqlite]

    public var description: String { rawValue }

    /// A fresh, empty database (a temp file, or a schema of its own), removed afterwards.
    @discardableResult
    public func withDatabase<T>(_ body: (TestDatabase) async throws -> T) async throws -> T {
        let database = try await TestDatabase.make(self)
        defer { database.remove() }
        return try await body(database)
    }

    /// A fresh, migrated store on a fresh database, closed and removed afterwards.
    /// `writerPatience`: how long a SQLite write waits for a writer that does not change hands.
    @discardableResult
    public func withStore<T>(
        clock: RegistryClock = .system, migrate: Bool = true, writerPatience: Duration = .seconds(10),
        _ body: (any Store, TestDatabase) async throws -> T
    ) async throws -> T {
        try await withDatabase { database in
            let store = try database.open(clock: clock, writerPatience: writerPatience)
            do {
                if migrate { _ = try await store.migrate() }
                let result = try await body(store, database)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        }
    }
}

/// One test's database: a SQLite file path or a PostgreSQL connection string whose search path
/// is a fresh schema.
public struct TestDatabase: Sendable {
    public let backend: TestBackend
    /// What `--database` takes for this database.
    public let location: String
    let schema: String?
    /// The server's own connection string, for creating and dropping the schema.
    let serverConninfo: String?

    static func make(_ backend: TestBackend) async throws -> TestDatabase {
        switch backend {
        case .sqlite:
            // A folder of its own: the store keeps its lock files beside the database.
            let path = Fixtures.temporaryDirectory().appendingPathComponent("store.sqlite").path
            return TestDatabase(backend: backend, location: path, schema: nil, serverConninfo: nil)
        case .postgres:
            let server = try await PostgresTestServer.shared()
            let schema = "test_" + UUID().uuidString.replacing("-", with: "").lowercased()
            try LibPQConnection(conninfo: server.conninfo).execute("CREATE SCHEMA \(schema)")
            PostgresTestServer.storesMade.withLock { $0 += 1 }
            return TestDatabase(
                backend: backend, location: Self.conninfo(server.conninfo, schema: schema), schema: schema,
                serverConninfo: server.conninfo)
        }
    }

    /// `conninfo` with its search path set to `schema` and the schema as application name (to
    /// find this test's connections), in the string's own form.
    static func conninfo(_ conninfo: String, schema: String) -> String {
        guard conninfo.contains("://") else {
            return conninfo + " options='-csearch_path=\(schema)' application_name=\(schema)"
        }
        return conninfo + (conninfo.contains("?") ? "&" : "?")
            + "options=-csearch_path%3D\(schema)&application_name=\(schema)"
    }

    /// Cuts this test's server connections (only those waiting inside an open transaction that has
    /// written, if asked: never one in the middle of a single autocommit statement, nor a read-only
    /// transaction, which the store retries), as a network failure or an administrator would;
    /// returns how many.
    public func terminateConnections(inTransactionOnly: Bool = false) throws -> Int {
        guard let schema, let serverConninfo else { return 0 }
        let result = try LibPQConnection(conninfo: serverConninfo).query(
            """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE application_name = $1
                AND (NOT $2 OR (state LIKE 'idle in transaction%' AND backend_xid IS NOT NULL))
            """, [.text(schema), .boolean(inTransactionOnly)])
        return Int(result.int(0, 0))
    }

    /// Runs `body` while `table` is locked against writes by a connection of its own (PostgreSQL),
    /// so that a run of the store waits there, inside its transaction, for the test to cut it.
    public func whileLockedAgainstWrites<T>(_ table: String, _ body: () async throws -> T) async throws -> T {
        let connection = try LibPQConnection(conninfo: location)
        try connection.execute("BEGIN; LOCK TABLE \(table) IN SHARE MODE")
        defer { try? connection.execute("ROLLBACK") }
        return try await body()
    }

    /// Cuts the connections of this test that wait for a lock inside a transaction (under
    /// `whileLockedAgainstWrites`, only a write waits); returns how many.
    public func terminateConnectionsWaitingForALock() throws -> Int {
        guard let schema, let serverConninfo else { return 0 }
        let result = try LibPQConnection(conninfo: serverConninfo).query(
            """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE application_name = $1 AND wait_event_type = 'Lock' AND xact_start IS NOT NULL
            """, [.text(schema)])
        return Int(result.int(0, 0))
    }

    /// Another store on the same database (a second instance).
    public func open(clock: RegistryClock = .system, writerPatience: Duration = .seconds(10)) throws -> any Store {
        switch backend {
        case .sqlite: try SQLiteStore(path: location, clock: clock, writerPatience: writerPatience)
        case .postgres: try PostgresStore(conninfo: location, clock: clock)
        }
    }

    /// Runs SQL directly, outside the store (to tamper with what the store wrote).
    public func execute(_ sql: String) throws {
        switch backend {
        case .sqlite: try SQLiteDatabase(path: location).execute(sql)
        case .postgres: try LibPQConnection(conninfo: location).execute(sql)
        }
    }

    func remove() {
        switch backend {
        case .sqlite:
            try? FileManager.default.removeItem(at: URL(fileURLWithPath: location).deletingLastPathComponent())
        case .postgres:
            guard let schema, let serverConninfo else { return }
            try? LibPQConnection(conninfo: serverConninfo).execute("DROP SCHEMA \(schema) CASCADE")
        }
    }
}
