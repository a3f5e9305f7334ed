-- covers: routine/table

CREATE TABLE t (id int PRIMARY KEY, n int)

CREATE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN 2 * x

CREATE SEQUENCE s
