-- ChargeRegistry, SQLite schema 6: OCPI credentials handshakes and location requests (issue #7).
-- A registration token (token A) is valid only on the credentials and versions endpoints.
ALTER TABLE access_tokens ADD COLUMN purpose TEXT NOT NULL DEFAULT 'api'
    CHECK (purpose IN ('api', 'registration'));

-- One row per handshake, inbound (the peer registered with us using a token A the office issued)
-- or outbound (the office pointed us at the peer's versions URL with its token A). `token_id` is
-- the token the peer calls us with (C inbound, B outbound: only its hash is stored);
-- `their_token` is the one we call the peer with, kept as given because every call must send
-- it. `roles` is the peer's CredentialsRoles, `ROLE CC*PID` comma-separated (`-` for 2.1.1).
CREATE TABLE ocpi_peers (
    id               INTEGER PRIMARY KEY,
    direction        TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    token_id         INTEGER NOT NULL REFERENCES access_tokens (id),
    their_token      TEXT NOT NULL,
    versions_url     TEXT NOT NULL,
    ocpi_version     TEXT NOT NULL,
    credentials_url  TEXT NOT NULL,
    locations_sender TEXT,
    roles            TEXT NOT NULL,
    business_name    TEXT NOT NULL,
    registered_at    INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    unregistered_at  INTEGER
);
CREATE UNIQUE INDEX ocpi_peers_token ON ocpi_peers (token_id);

-- A feed made by a handshake names its peer, so that unregistering stops its pulls.
ALTER TABLE feeds ADD COLUMN peer_id INTEGER REFERENCES ocpi_peers (id);

-- Locations to fetch from their operator's Sender on the scheduler's next round: a push of an
-- EVSE or connector under a location we do not hold (ocpi.md §3.2, §7.2).
CREATE TABLE location_requests (
    party_code   text NOT NULL,
    location_id  text NOT NULL,
    requested_at bigint NOT NULL,
    PRIMARY KEY (party_code, location_id)
);
