-- covers: postgis/change

CREATE EXTENSION postgis

CREATE TABLE t (id serial PRIMARY KEY, g geometry(Point,4326), z geometry(Point), ga geometry(Point,4326)[], h geometry)
