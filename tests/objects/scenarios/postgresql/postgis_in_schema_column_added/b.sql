CREATE SCHEMA gis

CREATE EXTENSION postgis SCHEMA gis

CREATE TABLE t (id serial PRIMARY KEY, g gis.geometry(Point,4326), ga gis.geography(Point)[])
