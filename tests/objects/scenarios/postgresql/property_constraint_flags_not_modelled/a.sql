CREATE TABLE p (a integer, b integer, PRIMARY KEY (a, b))

CREATE TABLE t (id serial PRIMARY KEY, a integer, b integer, c integer)
