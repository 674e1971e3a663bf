-- ChargeRegistry, PostgreSQL schema 12: quality scored as data arrives (issue #20).
--
-- Every change of what a location's score depends on (its content through a new version, its
-- findings when the register is re-checked, its publication or removal) queues the location in
-- `quality_pending`, in the same transaction, whatever path made it. A re-confirmation that
-- changes nothing (an unchanged record delivered again) queues nothing. The quality monitor
-- rescores what is queued and deletes exactly the queue rows it read (ids may commit out of
-- order, so never "everything up to").
CREATE TABLE quality_pending (
    id          bigserial PRIMARY KEY,
    location_id bigint NOT NULL
);

CREATE FUNCTION quality_pending_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO quality_pending (location_id) VALUES (NEW.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER quality_pending_created AFTER INSERT ON locations
    FOR EACH ROW EXECUTE FUNCTION quality_pending_mark();

CREATE TRIGGER quality_pending_changed AFTER UPDATE ON locations
    FOR EACH ROW
    WHEN (NEW.version <> OLD.version OR NEW.findings <> OLD.findings OR NEW.publish <> OLD.publish
        OR NEW.removed <> OLD.removed)
    EXECUTE FUNCTION quality_pending_mark();

-- One row per published, current location: its score as of `generation` (`quality_state`),
-- `record` the scored record (JSON), `related` the locations its cross-record findings name
-- (JSON array of [country_code, party_id, location_key]), which a change to it rescores too.
CREATE TABLE quality_scores (
    country_code text NOT NULL,
    party_id     text NOT NULL,
    location_key text NOT NULL,
    generation   bigint NOT NULL,
    record       text NOT NULL,
    related      text NOT NULL,
    PRIMARY KEY (country_code, party_id, location_key)
);
CREATE INDEX quality_scores_generation ON quality_scores (generation);

-- The scores' bookkeeping, one row: the step that wrote last (`generation`), the rules and
-- policy they were scored under (`rulebook`, a fingerprint) and the last full scan.
CREATE TABLE quality_state (
    id           integer PRIMARY KEY CHECK (id = 1),
    generation   bigint NOT NULL,
    rulebook     text NOT NULL,
    full_scan_at bigint NOT NULL
);
