-- covers: domain/change of its base type while a column uses it (PostgreSQL refuses
-- DROP DOMAIN then: the column goes to the old base type and back)

CREATE DOMAIN amount AS integer CHECK (VALUE >= 0)

CREATE TABLE t (id int PRIMARY KEY, a amount, b amount[])

INSERT INTO t VALUES (1, 5, '{1,2}')
