CREATE TYPE pair AS (x integer, y text)

COMMENT ON COLUMN pair.x IS 'first'
