CREATE TABLE p (id serial PRIMARY KEY, code text NOT NULL, CONSTRAINT uq_p_code UNIQUE (code))

CREATE TABLE t (id serial PRIMARY KEY, p_id int REFERENCES p (id), n int, CONSTRAINT ck_t_n CHECK (n > 0), CONSTRAINT ex_t_n EXCLUDE USING btree (n WITH =))

COMMENT ON CONSTRAINT p_pkey ON p IS 'the key'

COMMENT ON CONSTRAINT uq_p_code ON p IS 'codes'

COMMENT ON CONSTRAINT t_p_id_fkey ON t IS 'its p'

COMMENT ON CONSTRAINT ck_t_n ON t IS 'positive'
