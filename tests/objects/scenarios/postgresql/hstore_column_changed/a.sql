-- covers: hstore/change

CREATE EXTENSION IF NOT EXISTS hstore

CREATE TABLE t (id int PRIMARY KEY, v text, n int)

INSERT INTO t VALUES (1, 'a=>1', 2)
