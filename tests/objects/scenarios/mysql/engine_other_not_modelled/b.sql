-- a table of another ENGINE is listed as unmanaged (not modelled): the upgrade
-- creates an InnoDB table, and the comparison says so
CREATE TABLE t (id integer PRIMARY KEY, x integer, y integer) ENGINE=Aria
