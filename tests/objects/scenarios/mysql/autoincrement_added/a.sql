CREATE TABLE t (id int PRIMARY KEY, name text)

INSERT INTO t VALUES (1, 'a'), (7, 'b')
