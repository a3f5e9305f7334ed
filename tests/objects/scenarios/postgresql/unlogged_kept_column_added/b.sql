CREATE UNLOGGED TABLE t (id int PRIMARY KEY, n text, m int)
