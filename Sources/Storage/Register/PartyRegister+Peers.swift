import RegistryCore

extension PartyRegister {
    /// The token a handshake leaves the peer calling us with: issued here (token C, when the peer
    /// registers with us), or created before we called the peer (token B, which it called back
    /// with before answering; ocpi.md §5.3).
    public enum PeerToken: Sendable {
        case issue(hash: String, parties: [PartyCode])
        case created(Int64)
    }

    /// Stores a handshake's outcome in one transaction: a registration consumes the token A it
    /// came with (`consuming`: once only, so two racing registrations cannot both succeed); an
    /// update (`replacing` a live peer) revokes the peer's old token. A peer with a Locations
    /// Sender gets a feed for each of its CPO codes, replacing one configured by hand.
    public func savePeer(
        _ endpoints: PeerEndpoints, direction: OCPIPeer.Direction, token: PeerToken, consuming tokenA: Int64? = nil,
        replacing old: OCPIPeer? = nil, actor: String
    ) async throws -> OCPIPeer {
        let now = clock.now()
        return try await database.transaction { session in
            if let tokenA {
                let used = try session.execute(
                    "UPDATE access_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                    [.integer(tokenA), .integer(now.microseconds)])
                guard used == 1 else { throw RegisterConflict("the registration token was used already") }
            }
            if let old {
                guard
                    try session.row(
                        "SELECT id FROM ocpi_peers WHERE id = $1 AND token_id = $2 AND unregistered_at IS NULL",
                        [.integer(old.id), .integer(old.tokenID)]) != nil
                else { throw RegisterNotFound("peer \(old.id) is not registered with this token any more") }
            }
            let tokenID: Int64
            switch token {
            case .issue(let hash, let parties):
                tokenID = try Self.insertToken(
                    session, hash: hash, role: .operator, parties: parties.map(\.description),
                    label: "OCPI peer \(endpoints.businessName)", createdBy: actor, at: now)
            case .created(let id): tokenID = id
            }
            var values: [SQLValue] = [
                .integer(tokenID), .text(endpoints.theirToken), .text(endpoints.versionsURL),
                .text(endpoints.ocpiVersion), .text(endpoints.credentialsURL), .optional(endpoints.locationsSender),
                .text(endpoints.roles.map(\.description).joined(separator: ",")), .text(endpoints.businessName),
                .integer(now.microseconds),
            ]
            let peerID: Int64
            if let old {
                if old.tokenID != tokenID {
                    try session.execute(
                        "UPDATE access_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                        [.integer(old.tokenID), .integer(now.microseconds)])
                }
                values.append(.integer(old.id))
                try session.execute(
                    """
                    UPDATE ocpi_peers SET token_id = $1, their_token = $2, versions_url = $3, ocpi_version = $4,
                        credentials_url = $5, locations_sender = $6, roles = $7, business_name = $8, updated_at = $9
                    WHERE id = $10
                    """, values)
                peerID = old.id
            } else {
                values.append(.text(direction.rawValue))
                peerID =
                    try session.row(
                        """
                        INSERT INTO ocpi_peers (token_id, their_token, versions_url, ocpi_version, credentials_url,
                            locations_sender, roles, business_name, registered_at, updated_at, direction)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id
                        """, values)?.int(0) ?? 0
            }
            try Self.syncFeeds(session, peer: peerID, endpoints, at: now)
            try Self.audit(
                session, at: now, actor: actor, action: old == nil ? "peer-register" : "peer-update",
                subject: "peer:\(peerID)", reason: nil,
                detail: "\(direction.rawValue) \(endpoints.versionsURL) \(endpoints.roles.map(\.description))")
            return try Self.peers(session, where: "id = $1", [.integer(peerID)]).first!
        }
    }

    /// Ends a handshake: the peer's token is revoked and the feeds it made stop.
    public func unregisterPeer(_ id: Int64, actor: String) async throws {
        let now = clock.now()
        try await database.transaction { session in
            guard
                let row = try session.row(
                    "SELECT token_id FROM ocpi_peers WHERE id = $1 AND unregistered_at IS NULL", [.integer(id)]),
                let tokenID = row.int(0)
            else { throw RegisterNotFound("no registered peer \(id)") }
            try session.execute(
                "UPDATE access_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                [.integer(tokenID), .integer(now.microseconds)])
            try session.execute(
                "UPDATE ocpi_peers SET unregistered_at = $2 WHERE id = $1", [.integer(id), .integer(now.microseconds)])
            try session.execute("DELETE FROM feeds WHERE peer_id = $1", [.integer(id)])
            try Self.audit(
                session, at: now, actor: actor, action: "peer-unregister", subject: "peer:\(id)", reason: nil)
        }
    }

    /// Every peer, registered or not, newest first.
    public func peers() async throws -> [OCPIPeer] {
        try await database.readOnly { try Self.peers($0, where: "1 = 1", []) }
    }

    /// The registered peer that calls us with token `tokenID`.
    public func peer(calling tokenID: Int64) async throws -> OCPIPeer? {
        try await database.readOnly {
            try Self.peers($0, where: "token_id = $1 AND unregistered_at IS NULL", [.integer(tokenID)]).first
        }
    }

    public func peer(_ id: Int64) async throws -> OCPIPeer? {
        try await database.readOnly { try Self.peers($0, where: "id = $1", [.integer(id)]).first }
    }

    /// The peer's feeds: one per CPO code (2.1.1 states no role) when it has a Locations Sender.
    private static func syncFeeds(_ session: any SQLSession, peer: Int64, _ endpoints: PeerEndpoints, at now: Timestamp)
        throws
    {
        let codes =
            endpoints.locationsSender == nil
            ? [] : endpoints.roles.filter { $0.role == nil || $0.role == "CPO" }.map(\.party.compact)
        for row in try session.rows("SELECT party_code FROM feeds WHERE peer_id = $1", [.integer(peer)])
        where !codes.contains(row.string(0)) {
            try session.execute("DELETE FROM feeds WHERE party_code = $1", [.text(row.string(0))])
        }
        for code in codes {
            let values: [SQLValue] = [
                .text(code), .text(endpoints.versionsURL), .text(endpoints.theirToken), .text(endpoints.ocpiVersion),
                .integer(peer), .integer(now.microseconds),
            ]
            let updated = try session.execute(
                """
                UPDATE feeds SET versions_url = $2, token = $3, ocpi_version = $4, peer_id = $5, last_error = NULL,
                    last_error_at = NULL
                WHERE party_code = $1
                """, Array(values.prefix(5)))
            if updated == 0 {
                try session.execute(
                    """
                    INSERT INTO feeds (party_code, versions_url, token, ocpi_version, peer_id, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    """, values)
            }
        }
    }

    private static func peers(_ session: any SQLSession, where condition: String, _ parameters: [SQLValue]) throws
        -> [OCPIPeer]
    {
        try session.rows(
            """
            SELECT id, direction, token_id, their_token, versions_url, ocpi_version, credentials_url,
                locations_sender, roles, business_name, registered_at, updated_at, unregistered_at
            FROM ocpi_peers WHERE \(condition) ORDER BY id DESC
            """, parameters
        ).map { row in
            OCPIPeer(
                id: row.int(0) ?? 0, direction: OCPIPeer.Direction(rawValue: row.string(1)) ?? .inbound,
                tokenID: row.int(2) ?? 0, theirToken: row.string(3), versionsURL: row.string(4),
                ocpiVersion: row.string(5), credentialsURL: row.string(6), locationsSender: row.text(7),
                roles: row.string(8).split(separator: ",").compactMap(OCPIPeer.Role.init(stored:)),
                businessName: row.string(9), registeredAt: Timestamp(microseconds: row.int(10) ?? 0),
                updatedAt: Timestamp(microseconds: row.int(11) ?? 0),
                unregisteredAt: row.int(12).map(Timestamp.init(microseconds:)))
        }
    }
}
