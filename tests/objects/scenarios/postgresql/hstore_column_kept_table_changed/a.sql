-- covers: hstore/table

CREATE EXTENSION IF NOT EXISTS hstore

CREATE TABLE t (id int PRIMARY KEY, v hstore, n int)
