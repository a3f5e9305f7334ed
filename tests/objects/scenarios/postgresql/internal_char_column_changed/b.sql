CREATE TABLE t (id serial PRIMARY KEY, c char(1), d "char", e text)
