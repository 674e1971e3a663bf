-- ChargeRegistry, SQLite schema 10: runs and feeds as operations staff expect (issue #20).
--
-- An ingest run records who runs it (`owner`: `pid:N`, the process), so that a run left
-- `running` by a process that died can be told from one still under way and marked
-- `interrupted`, with the time, when an access point starts.
--
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt the way SQLite's
-- documentation prescribes (new table, copy, drop, rename), with foreign keys off while
-- migrations run and checked before they commit; the other tables' references to
-- `ingest_runs` then name the new table.
CREATE TABLE ingest_runs_10 (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('file', 'pull', 'push')),
    source           TEXT NOT NULL,
    party            TEXT,
    ocpi_version     TEXT,
    started_at       INTEGER NOT NULL,
    finished_at      INTEGER,
    status           TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    records_read     INTEGER NOT NULL DEFAULT 0,
    created          INTEGER NOT NULL DEFAULT 0,
    changed          INTEGER NOT NULL DEFAULT 0,
    unchanged        INTEGER NOT NULL DEFAULT 0,
    refused          INTEGER NOT NULL DEFAULT 0,
    removed          INTEGER NOT NULL DEFAULT 0,
    findings_by_code TEXT NOT NULL DEFAULT '{}',
    error            TEXT,
    owner            TEXT
);
INSERT INTO ingest_runs_10 (id, kind, source, party, ocpi_version, started_at, finished_at, status, records_read,
    created, changed, unchanged, refused, removed, findings_by_code, error)
SELECT id, kind, source, party, ocpi_version, started_at, finished_at, status, records_read, created, changed,
    unchanged, refused, removed, findings_by_code, error
FROM ingest_runs;
DROP TABLE ingest_runs;
ALTER TABLE ingest_runs_10 RENAME TO ingest_runs;

-- A failing feed backs off: `failures` in a row since `failing_since`; the next attempt waits
-- the feed's interval doubled per failure, up to an hour. The office can pause a feed
-- (`paused_at`) and resume it.
ALTER TABLE feeds ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN failing_since INTEGER;
ALTER TABLE feeds ADD COLUMN paused_at INTEGER;
