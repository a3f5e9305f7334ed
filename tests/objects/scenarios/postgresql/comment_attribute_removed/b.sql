CREATE TYPE pair AS (x integer, y text)

COMMENT ON COLUMN pair.y IS 'second'
