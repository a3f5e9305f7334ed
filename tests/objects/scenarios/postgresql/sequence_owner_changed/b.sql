CREATE TABLE t (id int PRIMARY KEY, a bigint, b bigint)

CREATE SEQUENCE s OWNED BY t.b
