CREATE EXTENSION postgis

CREATE DOMAIN place AS geometry(Point,3857)

CREATE TABLE t (id serial PRIMARY KEY, p place)
