-- ChargeRegistry, PostgreSQL schema 13: the stored quality scores in columns (issue #20).
--
-- Adding up a national register's scorecards from stored scores read a JSON tree per location
-- (20 s for 330,000). Now it reads numbers and each rule's count of findings; the findings
-- themselves are read only for the few records a scorecard shows as examples. The scores are
-- derived data: the table starts empty and the quality monitor's next step scores everything.
DROP TABLE quality_scores;
DELETE FROM quality_state;

-- One row per published, current location: its score as of `generation` (`quality_state`).
-- `completeness` … `combined` are 0–100; `static_latency` and `dynamic_latency` in seconds;
-- `finding_counts` how many findings each rule gave, `code:count` separated by spaces;
-- `findings` the first three of each rule (as many as a scorecard shows as examples), a JSON
-- array of {code, path, message}; `related` the locations its cross-record findings name (JSON
-- array of [country_code, party_id, location_key]), which a change to it rescores too.
CREATE TABLE quality_scores (
    country_code    text NOT NULL,
    party_id        text NOT NULL,
    location_key    text NOT NULL,
    generation      bigint NOT NULL,
    evses           bigint NOT NULL,
    completeness    double precision NOT NULL,
    correctness     double precision NOT NULL,
    timeliness      double precision NOT NULL,
    combined        double precision NOT NULL,
    static_latency  bigint,
    dynamic_latency bigint,
    stale_evses     bigint NOT NULL,
    live_evses      bigint NOT NULL,
    finding_counts  text NOT NULL,
    findings        text NOT NULL,
    related         text NOT NULL,
    PRIMARY KEY (country_code, party_id, location_key)
);
CREATE INDEX quality_scores_generation ON quality_scores (generation);
