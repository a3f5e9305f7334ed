CREATE EXTENSION hstore

CREATE TABLE t (id serial PRIMARY KEY, attrs hstore NOT NULL, extra hstore)
