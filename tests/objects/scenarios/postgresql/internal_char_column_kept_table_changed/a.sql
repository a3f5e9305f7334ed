-- covers: internal_char/table

CREATE TABLE t (id serial PRIMARY KEY, c "char")
