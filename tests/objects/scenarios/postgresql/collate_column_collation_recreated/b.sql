-- the collation a column uses is re-created (no ALTER COLLATION of its locale): the
-- column leaves it before the drop and takes it again after the create
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level1', deterministic = false)

CREATE TABLE t (id serial PRIMARY KEY, name text COLLATE ci, other text COLLATE "C")
