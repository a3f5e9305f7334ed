CREATE TABLE t (id serial PRIMARY KEY, a integer, b integer, CONSTRAINT uq_t_a UNIQUE (a))

COMMENT ON INDEX t_pkey IS 'the key''s index: 100%'
