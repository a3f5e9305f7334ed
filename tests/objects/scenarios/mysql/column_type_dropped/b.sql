-- the columns of such types dropped
CREATE TABLE t (id integer PRIMARY KEY)
