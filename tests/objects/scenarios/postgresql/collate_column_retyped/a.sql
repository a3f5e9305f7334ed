CREATE TABLE t (id serial PRIMARY KEY, name varchar(20) COLLATE "C", n integer)
