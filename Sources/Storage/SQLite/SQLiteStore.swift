#if canImport(Glibc)
    import Glibc
#endif
import Hashing
import Synchronization
import JSON
import Migrations
import RegistryCore

/// The embedded store: one SQLite file, zero set-up. WAL mode, so readers never wait for the
/// writer; each ingest runs in one transaction, so a failed file leaves the database exactly as
/// it was.
///
/// Connections by kind of work, so that requests never wait behind background work:
/// - requests read on a few reader connections, and only read there;
/// - every write (an ingest, a push, the register's and the quality ledger's transactions) takes
///   the one writer connection in turn (`WriterQueue`), never a reader: a writer waiting for
///   SQLite's lock would hold the reader's queue meanwhile;
/// - a long read (a scan, a dump) opens a connection of its own for its duration.
public final class SQLiteStore: Store, SQLTransactions {
    public let path: String
    let clock: RegistryClock
    let dialect = LocationListSQL.Dialect.sqlite
    let memoryMapped: Bool
    /// Read connections, one per core, taken in turn: WAL lets them read side by side.
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)
    let totals = ListTotals()
    /// The ingest writer, one session at a time.
    private let writers: WriterQueue
    private var reader: SQLiteConnection {
        readers[nextReader.add(1, ordering: .relaxed).oldValue % readers.count]
    }

    /// Opens (creating if needed) the database file at `path`.
    /// `memoryMapped: false` suits a process that reads the database once through (a dump):
    /// memory stays at the page cache instead of the mapped file. A write waits for the writer
    /// while it changes hands at least every `writerPatience` (`WriterQueue`).
    public init(
        path: String, clock: RegistryClock = .system, memoryMapped: Bool = true,
        writerPatience: Duration = .seconds(10)
    ) throws {
        self.path = path
        self.clock = clock
        self.memoryMapped = memoryMapped
        let count = max(1, min(4, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        readers = try (0..<count).map {
            try SQLiteConnection(path: path, label: "sqlite.reader.\($0)", memoryMapped: memoryMapped)
        }
        let openWriter = { @Sendable in try SQLiteConnection(path: path, label: "sqlite.writer") }
        writers = WriterQueue(patience: writerPatience, idle: try openWriter(), open: openWriter)
        totals.countInBackground { [weak self] sql, values in
            guard let self else { throw StoreError.unavailable("the store is closed") }
            return try await withOwnConnection { try await $0.count(sql, values) }
        }
    }

    public func migrate() async throws -> [MigrationStatus] {
        try await reader.migrate(now: clock.now())
    }

    public func beginIngest(_ start: IngestRunStart) async throws -> any IngestSession {
        let connection = try await writers.acquire()
        do {
            let runID = try await connection.beginRun(start, at: clock.now())
            return SQLiteIngestSession(
                connection: connection, runID: runID, clock: clock, totals: totals, writers: writers)
        } catch {
            await writers.release(nil)
            throw error
        }
    }

    /// Looks on a reader first, so that the writer is taken only when there is something to mark.
    public func sweepInterruptedRuns() async throws -> [Int64] {
        let gone = try await reader.goneRuns()
        guard !gone.isEmpty else { return [] }
        let writer = try await writers.acquire()
        do {
            let marked = try await writer.markInterrupted(gone, at: clock.now())
            await writers.release(writer)
            return marked
        } catch {
            await writers.release(nil)
            throw error
        }
    }

    public func location(_ key: LocationKey) async throws -> StoredLocation? {
        try await reader.location(key)
    }

    public func locations(withEVSE evseIDKey: String) async throws -> [StoredLocation] {
        try await reader.locations(withEVSE: evseIDKey)
    }

    public func listLocations(_ filter: LocationFilter, cursor: LocationCursor?, limit: Int) async throws
        -> LocationPage
    {
        try await reader.listLocations(filter, cursor: cursor, limit: limit, totals: totals)
    }

    public func senderPage(_ window: SenderWindow, after cursor: SenderCursor?, offset: Int, limit: Int) async throws
        -> SenderPage
    {
        try await reader.senderPage(window, after: cursor, offset: offset, limit: limit, totals: totals)
    }

    public func publishedLocations(withID locationID: String) async throws -> [StoredLocation] {
        try await reader.publishedLocations(withID: locationID)
    }

    public func publishedState() async throws -> PublishedState {
        try await reader.publishedState()
    }

    public func history(of key: LocationKey) async throws -> [LocationVersion] {
        try await reader.history(of: key)
    }

    public func ingestRuns(limit: Int, party: PartyCode?) async throws -> [IngestRun] {
        try await reader.ingestRuns(limit: limit, party: party)
    }

    public func refusals(ofRun runID: Int64) async throws -> [IngestRefusal] {
        try await reader.refusals(ofRun: runID)
    }

    public var register: PartyRegister { PartyRegister(database: self, clock: clock) }
    public var quality: QualityLedger { QualityLedger(database: self) }

    func transaction<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        let writer = try await writers.acquire()
        do {
            let result = try await writer.transaction(body)
            await writers.release(writer)
            return result
        } catch {
            await writers.release(await writer.isReusable ? writer : nil)
            throw error
        }
    }

    func readOnly<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await reader.transaction(body, immediate: false)
    }

    func bulkRead<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await withOwnConnection { try await $0.transaction(body, immediate: false) }
    }

    /// Runs `body` on a read connection opened for it, closed after.
    private func withOwnConnection<T: Sendable>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        let connection = try SQLiteConnection(path: path, label: "sqlite.bulk", memoryMapped: memoryMapped)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    public func stats(publishedOnly: Bool) async throws -> RegistryStats {
        try await reader.stats(publishedOnly: publishedOnly)
    }

    public func forEachLocation(_ query: LocationQuery, _ body: @escaping @Sendable (StoredLocation) throws -> Void)
        async throws
    {
        try await withOwnConnection { try await $0.forEachLocation(query, body) }
    }

    /// A `flock` on `<database>.<task>.lock`: held by one open file at a time, on this machine,
    /// which is all that can share a SQLite file; released by the kernel if the process dies.
    public func exclusively<T: Sendable>(_ task: String, _ body: @Sendable () async throws -> T) async throws -> T? {
        try ExclusiveTask.check(task)
        return try await FileLock.withLock(at: "\(path).\(task).lock", body)
    }

    public func close() async {
        for reader in readers { await reader.close() }
        await writers.close()
    }
}

/// An ingest transaction on the store's writer connection, which it hands back when finished or
/// abandoned (or, if neither ran, when it is released).
final class SQLiteIngestSession: IngestSession {
    let runID: Int64
    private let connection: SQLiteConnection
    private let clock: RegistryClock
    private let totals: ListTotals
    private let writers: WriterQueue
    private let ended = Atomic<Bool>(false)

    init(connection: SQLiteConnection, runID: Int64, clock: RegistryClock, totals: ListTotals, writers: WriterQueue) {
        self.connection = connection
        self.runID = runID
        self.clock = clock
        self.totals = totals
        self.writers = writers
    }

    deinit {
        // A session dropped without finish or abandon: its transaction is rolled back with the
        // connection, which is not reused.
        if !ended.exchange(true, ordering: .relaxed) {
            let writers = writers
            Task { await writers.release(nil) }
        }
    }

    func apply(_ batch: [IncomingLocation]) async throws -> [IngestOutcome] {
        try await connection.apply(batch, runID: runID, at: clock.now())
    }

    func refuse(_ refusals: [IngestRefusal]) async throws {
        await connection.refuse(refusals, runID: runID)
    }

    func currentKeys(of party: PartyCode) async throws -> Set<LocationKey> {
        try await connection.currentKeys(of: party)
    }

    func remove(_ keys: [LocationKey]) async throws -> Int {
        try await connection.remove(keys, runID: runID, at: clock.now())
    }

    func finish(_ summary: IngestRunSummary) async throws -> IngestRun {
        do {
            let run = try await connection.finishRun(runID, summary: summary, at: clock.now())
            totals.forget()
            await end(reusable: true)
            return run
        } catch {
            await end(reusable: false)
            throw error
        }
    }

    func abandon(error: String, _ summary: IngestRunSummary) async throws -> IngestRun {
        do {
            let run = try await connection.abandonRun(runID, error: error, summary: summary, at: clock.now())
            await end(reusable: false)
            return run
        } catch {
            await end(reusable: false)
            throw error
        }
    }

    private func end(reusable: Bool) async {
        guard !ended.exchange(true, ordering: .relaxed) else { return }
        await writers.release(reusable ? connection : nil)
    }
}
