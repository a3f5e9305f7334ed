CREATE TABLE t (id serial PRIMARY KEY)

CREATE SCHEMA other

CREATE TYPE other."Pair" AS ("X" integer, y text)

COMMENT ON COLUMN other."Pair"."X" IS 'it''s first'
