CREATE TABLE t (id integer PRIMARY KEY, x integer, n varchar(10),
  at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)

INSERT INTO t (id, x, n) VALUES (1, 2, 'a')
