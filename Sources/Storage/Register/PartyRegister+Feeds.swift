import RegistryCore

/// An operator's OCPI Sender the access point pulls (issue #7): where, with which token and
/// version, how often, and how the last pulls went.
public struct Feed: Sendable, Equatable {
    public var id: Int64
    public var party: PartyCode
    public var versionsURL: String
    /// The token to send; never shown by listings.
    public var token: String?
    public var ocpiVersion: String?
    public var deltaMinutes: Int
    public var fullHours: Int
    public var lastDeltaStartedAt: Timestamp?
    public var lastFullStartedAt: Timestamp?
    public var lastError: String?
    public var lastErrorAt: Timestamp?
    /// The OCPI peer whose credentials handshake made the feed (its URLs are the peer's word);
    /// nil for a feed the office added.
    public var peerID: Int64?
    /// Failed pulls in a row, and since when; zero and nil once one succeeds.
    public var failures = 0
    public var failingSince: Timestamp?
    /// When the office paused the feed; nil while it runs.
    public var pausedAt: Timestamp?

    /// The longest wait between two attempts of a failing feed.
    public static let maximumBackoffSeconds: Int64 = 3600

    /// When a failing feed is tried again: its delta interval after the first failure, doubled
    /// after each further one, up to `maximumBackoffSeconds` (or the interval, if longer); nil
    /// while it does not fail.
    public var nextAttempt: Timestamp? {
        guard failures > 0, let lastErrorAt else { return nil }
        // Bounded before any arithmetic: the values come from the database.
        let base = Int64(min(max(1, deltaMinutes), 100_000)) * 60
        let wait = max(base, min(Self.maximumBackoffSeconds, base << min(max(0, failures - 1), 20)))
        let (at, overflow) = lastErrorAt.microseconds.addingReportingOverflow(wait * 1_000_000)
        return Timestamp(microseconds: overflow ? .max : at)
    }

    /// What a scheduler should run now: nothing while paused or backing off after a failure;
    /// else a full pull when none ran within `fullHours`, else a delta when none ran within
    /// `deltaMinutes`, else nothing.
    public func due(at now: Timestamp) -> PullKind? {
        guard pausedAt == nil else { return nil }
        if let next = nextAttempt, now.microseconds < next.microseconds { return nil }
        guard let lastFull = lastFullStartedAt?.microseconds,
            now.microseconds - lastFull < Int64(fullHours) * 3_600_000_000
        else { return .full }
        let lastAny = max(lastFull, lastDeltaStartedAt?.microseconds ?? lastFull)
        return now.microseconds - lastAny >= Int64(deltaMinutes) * 60_000_000 ? .delta : nil
    }

    /// Where a delta starts: the last successful pull's start minus a margin, so that a record
    /// changed while that pull ran is not missed (ocpi.md §7.5).
    public func deltaStart(margin seconds: Int64 = 60) -> Timestamp? {
        guard let last = [lastFullStartedAt, lastDeltaStartedAt].compactMap({ $0?.microseconds }).max() else {
            return nil
        }
        return Timestamp(microseconds: last - seconds * 1_000_000)
    }
}

public enum PullKind: String, Sendable {
    case delta, full
}

extension PartyRegister {
    /// Adds or replaces the party's feed; logged.
    public func saveFeed(
        party: PartyCode, versionsURL: String, token: String?, ocpiVersion: String?, deltaMinutes: Int,
        fullHours: Int, actor: String
    ) async throws -> Feed {
        guard versionsURL.hasPrefix("http://") || versionsURL.hasPrefix("https://") else {
            throw RegisterConflict("the versions URL must be an http(s) URL, not '\(versionsURL)'")
        }
        guard deltaMinutes >= 1, fullHours >= 1 else {
            throw RegisterConflict("intervals must be at least 1 minute (delta) and 1 hour (full)")
        }
        let now = clock.now()
        return try await database.transaction { session in
            try session.execute("DELETE FROM feeds WHERE party_code = $1", [.text(party.compact)])
            try session.execute(
                """
                INSERT INTO feeds (party_code, versions_url, token, ocpi_version, delta_minutes, full_hours, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    .text(party.compact), .text(versionsURL), .optional(token), .optional(ocpiVersion),
                    .integer(Int64(deltaMinutes)), .integer(Int64(fullHours)), .integer(now.microseconds),
                ])
            try Self.audit(
                session, at: now, actor: actor, action: "save-feed", subject: "code:\(party)", reason: nil,
                detail: versionsURL)
            guard let feed = try Self.feeds(session, where: "party_code = $1", [.text(party.compact)]).first else {
                throw RegisterNotFound("\(party)'s feed cannot be read back")
            }
            return feed
        }
    }

    public func feeds() async throws -> [Feed] {
        try await database.readOnly { try Self.feeds($0, where: "1 = 1", []) }
    }

    public func feed(of party: PartyCode) async throws -> Feed? {
        try await database.readOnly { try Self.feeds($0, where: "party_code = $1", [.text(party.compact)]).first }
    }

    /// Records a pull's start (when it succeeded) or its error.
    public func recordPull(of party: PartyCode, kind: PullKind, startedAt: Timestamp, error: String?) async throws {
        let now = clock.now()
        try await database.transaction { session in
            if let error {
                try session.execute(
                    """
                    UPDATE feeds SET last_error = $2, last_error_at = $3, failures = failures + 1,
                        failing_since = COALESCE(failing_since, $3)
                    WHERE party_code = $1
                    """, [.text(party.compact), .text(error), .integer(now.microseconds)])
            } else {
                let column = kind == .full ? "last_full_started_at" : "last_delta_started_at"
                try session.execute(
                    """
                    UPDATE feeds SET \(column) = $2, last_error = NULL, last_error_at = NULL, failures = 0,
                        failing_since = NULL
                    WHERE party_code = $1
                    """, [.text(party.compact), .integer(startedAt.microseconds)])
            }
        }
    }

    /// Pauses the party's feed (the scheduler skips it) or resumes it, to be pulled at once; audited.
    public func pauseFeed(of party: PartyCode, _ paused: Bool, actor: String) async throws -> Feed {
        let now = clock.now()
        return try await database.transaction { session in
            let changed = try session.execute(
                paused
                    ? "UPDATE feeds SET paused_at = $2 WHERE party_code = $1"
                    : "UPDATE feeds SET paused_at = NULL, failures = 0, failing_since = NULL WHERE party_code = $1",
                paused ? [.text(party.compact), .integer(now.microseconds)] : [.text(party.compact)])
            guard changed == 1 else { throw RegisterNotFound("\(party) has no feed") }
            try Self.audit(
                session, at: now, actor: actor, action: paused ? "pause-feed" : "resume-feed",
                subject: "code:\(party)", reason: nil, detail: nil)
            guard let feed = try Self.feeds(session, where: "party_code = $1", [.text(party.compact)]).first else {
                throw RegisterNotFound("\(party)'s feed cannot be read back")
            }
            return feed
        }
    }

    /// Removes the party's feed (its pulls stop; what it delivered stays); audited.
    public func removeFeed(of party: PartyCode, actor: String) async throws {
        let now = clock.now()
        try await database.transaction { session in
            guard try session.execute("DELETE FROM feeds WHERE party_code = $1", [.text(party.compact)]) == 1 else {
                throw RegisterNotFound("\(party) has no feed")
            }
            try Self.audit(
                session, at: now, actor: actor, action: "remove-feed", subject: "code:\(party)", reason: nil,
                detail: nil)
        }
    }

    private static func feeds(_ session: any SQLSession, where condition: String, _ parameters: [SQLValue]) throws
        -> [Feed]
    {
        try session.rows(
            """
            SELECT id, party_code, versions_url, token, ocpi_version, delta_minutes, full_hours,
                last_delta_started_at, last_full_started_at, last_error, last_error_at, peer_id, failures,
                failing_since, paused_at
            FROM feeds WHERE \(condition) ORDER BY party_code
            """, parameters
        ).compactMap { row in
            guard let party = try? PartyCode(parsing: row.string(1)) else { return nil }
            return Feed(
                id: row.int(0) ?? 0, party: party, versionsURL: row.string(2), token: row.text(3),
                ocpiVersion: row.text(4), deltaMinutes: Int(row.int(5) ?? 5), fullHours: Int(row.int(6) ?? 24),
                lastDeltaStartedAt: row.int(7).map(Timestamp.init(microseconds:)),
                lastFullStartedAt: row.int(8).map(Timestamp.init(microseconds:)), lastError: row.text(9),
                lastErrorAt: row.int(10).map(Timestamp.init(microseconds:)), peerID: row.int(11),
                failures: Int(row.int(12) ?? 0), failingSince: row.int(13).map(Timestamp.init(microseconds:)),
                pausedAt: row.int(14).map(Timestamp.init(microseconds:)))
        }
    }
}

extension PartyRegister {
    /// Asks the scheduler to fetch one location from the party's Sender; false (nothing asked)
    /// when the party has no feed. Asking again before the fetch changes nothing.
    public func requestLocation(_ locationID: String, of party: PartyCode) async throws -> Bool {
        let now = clock.now()
        return try await database.transaction { session in
            guard try session.row("SELECT id FROM feeds WHERE party_code = $1", [.text(party.compact)]) != nil else {
                return false
            }
            try session.execute(
                """
                INSERT INTO location_requests (party_code, location_id, requested_at) VALUES ($1, $2, $3)
                ON CONFLICT (party_code, location_id) DO NOTHING
                """, [.text(party.compact), .text(locationID), .integer(now.microseconds)])
            return true
        }
    }

    /// The locations asked for, per party, oldest first.
    public func locationRequests() async throws -> [(party: PartyCode, locationIDs: [String])] {
        let rows = try await database.readOnly { session in
            try session.rows(
                "SELECT party_code, location_id FROM location_requests ORDER BY party_code, requested_at", []
            ).map { ($0.string(0), $0.string(1)) }
        }
        var requests: [(party: PartyCode, locationIDs: [String])] = []
        for (code, id) in rows {
            guard let party = try? PartyCode(parsing: code) else { continue }
            if requests.last?.party == party {
                requests[requests.count - 1].locationIDs.append(id)
            } else {
                requests.append((party, [id]))
            }
        }
        return requests
    }

    /// Forgets requests once fetched (or failed: the next delta or full pull brings them anyway).
    public func clearLocationRequests(_ locationIDs: [String], of party: PartyCode) async throws {
        try await database.transaction { session in
            for id in locationIDs {
                try session.execute(
                    "DELETE FROM location_requests WHERE party_code = $1 AND location_id = $2",
                    [.text(party.compact), .text(id)])
            }
        }
    }
}
