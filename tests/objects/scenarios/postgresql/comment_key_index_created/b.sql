CREATE TABLE t0 (id serial PRIMARY KEY)

CREATE SCHEMA other

CREATE TABLE other."T" ("Id" integer CONSTRAINT "T pk" PRIMARY KEY, a integer CONSTRAINT "Uq A" UNIQUE)

COMMENT ON INDEX other."T pk" IS 'it''s the key'

COMMENT ON INDEX other."Uq A" IS 'unique a'

COMMENT ON CONSTRAINT "Uq A" ON other."T" IS 'the constraint'
