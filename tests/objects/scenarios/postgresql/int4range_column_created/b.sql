CREATE TABLE keep (id int PRIMARY KEY)

CREATE TABLE t (id int PRIMARY KEY, v int4range NOT NULL, w int4range)
