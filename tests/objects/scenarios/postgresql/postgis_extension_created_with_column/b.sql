CREATE EXTENSION postgis

CREATE TABLE t (id serial PRIMARY KEY, g geometry(Point,4326), ga geometry(Point,4326)[])
