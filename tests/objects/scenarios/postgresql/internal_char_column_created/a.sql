-- covers: internal_char/create

CREATE TABLE t (id serial PRIMARY KEY)
