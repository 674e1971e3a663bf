-- ChargeRegistry, PostgreSQL schema 7: data-quality snapshots (issue #8).
-- One row per scope and UTC day: the country ('national') or an operator's party code
-- ('CL*VLT'). A scan replaces its day's row, so the last scan of each day is what trends show.
-- `document` is the scorecard as the quality API serves it.
CREATE TABLE quality_snapshots (
    scope        text NOT NULL,
    day          text NOT NULL,
    computed_at  bigint NOT NULL,
    locations    bigint NOT NULL,
    evses        bigint NOT NULL,
    completeness double precision NOT NULL,
    correctness  double precision NOT NULL,
    timeliness   double precision NOT NULL,
    combined     double precision NOT NULL,
    compliance   text NOT NULL,
    document     text NOT NULL,
    PRIMARY KEY (scope, day)
);
