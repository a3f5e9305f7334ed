CREATE TABLE t (id serial PRIMARY KEY)

CREATE SCHEMA other

CREATE TYPE other.mood AS ENUM ('ok', 'bad')

COMMENT ON TYPE other.mood IS 'elsewhere'

CREATE TYPE level AS ENUM ('lo', 'hi')

COMMENT ON TYPE level IS 'How high'
