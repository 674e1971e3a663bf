-- ChargeRegistry, SQLite schema 11: every pull round looks for runs left `running` (schema 10);
-- a register takes millions of runs (each push is one), so the few running ones are indexed.
CREATE INDEX ingest_runs_running ON ingest_runs (id) WHERE status = 'running';
