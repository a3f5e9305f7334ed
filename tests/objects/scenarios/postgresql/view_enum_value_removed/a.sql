CREATE TYPE mood AS ENUM ('ok', 'sad', 'meh')

CREATE TABLE t (id serial PRIMARY KEY, m mood NOT NULL)

CREATE VIEW v AS SELECT id, m FROM t
