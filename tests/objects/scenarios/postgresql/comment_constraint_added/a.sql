CREATE TABLE t (id serial PRIMARY KEY, code text NOT NULL, CONSTRAINT ck_t_code CHECK (code <> ''))

CREATE INDEX ix_t_code ON t (code)

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$
