CREATE TABLE p (id bigint PRIMARY KEY)

CREATE TABLE t (id serial PRIMARY KEY, p_id bigint CONSTRAINT fk_t_p REFERENCES p (id))

COMMENT ON CONSTRAINT p_pkey ON p IS 'the key'

COMMENT ON CONSTRAINT fk_t_p ON t IS 'its p'
