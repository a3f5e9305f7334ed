CREATE TYPE pair AS (y text, x integer)

COMMENT ON COLUMN pair.x IS 'first'

COMMENT ON COLUMN pair.y IS 'now first'
