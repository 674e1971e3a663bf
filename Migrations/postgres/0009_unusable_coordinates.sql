-- ChargeRegistry, PostgreSQL schema 9: coordinates that are not usable degrees are not geometry
-- (issue #18), as in Migrations/sqlite/0009_unusable_coordinates.sql. PostgreSQL stores Infinity
-- and NaN in double precision (NaN sorts above every number, so BETWEEN excludes it too).
UPDATE locations SET latitude = NULL, longitude = NULL
WHERE NOT (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180);
UPDATE evses SET latitude = NULL, longitude = NULL
WHERE NOT (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180);
