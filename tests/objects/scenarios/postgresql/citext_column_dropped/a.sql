-- covers: citext/drop

CREATE EXTENSION IF NOT EXISTS citext

CREATE TABLE t (id int PRIMARY KEY, v citext, n int)

INSERT INTO t VALUES (1, 'Ab', 2)
