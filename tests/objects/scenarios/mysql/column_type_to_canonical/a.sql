CREATE TABLE t (id integer PRIMARY KEY, c char(3), f float, tx mediumtext, bn varbinary(8))

INSERT INTO t (id, c, f, tx) VALUES (1, 'abc', 1.5, 'text')
