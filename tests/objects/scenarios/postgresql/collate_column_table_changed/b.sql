-- the table changes underneath a collated column: it keeps its collation
CREATE TABLE t (id serial PRIMARY KEY, name text COLLATE "C" NOT NULL DEFAULT 'n', extra integer, code text COLLATE "C")
