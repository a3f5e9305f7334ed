CREATE TYPE pair AS (x integer, y text)
