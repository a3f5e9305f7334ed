-- an IGNORED index (MariaDB 10.6+) that SQLAlchemy's reflection skips is listed
CREATE TABLE t (id integer PRIMARY KEY, x integer, KEY ix_x (x) IGNORED)
