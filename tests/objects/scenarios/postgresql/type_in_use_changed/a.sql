CREATE TYPE pair AS (x integer, y text)

CREATE TABLE t (id serial PRIMARY KEY, p pair)
