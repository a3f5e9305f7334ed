-- covers: textarray/change

CREATE TABLE t (id int PRIMARY KEY, v varchar(20)[], n int)

INSERT INTO t VALUES (1, '{a,b}', 2)
