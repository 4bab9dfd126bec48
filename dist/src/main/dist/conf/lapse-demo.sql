-- The demo table of the distribution (etc/io.lapse.cache-routes.cfg), in Kamailio htable's
-- layout. H2 runs this script at every connection (INIT=RUNSCRIPT in the cache's db_url):
-- the table is created once, and the demo rows go in once, the first time, so that what the
-- cache writes back when Felix stops is what the next start loads. Delete data/h2 to start over.
CREATE TABLE IF NOT EXISTS routes (
  key_name VARCHAR(255) NOT NULL,
  key_type INT DEFAULT 0 NOT NULL,
  value_type INT DEFAULT 0 NOT NULL,
  key_value VARCHAR(255) NOT NULL,
  expires BIGINT DEFAULT 0 NOT NULL
);
CREATE TABLE IF NOT EXISTS routes_seeded (seeded INT);
-- key_type 1 is an array: gateways[0], gateways[1] and gateways::size in the cache.
-- value_type 1 is an integer; expires is epoch seconds, 0 for never: promo lives a day.
INSERT INTO routes (key_name, key_type, value_type, key_value, expires)
  SELECT * FROM (VALUES
    ('4420', 0, 0, 'gw-london', CAST(0 AS BIGINT)),
    ('331', 0, 0, 'gw-paris', 0),
    ('gateways', 1, 0, 'gw-london', 0),
    ('gateways', 1, 0, 'gw-paris', 0),
    ('max_calls', 0, 1, '100', 0),
    ('promo', 0, 0, 'half price for a day', CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) AS BIGINT) + 86400)
  ) WHERE NOT EXISTS (SELECT 1 FROM routes_seeded);
INSERT INTO routes_seeded SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM routes_seeded);
