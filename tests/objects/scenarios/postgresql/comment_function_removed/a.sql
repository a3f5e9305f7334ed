CREATE TABLE t (id serial PRIMARY KEY, n int)

CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.n := NEW.n + 1; RETURN NEW; END $$

COMMENT ON FUNCTION bump() IS 'bumps'
