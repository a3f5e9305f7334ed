-- the table changes under a kept ON UPDATE column: a type change, a new column, a
-- comment and NOT NULL on the column itself (each MODIFY keeps its ON UPDATE)
CREATE TABLE t (id integer PRIMARY KEY, x bigint, n varchar(10) NOT NULL, y integer,
  at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP COMMENT 'touched')

INSERT INTO t (id, x, n) VALUES (1, 2, 'a')
