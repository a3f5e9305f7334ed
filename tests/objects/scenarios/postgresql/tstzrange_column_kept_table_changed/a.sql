-- covers: tstzrange/table

CREATE TABLE t (id int PRIMARY KEY, v tstzrange, n int)
