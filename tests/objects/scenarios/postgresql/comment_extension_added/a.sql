CREATE EXTENSION citext

CREATE TABLE t (id serial PRIMARY KEY, name citext)
