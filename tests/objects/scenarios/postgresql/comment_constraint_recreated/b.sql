CREATE TABLE t (id serial PRIMARY KEY, n int, m int, CONSTRAINT ck_t_n CHECK (n > 1), CONSTRAINT uq_t_n UNIQUE (n, m))

COMMENT ON CONSTRAINT ck_t_n ON t IS 'above one'

COMMENT ON CONSTRAINT uq_t_n ON t IS 'one n each'
