#if canImport(Glibc)
    import Glibc
#endif
import Hashing
import JSON
import Migrations
import RegistryCore

/// One SQLite connection confined to an actor whose executor is a serial dispatch queue, so its
/// blocking calls stay off the cooperative pool (swift-notes.md §5).
actor SQLiteConnection {
    private let executor: QueueExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    private var database: SQLiteDatabase?
    private var pendingRefusals: [IngestRefusal] = []

    /// `memoryMapped`: reads map the file (fast random reads; each connection's mapping counts in
    /// the process's RSS) or go through a bounded page cache (bulk sequential reads).
    init(path: String, label: String, memoryMapped: Bool = true) throws {
        executor = QueueExecutor(label: label)
        let database = try SQLiteDatabase(path: path)
        // 16 KiB pages hold several ~2 KB location rows each (4 KiB pages hold one and waste ~40%);
        // SQLite applies page_size only to a database that has no content yet. Reads map the file
        // (no copy per page, unless told not to) and keep 64 MiB of pages cached.
        try database.execute(
            """
            PRAGMA page_size = 16384;
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = NORMAL;
            PRAGMA foreign_keys = ON;
            PRAGMA temp_store = MEMORY;
            PRAGMA cache_size = \(memoryMapped ? -65536 : -8192);
            PRAGMA mmap_size = \(memoryMapped ? 1_073_741_824 : 0);
            """)
        self.database = database
    }

    /// The database, with no statement left holding an old read snapshot from a previous call.
    func db() throws(StoreError) -> SQLiteDatabase {
        guard let database else { throw StoreError.unavailable("the connection is closed") }
        if !database.inTransaction { database.resetActiveStatements() }
        return database
    }

    func close() {
        database = nil
    }

    /// Whether the connection can be handed to the next writer: open, and in no transaction (a
    /// failed rollback can leave one open).
    var isReusable: Bool { database.map { !$0.inTransaction } ?? false }

    // MARK: - Migrations

    /// Applies the pending migrations in one immediate transaction: all or nothing, and a second
    /// process migrating at the same time waits, then finds nothing left to do.
    ///
    /// Foreign keys are off while migrations run, as SQLite's procedure for rebuilding a table
    /// requires (its "making other kinds of table schema changes"; the setting cannot change
    /// inside a transaction), and `PRAGMA foreign_key_check` must find nothing before the commit.
    func migrate(now: Timestamp) throws -> [MigrationStatus] {
        let db = try db()
        try db.execute("PRAGMA foreign_keys = OFF")
        defer { try? db.execute("PRAGMA foreign_keys = ON") }
        return try db.transaction { () throws(StoreError) in
            try db.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)
                """)
            var applied: [String: String] = [:]
            let select = try db.prepared("SELECT name, checksum FROM schema_migrations")
            while try select.step() { applied[select.text(0)!] = select.text(1)! }
            let plan = try MigrationPlan(backend: "sqlite", applied: applied)
            for step in plan.pending {
                try db.execute(step.file.sql)
                try db.prepared("INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, ?)")
                    .bind(.text(step.file.name), .text(step.checksum), .integer(now.microseconds)).run()
            }
            let check = try db.prepared("PRAGMA foreign_key_check")
            defer { check.reset() }
            if try check.step() {
                throw StoreError.migration(
                    "a migration left a row of \(check.text(0) ?? "?") pointing at a missing row of \(check.text(2) ?? "?")"
                )
            }
            return plan.statuses
        }
    }

    // MARK: - Ingest

    /// Who runs an ingest: this process, `pid:N`.
    static let owner = "pid:\(getpid())"

    /// The runs left `running` by a process that is gone: its pid names no process (a run from
    /// before owners were recorded counts as gone).
    func goneRuns() throws -> [Int64] {
        let db = try db()
        var gone: [Int64] = []
        let running = try db.prepared("SELECT id, owner FROM ingest_runs WHERE status = 'running'")
        defer { running.reset() }
        while try running.step() {
            let owner = running.text(1)
            let pid = owner.flatMap { $0.hasPrefix("pid:") ? Int32($0.dropFirst(4)) : nil }
            if let pid, pid == getpid() || kill(pid, 0) == 0 || errno == EPERM { continue }
            gone.append(running.int(0))
        }
        return gone
    }

    /// Marks the runs `interrupted` at `now`, those still `running`; returns those it marked.
    func markInterrupted(_ ids: [Int64], at now: Timestamp) throws -> [Int64] {
        let db = try db()
        var marked: [Int64] = []
        for id in ids {
            let update = try db.prepared(
                """
                UPDATE ingest_runs SET status = 'interrupted', finished_at = ?,
                    error = 'interrupted: the process running it stopped before it finished; nothing of it was stored'
                WHERE id = ? AND status = 'running'
                """)
            try update.bind(.integer(now.microseconds), .integer(id)).run()
            if db.changes == 1 { marked.append(id) }
        }
        return marked
    }

    func beginRun(_ start: IngestRunStart, at now: Timestamp) throws -> Int64 {
        let db = try db()
        try requireSchema(db)
        try db.prepared(
            """
            INSERT INTO ingest_runs (kind, source, party, ocpi_version, started_at, status, owner)
            VALUES (?, ?, ?, ?, ?, 'running', ?)
            """
        ).bind(
            .text(start.kind.rawValue), .text(start.source), start.party.map { .text($0.description) } ?? .null,
            start.ocpiVersion.map { .text($0) } ?? .null, .integer(now.microseconds), .text(Self.owner)
        ).run()
        let runID = db.lastInsertRowID
        try db.execute("BEGIN IMMEDIATE")
        return runID
    }

    func apply(_ batch: [IncomingLocation], runID: Int64, at now: Timestamp) throws -> [IngestOutcome] {
        let db = try db()
        return try batch.map { incoming throws(StoreError) in try apply(incoming, runID: runID, now: now, db: db) }
    }

    private func apply(_ incoming: IncomingLocation, runID: Int64, now: Timestamp, db: SQLiteDatabase)
        throws(StoreError)
        -> IngestOutcome
    {
        let location = incoming.location
        let key = location.key
        let find = try db.prepared(
            "SELECT id, content_hash, version, removed, document FROM locations WHERE country_code = ? AND party_id = ? AND location_key = ?"
        ).bind(.text(key.countryCode), .text(key.partyID), .text(key.locationID))
        let document = SQLiteValue.utf8(incoming.document)
        let findings = SQLiteValue.utf8(Finding.storedJSON(incoming.findings))
        let operatorTime: SQLiteValue = location.lastUpdated.map { .integer($0.microseconds) } ?? .null
        guard try find.step() else {
            let columns = Self.columns(of: location)
            try db.prepared(
                """
                INSERT INTO locations (country_code, party_id, location_key, location_id, name, address, city, postal_code,
                    country, latitude, longitude, time_zone, publish, evse_count, connector_count, max_power_w,
                    operator_last_updated, first_seen_at, changed_at, confirmed_at, version, source_kind, source,
                    last_run_id, content_hash, document, findings, finding_count)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, 1,
                    (SELECT kind FROM ingest_runs WHERE id = ?21), (SELECT source FROM ingest_runs WHERE id = ?21),
                    ?21, ?22, ?23, ?24, ?25)
                """
            ).bind(
                [.text(key.countryCode), .text(key.partyID), .text(key.locationID), .text(location.id)] + columns
                    + [
                        operatorTime, .integer(now.microseconds), .integer(now.microseconds),
                        .integer(now.microseconds),
                        .integer(runID), .blob(incoming.contentHash), document, findings,
                        .integer(Int64(incoming.findings.count)),
                    ]
            ).run()
            let rowID = db.lastInsertRowID
            try insertChildren(of: location, rowID: rowID, findings: incoming.findings, db: db)
            try placeOnMap(location, rowID: rowID, db: db)
            try appendVersion(
                rowID, version: 1, change: .created, incoming: incoming, previous: nil, runID: runID, now: now, db: db)
            return .created
        }
        let rowID = find.int(0)
        let storedHash = find.bytes(1)
        let version = Int(find.int(2))
        let wasRemoved = find.int(3) != 0
        if storedHash == incoming.contentHash && !wasRemoved {
            // Same content: only confirm it (and keep the operator's newer timestamps).
            try db.prepared(
                """
                UPDATE locations SET confirmed_at = ?, operator_last_updated = ?, document = ?, findings = ?,
                    finding_count = ?, last_run_id = ? WHERE id = ?
                """
            ).bind(
                .integer(now.microseconds), operatorTime, document, findings,
                .integer(Int64(incoming.findings.count)), .integer(runID), .integer(rowID)
            ).run()
            // The register may say otherwise now than when the content was stored.
            try db.prepared("DELETE FROM location_finding_counts WHERE location_id = ?").bind(.integer(rowID)).run()
            try countFindings(incoming.findings, rowID: rowID, db: db)
            return .unchanged
        }
        let previous = find.bytes(4)
        try db.prepared(
            """
            UPDATE locations SET location_id = ?, name = ?, address = ?, city = ?, postal_code = ?, country = ?,
                latitude = ?, longitude = ?, time_zone = ?, publish = ?, evse_count = ?, connector_count = ?,
                max_power_w = ?, operator_last_updated = ?, changed_at = ?, confirmed_at = ?, version = ?,
                removed = 0, source_kind = (SELECT kind FROM ingest_runs WHERE id = ?18),
                source = (SELECT source FROM ingest_runs WHERE id = ?18), last_run_id = ?18, content_hash = ?,
                document = ?, findings = ?, finding_count = ? WHERE id = ?
            """
        ).bind(
            [.text(location.id)] + Self.columns(of: location)
                + [
                    operatorTime, .integer(now.microseconds), .integer(now.microseconds), .integer(Int64(version + 1)),
                    .integer(runID), .blob(incoming.contentHash), document, findings,
                    .integer(Int64(incoming.findings.count)), .integer(rowID),
                ]
        ).run()
        try deleteChildren(rowID, db: db)
        try insertChildren(of: location, rowID: rowID, findings: incoming.findings, db: db)
        try placeOnMap(location, rowID: rowID, db: db)
        try appendVersion(
            rowID, version: version + 1, change: wasRemoved ? .restored : .changed, incoming: incoming,
            previous: previous, runID: runID, now: now, db: db)
        return .changed
    }

    /// name … max_power_w, in the order the statements above use.
    private static func columns(of location: Location) -> [SQLiteValue] {
        let connectors = location.evses.flatMap(\.connectors)
        func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
        func real(_ value: Double?) -> SQLiteValue { value.map { .real($0) } ?? .null }
        let maxPower = connectors.compactMap(\.powerWatts).max()
        return [
            text(location.name), text(location.address), text(location.city), text(location.postalCode),
            text(location.country), real(location.coordinates?.latitudeDegrees),
            real(location.coordinates?.longitudeDegrees), text(location.timeZone), .integer(location.publish ? 1 : 0),
            .integer(Int64(location.evses.count)), .integer(Int64(connectors.count)),
            maxPower.map { .integer(Int64($0)) } ?? .null,
        ]
    }

    private func insertChildren(of location: Location, rowID: Int64, findings: [Finding], db: SQLiteDatabase)
        throws(StoreError)
    {
        for (position, evse) in location.evses.enumerated() {
            try db.prepared(
                """
                INSERT INTO evses (location_id, position, uid, evse_id, evse_id_key, status, latitude, longitude)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).bind(
                .integer(rowID), .integer(Int64(position)), evse.uid.map { .text($0) } ?? .null,
                evse.evseID.map { .text($0) } ?? .null, evse.evseID.map { .text(EVSEID.lookupKey($0)) } ?? .null,
                evse.status.map { .text($0.rawValue) } ?? .null,
                evse.coordinates?.latitudeDegrees.map { .real($0) } ?? .null,
                evse.coordinates?.longitudeDegrees.map { .real($0) } ?? .null
            ).run()
            let evseRowID = db.lastInsertRowID
            for (index, connector) in evse.connectors.enumerated() {
                try db.prepared(
                    """
                    INSERT INTO connectors (evse_id, location_id, position, connector_id, standard, format, power_type,
                        max_voltage, max_amperage, max_power_w) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
                ).bind(
                    .integer(evseRowID), .integer(rowID), .integer(Int64(index)),
                    connector.id.map { .text($0) } ?? .null,
                    connector.standard.map { .text($0.rawValue) } ?? .null,
                    connector.format.map { .text($0.rawValue) } ?? .null,
                    connector.powerType.map { .text($0.rawValue) } ?? .null,
                    connector.maxVoltage.map { .integer(Int64($0)) } ?? .null,
                    connector.maxAmperage.map { .integer(Int64($0)) } ?? .null,
                    connector.powerWatts.map { .integer(Int64($0)) } ?? .null
                ).run()
            }
        }
        try countFindings(findings, rowID: rowID, db: db)
    }

    private func countFindings(_ findings: [Finding], rowID: Int64, db: SQLiteDatabase) throws(StoreError) {
        var counts: [String: Int64] = [:]
        for finding in findings { counts[finding.code.rawValue, default: 0] += 1 }
        for (code, count) in counts {
            try db.prepared("INSERT INTO location_finding_counts (location_id, code, count) VALUES (?, ?, ?)")
                .bind(.integer(rowID), .text(code), .integer(count)).run()
        }
    }

    /// Keeps the spatial index (migration 0002) in step with the location's coordinates.
    private func placeOnMap(_ location: Location, rowID: Int64, db: SQLiteDatabase) throws(StoreError) {
        if let latitude = location.coordinates?.latitudeDegrees, let longitude = location.coordinates?.longitudeDegrees
        {
            try db.prepared(
                """
                INSERT OR REPLACE INTO location_geo (id, min_latitude, max_latitude, min_longitude, max_longitude)
                VALUES (?1, ?2, ?2, ?3, ?3)
                """
            ).bind(.integer(rowID), .real(latitude), .real(longitude)).run()
        } else {
            try db.prepared("DELETE FROM location_geo WHERE id = ?").bind(.integer(rowID)).run()
        }
    }

    private func deleteChildren(_ rowID: Int64, db: SQLiteDatabase) throws(StoreError) {
        try db.prepared("DELETE FROM connectors WHERE location_id = ?").bind(.integer(rowID)).run()
        try db.prepared("DELETE FROM evses WHERE location_id = ?").bind(.integer(rowID)).run()
        try db.prepared("DELETE FROM location_finding_counts WHERE location_id = ?").bind(.integer(rowID)).run()
    }

    /// Appends the record of a new version, with the document it replaces.
    private func appendVersion(
        _ rowID: Int64, version: Int, change: LocationVersion.Change, incoming: IncomingLocation, previous: [UInt8]?,
        runID: Int64, now: Timestamp, db: SQLiteDatabase
    ) throws(StoreError) {
        try db.prepared(
            """
            INSERT INTO location_versions (location_id, version, recorded_at, run_id, change, content_hash,
                previous_document) VALUES (?, ?, ?, ?, ?, ?, ?)
            """
        ).bind(
            .integer(rowID), .integer(Int64(version)), .integer(now.microseconds), .integer(runID),
            .text(change.rawValue),
            .blob(incoming.contentHash), previous.map { .utf8($0) } ?? .null
        ).run()
    }

    func refuse(_ refusals: [IngestRefusal], runID: Int64) {
        let room = IngestRefusal.maximumStoredPerRun - pendingRefusals.count
        if room > 0 { pendingRefusals.append(contentsOf: refusals.prefix(room)) }
    }

    private func writeRefusals(_ runID: Int64, db: SQLiteDatabase) throws(StoreError) {
        for refusal in pendingRefusals {
            try db.prepared(
                "INSERT INTO ingest_refusals (run_id, position, byte_offset, location_id, reason) VALUES (?, ?, ?, ?, ?)"
            ).bind(
                .integer(runID), .integer(Int64(refusal.position)),
                refusal.byteOffset.map { .integer(Int64($0)) } ?? .null,
                refusal.locationID.map { .text($0) } ?? .null, .text(refusal.reason)
            ).run()
        }
        pendingRefusals = []
    }

    func finishRun(_ runID: Int64, summary: IngestRunSummary, at now: Timestamp) throws -> IngestRun {
        let db = try db()
        do {
            try writeRefusals(runID, db: db)
            try updateRun(runID, status: .succeeded, summary: summary, error: nil, now: now, db: db)
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
        return try run(runID, db: db)
    }

    func abandonRun(_ runID: Int64, error: String, summary: IngestRunSummary, at now: Timestamp) throws -> IngestRun {
        let db = try db()
        try? db.execute("ROLLBACK")
        var summary = summary
        summary.created = 0
        summary.changed = 0
        summary.unchanged = 0
        try db.transaction { () throws(StoreError) in
            try writeRefusals(runID, db: db)
            try updateRun(runID, status: .failed, summary: summary, error: error, now: now, db: db)
        }
        return try run(runID, db: db)
    }

    private func updateRun(
        _ runID: Int64, status: IngestRun.Status, summary: IngestRunSummary, error: String?, now: Timestamp,
        db: SQLiteDatabase
    ) throws(StoreError) {
        try db.prepared(
            """
            UPDATE ingest_runs SET finished_at = ?, status = ?, records_read = ?, created = ?, changed = ?,
                unchanged = ?, refused = ?, removed = ?, findings_by_code = ?, error = ? WHERE id = ?
            """
        ).bind(
            .integer(now.microseconds), .text(status.rawValue), .integer(Int64(summary.read)),
            .integer(Int64(summary.created)), .integer(Int64(summary.changed)), .integer(Int64(summary.unchanged)),
            .integer(Int64(summary.refused)), .integer(Int64(summary.removed)),
            .utf8(summary.findingsJSON), error.map { .text($0) } ?? .null, .integer(runID)
        ).run()
    }

    /// A party-register transaction: `BEGIN IMMEDIATE` takes the write lock first, so writers of
    /// the register run one after another and every check sees the rows it then changes. Reads
    /// (`immediate` false) take no lock: WAL gives them a snapshot while another connection writes.
    func transaction<T: Sendable>(_ body: @Sendable (any SQLSession) throws -> T, immediate: Bool = true) throws -> T {
        let db = try db()
        try requireSchema(db)
        try db.execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try body(db)
            try db.execute("COMMIT")
            return result
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }

    private func requireSchema(_ db: SQLiteDatabase) throws(StoreError) {
        let check = try db.prepared("SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'")
        // Reset at once: a statement left on its row holds a read snapshot, and a write on a stale
        // snapshot fails at once with SQLITE_BUSY_SNAPSHOT instead of waiting for the lock.
        defer { check.reset() }
        guard try check.step(), check.int(0) == 1 else {
            throw StoreError.migration("the database has no schema yet; run 'chargereg migrate' first")
        }
    }

    // MARK: - Reads

    static let locationColumns = """
        country_code, party_id, location_id, document, publish, removed, first_seen_at, changed_at, confirmed_at,
        operator_last_updated, version, source_kind, source, findings
        """

    static func storedLocation(_ row: SQLiteStatement) -> StoredLocation {
        StoredLocation(
            key: LocationKey(countryCode: row.text(0)!, partyID: row.text(1)!, locationID: row.text(2)!),
            document: row.bytes(3), publish: row.int(4) != 0, removed: row.int(5) != 0,
            firstSeenAt: Timestamp(microseconds: row.int(6)), changedAt: Timestamp(microseconds: row.int(7)),
            confirmedAt: Timestamp(microseconds: row.int(8)),
            operatorLastUpdated: row.optionalInt(9).map(Timestamp.init(microseconds:)), version: Int(row.int(10)),
            sourceKind: IngestKind(rawValue: row.text(11)!) ?? .file, source: row.text(12)!, findings: row.bytes(13))
    }

    func location(_ key: LocationKey) throws -> StoredLocation? {
        let row = try db().statement(
            "SELECT \(Self.locationColumns) FROM locations WHERE country_code = ? AND party_id = ? AND location_key = ?"
        ).bind(.text(key.countryCode), .text(key.partyID), .text(key.locationID))
        return try row.step() ? Self.storedLocation(row) : nil
    }

    func locations(withEVSE evseIDKey: String) throws -> [StoredLocation] {
        let rows = try db().prepared(
            """
            SELECT country_code, party_id, location_id, document, publish, removed, first_seen_at, changed_at,
                confirmed_at, operator_last_updated, version, source_kind, source, findings
            FROM locations WHERE id IN (SELECT location_id FROM evses WHERE evse_id_key = ?)
            ORDER BY country_code, party_id, location_key
            """
        ).bind(.text(evseIDKey))
        var locations: [StoredLocation] = []
        while try rows.step() { locations.append(Self.storedLocation(rows)) }
        return locations
    }

    func listLocations(_ filter: LocationFilter, cursor: LocationCursor?, limit: Int, totals: ListTotals) throws
        -> LocationPage
    {
        let db = try db()
        return try LocationListSQL.page(
            filter, cursor: cursor, limit: limit, dialect: .sqlite, totals: totals,
            rows: { sql, values throws(StoreError) in
                let statement = try db.statement(sql).bind(values.map(SQLiteValue.init))
                defer { statement.reset() }
                var rows: [StoredLocation] = []
                while try statement.step() { rows.append(Self.storedLocation(statement)) }
                return rows
            },
            candidates: { sql, values throws(StoreError) in
                let statement = try db.statement(sql).bind(values.map(SQLiteValue.init))
                defer { statement.reset() }
                var candidates: [ListCandidate] = []
                while try statement.step() {
                    candidates.append(
                        ListCandidate(
                            id: statement.int(0), latitude: statement.optionalReal(1),
                            longitude: statement.optionalReal(2),
                            key: LocationKey(
                                countryCode: statement.text(3)!, partyID: statement.text(4)!,
                                locationID: statement.text(5)!)))
                }
                return candidates
            },
            count: count)
    }

    /// The one integer a `count(*)` answers.
    func count(_ sql: String, _ values: [LocationListSQL.Value]) throws(StoreError) -> Int {
        let statement = try db().statement(sql).bind(values.map(SQLiteValue.init))
        defer { statement.reset() }
        return try statement.step() ? Int(statement.int(0)) : 0
    }

    /// Each version's document is the one its successor replaced; the last is the current one.
    func history(of key: LocationKey) throws -> [LocationVersion] {
        guard let current = try location(key) else { return [] }
        let rows = try db().prepared(
            """
            SELECT v.version, v.recorded_at, v.run_id, v.change, v.content_hash, v.previous_document
            FROM location_versions v JOIN locations l ON l.id = v.location_id
            WHERE l.country_code = ? AND l.party_id = ? AND l.location_key = ? ORDER BY v.version
            """
        ).bind(.text(key.countryCode), .text(key.partyID), .text(key.locationID))
        var versions: [LocationVersion] = []
        while try rows.step() {
            if !versions.isEmpty { versions[versions.count - 1].document = rows.bytes(5) }
            versions.append(
                LocationVersion(
                    version: Int(rows.int(0)), recordedAt: Timestamp(microseconds: rows.int(1)),
                    runID: rows.optionalInt(2),
                    change: LocationVersion.Change(rawValue: rows.text(3)!) ?? .changed, contentHash: rows.bytes(4),
                    document: current.document))
        }
        return versions
    }

    func forEachLocation(_ query: LocationQuery, _ body: @Sendable (StoredLocation) throws -> Void) throws {
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        if query.publishedOnly { conditions.append("publish = 1") }
        if !query.includeRemoved { conditions.append("removed = 0") }
        if let party = query.party {
            conditions.append("country_code = ? AND party_id = ?")
            values += [.text(party.countryCode), .text(party.partyID)]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try db().statement(
            "SELECT \(Self.locationColumns) FROM locations \(filter) ORDER BY country_code, party_id, location_key"
        ).bind(values)
        defer { rows.reset() }
        while try rows.step() { try body(Self.storedLocation(rows)) }
    }

    func ingestRuns(limit: Int, party: PartyCode?) throws -> [IngestRun] {
        let db = try db()
        let rows = try db.prepared(
            "SELECT id FROM ingest_runs WHERE ?1 IS NULL OR party = ?1 ORDER BY id DESC LIMIT ?2"
        )
        .bind(party.map { .text($0.description) } ?? .null, .integer(Int64(limit)))
        var ids: [Int64] = []
        while try rows.step() { ids.append(rows.int(0)) }
        return try ids.map { id throws(StoreError) in try run(id, db: db) }
    }

    private func run(_ id: Int64, db: SQLiteDatabase) throws(StoreError) -> IngestRun {
        let row = try db.prepared(
            """
            SELECT id, kind, source, party, ocpi_version, started_at, finished_at, status, records_read, created, changed,
                unchanged, refused, removed, findings_by_code, error FROM ingest_runs WHERE id = ?
            """
        ).bind(.integer(id))
        guard try row.step() else { throw StoreError.query("no ingest run \(id)") }
        var summary = IngestRunSummary()
        summary.read = Int(row.int(8))
        summary.created = Int(row.int(9))
        summary.changed = Int(row.int(10))
        summary.unchanged = Int(row.int(11))
        summary.refused = Int(row.int(12))
        summary.removed = Int(row.int(13))
        summary.readFindings(row.bytes(14))
        return IngestRun(
            id: row.int(0), kind: IngestKind(rawValue: row.text(1)!) ?? .file, source: row.text(2)!, party: row.text(3),
            ocpiVersion: row.text(4), startedAt: Timestamp(microseconds: row.int(5)),
            finishedAt: row.optionalInt(6).map(Timestamp.init(microseconds:)),
            status: IngestRun.Status(rawValue: row.text(7)!) ?? .failed, summary: summary, error: row.text(15))
    }

    func refusals(ofRun runID: Int64) throws -> [IngestRefusal] {
        let rows = try db().statement(
            "SELECT position, byte_offset, location_id, reason FROM ingest_refusals WHERE run_id = ? ORDER BY position"
        ).bind(.integer(runID))
        var refusals: [IngestRefusal] = []
        while try rows.step() {
            refusals.append(
                IngestRefusal(
                    position: Int(rows.int(0)), byteOffset: rows.optionalInt(1).map { Int($0) },
                    locationID: rows.text(2),
                    reason: rows.text(3)!))
        }
        return refusals
    }

    func stats(publishedOnly: Bool) throws -> RegistryStats {
        let db = try db()
        let queries = StatsQueries(publishedOnly: publishedOnly)
        var stats = RegistryStats()
        let totals = try db.statement(queries.totals)
        if try totals.step() {
            stats.locations = Int(totals.int(0))
            stats.published = Int(totals.int(1))
            stats.removed = Int(totals.int(2))
            stats.evses = Int(totals.int(3))
            stats.connectors = Int(totals.int(4))
        }
        func counts(_ sql: String) throws(StoreError) -> [RegistryStats.Count] {
            let rows = try db.statement(sql)
            var result: [RegistryStats.Count] = []
            while try rows.step() {
                result.append(
                    RegistryStats.Count(key: rows.text(0) ?? "", locations: Int(rows.int(1)), evses: Int(rows.int(2))))
            }
            return result
        }
        func tallies(_ sql: String) throws(StoreError) -> [RegistryStats.Tally] {
            let rows = try db.statement(sql)
            var result: [RegistryStats.Tally] = []
            while try rows.step() {
                result.append(RegistryStats.Tally(key: rows.text(0) ?? "", count: Int(rows.int(1))))
            }
            return result
        }
        try queries.breakdowns(into: &stats, counts: counts, tallies: tallies)
        let runs = try db.statement(queries.ingestRuns)
        if try runs.step() { stats.ingestRuns = Int(runs.int(0)) }
        return stats
    }
}
