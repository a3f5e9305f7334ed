-- covers: internal_char/change

CREATE TABLE t (id serial PRIMARY KEY, c "char", d char(1), e "char")
