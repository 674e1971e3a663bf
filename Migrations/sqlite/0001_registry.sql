-- ChargeRegistry, SQLite schema 1: the charge-point repository and its ingest record.
-- Times are integers: microseconds since 1970-01-01T00:00:00Z (UTC).
-- Identity columns are upper-cased (OCPI CiString); documents keep the original spelling.

CREATE TABLE ingest_runs (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('file', 'pull', 'push')),
    source           TEXT NOT NULL,
    party            TEXT,
    ocpi_version     TEXT,
    started_at       INTEGER NOT NULL,
    finished_at      INTEGER,
    status           TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    records_read     INTEGER NOT NULL DEFAULT 0,
    created          INTEGER NOT NULL DEFAULT 0,
    changed          INTEGER NOT NULL DEFAULT 0,
    unchanged        INTEGER NOT NULL DEFAULT 0,
    refused          INTEGER NOT NULL DEFAULT 0,
    removed          INTEGER NOT NULL DEFAULT 0,
    findings_by_code TEXT NOT NULL DEFAULT '{}',
    error            TEXT
);

CREATE TABLE ingest_refusals (
    run_id      INTEGER NOT NULL REFERENCES ingest_runs (id),
    position    INTEGER NOT NULL,
    byte_offset INTEGER,
    location_id TEXT,
    reason      TEXT NOT NULL
);
CREATE INDEX ingest_refusals_run ON ingest_refusals (run_id);

CREATE TABLE locations (
    id                    INTEGER PRIMARY KEY,
    country_code          TEXT NOT NULL,
    party_id              TEXT NOT NULL,
    location_key          TEXT NOT NULL,
    location_id           TEXT NOT NULL,
    name                  TEXT,
    address               TEXT,
    city                  TEXT,
    postal_code           TEXT,
    country               TEXT,
    latitude              REAL,
    longitude             REAL,
    time_zone             TEXT,
    publish               INTEGER NOT NULL,
    removed               INTEGER NOT NULL DEFAULT 0,
    evse_count            INTEGER NOT NULL,
    connector_count       INTEGER NOT NULL,
    max_power_w           INTEGER,
    operator_last_updated INTEGER,
    first_seen_at         INTEGER NOT NULL,
    changed_at            INTEGER NOT NULL,
    confirmed_at          INTEGER NOT NULL,
    version               INTEGER NOT NULL,
    source_kind           TEXT NOT NULL,
    source                TEXT NOT NULL,
    last_run_id           INTEGER REFERENCES ingest_runs (id),
    content_hash          BLOB NOT NULL,
    document              TEXT NOT NULL,
    findings              TEXT NOT NULL,
    finding_count         INTEGER NOT NULL,
    UNIQUE (country_code, party_id, location_key)
);
CREATE INDEX locations_changed ON locations (changed_at, id);
CREATE INDEX locations_city ON locations (city COLLATE NOCASE);
CREATE INDEX locations_postal_code ON locations (postal_code);

CREATE TABLE evses (
    id          INTEGER PRIMARY KEY,
    location_id INTEGER NOT NULL REFERENCES locations (id),
    position    INTEGER NOT NULL,
    uid         TEXT,
    evse_id     TEXT,
    evse_id_key TEXT,
    status      TEXT,
    latitude    REAL,
    longitude   REAL
);
CREATE INDEX evses_location ON evses (location_id);
CREATE INDEX evses_evse_id_key ON evses (evse_id_key);

CREATE TABLE connectors (
    evse_id      INTEGER NOT NULL REFERENCES evses (id),
    location_id  INTEGER NOT NULL REFERENCES locations (id),
    position     INTEGER NOT NULL,
    connector_id TEXT,
    standard     TEXT,
    format       TEXT,
    power_type   TEXT,
    max_voltage  INTEGER,
    max_amperage INTEGER,
    max_power_w  INTEGER
);
CREATE INDEX connectors_location ON connectors (location_id);
CREATE INDEX connectors_evse ON connectors (evse_id);

CREATE TABLE location_finding_counts (
    location_id INTEGER NOT NULL REFERENCES locations (id),
    code        TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (location_id, code)
) WITHOUT ROWID;

-- Every version of every location, append-only: who (run), when, via what, and the document
-- it replaced (NULL for a creation). The current document is locations.document, so each
-- document is stored once while it is current and once more after it is superseded.
CREATE TABLE location_versions (
    id                INTEGER PRIMARY KEY,
    location_id       INTEGER NOT NULL REFERENCES locations (id),
    version           INTEGER NOT NULL,
    recorded_at       INTEGER NOT NULL,
    run_id            INTEGER REFERENCES ingest_runs (id),
    change            TEXT NOT NULL CHECK (change IN ('created', 'changed', 'removed', 'restored')),
    content_hash      BLOB NOT NULL,
    previous_document TEXT,
    UNIQUE (location_id, version)
);

CREATE TRIGGER location_versions_append_only_update BEFORE UPDATE ON location_versions
BEGIN
    SELECT RAISE(ABORT, 'location_versions is append-only');
END;

CREATE TRIGGER location_versions_append_only_delete BEFORE DELETE ON location_versions
BEGIN
    SELECT RAISE(ABORT, 'location_versions is append-only');
END;
