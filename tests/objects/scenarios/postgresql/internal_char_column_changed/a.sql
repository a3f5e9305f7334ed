CREATE TABLE t (id serial PRIMARY KEY, c "char", d char(1), e "char")
