-- a column's own collation is modelled (collation:): MODIFY COLUMN with the whole
-- definition (the default, NOT NULL and comment kept)
CREATE TABLE t (id integer PRIMARY KEY, name varchar(20) COLLATE utf8mb4_unicode_ci, code varchar(10) COLLATE utf8mb4_general_ci NOT NULL DEFAULT 'x' COMMENT 'the code')
