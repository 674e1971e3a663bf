-- ChargeRegistry, SQLite schema 4: what the OCPI Locations Sender and the dumps need (issue #6).
-- The Sender's order is (changed_at, id) over published locations; `removed` rides along so that
-- full crawls (without removed) and deltas (with them) are both read from this index alone,
-- whatever the offset.
CREATE INDEX locations_sender ON locations (changed_at, id, removed) WHERE publish = 1;
-- A Sender's object URL names the location by its id only (OCPI 3.1 GET object).
CREATE INDEX locations_key ON locations (location_key);
