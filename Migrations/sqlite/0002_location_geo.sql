-- ChargeRegistry, SQLite schema 2: a spatial index of location coordinates (R*Tree), so that
-- bounding-box and radius queries of the read API never scan the table. The store keeps it in
-- step with locations; values are 32-bit floats rounded outward, so the exact test is made on
-- locations.latitude/longitude after the index narrowed the candidates.
CREATE VIRTUAL TABLE location_geo USING rtree (id, min_latitude, max_latitude, min_longitude, max_longitude);

INSERT INTO location_geo (id, min_latitude, max_latitude, min_longitude, max_longitude)
SELECT id, latitude, latitude, longitude, longitude FROM locations
WHERE latitude IS NOT NULL AND longitude IS NOT NULL;

CREATE INDEX locations_country ON locations (country);
CREATE INDEX evses_status ON evses (status, location_id);
CREATE INDEX connectors_standard ON connectors (standard, location_id);
