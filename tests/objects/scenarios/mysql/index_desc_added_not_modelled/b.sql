-- a DESC index and a prefix index are listed as unmanaged (not modelled on MariaDB):
-- the upgrade cannot make them, and the comparison says so
CREATE TABLE t (id int PRIMARY KEY, a int, b varchar(50))

CREATE INDEX ix_t_a ON t (a DESC)

CREATE INDEX ix_t_b ON t (b(10))
