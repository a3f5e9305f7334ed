-- the column's collation is one the snapshot creates: it comes first (and goes after)
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)

CREATE TABLE t (id serial PRIMARY KEY, name text COLLATE ci)
