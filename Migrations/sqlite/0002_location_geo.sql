-- ChargeRegistry, SQLite schema 2: what the read API's location list needs (issue #4).
-- A spatial index of location coordinates (R*Tree), so that bounding-box and radius queries never
-- scan the table. The store keeps it in step with locations; values are 32-bit floats rounded
-- outward, so the exact test is made on locations.latitude/longitude after the index narrowed
-- the candidates.
CREATE VIRTUAL TABLE location_geo USING rtree (id, min_latitude, max_latitude, min_longitude, max_longitude);

INSERT INTO location_geo (id, min_latitude, max_latitude, min_longitude, max_longitude)
SELECT id, latitude, latitude, longitude, longitude FROM locations
WHERE latitude IS NOT NULL AND longitude IS NOT NULL;

-- Filters followed by the list's key order, so that a page is read in order from the index and
-- stops after `limit` rows instead of sorting every match.
DROP INDEX locations_city;
DROP INDEX locations_postal_code;
CREATE INDEX locations_city_key ON locations (city COLLATE NOCASE, country_code, party_id, location_key);
CREATE INDEX locations_postal_code_key ON locations (postal_code, country_code, party_id, location_key);
CREATE INDEX locations_country_key ON locations (country, country_code, party_id, location_key);
CREATE INDEX evses_status ON evses (status, location_id);
CREATE INDEX connectors_standard ON connectors (standard, location_id);
