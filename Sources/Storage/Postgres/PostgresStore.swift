import RegistryCore
import Synchronization

/// The production store (DESIGN.md): PostgreSQL over libpq, for several stateless instances on
/// one database. A read that fails because the connection dropped is retried once on a fresh
/// connection; an ingest that lost its connection fails with `.disconnected` (nothing of it
/// committed), so its caller can run it again.
///
/// Connections by kind of work, each kind its own small pool, so that a request never waits for
/// a connection behind background work (as on SQLite, whose readers nothing else holds):
/// - `requests`: the short reads that answer requests;
/// - `work`: ingest runs (each push holds one until it commits), transactions, long reads (a
///   scan, a dump) and background counts;
/// - `locks`: the connections that hold an exclusive task's advisory lock while it runs.
public final class PostgresStore: Store, SQLTransactions, CustomStringConvertible {
    /// The connection string with any password hidden, fit to print.
    public let description: String
    let clock: RegistryClock
    let dialect = LocationListSQL.Dialect.postgres
    let requests: PostgresPool
    let work: PostgresPool
    let locks: PostgresPool
    let totals = ListTotals()

    /// `conninfo` is a `postgres://` URL or libpq `key=value` pairs; nothing connects until the
    /// first use. Each pool opens up to `connectionsPerPool` connections as they are needed.
    public init(conninfo: String, connectionsPerPool: Int = 4, clock: RegistryClock = .system) throws(StoreError) {
        try PostgresConninfo.validate(conninfo)
        description = PostgresConninfo.redacted(conninfo)
        self.clock = clock
        requests = PostgresPool(conninfo: conninfo, maximumConnections: connectionsPerPool, label: "request")
        work = PostgresPool(conninfo: conninfo, maximumConnections: connectionsPerPool, label: "work")
        locks = PostgresPool(conninfo: conninfo, maximumConnections: connectionsPerPool, label: "lock")
        totals.countInBackground { [weak self] sql, values in
            guard let self else { throw StoreError.unavailable("the store is closed") }
            return try await read(on: work) { try await $0.count(sql, values) }
        }
    }

    /// Runs `body` on a connection of `pool`, marking the connection broken if it was lost.
    func withConnection<T: Sendable>(on pool: PostgresPool, _ body: (PostgresConnection) async throws -> T)
        async throws -> T
    {
        let (connection, generation) = await pool.acquire()
        do {
            let result = try await body(connection)
            await pool.release(connection, generation: generation)
            return result
        } catch let error as StoreError {
            await pool.release(connection, generation: generation, broken: error.isConnectionLoss)
            throw error
        } catch {
            await pool.release(connection, generation: generation)
            throw error
        }
    }

    /// A read (a request's, unless `pool` says otherwise): retried once on a fresh connection
    /// when the connection dropped.
    func read<T: Sendable>(on pool: PostgresPool? = nil, _ body: (PostgresConnection) async throws -> T)
        async throws -> T
    {
        do {
            return try await withConnection(on: pool ?? requests, body)
        } catch StoreError.disconnected {
            return try await withConnection(on: pool ?? requests, body)
        }
    }

    public func migrate() async throws -> [MigrationStatus] {
        let now = clock.now().microseconds
        return try await read(on: work) { try await $0.migrate(now: now) }
    }

    public func beginIngest(_ start: IngestRunStart) async throws -> any IngestSession {
        let (connection, generation) = await work.acquire()
        do {
            let runID = try await connection.beginRun(start, now: clock.now().microseconds)
            return PostgresIngestSession(
                store: self, connection: connection, generation: generation, runID: runID)
        } catch {
            await work.release(connection, generation: generation, broken: error.isConnectionLoss)
            throw error
        }
    }

    /// A run is under way while the server process of its session lives (`owner`).
    public func sweepInterruptedRuns() async throws -> [Int64] {
        let now = clock.now().microseconds
        return try await transaction { session in
            try session.rows(
                """
                UPDATE ingest_runs SET status = 'interrupted', finished_at = $1,
                    error = 'interrupted: the process running it stopped before it finished; nothing of it was stored'
                WHERE status = 'running' AND NOT EXISTS (
                    SELECT 1 FROM pg_stat_activity a WHERE 'backend:' || a.pid = ingest_runs.owner)
                RETURNING id
                """, [.integer(now)]
            ).compactMap { $0.int(0) }.sorted()
        }
    }

    public func location(_ key: LocationKey) async throws -> StoredLocation? {
        try await read { try await $0.location(key) }
    }

    public func locations(withEVSE evseIDKey: String) async throws -> [StoredLocation] {
        try await read { try await $0.locations(withEVSE: evseIDKey) }
    }

    public func listLocations(_ filter: LocationFilter, cursor: LocationCursor?, limit: Int) async throws
        -> LocationPage
    {
        try await read { [totals] in try await $0.listLocations(filter, cursor: cursor, limit: limit, totals: totals) }
    }

    public func senderPage(_ window: SenderWindow, after cursor: SenderCursor?, offset: Int, limit: Int) async throws
        -> SenderPage
    {
        try await read { [totals] in
            try await $0.senderPage(window, after: cursor, offset: offset, limit: limit, totals: totals)
        }
    }

    public func publishedLocations(withID locationID: String) async throws -> [StoredLocation] {
        try await read { try await $0.publishedLocations(withID: locationID) }
    }

    public func publishedState() async throws -> PublishedState {
        try await read { try await $0.publishedState() }
    }

    public func history(of key: LocationKey) async throws -> [LocationVersion] {
        try await read { try await $0.history(of: key) }
    }

    public func ingestRuns(limit: Int, party: PartyCode?) async throws -> [IngestRun] {
        try await read { try await $0.ingestRuns(limit: limit, party: party) }
    }

    public func refusals(ofRun runID: Int64) async throws -> [IngestRefusal] {
        try await read { try await $0.refusals(ofRun: runID) }
    }

    public var register: PartyRegister { PartyRegister(database: self, clock: clock) }
    public var quality: QualityLedger { QualityLedger(database: self) }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await read(on: work) { try await $0.registerTransaction(body) }
    }

    /// A request's consistent read: PostgreSQL's reads never wait for writers, so a plain
    /// transaction on a request connection is one snapshot enough.
    func readOnly<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await read { try await $0.registerTransaction(body) }
    }

    func bulkRead<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await read(on: work) { try await $0.registerTransaction(body) }
    }

    public func stats(publishedOnly: Bool) async throws -> RegistryStats {
        try await read { try await $0.stats(publishedOnly: publishedOnly) }
    }

    public func forEachLocation(_ query: LocationQuery, _ body: @escaping @Sendable (StoredLocation) throws -> Void)
        async throws
    {
        // A retry resumes after the last location delivered, so none is delivered twice.
        let last = Mutex<LocationKey?>(nil)
        try await read(on: work) { connection in
            let resumeAfter = last.withLock { $0 }
            try await connection.forEachLocation(query, after: resumeAfter) { location in
                try body(location)
                last.withLock { $0 = location.key }
            }
        }
    }

    public func exclusively<T: Sendable>(_ task: String, _ body: @Sendable () async throws -> T) async throws -> T? {
        try ExclusiveTask.check(task)
        return try await withConnection(on: locks) { connection in
            guard try await connection.tryLock(task) else { return nil }
            do {
                let result = try await body()
                await connection.unlock(task)
                return result
            } catch {
                await connection.unlock(task)
                throw error
            }
        }
    }

    public func close() async {
        for pool in [requests, work, locks] { await pool.close() }
    }
}

extension StoreError {
    /// The connection broke (whether or not a commit was under way).
    var isConnectionLoss: Bool {
        switch self {
        case .disconnected, .commitUncertain: true
        default: false
        }
    }
}

/// An ingest transaction holding one pooled connection until it finishes.
final class PostgresIngestSession: IngestSession {
    let runID: Int64
    private let store: PostgresStore
    private let connection: PostgresConnection
    private let generation: Int
    /// Set once the connection went back to the pool.
    private let released = Mutex(false)

    init(store: PostgresStore, connection: PostgresConnection, generation: Int, runID: Int64) {
        self.store = store
        self.connection = connection
        self.generation = generation
        self.runID = runID
    }

    deinit {
        // A session dropped without finish or abandon: roll back and give the connection back.
        guard !released.withLock({ $0 }) else { return }
        let (pool, connection, generation) = (store.work, connection, generation)
        Task {
            await connection.disconnect()
            await pool.release(connection, generation: generation, broken: true)
        }
    }

    func apply(_ batch: [IncomingLocation]) async throws -> [IngestOutcome] {
        try await connection.apply(batch, runID: runID, now: store.clock.now().microseconds)
    }

    func refuse(_ refusals: [IngestRefusal]) async throws {
        await connection.refuse(refusals)
    }

    func currentKeys(of party: PartyCode) async throws -> Set<LocationKey> {
        try await connection.currentKeys(of: party)
    }

    func remove(_ keys: [LocationKey]) async throws -> Int {
        try await connection.remove(keys, runID: runID, now: store.clock.now().microseconds)
    }

    /// On failure the connection stays with the session, for `abandon`.
    func finish(_ summary: IngestRunSummary) async throws -> IngestRun {
        let run = try await connection.finishRun(runID, summary: summary, now: store.clock.now().microseconds)
        store.totals.forget()
        await release(broken: false)
        return run
    }

    func abandon(error: String, _ summary: IngestRunSummary) async throws -> IngestRun {
        do {
            let run = try await connection.abandonRun(
                runID, error: error, summary: summary, now: store.clock.now().microseconds)
            await release(broken: false)
            return run
        } catch {
            await release(broken: error.isConnectionLoss)
            throw error
        }
    }

    private func release(broken: Bool) async {
        guard
            !released.withLock({ value in
                defer { value = true }; return value
            })
        else { return }
        await store.work.release(connection, generation: generation, broken: broken)
    }
}
