-- covers: postgis/create

CREATE EXTENSION postgis

CREATE TABLE t (id serial PRIMARY KEY)
