-- ChargeRegistry, SQLite schema 5: operators' OCPI Senders the access point pulls (issue #7).
-- One feed per party code (compact, `CLVLT`). `token` is the credentials token the operator gave
-- us for calling its Sender: kept as given, because every pull must send it. Times are
-- microseconds since 1970 (UTC).
CREATE TABLE feeds (
    id                    INTEGER PRIMARY KEY,
    party_code            TEXT NOT NULL UNIQUE,
    versions_url          TEXT NOT NULL,
    token                 TEXT,
    ocpi_version          TEXT,
    delta_minutes         INTEGER NOT NULL DEFAULT 5,
    full_hours            INTEGER NOT NULL DEFAULT 24,
    last_delta_started_at INTEGER,
    last_full_started_at  INTEGER,
    last_error            TEXT,
    last_error_at         INTEGER,
    created_at            INTEGER NOT NULL
);
