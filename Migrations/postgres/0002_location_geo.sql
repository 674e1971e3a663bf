-- ChargeRegistry, PostgreSQL schema 2: what the read API's location list needs (issue #4), as in
-- Migrations/sqlite/0002_location_geo.sql. A spatial index of location coordinates (GiST on a
-- point expression; no PostGIS needed), so that bounding-box and radius queries never scan the
-- table; filters followed by the list's key order, so that a page is read in order from an index.
CREATE INDEX locations_position ON locations USING gist (point(longitude, latitude));
DROP INDEX locations_city;
DROP INDEX locations_postal_code;
CREATE INDEX locations_city_key ON locations (lower(city), country_code, party_id, location_key);
CREATE INDEX locations_postal_code_key ON locations (postal_code, country_code, party_id, location_key);
CREATE INDEX locations_country_key ON locations (country, country_code, party_id, location_key);
CREATE INDEX evses_status ON evses (status, location_id);
CREATE INDEX connectors_standard ON connectors (standard, location_id);
