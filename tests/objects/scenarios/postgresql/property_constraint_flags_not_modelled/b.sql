CREATE TABLE p (a integer, b integer, PRIMARY KEY (a, b))

CREATE TABLE t (id serial PRIMARY KEY, a integer, b integer, c integer, CONSTRAINT uq_t_c UNIQUE NULLS NOT DISTINCT (c), CONSTRAINT fk_t_p FOREIGN KEY (a, b) REFERENCES p ON DELETE SET NULL (b), CONSTRAINT ck_t_c CHECK (c > 0) NO INHERIT)
