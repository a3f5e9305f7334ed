-- covers: collation/table

CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)

CREATE DOMAIN email AS text COLLATE ci

CREATE TABLE t (id serial PRIMARY KEY, e email)
