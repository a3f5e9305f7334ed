CREATE TYPE pair AS (y text, x integer)
