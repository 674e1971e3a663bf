import RegistryCore

extension PostgresConnection {
    static func storedLocation(_ rows: PostgresResult, _ row: Int) -> StoredLocation {
        StoredLocation(
            key: LocationKey(
                countryCode: rows.text(row, 0)!, partyID: rows.text(row, 1)!, locationID: rows.text(row, 2)!),
            document: rows.bytes(row, 3), publish: rows.bool(row, 4), removed: rows.bool(row, 5),
            firstSeenAt: Timestamp(microseconds: rows.int(row, 6)),
            changedAt: Timestamp(microseconds: rows.int(row, 7)),
            confirmedAt: Timestamp(microseconds: rows.int(row, 8)),
            operatorLastUpdated: rows.optionalInt(row, 9).map(Timestamp.init(microseconds:)),
            version: Int(rows.int(row, 10)), sourceKind: IngestKind(rawValue: rows.text(row, 11)!) ?? .file,
            source: rows.text(row, 12)!, findings: rows.bytes(row, 13))
    }

    func location(_ key: LocationKey) throws(StoreError) -> StoredLocation? {
        let rows = try client().query(
            """
            SELECT country_code, party_id, location_id, document, publish, removed, first_seen_at, changed_at,
                confirmed_at, operator_last_updated, version, source_kind, source, findings
            FROM locations WHERE country_code = $1 AND party_id = $2 AND location_key = $3
            """, [.text(key.countryCode), .text(key.partyID), .text(key.locationID)])
        return rows.count == 1 ? Self.storedLocation(rows, 0) : nil
    }

    func locations(withEVSE evseIDKey: String) throws(StoreError) -> [StoredLocation] {
        let rows = try client().query(
            """
            SELECT country_code, party_id, location_id, document, publish, removed, first_seen_at, changed_at,
                confirmed_at, operator_last_updated, version, source_kind, source, findings
            FROM locations WHERE id IN (SELECT location_id FROM evses WHERE evse_id_key = $1)
            ORDER BY country_code, party_id, location_key
            """, [.text(evseIDKey)])
        return (0..<rows.count).map { Self.storedLocation(rows, $0) }
    }

    func listLocations(_ filter: LocationFilter, cursor: LocationCursor?, limit: Int, totals: ListTotals)
        throws(StoreError) -> LocationPage
    {
        let client = try client()
        return try LocationListSQL.page(
            filter, cursor: cursor, limit: limit, dialect: .postgres, totals: totals,
            rows: { sql, values throws(StoreError) in
                let rows = try client.query(dynamic: sql, values.map(PostgresValue.init))
                return (0..<rows.count).map { Self.storedLocation(rows, $0) }
            },
            candidates: { sql, values throws(StoreError) in
                let rows = try client.query(dynamic: sql, values.map(PostgresValue.init))
                return (0..<rows.count).map { row in
                    ListCandidate(
                        id: rows.int(row, 0), latitude: rows.optionalReal(row, 1), longitude: rows.optionalReal(row, 2),
                        key: LocationKey(
                            countryCode: rows.text(row, 3)!, partyID: rows.text(row, 4)!, locationID: rows.text(row, 5)!
                        ))
                }
            },
            count: count)
    }

    /// The one integer a `count(*)` answers.
    func count(_ sql: String, _ values: [LocationListSQL.Value]) throws(StoreError) -> Int {
        Int(try client().query(dynamic: sql, values.map(PostgresValue.init)).int(0, 0))
    }

    /// Each version's document is the one its successor replaced; the last is the current one.
    func history(of key: LocationKey) throws(StoreError) -> [LocationVersion] {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { client throws(StoreError) in
            guard let current = try location(key) else { return [] }
            let rows = try client.query(
                """
                SELECT v.version, v.recorded_at, v.run_id, v.change, v.content_hash, v.previous_document
                FROM location_versions v JOIN locations l ON l.id = v.location_id
                WHERE l.country_code = $1 AND l.party_id = $2 AND l.location_key = $3 ORDER BY v.version
                """, [.text(key.countryCode), .text(key.partyID), .text(key.locationID)])
            var versions: [LocationVersion] = []
            for row in 0..<rows.count {
                if !versions.isEmpty { versions[versions.count - 1].document = rows.bytes(row, 5) }
                versions.append(
                    LocationVersion(
                        version: Int(rows.int(row, 0)), recordedAt: Timestamp(microseconds: rows.int(row, 1)),
                        runID: rows.optionalInt(row, 2),
                        change: LocationVersion.Change(rawValue: rows.text(row, 3)!) ?? .changed,
                        contentHash: rows.bytea(row, 4), document: current.document))
            }
            return versions
        }
    }

    /// Rows per page of `forEachLocation`.
    static let pageSize = 1000

    /// Streams matching locations after `resumeAfter` in key order, one page at a time (keyset
    /// pages: memory stays bounded and a dropped connection can resume where it stopped), all
    /// pages from one snapshot.
    func forEachLocation(
        _ query: LocationQuery, after resumeAfter: LocationKey?, _ body: (StoredLocation) throws -> Void
    ) throws {
        var conditions: [String] = []
        var values: [PostgresValue] = []
        if query.publishedOnly { conditions.append("publish") }
        if !query.includeRemoved { conditions.append("NOT removed") }
        if let party = query.party {
            values += [.text(party.countryCode), .text(party.partyID)]
            conditions.append("country_code = $\(values.count - 1) AND party_id = $\(values.count)")
        }
        let after = values.count
        conditions.append("(country_code, party_id, location_key) > ($\(after + 1), $\(after + 2), $\(after + 3))")
        let sql = """
            SELECT country_code, party_id, location_id, document, publish, removed, first_seen_at, changed_at,
                confirmed_at, operator_last_updated, version, source_kind, source, findings, location_key
            FROM locations WHERE \(conditions.joined(separator: " AND "))
            ORDER BY country_code, party_id, location_key LIMIT \(Self.pageSize)
            """
        var last = resumeAfter.map { [$0.countryCode, $0.partyID, $0.locationID] } ?? ["", "", ""]
        let client = try client()
        try client.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            while true {
                let rows = try client.query(dynamic: sql, values + last.map { .text($0) })
                for row in 0..<rows.count { try body(Self.storedLocation(rows, row)) }
                guard rows.count == Self.pageSize else { break }
                last = [rows.text(rows.count - 1, 0)!, rows.text(rows.count - 1, 1)!, rows.text(rows.count - 1, 14)!]
            }
            try client.execute("COMMIT")
        } catch {
            rollback(client)
            throw error
        }
    }

    func ingestRuns(limit: Int, party: PartyCode?) throws(StoreError) -> [IngestRun] {
        let client = try client()
        let rows = try client.query(
            "SELECT id FROM ingest_runs WHERE $2::text IS NULL OR party = $2 ORDER BY id DESC LIMIT $1",
            [.integer(Int64(limit)), party.map { .text($0.description) } ?? .null])
        return try (0..<rows.count).map { row throws(StoreError) in try run(rows.int(row, 0), client: client) }
    }

    func run(_ id: Int64, client: LibPQConnection) throws(StoreError) -> IngestRun {
        let row = try client.query(
            """
            SELECT id, kind, source, party, ocpi_version, started_at, finished_at, status, records_read, created, changed,
                unchanged, refused, removed, findings_by_code, error FROM ingest_runs WHERE id = $1
            """, [.integer(id)])
        guard row.count == 1 else { throw StoreError.query("no ingest run \(id)") }
        var summary = IngestRunSummary()
        summary.read = Int(row.int(0, 8))
        summary.created = Int(row.int(0, 9))
        summary.changed = Int(row.int(0, 10))
        summary.unchanged = Int(row.int(0, 11))
        summary.refused = Int(row.int(0, 12))
        summary.removed = Int(row.int(0, 13))
        summary.readFindings(row.bytes(0, 14))
        return IngestRun(
            id: row.int(0, 0), kind: IngestKind(rawValue: row.text(0, 1)!) ?? .file, source: row.text(0, 2)!,
            party: row.text(0, 3), ocpiVersion: row.text(0, 4), startedAt: Timestamp(microseconds: row.int(0, 5)),
            finishedAt: row.optionalInt(0, 6).map(Timestamp.init(microseconds:)),
            status: IngestRun.Status(rawValue: row.text(0, 7)!) ?? .failed, summary: summary, error: row.text(0, 15))
    }

    func refusals(ofRun runID: Int64) throws(StoreError) -> [IngestRefusal] {
        let rows = try client().query(
            "SELECT position, byte_offset, location_id, reason FROM ingest_refusals WHERE run_id = $1 ORDER BY position",
            [.integer(runID)])
        return (0..<rows.count).map { row in
            IngestRefusal(
                position: Int(rows.int(row, 0)), byteOffset: rows.optionalInt(row, 1).map { Int($0) },
                locationID: rows.text(row, 2), reason: rows.text(row, 3)!)
        }
    }

    func stats(publishedOnly: Bool) throws(StoreError) -> RegistryStats {
        let queries = StatsQueries(publishedOnly: publishedOnly)
        return try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") { client throws(StoreError) in
            var stats = RegistryStats()
            let totals = try client.query(dynamic: queries.totals)
            stats.locations = Int(totals.int(0, 0))
            stats.published = Int(totals.int(0, 1))
            stats.removed = Int(totals.int(0, 2))
            stats.evses = Int(totals.int(0, 3))
            stats.connectors = Int(totals.int(0, 4))
            func counts(_ sql: String) throws(StoreError) -> [RegistryStats.Count] {
                let rows = try client.query(dynamic: sql)
                return (0..<rows.count).map { row in
                    RegistryStats.Count(
                        key: rows.text(row, 0) ?? "", locations: Int(rows.int(row, 1)), evses: Int(rows.int(row, 2)))
                }
            }
            func tallies(_ sql: String) throws(StoreError) -> [RegistryStats.Tally] {
                let rows = try client.query(dynamic: sql)
                return (0..<rows.count).map { row in
                    RegistryStats.Tally(key: rows.text(row, 0) ?? "", count: Int(rows.int(row, 1)))
                }
            }
            try queries.breakdowns(into: &stats, counts: counts, tallies: tallies)
            stats.ingestRuns = Int(try client.query(dynamic: queries.ingestRuns).int(0, 0))
            return stats
        }
    }
}
