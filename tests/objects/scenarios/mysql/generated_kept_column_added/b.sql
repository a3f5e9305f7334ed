CREATE TABLE t (id int PRIMARY KEY, a int, s int AS (a * 2) STORED, note varchar(20) NOT NULL DEFAULT 'n')
