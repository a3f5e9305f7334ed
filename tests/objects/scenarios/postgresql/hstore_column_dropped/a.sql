-- covers: hstore/drop

CREATE EXTENSION IF NOT EXISTS hstore

CREATE TABLE t (id int PRIMARY KEY, v hstore, n int)

INSERT INTO t VALUES (1, 'a=>1', 2)
