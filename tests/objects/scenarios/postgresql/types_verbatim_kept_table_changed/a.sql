-- covers: types/table

CREATE EXTENSION IF NOT EXISTS hstore

CREATE EXTENSION IF NOT EXISTS citext

CREATE TYPE pair AS (a int, b int)

CREATE TABLE t (id serial PRIMARY KEY, h hstore, c circle, ca circle[], r int4range, tr tstzrange, ts tsvector, ci citext NOT NULL DEFAULT 'x', p pair, tags text[], ha hstore[], n int)
