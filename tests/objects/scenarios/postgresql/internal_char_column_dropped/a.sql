-- covers: internal_char/drop

CREATE TABLE t (id serial PRIMARY KEY, c "char", cs "char"[])
