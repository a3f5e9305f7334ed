CREATE EXTENSION hstore VERSION '1.7'

CREATE TABLE t (id serial PRIMARY KEY, attrs hstore)
