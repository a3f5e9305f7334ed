CREATE EXTENSION IF NOT EXISTS citext

CREATE TABLE t (id serial PRIMARY KEY, email text NOT NULL, span int4range)
