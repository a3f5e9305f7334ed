CREATE TYPE pair AS (x integer, z boolean)

CREATE TABLE t (id serial PRIMARY KEY, p pair)
