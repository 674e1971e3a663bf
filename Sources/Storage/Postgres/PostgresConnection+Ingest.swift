import JSON
import RegistryCore

/// Ingest on PostgreSQL, with exactly the outcomes of the SQLite store, in a few round trips per
/// batch: one lookup of the batch's keys; new rows and all children go straight into their
/// tables with `COPY` (ids drawn from the sequences beforehand); rows that exist are copied into
/// a staging table and updated with set-based statements.
extension PostgresConnection {
    /// Records the run (committed at once, so that even a failed run leaves its record), then
    /// opens the run's transaction and its staging table (the connection's, made at its first run).
    func beginRun(_ start: IngestRunStart, now: Int64) throws(StoreError) -> Int64 {
        let client = try client()
        try requireSchema(client)
        pendingRefusals = []
        runSource = (start.kind.rawValue, start.source)
        let inserted = try client.query(
            """
            INSERT INTO ingest_runs (kind, source, party, ocpi_version, started_at, status, owner)
            VALUES ($1, $2, $3, $4, $5, 'running', 'backend:' || pg_backend_pid()) RETURNING id
            """,
            [
                .text(start.kind.rawValue), .text(start.source), .optional(start.party?.description),
                .optional(start.ocpiVersion), .integer(now),
            ])
        let runID = inserted.int(0, 0)
        try client.execute(
            """
            BEGIN;
            CREATE TEMPORARY TABLE IF NOT EXISTS staged_locations (
                id bigint PRIMARY KEY, outcome text, version integer, location_id text, name text, address text,
                city text, postal_code text, country text, latitude double precision, longitude double precision,
                time_zone text, publish boolean, evse_count integer, connector_count integer, max_power_w bigint,
                operator_last_updated bigint, content_hash bytea, document text, findings text, finding_count integer
            ) ON COMMIT DELETE ROWS;
            """)
        return runID
    }

    /// Applies a batch in runs without repeated keys, so that a location sent twice in one batch
    /// is created and then changed (or confirmed), as if applied one by one.
    func apply(_ batch: [IncomingLocation], runID: Int64, now: Int64) throws(StoreError) -> [IngestOutcome] {
        let client = try client()
        var outcomes: [IngestOutcome] = []
        outcomes.reserveCapacity(batch.count)
        var start = 0
        var keys: Set<LocationKey> = []
        for index in batch.indices where !keys.insert(batch[index].location.key).inserted {
            outcomes += try applyDistinct(batch[start..<index], runID: runID, now: now, client: client)
            start = index
            keys = [batch[index].location.key]
        }
        outcomes += try applyDistinct(batch[start...], runID: runID, now: now, client: client)
        return outcomes
    }

    /// What the database holds for a key of the batch.
    private struct Existing {
        let id: Int64
        let version: Int
        let removed: Bool
        let contentHash: [UInt8]
    }

    private func applyDistinct(
        _ batch: ArraySlice<IncomingLocation>, runID: Int64, now: Int64, client: LibPQConnection
    ) throws(StoreError) -> [IngestOutcome] {
        guard !batch.isEmpty else { return [] }
        let existing = try lookUp(batch, client: client)
        let newIDs = try reserve(
            "locations_id_seq", batch.count { existing[$0.location.key] == nil }, client: client)
        let replaced = batch.filter { incoming in
            existing[incoming.location.key].map { $0.removed || $0.contentHash != incoming.contentHash } ?? true
        }
        let evseIDs = try reserve("evses_id_seq", replaced.reduce(0) { $0 + $1.location.evses.count }, client: client)

        var outcomes: [IngestOutcome] = []
        var created = PostgresCopyRows()
        var versions = PostgresCopyRows()
        var staged = PostgresCopyRows()
        var children = ChildRows()
        var changedIDs: [Int64] = []
        var recountedIDs: [Int64] = []
        var nextNew = newIDs.makeIterator()
        var nextEVSE = evseIDs.makeIterator()
        for incoming in batch {
            let rowID: Int64
            if let row = existing[incoming.location.key] {
                rowID = row.id
                let unchanged = !row.removed && row.contentHash == incoming.contentHash
                let change: LocationVersion.Change = row.removed ? .restored : .changed
                Self.stageRow(
                    incoming, id: row.id, outcome: unchanged ? "unchanged" : change.rawValue,
                    version: unchanged ? row.version : row.version + 1, into: &staged)
                outcomes.append(unchanged ? .unchanged : .changed)
                recountedIDs.append(row.id)
                if unchanged {
                    children.countFindings(incoming, locationID: rowID)
                    continue
                }
                changedIDs.append(row.id)
            } else {
                guard let id = nextNew.next() else {
                    throw StoreError.query("fewer location ids drawn than new locations")
                }
                rowID = id
                Self.createdRow(incoming, id: rowID, runID: runID, source: runSource, now: now, into: &created)
                Self.versionRow(
                    rowID, version: 1, change: .created, incoming: incoming, runID: runID, now: now, into: &versions)
                outcomes.append(.created)
            }
            try children.add(incoming, locationID: rowID, evseIDs: &nextEVSE)
        }

        let times: [PostgresValue] = [.integer(now), .integer(runID)]
        if !staged.isEmpty {
            try client.copy(
                """
                COPY staged_locations (id, outcome, version, location_id, name, address, city, postal_code, country,
                    latitude, longitude, time_zone, publish, evse_count, connector_count, max_power_w,
                    operator_last_updated, content_hash, document, findings, finding_count) FROM STDIN
                """, rows: staged)
            // A new version keeps the document it replaces: recorded before the update.
            try client.query(
                """
                INSERT INTO location_versions (location_id, version, recorded_at, run_id, change, content_hash,
                    previous_document)
                SELECT s.id, s.version, $1, $2, s.outcome, s.content_hash, l.document
                FROM staged_locations s JOIN locations l ON l.id = s.id WHERE s.outcome <> 'unchanged'
                ORDER BY s.id
                """, times)
            try client.query(
                """
                UPDATE locations l SET location_id = s.location_id, name = s.name, address = s.address,
                    city = s.city, postal_code = s.postal_code, country = s.country, latitude = s.latitude,
                    longitude = s.longitude, time_zone = s.time_zone, publish = s.publish, evse_count = s.evse_count,
                    connector_count = s.connector_count, max_power_w = s.max_power_w,
                    operator_last_updated = s.operator_last_updated, changed_at = $1, confirmed_at = $1,
                    version = s.version, removed = false, source_kind = r.kind, source = r.source,
                    last_run_id = $2, content_hash = s.content_hash, document = s.document, findings = s.findings,
                    finding_count = s.finding_count
                FROM staged_locations s, ingest_runs r
                WHERE r.id = $2 AND l.id = s.id AND s.outcome <> 'unchanged'
                """, times)
            // Same content: only confirm it (and keep the operator's newer timestamps).
            try client.query(
                """
                UPDATE locations l SET confirmed_at = $1, operator_last_updated = s.operator_last_updated,
                    document = s.document, findings = s.findings, finding_count = s.finding_count, last_run_id = $2
                FROM staged_locations s WHERE l.id = s.id AND s.outcome = 'unchanged'
                """, times)
            // Emptied for the run's next batch; the commit empties its storage (ON COMMIT DELETE
            // ROWS). A table made and dropped per run, or TRUNCATE, writes the catalogue each time:
            // 1–2 ms of the server's time a push.
            try client.execute("DELETE FROM staged_locations")
        }
        if !changedIDs.isEmpty {
            // Children of a changed location are replaced as a whole.
            let ids: [PostgresValue] = [.integerArray(changedIDs)]
            try client.query("DELETE FROM connectors WHERE location_id = ANY ($1::bigint[])", ids)
            try client.query("DELETE FROM evses WHERE location_id = ANY ($1::bigint[])", ids)
        }
        if !recountedIDs.isEmpty {
            // Findings are recounted for unchanged locations too: the register may say otherwise now.
            try client.query(
                "DELETE FROM location_finding_counts WHERE location_id = ANY ($1::bigint[])",
                [.integerArray(recountedIDs)])
        }
        if !created.isEmpty {
            try client.copy(
                """
                COPY locations (id, country_code, party_id, location_key, location_id, name, address, city,
                    postal_code, country, latitude, longitude, time_zone, publish, evse_count, connector_count,
                    max_power_w, operator_last_updated, first_seen_at, changed_at, confirmed_at, version,
                    source_kind, source, last_run_id, content_hash, document, findings, finding_count) FROM STDIN
                """, rows: created)
            try client.copy(
                """
                COPY location_versions (location_id, version, recorded_at, run_id, change, content_hash,
                    previous_document) FROM STDIN
                """, rows: versions)
        }
        try children.copy(client)
        return outcomes
    }

    /// The rows the database holds for the batch's keys.
    private func lookUp(_ batch: ArraySlice<IncomingLocation>, client: LibPQConnection) throws(StoreError)
        -> [LocationKey: Existing]
    {
        let keys = batch.map(\.location.key)
        let rows = try client.query(
            """
            SELECT l.country_code, l.party_id, l.location_key, l.id, l.version, l.removed, l.content_hash
            FROM unnest($1::text[], $2::text[], $3::text[]) AS k (country_code, party_id, location_key)
            JOIN locations l ON l.country_code = k.country_code AND l.party_id = k.party_id
                AND l.location_key = k.location_key
            """,
            [.textArray(keys.map(\.countryCode)), .textArray(keys.map(\.partyID)), .textArray(keys.map(\.locationID))])
        // The rows name the keys as stored (text without NUL): each is found under the key it was asked for.
        let asked = Dictionary(keys.map { (Self.storedForm($0), $0) }, uniquingKeysWith: { first, _ in first })
        var existing: [LocationKey: Existing] = [:]
        for row in 0..<rows.count {
            let stored = LocationKey(
                countryCode: rows.text(row, 0) ?? "", partyID: rows.text(row, 1) ?? "",
                locationID: rows.text(row, 2) ?? "")
            existing[asked[stored] ?? stored] = Existing(
                id: rows.int(row, 3), version: Int(rows.int(row, 4)), removed: rows.bool(row, 5),
                contentHash: rows.bytea(row, 6))
        }
        return existing
    }

    /// A key as PostgreSQL's text columns hold it.
    private static func storedForm(_ key: LocationKey) -> LocationKey {
        LocationKey(
            countryCode: PostgresValue.storable(key.countryCode), partyID: PostgresValue.storable(key.partyID),
            locationID: PostgresValue.storable(key.locationID))
    }

    /// `count` fresh values of a sequence, in one round trip.
    private func reserve(_ sequence: StaticString, _ count: Int, client: LibPQConnection) throws(StoreError) -> [Int64]
    {
        guard count > 0 else { return [] }
        let rows = try client.query(
            "SELECT nextval($1::regclass) FROM generate_series(1, $2)",
            [.text(sequence.description), .integer(Int64(count))])
        return (0..<rows.count).map { rows.int($0, 0) }
    }

    /// The query columns shared by new and staged rows: name … max_power_w.
    private static func queryColumns(_ location: Location, into rows: inout PostgresCopyRows) {
        let connectors = location.evses.flatMap(\.connectors)
        rows.text(location.name)
        rows.text(location.address)
        rows.text(location.city)
        rows.text(location.postalCode)
        rows.text(location.country)
        rows.real(location.coordinates?.latitudeDegrees)
        rows.real(location.coordinates?.longitudeDegrees)
        rows.text(location.timeZone)
        rows.boolean(location.publish)
        rows.integer(location.evses.count)
        rows.integer(connectors.count)
        rows.integer(connectors.compactMap(\.powerWatts).max())
        rows.integer(location.lastUpdated?.microseconds)
    }

    /// content_hash, document, findings, finding_count; ends the row.
    private static func contentColumns(_ incoming: IncomingLocation, into rows: inout PostgresCopyRows) {
        rows.bytea(incoming.contentHash)
        rows.utf8(incoming.document)
        rows.utf8(Finding.storedJSON(incoming.findings))
        rows.integer(incoming.findings.count)
        rows.endRow()
    }

    private static func stageRow(
        _ incoming: IncomingLocation, id: Int64, outcome: String, version: Int, into rows: inout PostgresCopyRows
    ) {
        rows.integer(id)
        rows.text(outcome)
        rows.integer(version)
        rows.text(incoming.location.id)
        queryColumns(incoming.location, into: &rows)
        contentColumns(incoming, into: &rows)
    }

    private static func createdRow(
        _ incoming: IncomingLocation, id: Int64, runID: Int64, source: (kind: String, source: String), now: Int64,
        into rows: inout PostgresCopyRows
    ) {
        let key = incoming.location.key
        rows.integer(id)
        rows.text(key.countryCode)
        rows.text(key.partyID)
        rows.text(key.locationID)
        rows.text(incoming.location.id)
        queryColumns(incoming.location, into: &rows)
        rows.integer(now)
        rows.integer(now)
        rows.integer(now)
        rows.integer(1)
        rows.text(source.kind)
        rows.text(source.source)
        rows.integer(runID)
        contentColumns(incoming, into: &rows)
    }

    private static func versionRow(
        _ locationID: Int64, version: Int, change: LocationVersion.Change, incoming: IncomingLocation, runID: Int64,
        now: Int64, into rows: inout PostgresCopyRows
    ) {
        rows.integer(locationID)
        rows.integer(version)
        rows.integer(now)
        rows.integer(runID)
        rows.text(change.rawValue)
        rows.bytea(incoming.contentHash)
        rows.null()
        rows.endRow()
    }

    func refuse(_ refusals: [IngestRefusal]) {
        let room = IngestRefusal.maximumStoredPerRun - pendingRefusals.count
        if room > 0 { pendingRefusals.append(contentsOf: refusals.prefix(room)) }
    }

    private func writeRefusals(_ runID: Int64, client: LibPQConnection) throws(StoreError) {
        guard !pendingRefusals.isEmpty else { return }
        var rows = PostgresCopyRows()
        for refusal in pendingRefusals {
            rows.integer(runID)
            rows.integer(refusal.position)
            rows.integer(refusal.byteOffset)
            rows.text(refusal.locationID)
            rows.text(refusal.reason)
            rows.endRow()
        }
        try client.copy(
            "COPY ingest_refusals (run_id, position, byte_offset, location_id, reason) FROM STDIN", rows: rows)
        pendingRefusals = []
    }

    /// Writes the refusals and the run's record, then commits everything.
    func finishRun(_ runID: Int64, summary: IngestRunSummary, now: Int64) throws(StoreError) -> IngestRun {
        let client = try client()
        do {
            try writeRefusals(runID, client: client)
            try updateRun(runID, status: .succeeded, summary: summary, error: nil, now: now, client: client)
            try commit(client)
        } catch {
            rollback(client)
            throw error
        }
        return try run(runID, client: client)
    }

    /// Rolls back what the run applied and records it as failed, on a fresh connection if the old
    /// one broke.
    func abandonRun(_ runID: Int64, error: String, summary: IngestRunSummary, now: Int64) throws(StoreError)
        -> IngestRun
    {
        if let client = try? client() { rollback(client) }
        var summary = summary
        summary.created = 0
        summary.changed = 0
        summary.unchanged = 0
        return try transaction { client throws(StoreError) in
            try writeRefusals(runID, client: client)
            try updateRun(runID, status: .failed, summary: summary, error: error, now: now, client: client)
            return try run(runID, client: client)
        }
    }

    private func updateRun(
        _ runID: Int64, status: IngestRun.Status, summary: IngestRunSummary, error: String?, now: Int64,
        client: LibPQConnection
    ) throws(StoreError) {
        try client.query(
            """
            UPDATE ingest_runs SET finished_at = $1, status = $2, records_read = $3, created = $4, changed = $5,
                unchanged = $6, refused = $7, removed = $8, findings_by_code = $9, error = $10 WHERE id = $11
            """,
            [
                .integer(now), .text(status.rawValue), .integer(Int64(summary.read)),
                .integer(Int64(summary.created)), .integer(Int64(summary.changed)),
                .integer(Int64(summary.unchanged)), .integer(Int64(summary.refused)),
                .integer(Int64(summary.removed)), .utf8(summary.findingsJSON), .optional(error), .integer(runID),
            ])
    }
}
