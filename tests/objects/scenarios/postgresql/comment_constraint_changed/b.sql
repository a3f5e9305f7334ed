CREATE TABLE p (id serial PRIMARY KEY, code text NOT NULL, CONSTRAINT uq_p_code UNIQUE (code))

CREATE TABLE t (id serial PRIMARY KEY, p_id int REFERENCES p (id), n int, CONSTRAINT ck_t_n CHECK (n > 0), CONSTRAINT ex_t_n EXCLUDE USING btree (n WITH =))

COMMENT ON CONSTRAINT p_pkey ON p IS 'the p''s key'

COMMENT ON CONSTRAINT t_p_id_fkey ON t IS 'the p: 50% :x'

COMMENT ON CONSTRAINT ex_t_n ON t IS 'one n each'

COMMENT ON CONSTRAINT t_pkey ON t IS 'a t'
