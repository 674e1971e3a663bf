-- ChargeRegistry, PostgreSQL schema 4: what the OCPI Locations Sender and the dumps need
-- (issue #6). The Sender's order is (changed_at, id) over published locations; `removed` rides
-- along so that full crawls and deltas are both read from this index.
CREATE INDEX locations_sender ON locations (changed_at, id) INCLUDE (removed) WHERE publish;
-- A Sender's object URL names the location by its id only (OCPI 3.1 GET object).
CREATE INDEX locations_key ON locations (location_key);
