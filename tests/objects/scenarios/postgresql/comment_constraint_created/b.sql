CREATE TABLE p (id serial PRIMARY KEY, code text, CONSTRAINT uq_p_code UNIQUE (code))

CREATE TABLE t (id serial PRIMARY KEY, p_id int CONSTRAINT fk_t_p REFERENCES p (id), n int CONSTRAINT ck_t_n CHECK (n > 0), CONSTRAINT ex_t_n EXCLUDE USING btree (n WITH =))

COMMENT ON CONSTRAINT uq_p_code ON p IS 'codes'

COMMENT ON CONSTRAINT t_pkey ON t IS 'a new key'

COMMENT ON CONSTRAINT fk_t_p ON t IS 'its p'

COMMENT ON CONSTRAINT ck_t_n ON t IS 'positive'

COMMENT ON CONSTRAINT ex_t_n ON t IS 'one n each'
