import JSON
import RegistryCore

/// The link between the register and the repository (issue #5): ingest checks every location's
/// EVSE IDs against a snapshot of the register, and every change to the register re-checks the
/// stored locations it can affect, in the same transaction, so that a location's `register.*`
/// findings always say what the register says now.
extension PartyRegister {
    /// What every ingested location is checked against.
    public func snapshot() async throws -> RegisterSnapshot {
        try await database.readOnly { try Self.snapshot($0) }
    }

    static func snapshot(_ session: any SQLSession) throws -> RegisterSnapshot {
        var snapshot = RegisterSnapshot(countries: try settings(session).countries)
        for row in try session.rows(
            "SELECT code, status, organisation_id FROM party_codes WHERE status <> 'RELEASED'", [])
        {
            snapshot.own[row.string(0)] = RegisterSnapshot.Holding(
                status: CodeStatus(rawValue: row.string(1)) ?? .active, organisationID: row.int(2) ?? 0)
        }
        for row in try session.rows("SELECT code, status FROM foreign_parties", []) {
            snapshot.foreign[row.string(0)] = row.string(1)
        }
        for row in try session.rows("SELECT holder_code, authorised_code FROM code_authorisations", []) {
            snapshot.authorisations[row.string(0), default: []].insert(row.string(1))
        }
        return snapshot
    }

    /// Re-checks the stored locations that publish EVSE IDs under `codes` or belong to one of
    /// them (every location when `codes` is nil), and rewrites the `register.*` findings of
    /// those whose result changed. Returns how many locations changed.
    @discardableResult
    static func relink(_ session: any SQLSession, codes: Set<String>?) throws -> Int {
        let snapshot = try snapshot(session)
        var changed = 0
        if let codes {
            var ids: Set<Int64> = []
            for chunk in Array(codes.sorted()).chunked(by: 200) {
                let list = (1...chunk.count).map { "$\($0)" }.joined(separator: ", ")
                let values = chunk.map { SQLValue.text($0) }
                for row in try session.rows(
                    "SELECT DISTINCT location_id FROM evses WHERE substr(evse_id_key, 1, 5) IN (\(list))", values)
                {
                    ids.insert(row.int(0) ?? 0)
                }
                for row in try session.rows(
                    "SELECT id FROM locations WHERE (country_code || party_id) IN (\(list))", values)
                {
                    ids.insert(row.int(0) ?? 0)
                }
            }
            for chunk in ids.sorted().chunked(by: 500) {
                changed += try relink(session, locations: Array(chunk), snapshot: snapshot)
            }
        } else {
            var after: Int64 = 0
            while true {
                let page = try session.rows(
                    "SELECT id FROM locations WHERE id > $1 ORDER BY id LIMIT 1000", [.integer(after)]
                ).compactMap { $0.int(0) }
                guard let last = page.last else { break }
                changed += try relink(session, locations: page, snapshot: snapshot)
                after = last
            }
        }
        return changed
    }

    private static func relink(_ session: any SQLSession, locations ids: [Int64], snapshot: RegisterSnapshot)
        throws -> Int
    {
        let list = ids.map(String.init).joined(separator: ", ")
        var evseIDs: [Int64: [String?]] = [:]
        for row in try session.rows(
            "SELECT location_id, evse_id FROM evses WHERE location_id IN (\(list)) ORDER BY location_id, position", [])
        {
            evseIDs[row.int(0) ?? 0, default: []].append(row.text(1))
        }
        var changed = 0
        for row in try session.rows(
            "SELECT id, country_code, party_id, findings FROM locations WHERE id IN (\(list))", [])
        {
            let id = row.int(0) ?? 0
            guard let party = try? PartyCode(parsing: row.string(1) + row.string(2)) else { continue }
            let stored = Finding.stored(Array(row.string(3).utf8))
            let kept = stored.filter { !RegisterSnapshot.findingCodes.contains($0.code) }
            let linked = snapshot.findings(party: party, evseIDs: evseIDs[id] ?? [])
            guard kept + linked != stored else { continue }
            try rewriteFindings(session, location: id, findings: kept + linked)
            changed += 1
        }
        return changed
    }

    private static func rewriteFindings(_ session: any SQLSession, location id: Int64, findings: [Finding])
        throws(StoreError)
    {
        try session.execute(
            "UPDATE locations SET findings = $1, finding_count = $2 WHERE id = $3",
            [
                .text(String(decoding: Finding.storedJSON(findings), as: UTF8.self)), .integer(Int64(findings.count)),
                .integer(id),
            ])
        try session.execute("DELETE FROM location_finding_counts WHERE location_id = $1", [.integer(id)])
        var counts: [FindingCode: Int64] = [:]
        for finding in findings { counts[finding.code, default: 0] += 1 }
        for (code, count) in counts {
            try session.execute(
                "INSERT INTO location_finding_counts (location_id, code, count) VALUES ($1, $2, $3)",
                [.integer(id), .text(code.rawValue), .integer(count)])
        }
    }
}

extension Array {
    fileprivate func chunked(by size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
