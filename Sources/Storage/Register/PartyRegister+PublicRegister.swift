import RegistryCore

extension PartyRegister {
    /// The public register: own codes (not released) and, unless excluded, foreign entries;
    /// ordered by code.
    public func parties(_ filter: PartyFilter = PartyFilter(), limit: Int = 10_000) async throws -> [PartyEntry] {
        try await database.readOnly { session in
            var conditions: [String] = ["c.status <> 'RELEASED'"]
            var foreignConditions: [String] = []
            var parameters: [SQLValue] = []
            func parameter(_ value: SQLValue) -> String {
                parameters.append(value)
                return "$\(parameters.count)"
            }
            if let country = filter.country {
                let p = parameter(.text(country.uppercased()))
                conditions.append("substr(c.code, 1, 2) = \(p)")
                foreignConditions.append("substr(code, 1, 2) = \(p)")
            }
            if let role = filter.role {
                let p = parameter(.text("%\(role.rawValue)%"))
                conditions.append("c.roles LIKE \(p)")
                foreignConditions.append("roles LIKE \(p)")
            }
            if let status = filter.status {
                let p = parameter(.text(status.uppercased()))
                conditions.append("c.status = \(p)")
                foreignConditions.append("upper(status) = \(p)")
            }
            if let query = filter.query?.lowercased(), !query.isEmpty {
                let p = parameter(.text("%\(query.filter { $0 != "%" && $0 != "_" })%"))
                conditions.append(
                    "(lower(o.legal_name) LIKE \(p) OR lower(o.trade_name) LIKE \(p) OR lower(c.code) LIKE \(p))")
                foreignConditions.append("(lower(holder_name) LIKE \(p) OR lower(code) LIKE \(p))")
            }
            var entries = try Self.entries(
                session, where: conditions.joined(separator: " AND "), parameters, history: false, limit: limit)
            if filter.includeForeign {
                entries += try Self.foreignEntries(
                    session, where: foreignConditions.isEmpty ? "1 = 1" : foreignConditions.joined(separator: " AND "),
                    parameters, limit: limit)
                entries.sort { $0.code < $1.code }
            }
            return Array(entries.prefix(limit))
        }
    }

    /// One entry with its history: an own code (live, else the last released one), else a foreign one.
    public func party(_ code: PartyCode) async throws -> PartyEntry? {
        try await database.readOnly { session in
            let own = try Self.entries(
                session, where: "c.code = $1", [.text(code.compact)], history: true,
                order: "c.status = 'RELEASED', c.id DESC")
            if let first = own.first { return first }
            return try Self.foreignEntries(session, where: "code = $1", [.text(code.compact)], limit: 1).first
        }
    }

    static func entries(
        _ session: any SQLSession, where condition: String, _ parameters: [SQLValue], history: Bool,
        order: String = "c.code", limit: Int = 10_000
    ) throws -> [PartyEntry] {
        try session.rows(
            """
            SELECT c.id, c.code, c.roles, c.status, o.legal_name, o.trade_name, o.helpdesk_phone, o.website,
                c.issued_at, c.status_changed_at, c.quarantine_until, o.id
            FROM party_codes c JOIN organisations o ON o.id = c.organisation_id
            WHERE \(condition) ORDER BY \(order) LIMIT \(limit)
            """, parameters
        ).map { row in
            let code = row.string(1)
            let events =
                history
                ? try session.rows(
                    """
                    SELECT e.at, e.event, e.status, o.legal_name FROM party_code_events e
                    JOIN organisations o ON o.id = e.organisation_id WHERE e.party_code_id = $1 ORDER BY e.at
                    """, [.integer(row.int(0) ?? 0)]
                ).map {
                    PartyEvent(
                        at: Timestamp(microseconds: $0.int(0) ?? 0), event: $0.string(1), status: $0.string(2),
                        holderLegalName: $0.string(3))
                } : []
            return PartyEntry(
                code: Self.display(code), countryCode: String(code.prefix(2)),
                roles: PartyRole.parse(row.string(2)) ?? [],
                status: row.string(3), holderLegalName: row.string(4), holderTradeName: row.text(5),
                helpdeskPhone: row.text(6), website: row.text(7),
                issuedAt: row.int(8).map(Timestamp.init(microseconds:)),
                statusChangedAt: row.int(9).map(Timestamp.init(microseconds:)),
                quarantineUntil: row.int(10).map(Timestamp.init(microseconds:)), foreignSource: nil, importedAt: nil,
                history: events, organisationID: row.int(11))
        }
    }

    static func foreignEntries(_ session: any SQLSession, where condition: String, _ parameters: [SQLValue], limit: Int)
        throws -> [PartyEntry]
    {
        try session.rows(
            """
            SELECT code, roles, status, holder_name, source, imported_at FROM foreign_parties
            WHERE \(condition) ORDER BY code LIMIT \(limit)
            """, parameters
        ).map { row in
            PartyEntry(
                code: Self.display(row.string(0)), countryCode: String(row.string(0).prefix(2)),
                roles: PartyRole.parse(row.string(1)) ?? [], status: row.string(2), holderLegalName: row.string(3),
                holderTradeName: nil, helpdeskPhone: nil, website: nil, issuedAt: nil, statusChangedAt: nil,
                quarantineUntil: nil, foreignSource: row.string(4),
                importedAt: row.int(5).map(Timestamp.init(microseconds:)),
                history: [], organisationID: nil)
        }
    }

    /// `CLABC` → `CL*ABC`.
    static func display(_ compact: String) -> String { "\(compact.prefix(2))*\(compact.dropFirst(2))" }
}
