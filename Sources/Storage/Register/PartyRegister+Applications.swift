import RegistryCore

extension PartyRegister {
    /// Records a submitted application; `secretHash` is the SHA-256 (hex) of the secret the
    /// applicant follows it with. The proposed code is checked again here against the register:
    /// a code that is taken or quarantined is refused now rather than at approval.
    public func submit(_ form: ApplicationForm, secretHash: String) async throws -> ApplicationRecord {
        let now = clock.now()
        return try await database.transaction { session in
            let settings = try Self.settings(session)
            guard settings.countries.contains(form.country) else {
                throw RegisterConflict("this office does not issue codes for \(form.country)")
            }
            if let code = form.proposedCode {
                if let problem = CodeRules.problem(proposing: code.description, countries: settings.countries) {
                    throw RegisterConflict(problem)
                }
                let holder = try session.row(
                    "SELECT id FROM organisations WHERE country = $1 AND company_id = $2",
                    [.text(form.organisation.country), .text(form.organisation.companyID)])?.int(0)
                if let problem = try Self.unavailability(of: code, for: holder, session, now: now) {
                    throw RegisterConflict(problem)
                }
            }
            let row = try session.row(
                """
                INSERT INTO applications (status, country, roles, proposed_code, organisation, note, secret_hash,
                    submitted_at, updated_at)
                VALUES ('SUBMITTED', $1, $2, $3, $4, $5, $6, $7, $7) RETURNING id
                """,
                [
                    .text(form.country), .text(PartyRole.text(form.roles)), .optional(form.proposedCode?.description),
                    .text(form.organisation.storedJSON), .optional(form.note), .text(secretHash),
                    .integer(now.microseconds),
                ])
            let id = row?.int(0) ?? 0
            try Self.audit(
                session, at: now, actor: "applicant", action: "submit", subject: "application:\(id)", reason: nil,
                detail: form.proposedCode.map { "proposed \($0)" })
            return try Self.application(id, session)!
        }
    }

    public func application(_ id: Int64) async throws -> ApplicationRecord? {
        try await database.readOnly { try Self.application(id, $0) }
    }

    /// The secret hash of an application, for the caller's constant-time check.
    public func applicationSecretHash(_ id: Int64) async throws -> String? {
        try await database.readOnly {
            try $0.row("SELECT secret_hash FROM applications WHERE id = $1", [.integer(id)])?.text(0)
        }
    }

    /// Applications, oldest first; only those in `status` when given.
    public func applications(status: ApplicationStatus? = nil, limit: Int = 500) async throws -> [ApplicationRecord] {
        try await database.readOnly { session in
            let ids =
                if let status {
                    try session.rows(
                        "SELECT id FROM applications WHERE status = $1 ORDER BY id LIMIT $2",
                        [.text(status.rawValue), .integer(Int64(limit))])
                } else {
                    try session.rows("SELECT id FROM applications ORDER BY id LIMIT $1", [.integer(Int64(limit))])
                }
            return try ids.compactMap { try Self.application($0.int(0) ?? 0, session) }
        }
    }

    /// The office acts on an application: `review`, `request-info` and `reject` need a reason
    /// for the applicant (except review); `approve` issues the code (`assign` overrides the
    /// proposal; neither: one is chosen) as `ACTIVE`. An application with `conflicts` (it names
    /// the company ID of an organisation already registered) is approved only with `transfer`:
    /// the office has confirmed the applicant speaks for that organisation, whose record is then
    /// brought up to date from the application; without it, no other organisation's record or
    /// code is ever touched.
    public func decide(
        _ id: Int64, _ action: ApplicationAction, reason: String?, assign: PartyCode? = nil, transfer: Bool = false,
        actor: String
    ) async throws -> ApplicationRecord {
        let now = clock.now()
        if action == .respond { throw RegisterConflict("only the applicant answers a request for information") }
        if [.requestInformation, .reject].contains(action), (reason ?? "").isEmpty {
            throw RegisterConflict("\(action.rawValue) needs a reason for the applicant")
        }
        return try await database.transaction { session in
            guard let application = try Self.application(id, session) else {
                throw RegisterNotFound("no application \(id)")
            }
            let next = try application.status.after(action)
            var issued: String?
            if action == .approve, !transfer, let conflict = application.conflicts.first {
                throw RegisterConflict(
                    "application \(id): \(conflict); approve it with transfer only once the applicant is confirmed to be that organisation"
                )
            }
            if action == .approve {
                issued = try Self.issue(application, assign: assign, session, now: now, actor: actor)
            }
            try Self.move(session, id, from: application.status, to: next, now: now)
            if let reason, !reason.isEmpty { try Self.message(session, id, at: now, author: "office", reason) }
            try Self.audit(
                session, at: now, actor: actor, action: action.rawValue, subject: "application:\(id)", reason: reason,
                detail: issued.map { "issued \($0)" })
            return try Self.application(id, session)!
        }
    }

    /// The applicant answers a request for information; the application goes back under review.
    public func respond(_ id: Int64, message: String) async throws -> ApplicationRecord {
        let now = clock.now()
        guard !message.isEmpty else { throw RegisterConflict("the answer is empty") }
        return try await database.transaction { session in
            guard let application = try Self.application(id, session) else {
                throw RegisterNotFound("no application \(id)")
            }
            let next = try application.status.after(.respond)
            try Self.move(session, id, from: application.status, to: next, now: now)
            try Self.message(session, id, at: now, author: "applicant", message)
            try Self.audit(
                session, at: now, actor: "applicant", action: "respond", subject: "application:\(id)", reason: nil)
            return try Self.application(id, session)!
        }
    }

    /// Binds a new operator token (its hash) to the code an approved application issued, once:
    /// nil when the application is not approved or its token was already handed out.
    public func issueOperatorToken(forApplication id: Int64, tokenHash: String) async throws -> String? {
        let now = clock.now()
        return try await database.transaction { session -> String? in
            guard
                let row = try session.row(
                    "SELECT issued_code FROM applications WHERE id = $1 AND status = 'APPROVED' AND token_issued_at IS NULL",
                    [.integer(id)]),
                let code = row.text(0)
            else { return nil }
            let claimed = try session.execute(
                "UPDATE applications SET token_issued_at = $2 WHERE id = $1 AND token_issued_at IS NULL",
                [.integer(id), .integer(now.microseconds)])
            guard claimed == 1 else { return nil }
            let tokenID = try Self.insertToken(
                session, hash: tokenHash, role: .operator, parties: [code], label: "application \(id)",
                createdBy: "application:\(id)", at: now)
            try Self.audit(
                session, at: now, actor: "applicant", action: "token-issued", subject: "token:\(tokenID)", reason: nil,
                detail: "operator token for \(code)")
            return code
        }
    }

    // MARK: Rows

    static func application(_ id: Int64, _ session: any SQLSession) throws -> ApplicationRecord? {
        guard
            let row = try session.row(
                """
                SELECT id, status, country, roles, proposed_code, organisation, note, submitted_at, updated_at,
                    issued_code, token_issued_at
                FROM applications WHERE id = $1
                """, [.integer(id)])
        else { return nil }
        let messages = try session.rows(
            "SELECT at, author, body FROM application_messages WHERE application_id = $1 ORDER BY at", [.integer(id)]
        ).map {
            ApplicationMessage(at: Timestamp(microseconds: $0.int(0) ?? 0), author: $0.string(1), body: $0.string(2))
        }
        let status = ApplicationStatus(rawValue: row.string(1)) ?? .submitted
        let organisation = try Organisation(storedJSON: row.string(5))
        let decided = [ApplicationStatus.approved, .rejected].contains(status)
        return ApplicationRecord(
            id: row.int(0) ?? 0, status: status, country: row.string(2),
            roles: PartyRole.parse(row.string(3)) ?? [], proposedCode: row.text(4), organisation: organisation,
            note: row.text(6), submittedAt: Timestamp(microseconds: row.int(7) ?? 0),
            updatedAt: Timestamp(microseconds: row.int(8) ?? 0), issuedCode: row.text(9),
            tokenIssuedAt: row.int(10).map(Timestamp.init(microseconds:)), messages: messages,
            conflicts: decided ? [] : try conflicts(of: organisation, session))
    }

    /// The organisation already registered under the applicant's company ID, with its codes.
    private static func conflicts(of organisation: Organisation, _ session: any SQLSession) throws -> [String] {
        guard
            let holder = try session.row(
                "SELECT id, legal_name FROM organisations WHERE country = $1 AND company_id = $2",
                [.text(organisation.country), .text(organisation.companyID)])
        else { return [] }
        let codes = try session.rows(
            "SELECT code FROM party_codes WHERE organisation_id = $1 AND status <> 'RELEASED' ORDER BY code",
            [.integer(holder.int(0) ?? 0)]
        ).compactMap { try? PartyCode(parsing: $0.string(0)).description }
        let holding = codes.isEmpty ? "" : ", which holds \(codes.joined(separator: ", "))"
        return [
            "the company ID \(organisation.companyID) is that of \(holder.string(1)) (organisation \(holder.int(0) ?? 0))\(holding)"
        ]
    }

    /// Moves an application on only from the status it was read in: a concurrent decision makes
    /// this one fail instead of both taking effect.
    private static func move(
        _ session: any SQLSession, _ id: Int64, from: ApplicationStatus, to: ApplicationStatus, now: Timestamp
    ) throws {
        let changed = try session.execute(
            "UPDATE applications SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2",
            [.integer(id), .text(from.rawValue), .text(to.rawValue), .integer(now.microseconds)])
        guard changed == 1 else { throw RegisterConflict("application \(id) was changed meanwhile; reload it") }
    }

    private static func message(
        _ session: any SQLSession, _ id: Int64, at now: Timestamp, author: String, _ body: String
    )
        throws
    {
        try session.execute(
            "INSERT INTO application_messages (application_id, at, author, body) VALUES ($1, $2, $3, $4)",
            [.integer(id), .integer(now.microseconds), .text(author), .text(body)])
    }
}

/// A request names an application, code or token the register does not have (`404`).
public struct RegisterNotFound: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
