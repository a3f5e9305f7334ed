-- covers: routine/drop

CREATE TABLE t (id int PRIMARY KEY)

CREATE FUNCTION twice(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT 2 * x $$

CREATE PROCEDURE tidy() LANGUAGE sql AS $$ DELETE FROM t WHERE id < 0 $$
