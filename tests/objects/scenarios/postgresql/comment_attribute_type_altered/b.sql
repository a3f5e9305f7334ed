CREATE TYPE pair AS (x bigint, y text, z date)

COMMENT ON COLUMN pair.x IS 'first, wider'

COMMENT ON COLUMN pair.z IS 'third'
