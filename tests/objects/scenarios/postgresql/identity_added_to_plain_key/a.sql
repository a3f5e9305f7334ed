CREATE TABLE t (id int PRIMARY KEY, name text)

INSERT INTO t VALUES (3, 'a'), (9, 'b')
