-- a column with a default gains ON UPDATE: the whole column is rewritten
CREATE TABLE t (id integer PRIMARY KEY, at datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)

INSERT INTO t (id) VALUES (1)
