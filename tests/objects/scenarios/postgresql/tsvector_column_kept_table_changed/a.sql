-- covers: tsvector/table

CREATE TABLE t (id int PRIMARY KEY, v tsvector, n int)
