import JSON
import RegistryCore

/// One published, current location's stored score: the scored record's figures and findings,
/// and the locations its cross-record findings name, whose scores change with it.
public struct QualityScoreRow: Sendable {
    public var key: LocationKey
    public var evses: Int
    /// 0–100 each.
    public var completeness: Double
    public var correctness: Double
    public var timeliness: Double
    public var combined: Double
    public var staticLatencySeconds: Int64?
    public var dynamicLatencySeconds: Int64?
    public var staleEVSEs: Int
    public var liveEVSEs: Int
    /// How many findings each rule gave.
    public var findingCounts: [FindingCount]
    /// The first few findings of each rule, in order: as many as a scorecard shows as examples.
    /// Read back for adding up (`forEachScorePage`), none: a scorecard needs the findings of a
    /// few records only (`findings(of:)`).
    public var findings: [Finding]
    public var related: [LocationKey]

    public init(
        key: LocationKey, evses: Int, completeness: Double, correctness: Double, timeliness: Double,
        combined: Double, staticLatencySeconds: Int64?, dynamicLatencySeconds: Int64?, staleEVSEs: Int,
        liveEVSEs: Int, findingCounts: [FindingCount], findings: [Finding], related: [LocationKey]
    ) {
        self.key = key
        self.evses = evses
        self.completeness = completeness
        self.correctness = correctness
        self.timeliness = timeliness
        self.combined = combined
        self.staticLatencySeconds = staticLatencySeconds
        self.dynamicLatencySeconds = dynamicLatencySeconds
        self.staleEVSEs = staleEVSEs
        self.liveEVSEs = liveEVSEs
        self.findingCounts = findingCounts
        self.findings = findings
        self.related = related
    }
}

/// The stored scores' bookkeeping: the step that wrote last, the rulebook they were scored under
/// (a fingerprint: another policy or other rules make every score stale) and the last full scan.
public struct QualityState: Sendable, Equatable {
    public var generation: Int64
    public var rulebook: String
    public var fullScanAt: Timestamp

    public init(generation: Int64, rulebook: String, fullScanAt: Timestamp) {
        self.generation = generation
        self.rulebook = rulebook
        self.fullScanAt = fullScanAt
    }
}

/// A location queued for scoring (schema 12: every change of what its score depends on queues
/// it): the queue entry, to delete once scored, and the location.
public struct PendingScore: Sendable {
    public var entry: Int64
    public var key: LocationKey
}

/// The incremental quality scores (issue #20), for both backends.
extension QualityLedger {
    /// Statement parameters per chunk, within every backend's limit.
    static let chunk = 500

    public func state() async throws -> QualityState? {
        try await database.readOnly { session in
            try session.row("SELECT generation, rulebook, full_scan_at FROM quality_state WHERE id = 1", []).map {
                QualityState(
                    generation: $0.int(0) ?? 0, rulebook: $0.string(1),
                    fullScanAt: Timestamp(microseconds: $0.int(2) ?? 0))
            }
        }
    }

    /// The oldest `limit` queued locations.
    public func pending(limit: Int) async throws -> [PendingScore] {
        try await database.readOnly { session in
            try session.rows(
                """
                SELECT q.id, l.country_code, l.party_id, l.location_key
                FROM quality_pending q JOIN locations l ON l.id = q.location_id ORDER BY q.id LIMIT $1
                """, [.integer(Int64(limit))]
            ).map {
                PendingScore(
                    entry: $0.int(0) ?? 0,
                    key: LocationKey(countryCode: $0.string(1), partyID: $0.string(2), locationID: $0.string(3)))
            }
        }
    }

    /// Every queue entry now: a full scan that starts after reading them covers them all.
    public func pendingEntries() async throws -> [Int64] {
        try await database.bulkRead { session in
            try session.rows("SELECT id FROM quality_pending", []).compactMap { $0.int(0) }
        }
    }

    /// The locations the stored scores of `keys` name.
    public func related(of keys: Set<LocationKey>) async throws -> Set<LocationKey> {
        var related: Set<LocationKey> = []
        let sorted = keys.sorted {
            ($0.countryCode, $0.partyID, $0.locationID) < ($1.countryCode, $1.partyID, $1.locationID)
        }
        for start in stride(from: 0, to: sorted.count, by: Self.chunk / 3) {
            let chunk = sorted[start..<min(start + Self.chunk / 3, sorted.count)]
            let (condition, parameters) = Self.keyCondition(Array(chunk))
            let lists = try await database.readOnly { session in
                try session.rows("SELECT related FROM quality_scores WHERE \(condition)", parameters).map {
                    Array($0.string(0).utf8)
                }
            }
            for list in lists { related.formUnion(Self.keys(list)) }
        }
        return related
    }

    /// Stores one incremental step at once: the new scores, the removal of those of `dropped`
    /// (no longer published or current), the queue entries it scored, and the new state.
    public func commit(
        _ rows: [QualityScoreRow], dropping dropped: Set<LocationKey>, scored entries: [Int64], state: QualityState
    ) async throws {
        try await database.transaction { session in
            try Self.write(rows, generation: state.generation, session)
            let dropped = Array(dropped)
            for start in stride(from: 0, to: dropped.count, by: Self.chunk / 3) {
                let chunk = dropped[start..<min(start + Self.chunk / 3, dropped.count)]
                let (condition, parameters) = Self.keyCondition(Array(chunk))
                try session.execute("DELETE FROM quality_scores WHERE \(condition)", parameters)
            }
            try Self.delete(entries, session)
            try Self.write(state, session)
        }
    }

    /// Stores the state alone: a full scan takes its generation before it writes a score, so
    /// that one cut short leaves nothing that the next would take for its own.
    public func save(_ state: QualityState) async throws {
        try await database.transaction { try Self.write(state, $0) }
    }

    /// Stores a batch of a full scan's scores under its generation.
    public func save(_ rows: [QualityScoreRow], generation: Int64) async throws {
        try await database.transaction { try Self.write(rows, generation: generation, $0) }
    }

    /// Ends a full scan: every score it did not write goes (their locations are no longer
    /// published or current), with the queue entries it covered, and the new state is stored.
    public func finishFullScan(scored entries: [Int64], state: QualityState) async throws {
        try await database.transaction { session in
            try session.execute(
                "DELETE FROM quality_scores WHERE generation < $1", [.integer(state.generation)])
            try Self.delete(entries, session)
            try Self.write(state, session)
        }
    }

    /// The stored scores in key order (one operator's when `party` is given), handed over a
    /// page at a time so that a national register is never held at once. Each row's findings
    /// and related locations are left out unless `complete`.
    public func forEachScorePage(
        of party: (countryCode: String, partyID: String)? = nil, complete: Bool = false,
        _ body: (_ page: [QualityScoreRow]) async throws -> Void
    ) async throws {
        var after: LocationKey?
        while true {
            var conditions: [String] = []
            var parameters: [SQLValue] = []
            if let party {
                conditions.append("country_code = $1 AND party_id = $2")
                parameters += [.text(party.countryCode), .text(party.partyID)]
            }
            if let after {
                let first = parameters.count + 1
                conditions.append("(country_code, party_id, location_key) > ($\(first), $\(first + 1), $\(first + 2))")
                parameters += [.text(after.countryCode), .text(after.partyID), .text(after.locationID)]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let page = try await database.bulkRead { [parameters] session in
                try session.rows(
                    """
                    SELECT \(Self.scoreColumns), \(complete ? "findings, related" : "NULL, NULL") FROM quality_scores
                    \(filter) ORDER BY country_code, party_id, location_key LIMIT \(Self.page)
                    """, parameters
                ).map { row throws(StoreError) in try Self.score(row) }
            }
            if !page.isEmpty { try await body(page) }
            guard page.count == Self.page, let last = page.last else { return }
            after = last.key
        }
    }

    /// The stored findings of `keys`, with their paths and messages.
    public func findings(of keys: [LocationKey]) async throws -> [LocationKey: [Finding]] {
        var found: [LocationKey: [Finding]] = [:]
        for start in stride(from: 0, to: keys.count, by: Self.chunk / 3) {
            let (condition, parameters) = Self.keyCondition(
                Array(keys[start..<min(start + Self.chunk / 3, keys.count)]))
            let rows = try await database.readOnly { session in
                try session.rows(
                    "SELECT country_code, party_id, location_key, findings FROM quality_scores WHERE \(condition)",
                    parameters)
            }
            for row in rows {
                let key = LocationKey(countryCode: row.string(0), partyID: row.string(1), locationID: row.string(2))
                found[key] = Finding.stored(Array(row.string(3).utf8))
            }
        }
        return found
    }

    private static let scoreColumnNames = [
        "country_code", "party_id", "location_key", "evses", "completeness", "correctness", "timeliness", "combined",
        "static_latency", "dynamic_latency", "stale_evses", "live_evses", "finding_counts",
    ]
    private static let scoreColumns = scoreColumnNames.joined(separator: ", ")

    /// A row of `scoreColumns`, then the findings and the related locations (or NULLs). Every
    /// figure is checked against its range: scorecards add them up, and a value no scoring gives
    /// (an infinite score, a count near `Int.max`) would trap there.
    private static func score(_ row: SQLRow) throws(StoreError) -> QualityScoreRow {
        let key = LocationKey(countryCode: row.string(0), partyID: row.string(1), locationID: row.string(2))
        func unreadable(_ index: Int) -> StoreError {
            StoreError.query(
                "the stored quality score of \(key) is unreadable (\(scoreColumnNames[index]) '\(row.text(index) ?? "NULL")'); run chargereg quality --rescan"
            )
        }
        func real(_ index: Int) throws(StoreError) -> Double {
            // 0–100, and the last bits a weighted sum can leave over (100.00000000000001).
            guard let value = row.text(index).flatMap({ Double($0) }), (-1...101).contains(value) else {
                throw unreadable(index)
            }
            return value
        }
        func count(_ index: Int) throws(StoreError) -> Int {
            guard let value = row.int(index), (0...maximumCount).contains(value) else { throw unreadable(index) }
            return Int(value)
        }
        guard let counts = counts(row.string(12)) else { throw unreadable(12) }
        return QualityScoreRow(
            key: key, evses: try count(3), completeness: try real(4), correctness: try real(5),
            timeliness: try real(6), combined: try real(7), staticLatencySeconds: row.int(8),
            dynamicLatencySeconds: row.int(9), staleEVSEs: try count(10), liveEVSEs: try count(11),
            findingCounts: counts, findings: row.text(13).map { Finding.stored(Array($0.utf8)) } ?? [],
            related: row.text(14).map { keys(Array($0.utf8)) } ?? [])
    }

    /// `finding_counts`: `code:count` separated by spaces.
    private static func countsText(_ counts: [FindingCount]) -> String {
        counts.map { "\($0.code.rawValue):\($0.count)" }.joined(separator: " ")
    }

    /// Reads `countsText`; nil for a text it did not write.
    private static func counts(_ text: String) -> [FindingCount]? {
        var counts: [FindingCount] = []
        for part in text.utf8.split(separator: UInt8(ascii: " ")) {
            guard let colon = part.lastIndex(of: UInt8(ascii: ":")),
                let count = Int(String(decoding: part[part.index(after: colon)...], as: UTF8.self)),
                (1...Int(maximumCount)).contains(count)
            else { return nil }
            counts.append(
                FindingCount(code: FindingCode(rawValue: String(decoding: part[..<colon], as: UTF8.self)), count: count)
            )
        }
        return counts
    }

    static let page = 2000

    /// The largest count a stored score may hold (EVSEs, findings of a rule): far above any
    /// location's, and a national sum of them stays far from overflowing.
    static let maximumCount: Int64 = 1 << 31

    /// Rows per INSERT: 16 parameters each, within every backend's limit (999 in older SQLite).
    static let rowsPerInsert = 60

    private static func write(_ rows: [QualityScoreRow], generation: Int64, _ session: any SQLSession)
        throws(StoreError)
    {
        for start in stride(from: 0, to: rows.count, by: rowsPerInsert) {
            let part = rows[start..<min(start + rowsPerInsert, rows.count)]
            var parameters: [SQLValue] = []
            parameters.reserveCapacity(part.count * 16)
            let values = part.map { row in
                let first = parameters.count + 1
                parameters += [
                    .text(row.key.countryCode), .text(row.key.partyID), .text(row.key.locationID),
                    .integer(generation), .integer(Int64(row.evses)), .real(row.completeness),
                    .real(row.correctness), .real(row.timeliness), .real(row.combined),
                    .optional(row.staticLatencySeconds), .optional(row.dynamicLatencySeconds),
                    .integer(Int64(row.staleEVSEs)), .integer(Int64(row.liveEVSEs)),
                    .text(countsText(row.findingCounts)),
                    .text(String(decoding: Finding.storedJSON(row.findings), as: UTF8.self)),
                    .text(String(decoding: relatedJSON(row.related), as: UTF8.self)),
                ]
                return "(" + (first..<first + 16).map { "$\($0)" }.joined(separator: ", ") + ")"
            }
            try session.execute(
                """
                INSERT INTO quality_scores (country_code, party_id, location_key, generation, evses, completeness,
                    correctness, timeliness, combined, static_latency, dynamic_latency, stale_evses, live_evses,
                    finding_counts, findings, related)
                VALUES \(values.joined(separator: ", "))
                ON CONFLICT (country_code, party_id, location_key) DO UPDATE
                SET generation = excluded.generation, evses = excluded.evses, completeness = excluded.completeness,
                    correctness = excluded.correctness, timeliness = excluded.timeliness, combined = excluded.combined,
                    static_latency = excluded.static_latency, dynamic_latency = excluded.dynamic_latency,
                    stale_evses = excluded.stale_evses, live_evses = excluded.live_evses,
                    finding_counts = excluded.finding_counts, findings = excluded.findings, related = excluded.related
                """, parameters)
        }
    }

    private static func write(_ state: QualityState, _ session: any SQLSession) throws(StoreError) {
        try session.execute(
            """
            INSERT INTO quality_state (id, generation, rulebook, full_scan_at) VALUES (1, $1, $2, $3)
            ON CONFLICT (id) DO UPDATE
            SET generation = excluded.generation, rulebook = excluded.rulebook, full_scan_at = excluded.full_scan_at
            """, [.integer(state.generation), .text(state.rulebook), .integer(state.fullScanAt.microseconds)])
    }

    private static func delete(_ entries: [Int64], _ session: any SQLSession) throws(StoreError) {
        for start in stride(from: 0, to: entries.count, by: chunk) {
            let part = entries[start..<min(start + chunk, entries.count)]
            try session.execute(
                "DELETE FROM quality_pending WHERE id IN ("
                    + part.indices.map { "$\($0 - start + 1)" }
                    .joined(separator: ", ") + ")", part.map { .integer($0) })
        }
    }

    /// `(country_code = $1 AND party_id = $2 AND location_key = $3) OR …` for `keys`.
    private static func keyCondition(_ keys: [LocationKey]) -> (String, [SQLValue]) {
        var parameters: [SQLValue] = []
        let condition = keys.map { key in
            parameters += [.text(key.countryCode), .text(key.partyID), .text(key.locationID)]
            let last = parameters.count
            return "(country_code = $\(last - 2) AND party_id = $\(last - 1) AND location_key = $\(last))"
        }.joined(separator: " OR ")
        return (condition, parameters)
    }

    private static func relatedJSON(_ keys: [LocationKey]) -> [UInt8] {
        var writer = JSONWriter(capacity: 16 + keys.count * 32)
        writer.beginArray()
        for key in keys {
            writer.beginArray()
            writer.string(key.countryCode)
            writer.string(key.partyID)
            writer.string(key.locationID)
            writer.endArray()
        }
        writer.endArray()
        return writer.bytes
    }

    private static func keys(_ json: [UInt8]) -> [LocationKey] {
        guard case .array(let items) = try? JSONParser.parse(json) else { return [] }
        return items.compactMap { item in
            guard case .string(let country) = item[0], case .string(let party) = item[1],
                case .string(let location) = item[2]
            else { return nil }
            return LocationKey(countryCode: country, partyID: party, locationID: location)
        }
    }
}
