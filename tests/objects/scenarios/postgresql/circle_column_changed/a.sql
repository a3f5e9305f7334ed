-- covers: circle/change

CREATE TABLE t (id int PRIMARY KEY, v text, n int)

INSERT INTO t VALUES (1, '<(1,2),3>', 2)
