import RegistryCore

extension PartyRegister {
    /// Imports another IDRO's public register as read-only foreign entries from `source`: new
    /// codes are added, known ones updated (re-import), nothing is deleted. Codes of a country
    /// this office serves are refused: those are ours to issue.
    public func importForeign(_ parties: [ForeignParty], source: String, actor: String) async throws
        -> ForeignImportSummary
    {
        let now = clock.now()
        return try await database.transaction { session in
            let countries = try Self.settings(session).countries
            if let own = parties.first(where: { countries.contains($0.code.countryCode) }) {
                throw RegisterConflict(
                    "\(own.code) is a code of \(own.code.countryCode), which this office issues itself")
            }
            var created = 0
            var updated = 0
            var unchanged = 0
            var touched: Set<String> = []
            for party in parties {
                let values: [SQLValue] = [
                    .text(party.code.compact), .text(PartyRole.text(party.roles)), .text(party.holderName),
                    .text(party.status), .text(source), .integer(now.microseconds),
                ]
                if let row = try session.row(
                    "SELECT roles, holder_name, status, source FROM foreign_parties WHERE code = $1",
                    [.text(party.code.compact)])
                {
                    if row.columns == [PartyRole.text(party.roles), party.holderName, party.status, source] {
                        unchanged += 1
                        continue
                    }
                    try session.execute(
                        """
                        UPDATE foreign_parties SET roles = $2, holder_name = $3, status = $4, source = $5, imported_at = $6
                        WHERE code = $1
                        """, values)
                    updated += 1
                    touched.insert(party.code.compact)
                } else {
                    try session.execute(
                        """
                        INSERT INTO foreign_parties (code, roles, holder_name, status, source, imported_at)
                        VALUES ($1, $2, $3, $4, $5, $6)
                        """, values)
                    created += 1
                    touched.insert(party.code.compact)
                }
            }
            try Self.audit(
                session, at: now, actor: actor, action: "import-foreign", subject: "source:\(source)", reason: nil,
                detail: "\(parties.count) entries: \(created) new, \(updated) updated, \(unchanged) unchanged")
            try Self.relink(session, codes: touched)
            return ForeignImportSummary(created: created, updated: updated, unchanged: unchanged)
        }
    }
}
