-- ChargeRegistry, SQLite schema 9: values from documents within what the columns mean (issue #18).
-- Coordinates that are not usable degrees are not geometry.
-- Before schema 9 a location or EVSE whose latitude was sent as "1e400", "1e300" or "-Infinity"
-- was stored with that double in its query columns, and the quality scan's distance grid trapped
-- on it. Such values stay in the document as sent (and are a quality finding); the query columns
-- and the spatial index now hold only finite degrees within -90…90 and -180…180.
DELETE FROM location_geo WHERE id IN (
    SELECT id FROM locations WHERE NOT (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180));
UPDATE locations SET latitude = NULL, longitude = NULL
WHERE NOT (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180);
UPDATE evses SET latitude = NULL, longitude = NULL
WHERE NOT (latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180);
