import RegistryCore

/// The OCPI Sender's reads and the removal of locations (issue #6), on PostgreSQL.
extension PostgresConnection {
    static let locationColumns = """
        country_code, party_id, location_id, document, publish, removed, first_seen_at, changed_at, confirmed_at,
        operator_last_updated, version, source_kind, source, findings
        """

    func senderPage(_ window: SenderWindow, after cursor: SenderCursor?, offset: Int, limit: Int, totals: ListTotals)
        throws(StoreError) -> SenderPage
    {
        let client = try client()
        let sql = SenderSQL(
            window, after: cursor, offset: offset, limit: limit, columns: Self.locationColumns, dialect: .postgres)
        let rows = try client.query(dynamic: sql.page, sql.pageValues.map(PostgresValue.init))
        // One row more than the page says whether another page follows.
        let shown = min(rows.count, sql.limit)
        let items = (0..<shown).map { Self.storedLocation(rows, $0) }
        let total = try totals.total(sql.count, sql.countValues, count: count)
        return SenderPage(
            items: items, total: total,
            next: rows.count > sql.limit
                ? items.last.map { SenderCursor(changedAt: $0.changedAt.microseconds, rowID: rows.int(shown - 1, 14)) }
                : nil)
    }

    func publishedLocations(withID locationID: String) throws(StoreError) -> [StoredLocation] {
        let rows = try client().query(
            """
            SELECT country_code, party_id, location_id, document, publish, removed, first_seen_at, changed_at,
                confirmed_at, operator_last_updated, version, source_kind, source, findings
            FROM locations WHERE location_key = $1 AND publish AND NOT removed ORDER BY country_code, party_id
            """, [.text(locationID.uppercased())])
        return (0..<rows.count).map { Self.storedLocation(rows, $0) }
    }

    func publishedState() throws(StoreError) -> PublishedState {
        let rows = try client().query("SELECT count(*), max(changed_at) FROM locations WHERE publish")
        return PublishedState(
            count: Int(rows.int(0, 0)), lastChange: rows.optionalInt(0, 1).map(Timestamp.init(microseconds:)))
    }

    func currentKeys(of party: PartyCode) throws(StoreError) -> Set<LocationKey> {
        let rows = try client().query(
            "SELECT location_key FROM locations WHERE country_code = $1 AND party_id = $2 AND NOT removed",
            [.text(party.countryCode), .text(party.partyID)])
        return Set(
            (0..<rows.count).map {
                LocationKey(countryCode: party.countryCode, partyID: party.partyID, locationID: rows.text($0, 0)!)
            })
    }

    /// Inside the ingest's open transaction: one statement for the history, one for the rows.
    func remove(_ keys: [LocationKey], runID: Int64, now: Int64) throws(StoreError) -> Int {
        guard !keys.isEmpty else { return 0 }
        let client = try client()
        let parameters: [PostgresValue] = [
            .textArray(keys.map(\.countryCode)), .textArray(keys.map(\.partyID)), .textArray(keys.map(\.locationID)),
            .integer(now), .integer(runID),
        ]
        let removed = try client.query(
            """
            WITH doomed AS (
                SELECT l.id FROM unnest($1::text[], $2::text[], $3::text[]) AS k (country_code, party_id, location_key)
                JOIN locations l ON l.country_code = k.country_code AND l.party_id = k.party_id
                    AND l.location_key = k.location_key
                WHERE NOT l.removed
            ), versions AS (
                INSERT INTO location_versions (location_id, version, recorded_at, run_id, change, content_hash,
                    previous_document)
                SELECT l.id, l.version + 1, $4, $5, 'removed', l.content_hash, l.document
                FROM locations l JOIN doomed d ON d.id = l.id
            )
            UPDATE locations l SET removed = true, changed_at = $4, version = l.version + 1, last_run_id = $5
            FROM doomed d WHERE d.id = l.id RETURNING l.id
            """, parameters)
        return removed.count
    }
}
