CREATE TABLE t (id int PRIMARY KEY)

CREATE FUNCTION label(x int, prefix varchar(10)) RETURNS varchar(40) DETERMINISTIC NO SQL
RETURN CONCAT(prefix, ': ', x, ' (100%)')
