CREATE TABLE t (id serial PRIMARY KEY, k integer NOT NULL)
