import JSON
import RegistryCore

/// One published, current location's stored score: the scored record (JSON the quality monitor
/// writes and reads; opaque here) and the locations its cross-record findings name, whose scores
/// change with it.
public struct QualityScoreRow: Sendable {
    public var key: LocationKey
    public var record: [UInt8]
    public var related: [LocationKey]

    public init(key: LocationKey, record: [UInt8], related: [LocationKey]) {
        self.key = key
        self.record = record
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
    /// page at a time so that a national register is never held at once.
    public func forEachScorePage(
        of party: (countryCode: String, partyID: String)? = nil,
        _ body: (_ page: [(key: LocationKey, record: [UInt8])]) async throws -> Void
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
                    SELECT country_code, party_id, location_key, record FROM quality_scores \(filter)
                    ORDER BY country_code, party_id, location_key LIMIT \(Self.page)
                    """, parameters
                ).map {
                    (
                        key: LocationKey(countryCode: $0.string(0), partyID: $0.string(1), locationID: $0.string(2)),
                        record: Array($0.string(3).utf8)
                    )
                }
            }
            if !page.isEmpty { try await body(page) }
            guard page.count == Self.page, let last = page.last else { return }
            after = last.key
        }
    }

    static let page = 2000

    private static func write(_ rows: [QualityScoreRow], generation: Int64, _ session: any SQLSession)
        throws(StoreError)
    {
        for row in rows {
            try session.execute(
                """
                INSERT INTO quality_scores (country_code, party_id, location_key, generation, record, related)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (country_code, party_id, location_key) DO UPDATE
                SET generation = excluded.generation, record = excluded.record, related = excluded.related
                """,
                [
                    .text(row.key.countryCode), .text(row.key.partyID), .text(row.key.locationID),
                    .integer(generation), .text(String(decoding: row.record, as: UTF8.self)),
                    .text(String(decoding: relatedJSON(row.related), as: UTF8.self)),
                ])
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
