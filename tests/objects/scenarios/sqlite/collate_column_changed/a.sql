CREATE TABLE t (id integer PRIMARY KEY, name text COLLATE NOCASE)

INSERT INTO t (id, name) VALUES (1, 'a')
