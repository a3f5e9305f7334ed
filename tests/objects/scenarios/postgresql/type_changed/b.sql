CREATE TYPE pair AS (x bigint, y text, w numeric(10,2))
