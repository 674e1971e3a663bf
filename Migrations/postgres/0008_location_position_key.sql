-- ChargeRegistry, PostgreSQL schema 8: bounding-box and radius lists at national scale (issue #9),
-- as in Migrations/sqlite/0008_location_position_key.sql. The spatial index carries what a list's
-- count and the choice of a page's keys need, so that a box in a dense city holding thousands of
-- locations can be answered from the index (an index-only scan once vacuum has marked the pages
-- visible) instead of visiting each row and its document.
CREATE INDEX locations_position_key ON locations USING gist (point(longitude, latitude))
    INCLUDE (id, latitude, longitude, publish, removed, country_code, party_id, location_key);
DROP INDEX locations_position;
