CREATE TABLE t (id serial PRIMARY KEY, n int, m int, CONSTRAINT ck_t_n CHECK (n > 0), CONSTRAINT uq_t_n UNIQUE (n))

COMMENT ON CONSTRAINT ck_t_n ON t IS 'positive'

COMMENT ON CONSTRAINT uq_t_n ON t IS 'one n each'
