import RegistryCore

/// The registry's storage, shaped so that every backend (SQLite embedded, PostgreSQL for
/// production) serves the same callers unchanged. All methods are async: implementations run
/// their blocking C calls on connection-owned serial executors, never on the cooperative pool.
public protocol Store: Sendable {
    /// Applies the backend's migrations in order; re-running is a no-op.
    func migrate() async throws -> [MigrationStatus]

    /// Opens one all-or-nothing ingest (one transaction) for a file, a pull or a push batch.
    func beginIngest(_ start: IngestRunStart) async throws -> any IngestSession

    /// Marks `interrupted`, with the time, the runs left `running` by a process or server session
    /// that is gone (a run still under way elsewhere is left alone); returns their ids.
    func sweepInterruptedRuns() async throws -> [Int64]

    /// The current record of a location, removed or not.
    func location(_ key: LocationKey) async throws -> StoredLocation?

    /// The locations holding an EVSE whose ID has the lookup key `evseIDKey` (`EVSEID.lookupKey`:
    /// separators and case ignored), in key order; more than one when operators reuse an ID.
    func locations(withEVSE evseIDKey: String) async throws -> [StoredLocation]

    /// One page of the published, not removed locations that match `filter`: in key order, or
    /// nearest first for `near`; `cursor` is a previous page's `next`.
    func listLocations(_ filter: LocationFilter, cursor: LocationCursor?, limit: Int) async throws -> LocationPage

    /// One page of the OCPI Sender: published locations changed in the window, by (change time,
    /// row id); after `cursor` when given (a keyset read), else from `offset`.
    func senderPage(_ window: SenderWindow, after cursor: SenderCursor?, offset: Int, limit: Int) async throws
        -> SenderPage

    /// The published, not removed locations with this id (any case), whichever their party: what
    /// an OCPI Sender's object URL names.
    func publishedLocations(withID locationID: String) async throws -> [StoredLocation]

    /// How many published locations there are (removed ones included) and the latest change
    /// among them: a dump changes only when this does (its `ETag`).
    func publishedState() async throws -> PublishedState

    /// Every version of a location, oldest first.
    func history(of key: LocationKey) async throws -> [LocationVersion]

    /// The most recent ingest runs, newest first; only the party's when one is given.
    func ingestRuns(limit: Int, party: PartyCode?) async throws -> [IngestRun]

    /// The refusals of one run, in input order.
    func refusals(ofRun runID: Int64) async throws -> [IngestRefusal]

    /// Counts for `chargereg stats` (everything) and the public statistics (`publishedOnly`: the
    /// published, current register alone).
    func stats(publishedOnly: Bool) async throws -> RegistryStats

    /// Streams the stored locations that match, in a stable order (country, party, id), calling
    /// `body` once per location without holding them all in memory.
    func forEachLocation(_ query: LocationQuery, _ body: @escaping @Sendable (StoredLocation) throws -> Void)
        async throws

    /// Runs `body` unless another process (or store) already runs `task` on this database, in
    /// which case it returns nil at once: what must happen once across instances (schedulers,
    /// sweeps) goes through here. PostgreSQL: an advisory lock; SQLite: a file lock.
    func exclusively<T: Sendable>(_ task: String, _ body: @Sendable () async throws -> T) async throws -> T?

    /// The ID Registration Office's register, in the same database.
    var register: PartyRegister { get }

    /// The quality monitor's snapshots and cross-record reads, in the same database.
    var quality: QualityLedger { get }

    func close() async
}

/// One open ingest transaction. Nothing it applies is visible or durable until `finish`;
/// `abandon` rolls everything back and records the run as failed.
public protocol IngestSession: Sendable {
    var runID: Int64 { get }

    /// Stores a batch: new locations are created, changed ones get a new version, identical ones
    /// (same content hash) are left alone.
    func apply(_ batch: [IncomingLocation]) async throws -> [IngestOutcome]

    /// The party's current (not removed) locations: what a full delivery replaces.
    func currentKeys(of party: PartyCode) async throws -> Set<LocationKey>

    /// Marks locations removed, never deleting them: each gets a new version and the change
    /// time of now, so that Sender deltas carry the removal. Returns how many were current.
    func remove(_ keys: [LocationKey]) async throws -> Int

    /// Records refusals (records without usable identity), for the run's report.
    func refuse(_ refusals: [IngestRefusal]) async throws

    /// Commits and closes the run as succeeded.
    func finish(_ summary: IngestRunSummary) async throws -> IngestRun

    /// Rolls back everything applied and closes the run as failed with `error`.
    func abandon(error: String, _ summary: IngestRunSummary) async throws -> IngestRun
}

extension Store {
    /// The most recent ingest runs of every party, newest first.
    public func ingestRuns(limit: Int) async throws -> [IngestRun] { try await ingestRuns(limit: limit, party: nil) }
}
