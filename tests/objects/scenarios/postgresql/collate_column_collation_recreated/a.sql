CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)

CREATE TABLE t (id serial PRIMARY KEY, name text COLLATE ci, other text COLLATE "C")

INSERT INTO t (name, other) VALUES ('a', 'b')
