CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)

CREATE TABLE t (id serial PRIMARY KEY, name text COLLATE ci, code varchar(10) COLLATE "C")
