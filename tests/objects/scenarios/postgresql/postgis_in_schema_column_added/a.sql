-- covers: postgis/table, extension/table

CREATE SCHEMA gis

CREATE EXTENSION postgis SCHEMA gis

CREATE TABLE t (id serial PRIMARY KEY)
