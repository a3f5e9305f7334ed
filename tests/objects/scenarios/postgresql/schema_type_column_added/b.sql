CREATE SCHEMA other

CREATE TYPE other.pair AS (l text, n integer)

CREATE TABLE t (id int PRIMARY KEY, p other.pair)
