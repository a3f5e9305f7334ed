-- covers: extension/table

CREATE SCHEMA ext

CREATE EXTENSION citext SCHEMA ext

CREATE TABLE t (id int PRIMARY KEY)
