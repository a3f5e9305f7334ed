CREATE TABLE p (id integer PRIMARY KEY)

CREATE TABLE t (id serial PRIMARY KEY, pid integer, n integer)
