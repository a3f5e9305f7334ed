-- covers: bit/drop

CREATE TABLE t (id int PRIMARY KEY, flags bit(3), n int)

INSERT INTO t VALUES (1, B'101', 2)
