CREATE TABLE t (id serial PRIMARY KEY, code text NOT NULL, n int)

CREATE INDEX ix_t_code ON t (code)

CREATE INDEX ix_t_n ON t (n)

COMMENT ON INDEX ix_t_code IS 'codes'

COMMENT ON INDEX ix_t_n IS 'goes'
