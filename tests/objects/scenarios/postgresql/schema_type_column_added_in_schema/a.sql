-- covers: schema/table, type/table

CREATE SCHEMA other

CREATE TYPE other.pair AS (l text, n integer)

CREATE TABLE other.u (id int PRIMARY KEY)
