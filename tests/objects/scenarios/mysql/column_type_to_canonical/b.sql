-- each type becomes the canonical type nearest it (char -> varchar, float -> double ...)
CREATE TABLE t (id integer PRIMARY KEY, c varchar(3), f double, tx text, bn blob)

INSERT INTO t (id, c, f, tx) VALUES (1, 'abc', 1.5, 'text')
