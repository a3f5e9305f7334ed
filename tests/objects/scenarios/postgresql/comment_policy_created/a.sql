CREATE TABLE t (id serial PRIMARY KEY, owner text)
