import RegistryCore

/// One day's quality of one scope (issue #8): the country (`national`) or an operator (its party
/// code). Trends are these rows over time.
public struct QualitySnapshot: Sendable, Equatable {
    public static let nationalScope = "national"

    public var scope: String
    /// UTC date, `YYYY-MM-DD`.
    public var day: String
    public var computedAt: Timestamp
    public var locations: Int
    public var evses: Int
    public var completeness: Double
    public var correctness: Double
    public var timeliness: Double
    public var combined: Double
    /// `compliant`, `needs_improvement` or `non_compliant` (national: the share's worst is not
    /// meaningful, so it is the country's own verdict against the same policy).
    public var compliance: String
    /// The scorecard as served; empty in trend rows.
    public var document: [UInt8]

    public init(
        scope: String, day: String, computedAt: Timestamp, locations: Int, evses: Int, completeness: Double,
        correctness: Double, timeliness: Double, combined: Double, compliance: String, document: [UInt8]
    ) {
        self.scope = scope
        self.day = day
        self.computedAt = computedAt
        self.locations = locations
        self.evses = evses
        self.completeness = completeness
        self.correctness = correctness
        self.timeliness = timeliness
        self.combined = combined
        self.compliance = compliance
        self.document = document
    }
}

/// The quality monitor's storage (issue #8): daily snapshots per operator and nationally, and
/// what a scan reads across records (duplicate EVSE IDs, every location's point, each operator's
/// last successful ingest). Written once for both backends, like the register (`SQLSession`).
public struct QualityLedger: Sendable {
    let database: any SQLTransactions

    init(database: any SQLTransactions) { self.database = database }

    /// Stores snapshots, each replacing its scope's row of the same day; all or nothing.
    /// `forgotten` scopes (nil: every scope not in `snapshots`) lose their row of `day` too:
    /// they have no locations any more.
    public func record(_ snapshots: [QualitySnapshot], forgetting forgotten: Set<String>? = [], day: String)
        async throws
    {
        try await database.transaction { session in
            if let forgotten {
                for scope in forgotten {
                    try session.execute(
                        "DELETE FROM quality_snapshots WHERE scope = $1 AND day = $2", [.text(scope), .text(day)])
                }
            } else {
                try session.execute("DELETE FROM quality_snapshots WHERE day = $1", [.text(day)])
            }
            for snapshot in snapshots {
                try session.execute(
                    "DELETE FROM quality_snapshots WHERE scope = $1 AND day = $2",
                    [.text(snapshot.scope), .text(snapshot.day)])
                try session.execute(
                    """
                    INSERT INTO quality_snapshots (scope, day, computed_at, locations, evses, completeness,
                        correctness, timeliness, combined, compliance, document)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                    """,
                    [
                        .text(snapshot.scope), .text(snapshot.day), .integer(snapshot.computedAt.microseconds),
                        .integer(Int64(snapshot.locations)), .integer(Int64(snapshot.evses)),
                        .real(snapshot.completeness), .real(snapshot.correctness), .real(snapshot.timeliness),
                        .real(snapshot.combined), .text(snapshot.compliance),
                        .text(String(decoding: snapshot.document, as: UTF8.self)),
                    ])
            }
        }
    }

    /// The newest snapshot of one scope, with its document.
    public func latest(scope: String) async throws -> QualitySnapshot? {
        try await database.readOnly { session in
            try session.row(
                "SELECT \(Self.columns), s.document FROM quality_snapshots s WHERE scope = $1 ORDER BY day DESC LIMIT 1",
                [.text(scope)]
            ).map { Self.snapshot($0, document: true) }
        }
    }

    /// A scope's daily rows, oldest first, at most the last `days`; without documents.
    public func trend(scope: String, days: Int = 365) async throws -> [QualitySnapshot] {
        try await database.readOnly { session in
            try session.rows(
                "SELECT \(Self.columns) FROM quality_snapshots s WHERE scope = $1 ORDER BY day DESC LIMIT $2",
                [.text(scope), .integer(Int64(days))]
            ).map { Self.snapshot($0, document: false) }.reversed()
        }
    }

    /// Each party's last successful ingest run (file, pull or push), by party code.
    public func lastSuccessfulIngests() async throws -> [String: Timestamp] {
        try await database.bulkRead { session in
            var result: [String: Timestamp] = [:]
            for row in try session.rows(
                """
                SELECT party, MAX(finished_at) FROM ingest_runs
                WHERE status = 'succeeded' AND party IS NOT NULL GROUP BY party
                """, [])
            {
                if let finished = row.int(1) { result[row.string(0)] = Timestamp(microseconds: finished) }
            }
            return result
        }
    }

    /// The EVSE IDs (lookup keys) that more than one current EVSE publishes, each with where:
    /// the location and the EVSE's position in it; only those of `keys` when given. Removed EVSEs
    /// and locations, and unpublished locations, do not count.
    public func duplicateEVSEIDs(among keys: Set<String>? = nil) async throws
        -> [(evseIDKey: String, location: LocationKey, position: Int)]
    {
        guard let keys else { return try await duplicateEVSEIDs(restriction: "", []) }
        // A location's own keys (one request's worth): a short read, in chunks within every
        // backend's limit of statement parameters.
        var places: [(evseIDKey: String, location: LocationKey, position: Int)] = []
        let sorted = keys.sorted()
        for start in stride(from: 0, to: sorted.count, by: 500) {
            let chunk = Array(sorted[start..<min(start + 500, sorted.count)])
            let restriction =
                " AND e.evse_id_key IN (" + chunk.indices.map { "$\($0 + 1)" }.joined(separator: ", ") + ")"
            places += try await duplicateEVSEIDs(restriction: restriction, chunk)
        }
        return places
    }

    private func duplicateEVSEIDs(restriction: String, _ keys: [String]) async throws
        -> [(evseIDKey: String, location: LocationKey, position: Int)]
    {
        return try await database.read(bulk: keys.isEmpty) { session in
            let rows = try session.rows(
                """
                SELECT e.evse_id_key, l.country_code, l.party_id, l.location_id, e.position
                FROM evses e JOIN locations l ON l.id = e.location_id
                WHERE l.publish AND NOT l.removed AND COALESCE(e.status, '') <> 'REMOVED'\(restriction)
                    AND e.evse_id_key IN (
                        SELECT e.evse_id_key FROM evses e WHERE e.evse_id_key IS NOT NULL\(restriction)
                        GROUP BY e.evse_id_key HAVING COUNT(*) > 1)
                ORDER BY e.evse_id_key, l.country_code, l.party_id, l.location_key, e.position
                """, keys.map { .text($0) }
            )
            // The candidates come from the index alone; keys left with one current EVSE once
            // removed ones are set aside are no duplicates.
            var places: [(evseIDKey: String, location: LocationKey, position: Int)] = rows.map {
                (
                    $0.string(0),
                    LocationKey(countryCode: $0.string(1), partyID: $0.string(2), locationID: $0.string(3)),
                    Int($0.int(4) ?? 0)
                )
            }
            var counts: [String: Int] = [:]
            for place in places { counts[place.evseIDKey, default: 0] += 1 }
            places.removeAll { counts[$0.evseIDKey]! < 2 }
            return places
        }
    }

    /// Every published, current location's point, for the nearby-duplicate rule; only those of
    /// `party` within `box` (degrees) when given, in key order.
    public func locationPoints(
        of party: PartyCode? = nil,
        within box: (minLatitude: Double, maxLatitude: Double, minLongitude: Double, maxLongitude: Double)? = nil
    ) async throws -> [(location: LocationKey, latitude: Double, longitude: Double)] {
        var restriction = ""
        var parameters: [SQLValue] = []
        if let party {
            // With a box, SQLite must take the rows from the R*Tree: `+` keeps its planner off the
            // key index, which would read every location of the operator.
            let key = box != nil && database.dialect == .sqlite ? "+" : ""
            restriction += " AND \(key)country_code = $1 AND \(key)party_id = $2"
            parameters += [.text(party.countryCode), .text(party.partyID)]
        }
        if let box {
            let first = parameters.count + 1
            let (minLatitude, maxLatitude, minLongitude, maxLongitude) = (
                "$\(first)", "$\(first + 1)", "$\(first + 2)", "$\(first + 3)"
            )
            // Narrowed by the spatial index, as the location list does (`LocationListSQL`): an
            // operator may hold tens of thousands of locations, a box a few.
            switch database.dialect {
            case .sqlite:
                restriction += """
                     AND id IN (SELECT id FROM location_geo WHERE max_latitude >= \(minLatitude)
                        AND min_latitude <= \(maxLatitude) AND max_longitude >= \(minLongitude)
                        AND min_longitude <= \(maxLongitude))
                    """
            case .postgres:
                restriction +=
                    " AND point(longitude, latitude) <@ box(point(\(minLongitude), \(minLatitude)), point(\(maxLongitude), \(maxLatitude)))"
            }
            restriction +=
                " AND latitude BETWEEN \(minLatitude) AND \(maxLatitude) AND longitude BETWEEN \(minLongitude) AND \(maxLongitude)"
            parameters += [
                .real(box.minLatitude), .real(box.maxLatitude), .real(box.minLongitude), .real(box.maxLongitude),
            ]
        }
        // The whole register's points is a long read; one operator's around a point, a short one.
        // On PostgreSQL every column read is in the position index: an index-only scan, without
        // visiting the rows of the other operators' locations in the box.
        return try await database.read(bulk: parameters.isEmpty) { [restriction, parameters] session in
            try session.rows(
                """
                SELECT country_code, party_id, location_key, latitude, longitude FROM locations
                WHERE publish AND NOT removed AND latitude IS NOT NULL AND longitude IS NOT NULL\(restriction)
                ORDER BY country_code, party_id, location_key
                """, parameters
            ).compactMap { row in
                // Rows stored before coordinates were checked may hold any double (migration 0009 clears them).
                guard let latitude = row.text(3).flatMap(Double.init), let longitude = row.text(4).flatMap(Double.init),
                    GeoLocation.usable(latitude: latitude, longitude: longitude)
                else { return nil }
                return (
                    LocationKey(countryCode: row.string(0), partyID: row.string(1), locationID: row.string(2)),
                    latitude, longitude
                )
            }
        }
    }

    private static let columns =
        "s.scope, s.day, s.computed_at, s.locations, s.evses, s.completeness, s.correctness, s.timeliness, s.combined, s.compliance"

    private static func snapshot(_ row: SQLRow, document: Bool) -> QualitySnapshot {
        QualitySnapshot(
            scope: row.string(0), day: row.string(1), computedAt: Timestamp(microseconds: row.int(2) ?? 0),
            locations: Int(row.int(3) ?? 0), evses: Int(row.int(4) ?? 0),
            completeness: Double(row.string(5)) ?? 0, correctness: Double(row.string(6)) ?? 0,
            timeliness: Double(row.string(7)) ?? 0, combined: Double(row.string(8)) ?? 0,
            compliance: row.string(9), document: document ? Array(row.string(10).utf8) : [])
    }
}
