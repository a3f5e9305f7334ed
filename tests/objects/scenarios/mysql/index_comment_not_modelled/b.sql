-- an index's comment is listed as unmanaged (the index is modelled, not its comment)
CREATE TABLE t (id integer PRIMARY KEY, x integer, KEY ix_x (x) COMMENT 'by x')
