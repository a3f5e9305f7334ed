CREATE EXTENSION IF NOT EXISTS hstore

CREATE TABLE t (id int PRIMARY KEY, v hstore, n bigint NOT NULL DEFAULT 0, extra text)
