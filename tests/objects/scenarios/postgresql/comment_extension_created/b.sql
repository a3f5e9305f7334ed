CREATE TABLE t0 (id serial PRIMARY KEY)

CREATE EXTENSION hstore

COMMENT ON EXTENSION hstore IS 'key/value pairs'
