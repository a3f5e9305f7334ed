CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)

COMMENT ON COLLATION ci IS 'case-insensitive'

CREATE TABLE t (id serial PRIMARY KEY, name text COLLATE ci, n integer)
