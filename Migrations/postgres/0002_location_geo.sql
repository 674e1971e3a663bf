-- ChargeRegistry, PostgreSQL schema 2: a spatial index of location coordinates (GiST on a point
-- expression; no PostGIS needed), so that bounding-box and radius queries of the read API never
-- scan the table. Same filters as Migrations/sqlite/0002_location_geo.sql.
CREATE INDEX locations_position ON locations USING gist (point(longitude, latitude));
CREATE INDEX locations_country ON locations (country);
CREATE INDEX evses_status ON evses (status, location_id);
CREATE INDEX connectors_standard ON connectors (standard, location_id);
