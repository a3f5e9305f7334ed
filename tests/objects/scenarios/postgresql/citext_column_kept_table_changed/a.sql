-- covers: citext/table

CREATE EXTENSION IF NOT EXISTS citext

CREATE TABLE t (id int PRIMARY KEY, v citext, n int)
