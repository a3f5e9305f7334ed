CREATE TABLE t (id serial PRIMARY KEY, a integer, b integer, CONSTRAINT uq_t_a UNIQUE (a))

COMMENT ON INDEX uq_t_a IS 'exactly one per a'
