CREATE EXTENSION postgis

CREATE TABLE t (id serial PRIMARY KEY, g geometry(Point,3857), z geometry(Polygon), ga geometry(MultiPoint,4326)[], h geometry(Point,4326))
