-- the table changes underneath a collated column (rebuilt): it keeps its collation
CREATE TABLE t (id integer PRIMARY KEY, name text COLLATE NOCASE NOT NULL DEFAULT 'n', extra integer, code text COLLATE NOCASE)
