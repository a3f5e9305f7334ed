CREATE SCHEMA other

CREATE COLLATION other."Ci" (provider = icu, locale = 'und-u-ks-level2', deterministic = false)

COMMENT ON COLLATION other."Ci" IS 'it''s case-insensitive'

CREATE TABLE t (id serial PRIMARY KEY)
