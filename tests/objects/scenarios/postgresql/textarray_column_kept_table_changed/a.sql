-- covers: textarray/table

CREATE TABLE t (id int PRIMARY KEY, v text[], n int)
