-- a column's own collation is modelled (collation:): set in place, its type kept
CREATE TABLE t (id serial PRIMARY KEY, name text COLLATE "C", code varchar(20) COLLATE "POSIX" NOT NULL DEFAULT 'x')
