CREATE TABLE t (id serial PRIMARY KEY, name text, code varchar(20) NOT NULL DEFAULT 'x')
