-- an enum column's own collation is not modelled: listed as unmanaged, the upgrade
-- cannot make it, and the comparison says so
CREATE TABLE t (id integer PRIMARY KEY, e enum('a', 'b') COLLATE utf8mb4_unicode_ci)
