-- ChargeRegistry, PostgreSQL schema 9: values from documents within what the columns hold (issue #18).
-- Coordinates that are not usable degrees are not geometry, as in
-- Migrations/sqlite/0009_input_bounds.sql. PostgreSQL stores Infinity and NaN in double precision
-- (NaN sorts above every number, so BETWEEN excludes it too).
UPDATE locations SET latitude = NULL, longitude = NULL
WHERE NOT (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180);
UPDATE evses SET latitude = NULL, longitude = NULL
WHERE NOT (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180);

-- A connector's voltage and amperage are whatever integer its document says (OCPI sets no bound;
-- an implausible one is a quality finding): 64 bits, as in SQLite, so that one such record does
-- not make a whole file or push fail with "integer out of range".
ALTER TABLE connectors ALTER COLUMN max_voltage TYPE bigint, ALTER COLUMN max_amperage TYPE bigint;
