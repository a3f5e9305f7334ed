CREATE TABLE keep (id int PRIMARY KEY)

CREATE TABLE t (id int PRIMARY KEY, v int[] NOT NULL, w int[])
