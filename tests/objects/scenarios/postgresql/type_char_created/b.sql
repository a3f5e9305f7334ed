CREATE TABLE t (id integer PRIMARY KEY, c char(2), c1 character, bp bpchar, cs char(3)[], n name)
