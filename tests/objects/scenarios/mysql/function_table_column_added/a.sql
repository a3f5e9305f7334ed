-- covers: function/table

CREATE TABLE t (id int PRIMARY KEY, n int)

CREATE FUNCTION total() RETURNS bigint READS SQL DATA
RETURN (SELECT COALESCE(SUM(n), 0) FROM t)
