CREATE TYPE pair AS (x integer, y text)

CREATE TABLE keep (id int PRIMARY KEY)

CREATE TABLE t (id int PRIMARY KEY, v pair NOT NULL, w pair)
