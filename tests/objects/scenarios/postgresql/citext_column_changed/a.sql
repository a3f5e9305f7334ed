-- covers: citext/change

CREATE EXTENSION IF NOT EXISTS citext

CREATE TABLE t (id int PRIMARY KEY, v varchar(80), n int)

INSERT INTO t VALUES (1, 'Ab', 2)
