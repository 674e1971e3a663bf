import RegistryCore

extension PartyRegister {
    /// Why the register keeps `code` from the organisation `organisationID` (nil: from anyone), or
    /// nil when it does not: taken in any role by another holder, or quarantined after revocation.
    /// The code's own rules (`CodeRules`) are checked beside it.
    static func unavailability(
        of code: PartyCode, for organisationID: Int64?, _ session: any SQLSession, now: Timestamp
    )
        throws -> String?
    {
        guard
            let row = try session.row(
                "SELECT status, quarantine_until, organisation_id FROM party_codes WHERE code = $1 AND status <> 'RELEASED'",
                [.text(code.compact)])
        else { return nil }
        if row.string(0) == CodeStatus.revoked.rawValue {
            let until = Timestamp(microseconds: row.int(1) ?? 0)
            return until > now
                ? "\(code) was revoked and is quarantined until \(until)"
                : "\(code) was revoked and has not been released"
        }
        if let organisationID, row.int(2) == organisationID { return nil }
        return "\(code) is already taken"
    }

    /// Issues the code of an approved application: the office's choice, else the proposal, else
    /// the first free code made from the holder's name. A holder applying again with its own
    /// code gains the new roles on it.
    static func issue(
        _ application: ApplicationRecord, assign: PartyCode?, _ session: any SQLSession, now: Timestamp, actor: String
    ) throws -> String {
        let settings = try settings(session)
        let organisationID = try organisation(for: application.organisation, session, now: now)
        let code: PartyCode
        if let chosen = assign ?? application.proposedCode.flatMap({ try? PartyCode(parsing: $0) }) {
            if let problem = CodeRules.problem(proposing: chosen.description, countries: settings.countries) {
                throw RegisterConflict(problem)
            }
            if let problem = try unavailability(of: chosen, for: organisationID, session, now: now) {
                throw RegisterConflict(problem)
            }
            code = chosen
        } else {
            code = try freeCode(for: application, organisationID, session, now: now)
        }
        let roles = PartyRole.text(application.roles)
        if let held = try session.row(
            "SELECT id, roles, status, organisation_id FROM party_codes WHERE code = $1 AND status <> 'RELEASED'",
            [.text(code.compact)])
        {
            // Checked again here: under READ COMMITTED another approval may have committed the
            // code since `unavailability` looked.
            guard held.int(3) == organisationID else {
                throw RegisterConflict("\(code) was just issued to another applicant")
            }
            guard held.string(2) == CodeStatus.active.rawValue else {
                throw RegisterConflict("\(code) is \(held.string(2)); reinstate it before adding roles")
            }
            let merged = (PartyRole.parse(held.string(1)) ?? []).union(application.roles)
            try session.execute(
                "UPDATE party_codes SET roles = $2 WHERE id = $1",
                [.integer(held.int(0) ?? 0), .text(PartyRole.text(merged))])
            try event(session, codeID: held.int(0) ?? 0, at: now, "roles_added", .active, organisationID)
        } else {
            do {
                let row = try session.row(
                    """
                    INSERT INTO party_codes (code, roles, organisation_id, status, issued_at, status_changed_at, application_id)
                    VALUES ($1, $2, $3, 'ACTIVE', $4, $4, $5) RETURNING id
                    """,
                    [
                        .text(code.compact), .text(roles), .integer(organisationID), .integer(now.microseconds),
                        .integer(application.id),
                    ])
                try event(session, codeID: row?.int(0) ?? 0, at: now, "issued", .active, organisationID)
            } catch StoreError.conflict {
                throw RegisterConflict("\(code) was just issued to another applicant")
            }
        }
        try session.execute(
            "UPDATE applications SET organisation_id = $2, issued_code = $3 WHERE id = $1",
            [.integer(application.id), .integer(organisationID), .text(code.description)])
        try relink(session, codes: [code.compact])
        return code.description
    }

    /// The organisation with the applicant's company ID in its country, created or brought up to
    /// date from the application.
    private static func organisation(for organisation: Organisation, _ session: any SQLSession, now: Timestamp) throws
        -> Int64
    {
        let values: [SQLValue] = [
            .text(organisation.legalName), .optional(organisation.tradeName), .text(organisation.companyID),
            .optional(organisation.legalForm), .text(organisation.address), .text(organisation.country),
            .optional(organisation.representative), .text(organisation.contactName), .text(organisation.contactEmail),
            .optional(organisation.contactPhone), .optional(organisation.helpdeskPhone),
            .optional(organisation.website),
            .integer(now.microseconds),
        ]
        if let existing = try session.row(
            "SELECT id FROM organisations WHERE country = $1 AND company_id = $2",
            [.text(organisation.country), .text(organisation.companyID)])?.int(0)
        {
            try session.execute(
                """
                UPDATE organisations SET legal_name = $2, trade_name = $3, legal_form = $4, address = $5,
                    representative = $6, contact_name = $7, contact_email = $8, contact_phone = $9,
                    helpdesk_phone = $10, website = $11
                WHERE id = $1
                """,
                [
                    .integer(existing), .text(organisation.legalName), .optional(organisation.tradeName),
                    .optional(organisation.legalForm), .text(organisation.address),
                    .optional(organisation.representative), .text(organisation.contactName),
                    .text(organisation.contactEmail), .optional(organisation.contactPhone),
                    .optional(organisation.helpdeskPhone), .optional(organisation.website),
                ])
            return existing
        }
        let row = try session.row(
            """
            INSERT INTO organisations (legal_name, trade_name, company_id, legal_form, address, country, representative,
                contact_name, contact_email, contact_phone, helpdesk_phone, website, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id
            """, values)
        return row?.int(0) ?? 0
    }

    /// A free code for an application without a proposal: letters of the holder's name first
    /// (`Voltaje Andino` → `VOL`, `VAN`, …), then any free combination.
    private static func freeCode(
        for application: ApplicationRecord, _ organisationID: Int64, _ session: any SQLSession, now: Timestamp
    ) throws -> PartyCode {
        let name = (application.organisation.tradeName ?? application.organisation.legalName).uppercased()
        let letters = name.unicodeScalars.filter { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }.map(
            String.init)
        let words = name.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).compactMap {
            $0.first.map(String.init)
        }
        var candidates: [String] = []
        if letters.count >= 3 { candidates.append(letters[0..<3].joined()) }
        if words.count >= 3 { candidates.append(words[0..<3].joined()) }
        for first in letters.prefix(1) {
            for second in letters.dropFirst() { candidates.append(first + second + (letters.last ?? "X")) }
        }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789").map(String.init)
        for first in alphabet.prefix(26) {
            for second in alphabet { for third in alphabet { candidates.append(first + second + third) } }
        }
        for candidate in candidates {
            guard let code = try? PartyCode(countryCode: application.country, partyID: candidate),
                CodeRules.problem(proposing: code.description, countries: [application.country]) == nil,
                try unavailability(of: code, for: nil, session, now: now) == nil
            else { continue }
            return code
        }
        throw RegisterConflict("no free code is left in \(application.country)")
    }

    /// The office changes an issued code: suspend, reinstate, revoke (quarantined from then on),
    /// release (quarantine over), or transfer to `organisationID` (a merger; history kept).
    public func change(
        _ code: PartyCode, _ action: CodeAction, reason: String, toOrganisation organisationID: Int64? = nil,
        actor: String
    ) async throws -> PartyEntry {
        let now = clock.now()
        guard !reason.isEmpty else { throw RegisterConflict("\(action.rawValue) needs a reason") }
        return try await database.transaction { session in
            guard
                let row = try session.row(
                    "SELECT id, status, organisation_id, quarantine_until FROM party_codes WHERE code = $1 AND status <> 'RELEASED'",
                    [.text(code.compact)])
            else { throw RegisterNotFound("\(code) is not an issued code") }
            let id = row.int(0) ?? 0
            let status = CodeStatus(rawValue: row.string(1)) ?? .active
            let next = try status.after(action)
            var holder = row.int(2) ?? 0
            var quarantine = row.int(3)
            switch action {
            case .transfer:
                guard let target = organisationID else {
                    throw RegisterConflict("transfer needs the receiving organisation")
                }
                guard try session.row("SELECT id FROM organisations WHERE id = $1", [.integer(target)]) != nil else {
                    throw RegisterNotFound("no organisation \(target)")
                }
                guard target != holder else {
                    throw RegisterConflict("\(code) is already held by organisation \(target)")
                }
                holder = target
            case .revoke:
                let settings = try Self.settings(session)
                quarantine = now.microseconds + Int64(settings.quarantineDays) * 86_400_000_000
            case .release:
                if let until = quarantine, until > now.microseconds {
                    throw RegisterConflict("\(code) is quarantined until \(Timestamp(microseconds: until))")
                }
            case .suspend, .reinstate: break
            }
            let changed = try session.execute(
                """
                UPDATE party_codes SET status = $3, organisation_id = $4, quarantine_until = $5, status_changed_at = $6
                WHERE id = $1 AND status = $2
                """,
                [
                    .integer(id), .text(status.rawValue), .text(next.rawValue), .integer(holder), .optional(quarantine),
                    .integer(now.microseconds),
                ])
            guard changed == 1 else { throw RegisterConflict("\(code) was changed meanwhile; reload it") }
            try Self.event(session, codeID: id, at: now, action.pastTenseEvent, next, holder)
            try Self.audit(
                session, at: now, actor: actor, action: action.rawValue, subject: "code:\(code)", reason: reason,
                detail: action == .transfer ? "to organisation \(holder)" : nil)
            try Self.relink(session, codes: [code.compact])
            return try Self.entries(session, where: "c.id = $1", [.integer(id)], history: true).first!
        }
    }

    static func event(
        _ session: any SQLSession, codeID: Int64, at now: Timestamp, _ event: String, _ status: CodeStatus,
        _ organisationID: Int64
    ) throws {
        try session.execute(
            "INSERT INTO party_code_events (party_code_id, at, event, status, organisation_id) VALUES ($1, $2, $3, $4, $5)",
            [
                .integer(codeID), .integer(now.microseconds), .text(event), .text(status.rawValue),
                .integer(organisationID),
            ])
    }

    // MARK: Authorisations

    /// Lets `authorised` publish EVSE IDs under `holder`'s operator code (sub-operators, white
    /// labels); `allow: false` withdraws it.
    public func authorise(_ authorised: PartyCode, under holder: PartyCode, allow: Bool = true, actor: String)
        async throws
    {
        let now = clock.now()
        try await database.transaction { session in
            guard
                try session.row(
                    "SELECT id FROM party_codes WHERE code = $1 AND status <> 'RELEASED'", [.text(holder.compact)])
                    != nil
            else { throw RegisterNotFound("\(holder) is not an issued code") }
            try session.execute(
                "DELETE FROM code_authorisations WHERE holder_code = $1 AND authorised_code = $2",
                [.text(holder.compact), .text(authorised.compact)])
            if allow {
                try session.execute(
                    "INSERT INTO code_authorisations (holder_code, authorised_code, created_at) VALUES ($1, $2, $3)",
                    [.text(holder.compact), .text(authorised.compact), .integer(now.microseconds)])
            }
            try Self.audit(
                session, at: now, actor: actor, action: allow ? "authorise" : "deauthorise", subject: "code:\(holder)",
                reason: nil, detail: "\(authorised) may \(allow ? "" : "no longer ")publish EVSE IDs under \(holder)")
            try Self.relink(session, codes: [holder.compact])
        }
    }
}

extension CodeAction {
    var pastTenseEvent: String {
        switch self {
        case .suspend: "suspended"
        case .reinstate: "reinstated"
        case .revoke: "revoked"
        case .transfer: "transferred"
        case .release: "released"
        }
    }
}
