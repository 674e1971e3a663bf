-- ChargeRegistry, SQLite schema 7: data-quality snapshots (issue #8).
-- One row per scope and UTC day: the country ('national') or an operator's party code
-- ('CL*VLT'). A scan replaces its day's row, so the last scan of each day is what trends show.
-- `document` is the scorecard as the quality API serves it.
CREATE TABLE quality_snapshots (
    scope        TEXT NOT NULL,
    day          TEXT NOT NULL,
    computed_at  INTEGER NOT NULL,
    locations    INTEGER NOT NULL,
    evses        INTEGER NOT NULL,
    completeness REAL NOT NULL,
    correctness  REAL NOT NULL,
    timeliness   REAL NOT NULL,
    combined     REAL NOT NULL,
    compliance   TEXT NOT NULL,
    document     TEXT NOT NULL,
    PRIMARY KEY (scope, day)
);
