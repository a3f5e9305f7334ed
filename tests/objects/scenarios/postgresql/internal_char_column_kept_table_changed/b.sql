CREATE TABLE t (id serial PRIMARY KEY, c "char" NOT NULL, n integer)
