CREATE EXTENSION IF NOT EXISTS citext

CREATE TABLE t (id serial PRIMARY KEY, email citext NOT NULL, span text)
