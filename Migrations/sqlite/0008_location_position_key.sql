-- ChargeRegistry, SQLite schema 8: bounding-box and radius lists at national scale (issue #9).
-- A box in a dense city holds thousands of locations; their count and the choice of a page's
-- keys read this narrow index for each R*Tree candidate instead of the table row with its
-- document (measured on 330,000 locations: a 4 km box in Santiago, 5,742 matches, 12 → 7 ms each).
CREATE INDEX locations_position_key ON locations (id, latitude, longitude, publish, removed, country_code, party_id, location_key);
