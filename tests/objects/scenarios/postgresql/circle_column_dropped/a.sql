-- covers: circle/drop

CREATE TABLE t (id int PRIMARY KEY, v circle, n int)

INSERT INTO t VALUES (1, '<(1,2),3>', 2)
