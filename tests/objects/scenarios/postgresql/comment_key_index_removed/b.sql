CREATE TABLE r (id serial PRIMARY KEY, during int4range, CONSTRAINT ex_r_during EXCLUDE USING gist (during WITH &&))

COMMENT ON INDEX r_pkey IS 'the key'
