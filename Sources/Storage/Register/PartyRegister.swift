import RegistryCore

/// The ID Registration Office's register (AFIR Art. 20(1); registries.md §2): applications,
/// issued party codes and their holders, foreign registers, access tokens and the audit log.
/// Every operation is one transaction on the store's database, written once for both backends
/// (`SQLSession`); every change the office makes is logged with who, when, what and why.
public struct PartyRegister: Sendable {
    let database: any SQLTransactions
    let clock: RegistryClock

    init(database: any SQLTransactions, clock: RegistryClock) {
        self.database = database
        self.clock = clock
    }

    // MARK: Settings

    public func settings() async throws -> OfficeSettings {
        try await database.readOnly { try Self.settings($0) }
    }

    /// Sets the countries served and the quarantine; logged.
    public func configure(_ settings: OfficeSettings, actor: String) async throws {
        let now = clock.now()
        guard !settings.countries.isEmpty, settings.countries.allSatisfy({ Country(alpha2: $0) != nil }) else {
            throw RegisterConflict("the office must serve at least one ISO 3166-1 alpha-2 country")
        }
        guard settings.quarantineDays >= 0 else { throw RegisterConflict("the quarantine cannot be negative") }
        try await database.transaction { session in
            for (name, value) in [
                ("countries", settings.countries.sorted().joined(separator: ",")),
                ("quarantine_days", String(settings.quarantineDays)),
                ("ocpi_party", settings.ocpiParty?.description ?? ""),
                ("name", settings.name ?? ""),
            ] {
                try session.execute("DELETE FROM office_settings WHERE name = $1", [.text(name)])
                try session.execute(
                    "INSERT INTO office_settings (name, value) VALUES ($1, $2)", [.text(name), .text(value)])
            }
            try Self.audit(
                session, at: now, actor: actor, action: "configure", subject: "office", reason: nil,
                detail:
                    "countries=\(settings.countries.sorted().joined(separator: ",")) quarantine_days=\(settings.quarantineDays) ocpi_party=\(settings.ocpiParty?.description ?? "-")"
            )
            try Self.relink(session, codes: nil)
        }
    }

    static func settings(_ session: any SQLSession) throws -> OfficeSettings {
        var settings = OfficeSettings()
        for row in try session.rows("SELECT name, value FROM office_settings", []) {
            switch row.string(0) {
            case "countries": settings.countries = Set(row.string(1).split(separator: ",").map(String.init))
            case "quarantine_days": settings.quarantineDays = Int(row.string(1)) ?? OfficeSettings.defaultQuarantineDays
            case "ocpi_party": settings.ocpiParty = try? PartyCode(parsing: row.string(1))
            case "name": settings.name = row.string(1).isEmpty ? nil : row.string(1)
            default: break
            }
        }
        return settings
    }

    // MARK: Audit

    /// The audit log, newest first; `subject` narrows it to one application, code or token.
    public func auditLog(subject: String? = nil, limit: Int = 100) async throws -> [AuditEvent] {
        try await database.readOnly { session in
            let columns = "SELECT id, at, actor, action, subject, reason, detail FROM audit_log"
            let rows =
                if let subject {
                    try session.rows(
                        "\(columns) WHERE subject = $1 ORDER BY id DESC LIMIT $2",
                        [.text(subject), .integer(Int64(limit))])
                } else {
                    try session.rows("\(columns) ORDER BY id DESC LIMIT $1", [.integer(Int64(limit))])
                }
            return rows.map {
                AuditEvent(
                    id: $0.int(0) ?? 0, at: Timestamp(microseconds: $0.int(1) ?? 0), actor: $0.string(2),
                    action: $0.string(3), subject: $0.string(4), reason: $0.text(5), detail: $0.text(6))
            }
        }
    }

    static func audit(
        _ session: any SQLSession, at now: Timestamp, actor: String, action: String, subject: String, reason: String?,
        detail: String? = nil
    ) throws {
        try session.execute(
            "INSERT INTO audit_log (at, actor, action, subject, reason, detail) VALUES ($1, $2, $3, $4, $5, $6)",
            [
                .integer(now.microseconds), .text(actor), .text(action), .text(subject), .optional(reason),
                .optional(detail),
            ])
    }
}
