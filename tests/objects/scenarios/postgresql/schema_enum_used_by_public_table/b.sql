CREATE SCHEMA other

CREATE TYPE other.mood AS ENUM ('ok', 'bad', 'meh')

CREATE TABLE t (id serial PRIMARY KEY, m other.mood, n other.mood NOT NULL DEFAULT 'ok')
