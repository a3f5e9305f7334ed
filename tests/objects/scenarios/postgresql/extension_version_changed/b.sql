CREATE EXTENSION hstore VERSION '1.8'

CREATE TABLE t (id serial PRIMARY KEY, attrs hstore)
