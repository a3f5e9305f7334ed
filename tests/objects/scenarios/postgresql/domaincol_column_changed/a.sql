-- covers: domaincol/change

CREATE DOMAIN posint AS integer CHECK (VALUE > 0)

CREATE TABLE t (id int PRIMARY KEY, v bigint, n int)

INSERT INTO t VALUES (1, 3, 2)
