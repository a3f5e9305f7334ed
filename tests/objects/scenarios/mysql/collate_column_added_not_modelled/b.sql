-- a column's own collation is listed as unmanaged (not modelled): the upgrade
-- cannot make it, and the comparison says so
CREATE TABLE t (id integer PRIMARY KEY, name varchar(20) COLLATE utf8mb4_unicode_ci)
