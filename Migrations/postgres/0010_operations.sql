-- ChargeRegistry, PostgreSQL schema 10: runs and feeds as operations staff expect (issue #20).
--
-- An ingest run records who runs it (`owner`: `backend:N`, the server process of its session),
-- so that a run left `running` by an instance that died can be told from one still under way
-- and marked `interrupted`, with the time.
ALTER TABLE ingest_runs DROP CONSTRAINT ingest_runs_status_check;
ALTER TABLE ingest_runs ADD CONSTRAINT ingest_runs_status_check
    CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted'));
ALTER TABLE ingest_runs ADD COLUMN owner text;

-- A failing feed backs off: `failures` in a row since `failing_since`; the next attempt waits
-- the feed's interval doubled per failure, up to an hour. The office can pause a feed
-- (`paused_at`) and resume it.
ALTER TABLE feeds ADD COLUMN failures integer NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN failing_since bigint;
ALTER TABLE feeds ADD COLUMN paused_at bigint;
