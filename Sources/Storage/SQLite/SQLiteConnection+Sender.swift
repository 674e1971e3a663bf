import RegistryCore

/// The OCPI Sender's reads and the removal of locations (issue #6), on SQLite.
extension SQLiteConnection {
    func senderPage(_ window: SenderWindow, after cursor: SenderCursor?, offset: Int, limit: Int, totals: ListTotals)
        throws -> SenderPage
    {
        let db = try db()
        let sql = SenderSQL(
            window, after: cursor, offset: offset, limit: limit, columns: Self.locationColumns, dialect: .sqlite)
        let rows = try db.statement(sql.page).bind(sql.pageValues.map(SQLiteValue.init))
        defer { rows.reset() }
        var items: [StoredLocation] = []
        var last: SenderCursor?
        // One row more than the page says whether another page follows.
        while items.count < sql.limit, try rows.step() {
            let location = Self.storedLocation(rows)
            items.append(location)
            last = SenderCursor(changedAt: location.changedAt.microseconds, rowID: rows.int(14))
        }
        let more = try items.count == sql.limit && rows.step()
        let total = try totals.total(sql.count, sql.countValues, count: count)
        return SenderPage(items: items, total: total, next: more ? last : nil)
    }

    func publishedLocations(withID locationID: String) throws -> [StoredLocation] {
        let rows = try db().statement(
            """
            SELECT \(Self.locationColumns) FROM locations
            WHERE location_key = ? AND publish = 1 AND removed = 0 ORDER BY country_code, party_id
            """
        ).bind(.text(locationID.uppercased()))
        defer { rows.reset() }
        var locations: [StoredLocation] = []
        while try rows.step() { locations.append(Self.storedLocation(rows)) }
        return locations
    }

    func publishedState() throws -> PublishedState {
        let row = try db().prepared("SELECT count(*), max(changed_at) FROM locations WHERE publish = 1")
        guard try row.step() else { return PublishedState(count: 0, lastChange: nil) }
        return PublishedState(
            count: Int(row.int(0)), lastChange: row.optionalInt(1).map(Timestamp.init(microseconds:)))
    }

    func currentKeys(of party: PartyCode) throws -> Set<LocationKey> {
        let rows = try db().prepared(
            "SELECT location_key FROM locations WHERE country_code = ? AND party_id = ? AND removed = 0"
        ).bind(.text(party.countryCode), .text(party.partyID))
        var keys: Set<LocationKey> = []
        while try rows.step() {
            keys.insert(LocationKey(countryCode: party.countryCode, partyID: party.partyID, locationID: rows.text(0)!))
        }
        return keys
    }

    /// Inside the ingest's open transaction.
    func remove(_ keys: [LocationKey], runID: Int64, at now: Timestamp) throws -> Int {
        let db = try db()
        var removed = 0
        for key in keys {
            let row = try db.prepared(
                """
                SELECT id, version, content_hash, document FROM locations
                WHERE country_code = ? AND party_id = ? AND location_key = ? AND removed = 0
                """
            ).bind(.text(key.countryCode), .text(key.partyID), .text(key.locationID))
            guard try row.step() else { continue }
            let (id, version, hash, document) = (row.int(0), row.int(1) + 1, row.bytes(2), row.bytes(3))
            row.reset()
            try db.prepared(
                "UPDATE locations SET removed = 1, changed_at = ?, version = ?, last_run_id = ? WHERE id = ?"
            ).bind(.integer(now.microseconds), .integer(version), .integer(runID), .integer(id)).run()
            try db.prepared(
                """
                INSERT INTO location_versions (location_id, version, recorded_at, run_id, change, content_hash,
                    previous_document) VALUES (?, ?, ?, ?, 'removed', ?, ?)
                """
            ).bind(
                .integer(id), .integer(version), .integer(now.microseconds), .integer(runID), .blob(hash),
                .utf8(document)
            ).run()
            removed += 1
        }
        return removed
    }
}
