import RegistryCore

/// One PostgreSQL connection confined to an actor whose executor is a serial dispatch queue, so
/// that blocking libpq calls never run on the cooperative pool (swift-notes.md §5). It connects
/// lazily and, after the server went away, connects afresh on its next use.
actor PostgresConnection {
    private let executor: QueueExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    let conninfo: String
    private var connection: LibPQConnection?
    /// Whether this connection has seen the migrated schema (asked once per connection).
    private var schemaSeen = false
    /// Refusals of the ingest under way, written when it ends.
    var pendingRefusals: [IngestRefusal] = []
    /// Kind and source of the ingest under way, for the rows it creates.
    var runSource: (kind: String, source: String) = ("file", "")

    init(conninfo: String, label: String) {
        executor = QueueExecutor(label: label)
        self.conninfo = conninfo
    }

    /// The open connection, connecting first if there is none or the last one broke.
    func client() throws(StoreError) -> LibPQConnection {
        if let connection, connection.isUsable { return connection }
        connection = nil
        schemaSeen = false
        let fresh = try LibPQConnection(conninfo: conninfo)
        connection = fresh
        return fresh
    }

    /// Drops the connection; the next use connects afresh.
    func disconnect() {
        connection = nil
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ begin: String = "BEGIN", _ body: (LibPQConnection) throws(StoreError) -> T) throws(StoreError)
        -> T
    {
        let client = try client()
        try client.execute(begin)
        do {
            let result = try body(client)
            try commit(client)
            return result
        } catch {
            rollback(client)
            throw error
        }
    }

    /// COMMIT; a connection that drops now leaves the outcome unknown.
    func commit(_ client: LibPQConnection) throws(StoreError) {
        do {
            try client.execute("COMMIT")
        } catch .disconnected(let message) {
            throw .commitUncertain(message)
        }
    }

    func rollback(_ client: LibPQConnection) {
        if client.isUsable && client.inTransaction { try? client.execute("ROLLBACK") }
    }

    /// A party-register transaction (READ COMMITTED): its statements change rows only from the
    /// state they checked (`… WHERE status = $n`), and unique indexes settle races.
    func registerTransaction<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) throws -> T {
        let client = try client()
        try requireSchema(client)
        try client.execute("BEGIN")
        do {
            let result = try body(client)
            try commit(client)
            return result
        } catch {
            rollback(client)
            throw error
        }
    }

    func requireSchema(_ client: LibPQConnection) throws(StoreError) {
        guard !schemaSeen else { return }
        let check = try client.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        guard check.count == 1, check.bool(0, 0) else {
            throw StoreError.migration("the database has no schema yet; run 'chargereg migrate' first")
        }
        schemaSeen = true
    }

    // MARK: - Advisory locks

    // Lock keys hash the current schema with the name: two registries in one database never
    // block each other, two instances of one registry always do.

    /// Takes the session-level advisory lock `name` if it is free.
    func tryLock(_ name: String) throws(StoreError) -> Bool {
        let result = try client().query(
            "SELECT pg_try_advisory_lock(hashtextextended(current_schema() || ':' || $1, 0))", [.text(name)])
        return result.bool(0, 0)
    }

    func unlock(_ name: String) {
        guard let connection, connection.isUsable else { return }
        _ = try? connection.query(
            "SELECT pg_advisory_unlock(hashtextextended(current_schema() || ':' || $1, 0))", [.text(name)])
    }
}
