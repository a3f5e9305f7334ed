CREATE TYPE pair AS (x integer, y text)

COMMENT ON COLUMN pair.x IS 'first'

CREATE TABLE t (id serial PRIMARY KEY, p pair, n integer)

COMMENT ON COLUMN pair.y IS 'second'
