-- the table changes underneath a collated column (NOT NULL, a default: MODIFY rewrites
-- the whole column): it keeps its collation
CREATE TABLE t (id integer PRIMARY KEY, name varchar(20) COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT 'n', extra integer, code text COLLATE utf8mb4_unicode_ci)
