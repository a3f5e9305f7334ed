CREATE TABLE t (id int PRIMARY KEY, a int, s int GENERATED ALWAYS AS (a * 2) STORED, note text)
