import RegistryCore

extension PartyRegister {
    /// Stores a new token by the SHA-256 (hex) of its secret; the secret itself is never stored.
    /// Operator tokens name the codes they may write under, each issued by this office. A
    /// registration token (token A) is an operator's, for the OCPI credentials handshake only.
    public func createToken(
        hash: String, role: TokenRole, purpose: TokenPurpose = .api, parties: [PartyCode], label: String,
        actor: String
    ) async throws -> TokenRecord {
        let now = clock.now()
        if role == .operator, parties.isEmpty {
            throw RegisterConflict("an operator token needs at least one party code")
        }
        if role != .operator, !parties.isEmpty {
            throw RegisterConflict("only operator tokens are bound to party codes")
        }
        if purpose == .registration, role != .operator {
            throw RegisterConflict("a registration token (OCPI token A) is an operator's")
        }
        return try await database.transaction { session in
            for party in parties {
                guard
                    try session.row(
                        "SELECT id FROM party_codes WHERE code = $1 AND status IN ('ACTIVE', 'SUSPENDED')",
                        [.text(party.compact)]) != nil
                else { throw RegisterNotFound("\(party) is not an issued code of this office") }
            }
            let id = try Self.insertToken(
                session, hash: hash, role: role, purpose: purpose, parties: parties.map(\.description), label: label,
                createdBy: actor, at: now)
            try Self.audit(
                session, at: now, actor: actor, action: "token-create", subject: "token:\(id)", reason: nil,
                detail: "\(role.rawValue) \(purpose.rawValue) \(parties.map(\.description).joined(separator: ","))")
            return try Self.tokens(session, where: "id = $1", [.integer(id)]).first!
        }
    }

    /// Every token, newest first, without secrets.
    public func tokens() async throws -> [TokenRecord] {
        try await database.readOnly { try Self.tokens($0, where: "1 = 1", []) }
    }

    /// The live token with this hash, if any (the caller compares the hash in constant time).
    public func token(hash: String) async throws -> TokenRecord? {
        try await database.readOnly {
            try Self.tokens($0, where: "token_hash = $1 AND revoked_at IS NULL", [.text(hash)]).first
        }
    }

    public func revokeToken(_ id: Int64, actor: String) async throws {
        let now = clock.now()
        try await database.transaction { session in
            let changed = try session.execute(
                "UPDATE access_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                [.integer(id), .integer(now.microseconds)])
            guard changed == 1 else { throw RegisterNotFound("no live token \(id)") }
            try Self.audit(session, at: now, actor: actor, action: "token-revoke", subject: "token:\(id)", reason: nil)
        }
    }

    /// Records a registration that failed with token A `id`, with why, in the audit log; the
    /// `limit`th failure burns the token (revoked, the reasons in the audit log for the office),
    /// so a token A cannot be used to probe what the registry can reach. True when it was burnt.
    public func recordFailedRegistration(token id: Int64, reason: String, limit: Int = 5) async throws -> Bool {
        let now = clock.now()
        let subject = "token:\(id)"
        return try await database.transaction { session in
            try Self.audit(
                session, at: now, actor: "ocpi", action: "registration-failed", subject: subject, reason: reason)
            let failures =
                try session.row(
                    "SELECT count(*) FROM audit_log WHERE subject = $1 AND action = 'registration-failed'",
                    [.text(subject)])?.int(0) ?? 0
            guard failures >= limit else { return false }
            let burnt = try session.execute(
                "UPDATE access_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                [.integer(id), .integer(now.microseconds)])
            if burnt == 1 {
                try Self.audit(
                    session, at: now, actor: "ocpi", action: "token-revoke", subject: subject,
                    reason: "burnt after \(limit) failed registrations; the audit log has each reason")
            }
            return burnt == 1
        }
    }

    static func insertToken(
        _ session: any SQLSession, hash: String, role: TokenRole, purpose: TokenPurpose = .api, parties: [String],
        label: String, createdBy: String, at now: Timestamp
    ) throws -> Int64 {
        let row = try session.row(
            """
            INSERT INTO access_tokens (token_hash, role, purpose, parties, label, created_at, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """,
            [
                .text(hash), .text(role.rawValue), .text(purpose.rawValue), .text(parties.joined(separator: ",")),
                .text(label), .integer(now.microseconds), .text(createdBy),
            ])
        return row?.int(0) ?? 0
    }

    static func tokens(_ session: any SQLSession, where condition: String, _ parameters: [SQLValue]) throws
        -> [TokenRecord]
    {
        try session.rows(
            """
            SELECT id, role, parties, label, created_at, created_by, revoked_at, token_hash, purpose FROM access_tokens
            WHERE \(condition) ORDER BY id DESC
            """, parameters
        ).map {
            TokenRecord(
                id: $0.int(0) ?? 0, role: TokenRole(rawValue: $0.string(1)) ?? .reader,
                purpose: TokenPurpose(rawValue: $0.string(8)) ?? .registration,
                parties: $0.string(2).split(separator: ",").map(String.init), label: $0.string(3),
                createdAt: Timestamp(microseconds: $0.int(4) ?? 0), createdBy: $0.string(5),
                revokedAt: $0.int(6).map(Timestamp.init(microseconds:)), hash: $0.string(7))
        }
    }
}
