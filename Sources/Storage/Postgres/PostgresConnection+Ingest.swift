import JSON
import RegistryCore

/// Ingest on PostgreSQL: each batch is copied into temporary staging tables with `COPY` and
/// applied with a few set-based statements, with exactly the outcomes of the SQLite store.
extension PostgresConnection {
    /// Records the run (committed at once, so that even a failed run leaves its record), then
    /// opens the run's transaction and its staging tables.
    func beginRun(_ start: IngestRunStart, now: Int64) throws(StoreError) -> Int64 {
        let client = try client()
        try requireSchema(client)
        pendingRefusals = []
        let inserted = try client.query(
            """
            INSERT INTO ingest_runs (kind, source, party, ocpi_version, started_at, status)
            VALUES ($1, $2, $3, $4, $5, 'running') RETURNING id
            """,
            [
                .text(start.kind.rawValue), .text(start.source), .optional(start.party?.description),
                .optional(start.ocpiVersion), .integer(now),
            ])
        let runID = inserted.int(0, 0)
        try client.execute(
            """
            BEGIN;
            CREATE TEMPORARY TABLE staged_locations (
                position integer PRIMARY KEY, country_code text COLLATE "C", party_id text COLLATE "C",
                location_key text COLLATE "C", location_id text, name text, address text, city text, postal_code text,
                country text, latitude double precision, longitude double precision, time_zone text, publish boolean,
                evse_count integer, connector_count integer, max_power_w bigint, operator_last_updated bigint,
                content_hash bytea, document text, findings text, finding_count integer,
                row_id bigint, old_version integer, outcome text, previous_document text) ON COMMIT DROP;
            CREATE TEMPORARY TABLE staged_evses (
                position integer, evse_position integer, uid text, evse_id text, evse_id_key text, status text,
                latitude double precision, longitude double precision, row_id bigint) ON COMMIT DROP;
            CREATE TEMPORARY TABLE staged_connectors (
                position integer, evse_position integer, connector_position integer, connector_id text,
                standard text, format text, power_type text, max_voltage integer, max_amperage integer,
                max_power_w bigint) ON COMMIT DROP;
            CREATE TEMPORARY TABLE staged_finding_counts (position integer, code text, count integer) ON COMMIT DROP;
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
        for index in batch.indices {
            if !keys.insert(batch[index].location.key).inserted {
                outcomes += try applyDistinct(batch[start..<index], runID: runID, now: now, client: client)
                start = index
                keys = [batch[index].location.key]
            }
        }
        outcomes += try applyDistinct(batch[start...], runID: runID, now: now, client: client)
        return outcomes
    }

    private func applyDistinct(
        _ batch: ArraySlice<IncomingLocation>, runID: Int64, now: Int64, client: LibPQConnection
    ) throws(StoreError) -> [IngestOutcome] {
        guard !batch.isEmpty else { return [] }
        try stage(batch, client: client)
        let times: [PostgresValue] = [.integer(now), .integer(runID)]
        // Which rows exist, and whether their content changed.
        try client.query(
            """
            UPDATE staged_locations s SET row_id = l.id, old_version = l.version,
                outcome = CASE WHEN l.removed THEN 'restored' WHEN l.content_hash = s.content_hash THEN 'unchanged'
                    ELSE 'changed' END,
                previous_document = CASE WHEN l.removed OR l.content_hash <> s.content_hash THEN l.document END
            FROM locations l
            WHERE l.country_code = s.country_code AND l.party_id = s.party_id AND l.location_key = s.location_key
            """)
        try client.query(
            """
            UPDATE staged_locations SET row_id = nextval(pg_get_serial_sequence('locations', 'id')), old_version = 0,
                outcome = 'created' WHERE row_id IS NULL
            """)
        try client.query(
            """
            UPDATE locations l SET location_id = s.location_id, name = s.name, address = s.address, city = s.city,
                postal_code = s.postal_code, country = s.country, latitude = s.latitude, longitude = s.longitude,
                time_zone = s.time_zone, publish = s.publish, evse_count = s.evse_count,
                connector_count = s.connector_count, max_power_w = s.max_power_w,
                operator_last_updated = s.operator_last_updated, changed_at = $1, confirmed_at = $1,
                version = s.old_version + 1, removed = false, source_kind = r.kind, source = r.source,
                last_run_id = $2, content_hash = s.content_hash, document = s.document, findings = s.findings,
                finding_count = s.finding_count
            FROM staged_locations s, ingest_runs r
            WHERE r.id = $2 AND l.id = s.row_id AND s.outcome IN ('changed', 'restored')
            """, times)
        // Same content: only confirm it (and keep the operator's newer timestamps).
        try client.query(
            """
            UPDATE locations l SET confirmed_at = $1, operator_last_updated = s.operator_last_updated,
                document = s.document, findings = s.findings, finding_count = s.finding_count, last_run_id = $2
            FROM staged_locations s WHERE l.id = s.row_id AND s.outcome = 'unchanged'
            """, times)
        try client.query(
            """
            INSERT INTO locations (id, country_code, party_id, location_key, location_id, name, address, city,
                postal_code, country, latitude, longitude, time_zone, publish, evse_count, connector_count,
                max_power_w, operator_last_updated, first_seen_at, changed_at, confirmed_at, version, source_kind,
                source, last_run_id, content_hash, document, findings, finding_count)
            SELECT s.row_id, s.country_code, s.party_id, s.location_key, s.location_id, s.name, s.address, s.city,
                s.postal_code, s.country, s.latitude, s.longitude, s.time_zone, s.publish, s.evse_count,
                s.connector_count, s.max_power_w, s.operator_last_updated, $1, $1, $1, 1, r.kind, r.source, $2,
                s.content_hash, s.document, s.findings, s.finding_count
            FROM staged_locations s, ingest_runs r WHERE r.id = $2 AND s.outcome = 'created' ORDER BY s.position
            """, times)
        // A new version keeps the document it replaced.
        try client.query(
            """
            INSERT INTO location_versions (location_id, version, recorded_at, run_id, change, content_hash,
                previous_document)
            SELECT row_id, old_version + 1, $1, $2, outcome, content_hash, previous_document
            FROM staged_locations WHERE outcome <> 'unchanged' ORDER BY position
            """, times)
        // Children of created and changed rows: replaced as a whole.
        try client.query(
            """
            DELETE FROM connectors WHERE location_id IN
                (SELECT row_id FROM staged_locations WHERE outcome IN ('changed', 'restored'))
            """)
        try client.query(
            """
            DELETE FROM evses WHERE location_id IN
                (SELECT row_id FROM staged_locations WHERE outcome IN ('changed', 'restored'))
            """)
        try client.query(
            """
            DELETE FROM location_finding_counts WHERE location_id IN
                (SELECT row_id FROM staged_locations WHERE outcome IN ('changed', 'restored'))
            """)
        try client.query(
            """
            UPDATE staged_evses e SET row_id = nextval(pg_get_serial_sequence('evses', 'id'))
            FROM staged_locations s WHERE s.position = e.position AND s.outcome <> 'unchanged'
            """)
        try client.query(
            """
            INSERT INTO evses (id, location_id, position, uid, evse_id, evse_id_key, status, latitude, longitude)
            SELECT e.row_id, s.row_id, e.evse_position, e.uid, e.evse_id, e.evse_id_key, e.status, e.latitude,
                e.longitude
            FROM staged_evses e JOIN staged_locations s ON s.position = e.position WHERE e.row_id IS NOT NULL
            ORDER BY e.row_id
            """)
        try client.query(
            """
            INSERT INTO connectors (evse_id, location_id, position, connector_id, standard, format, power_type,
                max_voltage, max_amperage, max_power_w)
            SELECT e.row_id, s.row_id, c.connector_position, c.connector_id, c.standard, c.format, c.power_type,
                c.max_voltage, c.max_amperage, c.max_power_w
            FROM staged_connectors c
            JOIN staged_evses e ON e.position = c.position AND e.evse_position = c.evse_position
            JOIN staged_locations s ON s.position = c.position
            WHERE e.row_id IS NOT NULL
            """)
        try client.query(
            """
            INSERT INTO location_finding_counts (location_id, code, count)
            SELECT s.row_id, f.code, f.count FROM staged_finding_counts f
            JOIN staged_locations s ON s.position = f.position WHERE s.outcome <> 'unchanged'
            """)
        let rows = try client.query("SELECT outcome FROM staged_locations ORDER BY position")
        var outcomes: [IngestOutcome] = []
        outcomes.reserveCapacity(rows.count)
        for row in 0..<rows.count {
            outcomes.append(
                rows.text(row, 0) == "unchanged" ? .unchanged : rows.text(row, 0) == "created" ? .created : .changed)
        }
        try client.execute(
            """
            DELETE FROM staged_locations; DELETE FROM staged_evses; DELETE FROM staged_connectors;
            DELETE FROM staged_finding_counts
            """)
        return outcomes
    }

    /// Copies the batch into the staging tables.
    private func stage(_ batch: ArraySlice<IncomingLocation>, client: LibPQConnection) throws(StoreError) {
        var locations = PostgresCopyRows(capacity: batch.reduce(0) { $0 + $1.document.count } * 2 + 4096)
        var evses = PostgresCopyRows()
        var connectors = PostgresCopyRows()
        var findingCounts = PostgresCopyRows()
        for (position, incoming) in batch.enumerated() {
            let location = incoming.location
            let key = location.key
            let allConnectors = location.evses.flatMap(\.connectors)
            locations.integer(position)
            locations.text(key.countryCode)
            locations.text(key.partyID)
            locations.text(key.locationID)
            locations.text(location.id)
            locations.text(location.name)
            locations.text(location.address)
            locations.text(location.city)
            locations.text(location.postalCode)
            locations.text(location.country)
            locations.real(location.coordinates?.latitudeDegrees)
            locations.real(location.coordinates?.longitudeDegrees)
            locations.text(location.timeZone)
            locations.boolean(location.publish)
            locations.integer(location.evses.count)
            locations.integer(allConnectors.count)
            locations.integer(allConnectors.compactMap(\.powerWatts).max())
            locations.integer(location.lastUpdated?.microseconds)
            locations.bytea(incoming.contentHash)
            locations.utf8(incoming.document)
            locations.utf8(Finding.storedJSON(incoming.findings))
            locations.integer(incoming.findings.count)
            locations.endRow()
            for (evsePosition, evse) in location.evses.enumerated() {
                evses.integer(position)
                evses.integer(evsePosition)
                evses.text(evse.uid)
                evses.text(evse.evseID)
                evses.text(evse.evseID.map(EVSEID.lookupKey))
                evses.text(evse.status?.rawValue)
                evses.real(evse.coordinates?.latitudeDegrees)
                evses.real(evse.coordinates?.longitudeDegrees)
                evses.endRow()
                for (connectorPosition, connector) in evse.connectors.enumerated() {
                    connectors.integer(position)
                    connectors.integer(evsePosition)
                    connectors.integer(connectorPosition)
                    connectors.text(connector.id)
                    connectors.text(connector.standard?.rawValue)
                    connectors.text(connector.format?.rawValue)
                    connectors.text(connector.powerType?.rawValue)
                    connectors.integer(connector.maxVoltage)
                    connectors.integer(connector.maxAmperage)
                    connectors.integer(connector.powerWatts)
                    connectors.endRow()
                }
            }
            var counts: [String: Int] = [:]
            for finding in incoming.findings { counts[finding.code.rawValue, default: 0] += 1 }
            for (code, count) in counts {
                findingCounts.integer(position)
                findingCounts.text(code)
                findingCounts.integer(count)
                findingCounts.endRow()
            }
        }
        try client.copy(
            """
            COPY staged_locations (position, country_code, party_id, location_key, location_id, name, address, city,
                postal_code, country, latitude, longitude, time_zone, publish, evse_count, connector_count,
                max_power_w, operator_last_updated, content_hash, document, findings, finding_count) FROM STDIN
            """, rows: locations)
        if !evses.isEmpty {
            try client.copy(
                """
                COPY staged_evses (position, evse_position, uid, evse_id, evse_id_key, status, latitude, longitude)
                FROM STDIN
                """, rows: evses)
        }
        if !connectors.isEmpty {
            try client.copy(
                """
                COPY staged_connectors (position, evse_position, connector_position, connector_id, standard, format,
                    power_type, max_voltage, max_amperage, max_power_w) FROM STDIN
                """, rows: connectors)
        }
        if !findingCounts.isEmpty {
            try client.copy("COPY staged_finding_counts (position, code, count) FROM STDIN", rows: findingCounts)
        }
        try client.execute("ANALYZE staged_locations, staged_evses, staged_connectors, staged_finding_counts")
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
