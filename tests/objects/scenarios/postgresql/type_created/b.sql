CREATE TYPE pair AS (x integer, y text)

COMMENT ON TYPE pair IS 'two things'

CREATE TABLE t (id serial PRIMARY KEY, p pair)
